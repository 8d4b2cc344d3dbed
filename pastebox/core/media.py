"""What an uploaded file is, told from its bytes (never from what the client claims), which
types a browser may show inline, and file names made safe to keep and to show.

The sniffing is puremagic's (a maintained, pure-Python table of file signatures) on the first
64 KiB. UTF-8 text is plain text unless it looks like markup a browser would run (HTML, SVG,
XML: served as attachments) or puremagic is sure of a binary format (an all-ASCII PDF); bytes
that are not UTF-8 are never called text (puremagic reads "\xff\xfe" as a UTF-16 INI file).
"""

import codecs
import re

import puremagic

SNIFF_BYTES = 64 * 1024
MARKUP_HEAD_BYTES = 1024  # whitespace before "<html" longer than this is not taken for markup
TEXT = "text/plain; charset=utf-8"
BINARY = "application/octet-stream"
MAX_NAME_CHARS = 255
# puremagic ranks weak signatures low: "BM" (a bitmap) opens "BMW cars…", "ID3" a text about
# tags. On bytes that are UTF-8 text, only a signature this sure names a binary format.
SURE = 0.4

_INLINE_IMAGES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/x-ms-bmp",
     "image/avif", "image/x-icon", "image/vnd.microsoft.icon"}
)  # fmt: skip
_INLINE_MEDIA = frozenset(
    {"audio/mpeg", "audio/ogg", "audio/wav", "audio/x-wav", "audio/wave", "audio/flac",
     "audio/x-flac", "audio/mp4", "audio/x-m4a", "audio/aac", "audio/webm", "audio/opus",
     "video/mp4", "video/webm", "video/ogg"}
)  # fmt: skip
INLINE = _INLINE_IMAGES | _INLINE_MEDIA | {"application/pdf", "text/plain"}

# Types a browser would render as a document that runs script: never plain text, never inline.
MARKUP = frozenset(
    {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"}
)
# Textual types puremagic may name for source code and data: on UTF-8 bytes, plain text.
_TEXTUAL_APPLICATION = re.compile(
    r"application/(json|javascript|x-javascript|ecmascript|x-sh|x-shellscript|x-python|"
    r"x-perl|x-ruby|x-php|toml|yaml|x-yaml|sql|x-tex|x-latex|rtf|[a-z0-9.+-]*\+json)"
)
# The WHATWG MIME Sniffing patterns by which a browser takes text for HTML (section 7.1), each
# after optional whitespace and followed by a space or ">"; plus the XML and SVG openings.
_MARKUP_START = re.compile(
    r"[\t\n\f\r ]*<(?:(!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|"
    r"body|br|p)[ >]|(!--)|(\?xml)|(svg[\s>]|!doctype svg))",
    re.IGNORECASE,
)
# Control characters, and the bidi controls that can make "evil\u202egnp.exe" show as
# "evilexe.png"; a path's folders and its separators go too.
_UNSAFE_NAME_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _puremagic(head: bytes) -> tuple[str, float] | None:
    """puremagic's surest named type for these bytes, with its confidence; None if none."""
    try:
        matches = puremagic.magic_string(head)
    except Exception:  # PureError when nothing matches; a library bug must not fail an upload
        return None
    named = [m for m in matches if m.mime_type]
    if not named:
        return None
    best = max(named, key=lambda m: m.confidence)  # max keeps the first of equals
    return best.mime_type.lower(), best.confidence


def _utf8_text(head: bytes, whole: bool) -> str | None:
    """The head decoded as UTF-8 (a character cut at its end allowed when it is only the head
    of the data), or None when it is not UTF-8."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
    except UnicodeDecodeError:
        return None


def _markup(text: str, named: str | None) -> str | None:
    if named in MARKUP:
        return named
    match = _MARKUP_START.match(text.lstrip("\ufeff"))
    if match is None:
        return None
    if match.group(3):
        return "text/xml"
    return "image/svg+xml" if match.group(4) else "text/html"


def looks_like_markup(data: bytes | bytearray | memoryview) -> bool:
    """Whether text opens as HTML, SVG or XML would (the WHATWG patterns above): the cheap check
    for a text file about to be served, without running the whole sniff."""
    head = str(memoryview(data)[:MARKUP_HEAD_BYTES], "utf-8", "ignore")
    return _MARKUP_START.match(head.lstrip("\ufeff")) is not None


def _textual(media_type: str) -> bool:
    return media_type.startswith("text/") or bool(_TEXTUAL_APPLICATION.fullmatch(media_type))


def sniff(data: bytes | bytearray | memoryview) -> str:
    """The media type of `data`, read from its first 64 KiB."""
    head = bytes(memoryview(data)[:SNIFF_BYTES])
    guess = _puremagic(head) if head else None
    named = guess[0] if guess else None
    text = _utf8_text(head, whole=len(data) <= SNIFF_BYTES)
    if text is None:  # binary: puremagic's type, unless it calls these bytes text (not UTF-8)
        return named if named and not _textual(named) and named not in MARKUP else BINARY
    markup = _markup(text, named)
    if markup:
        return markup
    if guess and guess[1] >= SURE and not _textual(guess[0]):
        return guess[0]
    return TEXT


def essence(media_type: str) -> str:
    """The type without its parameters, lower-cased: 'text/plain; charset=utf-8' -> 'text/plain'."""
    return media_type.split(";", 1)[0].strip().lower()


def inline_safe(media_type: str) -> bool:
    """Whether a browser may show the type in place: raster images, PDF, common audio and video,
    plain text. Not HTML, SVG or XML (they run script), nor anything unknown."""
    return essence(media_type) in INLINE


def is_image(media_type: str) -> bool:
    """A raster image a page may show with <img> (SVG is not one: it is served as a download)."""
    return essence(media_type) in _INLINE_IMAGES


def clean_name(name: str, default: str = "") -> str:
    """A file name as sent, but without its path, control characters or bidi controls, at most
    255 characters (the extension kept when cut), and never '.' or '..'; `default` if nothing
    is left."""
    base = re.split(r"[/\\]", name)[-1]
    base = _UNSAFE_NAME_CHARS.sub("", base).strip()
    if base in ("", ".", ".."):
        return default
    if len(base) > MAX_NAME_CHARS:
        stem, dot, extension = base.rpartition(".")
        if dot and stem and 0 < len(extension) <= 16:
            base = stem[: MAX_NAME_CHARS - len(extension) - 1] + "." + extension
        else:
            base = base[:MAX_NAME_CHARS]
    return base
