"""Random identifiers and secret tokens: alphabet, length and hashing in one place."""

import hashlib
import hmac
import re
import secrets

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
PASTE_ID_LENGTH = 10  # 62**10 ≈ 8e17: unguessable for unlisted links at any realistic rate
PASTE_ID_RE = re.compile(r"[A-Za-z0-9]{8,32}")
TOKEN_BYTES = 32


def new_paste_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(PASTE_ID_LENGTH))


def is_paste_id(value: str) -> bool:
    """Shape check before any lookup, so path tricks never reach the store."""
    return PASTE_ID_RE.fullmatch(value) is not None


def new_token() -> str:
    """A high-entropy bearer secret (manage tokens, API keys). Never one that starts with "-":
    a command line reads `--api-key -x…` as an option, and 1 draw in 64 did (the cost is a
    fraction of a bit of its 256)."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


def hash_token(token: str) -> bytes:
    """SHA-256 is enough for 256-bit random tokens (no dictionary to attack)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def token_matches(token: str, stored_hash: bytes | None) -> bool:
    if not stored_hash or not token:
        return False
    return hmac.compare_digest(hash_token(token), stored_hash)
