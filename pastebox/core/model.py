"""Records that cross layers: frozen dataclasses with no I/O."""

import codecs
import functools
from dataclasses import dataclass, field

EXPOSURES = ("public", "unlisted", "private")
UTF8_CHECK_BYTES = 256 * 1024


@dataclass(frozen=True)
class NewFile:
    name: str
    content: bytes
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
class PasteFile:
    position: int
    name: str
    language: str | None
    content: bytes
    size: int

    @functools.cached_property
    def is_text(self) -> bool:
        """Whether the content is UTF-8, checked a slice at a time: decoding a large file whole
        only to ask would hold up to four times its size in memory. Asked several times a
        request, answered once."""
        if len(self.content) <= UTF8_CHECK_BYTES:
            try:
                self.content.decode("utf-8")
            except UnicodeDecodeError:
                return False
            return True
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(self.content)
        try:
            for start in range(0, len(view), UTF8_CHECK_BYTES):
                decoder.decode(view[start : start + UTF8_CHECK_BYTES])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


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


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user (API key), a manage-token holder, both or neither."""

    user_id: int | None = None
    manage_token: str | None = None
    client: str = ""  # the client address, for throttling


ANONYMOUS = Actor()
