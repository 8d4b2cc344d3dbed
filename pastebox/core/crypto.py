"""pynacl in one place: the argon2id KDF behind a small gate, sealing password pastes with
XChaCha20-Poly1305, the end-to-end (SecretBox) wire format, and account password hashes.

Nothing here stores or logs anything; callers decide what reaches the disk.
"""

import base64
import binascii
import contextlib
import functools
import json
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.pwhash import argon2id

from pastebox.limits import Slots

SEAL_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = argon2id.SALTBYTES  # 16
# INTERACTIVE: 64 MiB and about 70 ms here. Never the library default (1 GiB).
KDF_OPSLIMIT = argon2id.OPSLIMIT_INTERACTIVE
KDF_MEMLIMIT = argon2id.MEMLIMIT_INTERACTIVE
# Bounds on parameters read back from a stored record, so a damaged row cannot ask for 4 GiB.
MAX_KDF_OPSLIMIT = 16
MAX_KDF_MEMLIMIT = 256 * 1024 * 1024
E2EE_NONCE_BYTES = nacl.secret.SecretBox.NONCE_SIZE  # 24
E2EE_KEY_CHARS = 43  # base64url of 32 bytes, unpadded
KDF_BUSY = "the server is busy checking other passwords; try again shortly"
KDF_RETRY_SECONDS = 2


class OpenFailed(Exception):
    """Wrong key or password, or damaged ciphertext: the two are indistinguishable by design."""


# -- the gate: argon2 costs 64 MiB and ~70 ms of a core; a few at a time -------------------------


class KdfGate:
    """A bounded semaphore around memory-hard hashing: `slots` run at once, at most `queue` more
    wait (each for at most `wait` seconds) and the rest are told at once to come back (503 +
    Retry-After): waiting requests hold server threads, so the queue stays short."""

    def __init__(
        self,
        slots: int = 2,
        wait: float = 2.0,
        pause: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext,
        queue: int = 2,
    ):
        self.slots = slots
        self.wait = wait
        self.queue = queue
        # Entered around the wait and the hash: the server passes its write gate's `paused`, so
        # a password paste being created does not hold up every other write for ~70 ms.
        self._pause = pause
        self._slots = Slots(slots, queue, wait, KDF_BUSY, retry_after=KDF_RETRY_SECONDS)
        self._held = threading.local()  # this thread's exit stack while inside the gate

    def __enter__(self) -> "KdfGate":
        stack = contextlib.ExitStack()
        with stack:
            stack.enter_context(self._pause())
            stack.enter_context(self._slots)
            self._held.stack = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self._held.stack.close()


# -- password pastes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KdfParams:
    """How a sealed record's key was derived; stored beside it (never the password or a hash)."""

    salt: bytes
    opslimit: int = KDF_OPSLIMIT
    memlimit: int = KDF_MEMLIMIT
    version: int = SEAL_VERSION

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": self.version,
                "kdf": "argon2id",
                "ops": self.opslimit,
                "mem": self.memlimit,
                "salt": b64url(self.salt),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> "KdfParams":
        try:
            record = json.loads(text)
            params = cls(
                salt=b64url_decode(record["salt"]),
                opslimit=int(record["ops"]),
                memlimit=int(record["mem"]),
                version=int(record["v"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise OpenFailed("unreadable key parameters") from exc
        if (
            record.get("kdf") != "argon2id"
            or params.version != SEAL_VERSION
            or len(params.salt) != SALT_BYTES
            or not 1 <= params.opslimit <= MAX_KDF_OPSLIMIT
            or not 8192 <= params.memlimit <= MAX_KDF_MEMLIMIT
        ):
            raise OpenFailed("unsupported key parameters")
        return params


def new_kdf_params() -> KdfParams:
    return KdfParams(salt=nacl.utils.random(SALT_BYTES))


def derive_key(password: str, params: KdfParams, gate: KdfGate) -> bytes:
    """The 32-byte key of `password` under `params`, computed inside the gate."""
    with gate:
        return argon2id.kdf(
            KEY_BYTES,
            password.encode("utf-8", "surrogatepass"),
            params.salt,
            opslimit=params.opslimit,
            memlimit=params.memlimit,
        )


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """XChaCha20-Poly1305: nonce(24) ‖ ciphertext ‖ tag, bound to `associated` (the paste id)."""
    return bytes(nacl.secret.Aead(key).encrypt(plaintext, associated))


def unseal(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    try:
        return nacl.secret.Aead(key).decrypt(sealed, associated)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise OpenFailed("wrong password or damaged content") from exc


# -- end-to-end encrypted pastes: the wire format any client can implement ----------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Unpadded (or padded) base64url; ValueError for anything else."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url")
    stripped = text.rstrip("=")
    if any(c in "+/" for c in stripped):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def new_e2ee_key() -> bytes:
    return nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)


def e2ee_seal(key: bytes, record: dict[str, Any]) -> str:
    """base64url(nonce ‖ SecretBox(UTF-8 JSON of `record`)): what the server stores."""
    plaintext = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b64url(bytes(nacl.secret.SecretBox(key).encrypt(plaintext)))


def e2ee_open(key: bytes, content: str) -> dict[str, Any]:
    """The record sealed in `content`; OpenFailed for a wrong key or damaged content."""
    try:
        data = b64url_decode(content.strip())
        plaintext = nacl.secret.SecretBox(key).decrypt(data)
        record = json.loads(plaintext.decode("utf-8"))
    except (ValueError, RecursionError, nacl.exceptions.CryptoError) as exc:
        raise OpenFailed("wrong key or damaged content") from exc
    if not isinstance(record, dict):
        raise OpenFailed("the sealed record is not an object")
    return record


def e2ee_key_from_fragment(fragment: str) -> bytes:
    """The key in a link's #fragment (43 base64url characters); ValueError otherwise."""
    if len(fragment) != E2EE_KEY_CHARS:
        raise ValueError("an end-to-end key is 43 base64url characters")
    key = b64url_decode(fragment)
    if len(key) != KEY_BYTES:
        raise ValueError("an end-to-end key is 32 bytes")
    return key


# -- account passwords ---------------------------------------------------------------------------


def hash_password(password: str, gate: KdfGate) -> bytes:
    """argon2id string hash (salt and parameters inside) for an account password."""
    with gate:
        return nacl.pwhash.argon2id.str(
            password.encode("utf-8", "surrogatepass"),
            opslimit=KDF_OPSLIMIT,
            memlimit=KDF_MEMLIMIT,
        )


def check_password(password: str, stored: bytes | None, gate: KdfGate) -> bool:
    """Whether `password` matches; a missing hash costs the same time (no user enumeration)."""
    with gate:
        try:
            return nacl.pwhash.verify(
                stored or _dummy_hash(), password.encode("utf-8", "surrogatepass")
            ) and bool(stored)
        except nacl.exceptions.InvalidkeyError:
            return False


@functools.cache
def _dummy_hash() -> bytes:
    return nacl.pwhash.argon2id.str(b"no account", opslimit=KDF_OPSLIMIT, memlimit=KDF_MEMLIMIT)
