"""Records that cross layers: frozen dataclasses with no I/O."""

import codecs
import functools
from dataclasses import dataclass, field

EXPOSURES = ("public", "unlisted", "private")
UTF8_CHECK_BYTES = 256 * 1024


def is_utf8(data: bytes | memoryview) -> bool:
    """Whether the bytes are UTF-8, checked a slice at a time: decoding a large file whole only
    to ask holds up to four times its size, and a failed decode of binary bytes twice it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), UTF8_CHECK_BYTES):
            decoder.decode(view[start : start + UTF8_CHECK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def utf8_text(data: bytes | memoryview) -> str | None:
    """The bytes as text when they are UTF-8, else None (a large file checked first, so bytes
    that are not text never cost a failed decode of their whole size)."""
    if len(data) > UTF8_CHECK_BYTES and not is_utf8(data):
        return None
    try:
        return str(data, "utf-8")  # bytes or a view of an upload's buffer alike
    except UnicodeDecodeError:
        return None


@dataclass(frozen=True)
class NewFile:
    name: str
    content: bytes | memoryview  # a view of an upload's body buffer, passed on uncopied
    language: str | None = None  # None: decide from name/content, later guessed at render time


@dataclass(frozen=True)
class NewPaste:
    files: tuple[NewFile, ...]
    title: str = ""
    ttl: int | None = None  # seconds; None = the configured default; 0 = never expires
    burn: bool = False
    exposure: str = "unlisted"
    is_e2ee: bool = False
    owner_id: int | None = None
    password: str | None = None  # seal title, names, languages and content under it


@dataclass(frozen=True)
class FileRow:
    """A file as the store writes it; `text` is set when the bytes are UTF-8 (and so searchable)."""

    name: str
    language: str | None
    content: bytes
    text: str | None


@dataclass(frozen=True)
class PasteFile:
    position: int
    name: str
    language: str | None
    content: bytes
    size: int

    @classmethod
    def decoded(
        cls, position: int, name: str, language: str | None, content: bytes, text: str | None
    ) -> "PasteFile":
        """A file whose bytes were decoded already (`text`, None when they are not UTF-8), so
        that is_text and text do not decode them again."""
        made = cls(position, name, language, content, len(content))
        made.__dict__["_utf8"] = text  # what the cached_property would have computed
        return made

    @functools.cached_property
    def _utf8(self) -> str | None:
        """The content decoded whole, once; None when it is not UTF-8."""
        try:
            return str(self.content, "utf-8")
        except UnicodeDecodeError:
            return None

    @functools.cached_property
    def is_text(self) -> bool:
        """Whether the content is UTF-8. A large file not decoded yet is checked a slice at a
        time: decoding it whole only to ask would hold up to four times its size in memory."""
        if "_utf8" in self.__dict__ or len(self.content) <= UTF8_CHECK_BYTES:
            return self._utf8 is not None
        return is_utf8(self.content)

    @functools.cached_property
    def text(self) -> str:
        """The content as text (bytes that are not UTF-8 replaced), decoded once."""
        if self._utf8 is not None:
            return self._utf8
        return str(self.content, "utf-8", "replace")


@dataclass(frozen=True)
class Paste:
    id: str
    title: str
    created_at: float
    updated_at: float
    expires_at: float | None
    burn: bool
    exposure: str
    is_e2ee: bool
    owner_id: int | None
    views: int
    revision: int
    files: tuple[PasteFile, ...] = field(default=())
    seal: str | None = None  # key-derivation parameters of a password-protected paste
    locked: bool = False  # True while `files` is the one sealed record and `title` is empty
    # The hash of the anonymous maker's manage token (read with the paste, so checking a
    # token costs no second read); never shown, never compared.
    manage_hash: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def protected(self) -> bool:
        """Password-protected: readable only with the password, never cached or indexed."""
        return self.seal is not None


@dataclass(frozen=True)
class PasteSummary:
    """A listing row: everything but the contents."""

    id: str
    title: str
    created_at: float
    expires_at: float | None
    exposure: str
    burn: bool
    language: str | None
    size: int


@dataclass(frozen=True)
class Tombstone:
    """What the store keeps of a paste that was burned, expired or deleted (never its content):
    a private one's owner and token hash, so that it is told to them and no one else."""

    reason: str  # 'burned', 'expired' or 'deleted'
    private: bool
    owner_id: int | None = None
    manage_hash: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Created:
    """What a create returns: the paste and, for anonymous creators, the manage token (shown once)."""

    paste: Paste
    manage_token: str | None


@dataclass(frozen=True)
class Revision:
    number: int
    title: str
    created_at: float
    files: tuple[PasteFile, ...]


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    file_name: str
    language: str | None
    snippet: str
    created_at: float
    exposure: str


@dataclass(frozen=True)
class User:
    id: int
    name: str
    created_at: float


@dataclass(frozen=True)
class ApiKey:
    """A key as its owner's settings page lists it: never the key, which is stored hashed."""

    id: int
    label: str
    created_at: float


@dataclass(frozen=True)
class Purged:
    """What one purge batch deleted."""

    pastes: int
    unindexed: int  # search rows removed
    tombstones: int


@dataclass(frozen=True)
class SweepResult:
    expired: int
    burned: int
    fts_optimized: bool
    checkpointed: bool
    rooms: int = 0  # expired rooms purged (with their files and keys)


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user (API key), a manage-token holder, both or neither."""

    user_id: int | None = None
    manage_token: str | None = None
    client: str = ""  # the client address, for throttling


ANONYMOUS = Actor()


# -- rooms: a shared clipboard between devices (core/rooms.py) ------------------------------------


@dataclass(frozen=True)
class Room:
    id: str
    has_pin: bool
    created_at: float
    expires_at: float
    content: str  # the current text
    content_at: float
    version: int  # bumped by every change (content, item): the poll's ETag
    pin_hash: str | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class RoomItem:
    """One entry of a room's feed: a text sent or a file uploaded."""

    id: int
    kind: str  # 'text' | 'file'
    created_at: float
    device: str
    size: int
    text: str | None  # a text item's text
    name: str  # a file's cleaned name ('' for a text)
    media_type: str  # a file's sniffed type; 'text/plain; charset=utf-8' for a text
    file_key: str | None  # a file's unguessable URL key


@dataclass(frozen=True)
class RoomFile:
    name: str
    media_type: str
    size: int
    content: bytes


@dataclass(frozen=True)
class RoomPass:
    """What a request brings to a room (built by web/room_access.py)."""

    pin: str | None = field(default=None, repr=False)
    device_token: str | None = field(default=None, repr=False)
    invite: str | None = field(default=None, repr=False)
    client: str = ""  # limits.client_key of the address: per-client throttles
    device: str = ""  # the device's chosen name, shown in the feed (<= 64 chars)
    device_id: str = ""  # a stable id of the device, for deviceCount
    # The device asks to stay (a browser's join): a right PIN gives it a device token. A script
    # that sends the PIN with every call gets none, so it can never push out members' tokens.
    joins: bool = False


@dataclass(frozen=True)
class Entered:
    """Proof of access to a room; only rooms.enter and rooms.create make one."""

    room: Room
    who: RoomPass
    # A NEW token to hand this device (it just joined a PIN room by PIN or invite), else None.
    device_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class CreatedRoom:
    entered: Entered
    invite: str | None = field(default=None, repr=False)  # join token for the link (PIN rooms)


@dataclass(frozen=True)
class NewRoomItem:
    """An item as the store writes it (core/rooms.py builds it)."""

    kind: str
    device: str
    name: str
    media_type: str
    content: bytes | memoryview  # a memoryview reaches SQLite without a copy
    size: int
    file_key: str | None = None


@dataclass(frozen=True)
class RoomActivity:
    """What a change does to its room: expires_at = min(now + idle, created_at + max_ttl), and
    the feed keeps its newest items within `keep_items` and `keep_bytes`."""

    now: float
    idle: float
    max_ttl: float
    keep_items: int
    keep_bytes: int
