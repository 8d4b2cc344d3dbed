"""What a paste's fields may be: titles, file names, languages, exposure, passwords and time to
live, each checked (or refused with Invalid naming the field) before anything is stored."""

import unicodedata

from pastebox import render
from pastebox.config import Config
from pastebox.core.errors import Invalid, excerpt
from pastebox.core.model import EXPOSURES

MAX_TITLE_CHARS = 255
MAX_NAME_CHARS = 255
MAX_PASSWORD_BYTES = 1024
# Unicode's Bidi_Control characters: they reorder what follows them on screen (and in zip entries).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") and c != "\t" for c in text)


def _refuse_bidi_controls(text: str, what: str, field: str) -> None:
    if not BIDI_CONTROLS.isdisjoint(text):
        raise Invalid(f"{what} holds bidi controls (e.g. U+202E), which reorder text", field=field)


def clean_title(title: str) -> str:
    title = title.strip()
    if len(title) > MAX_TITLE_CHARS:
        raise Invalid(f"title is longer than {MAX_TITLE_CHARS} characters", field="title")
    if _has_control(title):
        raise Invalid("title contains control characters", field="title")
    _refuse_bidi_controls(title, "the title", "title")
    return title


def clean_name(name: str, position: int) -> str:
    """A file name safe for URLs, headers and archives; empty means 'pick one'."""
    name = name.strip()
    if not name:
        return "paste.txt" if position == 0 else f"file{position + 1}.txt"
    if len(name) > MAX_NAME_CHARS:
        raise Invalid(f"file name is longer than {MAX_NAME_CHARS} characters", field="name")
    if _has_control(name) or "/" in name or "\\" in name or name in (".", ".."):
        raise Invalid(f"file name {excerpt(name)} is not allowed", field="name")
    _refuse_bidi_controls(name, f"file name {excerpt(name)}", "name")
    return name


def clean_language(language: str | None) -> str | None:
    """Canonical language name, None for auto-detection; unknown names are an error."""
    if language is None or language.strip().lower() in ("", "auto"):
        return None
    canonical = render.normalize_language(language.strip())
    if canonical is None:
        raise Invalid(f"unknown language {excerpt(language)}", field="language")
    return canonical


def clean_exposure(exposure: str) -> str:
    if exposure not in EXPOSURES:
        raise Invalid("exposure must be public, unlisted or private", field="exposure")
    return exposure


def clean_password(password: str | None) -> str | None:
    """A paste password: None for none; refused when empty or absurdly long."""
    if password is None:
        return None
    if not password:
        raise Invalid("the password is empty", field="password")
    if password != password.strip():
        # Header values lose their outer spaces on the way in: such a password could be set
        # through a form or JSON, and then never be sent back intact.
        raise Invalid("a password cannot start or end with a space", field="password")
    if len(password.encode("utf-8", "surrogatepass")) > MAX_PASSWORD_BYTES:
        raise Invalid(f"the password is longer than {MAX_PASSWORD_BYTES} bytes", field="password")
    return password


def clean_ttl(ttl: int | None, cfg: Config) -> int:
    """Seconds to live (0 = never), within the configured bounds."""
    if ttl is None:
        return cfg.default_ttl
    if ttl < 0:
        raise Invalid("ttl must be a positive number of seconds", field="ttl")
    if ttl == 0 and not cfg.allow_never_expire:
        raise Invalid("pastes on this server must expire; choose a time to live", field="ttl")
    if ttl > cfg.max_ttl:
        raise Invalid(f"ttl is longer than the maximum of {cfg.max_ttl} seconds", field="ttl")
    return ttl
