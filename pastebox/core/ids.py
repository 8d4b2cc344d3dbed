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


# -- rooms: ids typed on a phone, keys in their URLs -----------------------------------------------

# No 0/o, 1/l/i: nothing a reader can mistake. 31**10 ≈ 8.2e14 ids; misses are throttled per client.
ROOM_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
ROOM_ID_LENGTH = 10
ROOM_ID_GROUP = 5  # shown as two groups of five: abcde-fghjk
MAX_ROOM_ID_INPUT = 64  # longer text is no room id, however many dashes it has
FILE_KEY_BYTES = 18  # 144 bits: a file's URL key (the room's PIN or device token guards it too)
_ROOM_ID_RE = re.compile(f"[{ROOM_ALPHABET}]{{{ROOM_ID_LENGTH}}}")


def new_room_id() -> str:
    return "".join(secrets.choice(ROOM_ALPHABET) for _ in range(ROOM_ID_LENGTH))


def normalize_room_id(text: object) -> str | None:
    """The bare 10-character id in what someone typed (any case, with dashes or spaces), or
    None when it is not a room id."""
    if not isinstance(text, str) or len(text) > MAX_ROOM_ID_INPUT or not text.isascii():
        return None
    bare = text.replace("-", "").replace(" ", "").lower()
    return bare if _ROOM_ID_RE.fullmatch(bare) else None


def show_room_id(room_id: str) -> str:
    """abcdefghjk -> abcde-fghjk, the form people read and type."""
    return room_id[:ROOM_ID_GROUP] + "-" + room_id[ROOM_ID_GROUP:]


def new_file_key() -> str:
    return secrets.token_urlsafe(FILE_KEY_BYTES)
