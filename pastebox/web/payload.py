"""Request bodies: strict JSON objects and multipart forms, parsed from capped bytes."""

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pastebox.core.errors import Invalid, UnsupportedMedia, excerpt
from pastebox.limits import read_body

MAX_JSON_DEPTH = 32
MAX_PARTS = 256
SMALL_FORM_BYTES = 16 * 1024  # a confirm button, a password, a log-in
# A part's header names the field and its file (255 characters, escaped or percent-encoded):
# longer is hostile, and the parameter regex, linear but slow per character, sees no more.
MAX_HEADER_PARAMS_CHARS = 16 * 1024
# One parameter: token=token or token="quoted string", then the end or the next ";".
_PARAM_RE = re.compile(r'[\s;]*([A-Za-z0-9_.\-*]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;"\s]*)\s*(?:;|$)')


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {excerpt(key)}")
        obj[key] = value
    return obj


def _check(value: Any, depth: int = 0) -> None:
    """Depth bound and no lone surrogates anywhere (they cannot be stored as UTF-8)."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError("JSON is nested too deeply")
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, dict):
        for key, item in value.items():
            key.encode("utf-8")
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def parse_json_object(body: bytes) -> dict[str, Any]:
    """A JSON object from UTF-8 bytes; NaN, Infinity, duplicate keys, lone surrogates and deep
    nesting are refused with Invalid."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("body is not valid UTF-8", code="invalid_json") from None
    if not text.strip():
        raise Invalid("body is empty; send a JSON object", code="invalid_json")
    # Cheap pre-check so hostile nesting never reaches the recursive parser.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _nesting(text) > MAX_JSON_DEPTH:
        raise Invalid("JSON is nested too deeply", code="invalid_json")
    try:
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_object)
        _check(value)
    except (ValueError, RecursionError, UnicodeEncodeError) as exc:
        message = (
            str(exc) if not isinstance(exc, UnicodeEncodeError) else "lone surrogate in a string"
        )
        raise Invalid(f"invalid JSON: {message[:200]}", code="invalid_json") from None
    if not isinstance(value, dict):
        raise Invalid("send a JSON object", code="invalid_json")
    return value


# Escapes out first (a pair of backslashes, then an escaped quote), so a string is any run
# between quotes (an unclosed one runs to the end); what is left outside strings but brackets
# goes too, and the rest is the nesting, read in C.
_JSON_STRING_RE = re.compile(r'"[^"]*"?')
_NOT_BRACKETS_RE = re.compile(r"[^\[\]{}]+")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def _nesting(text: str) -> int:
    """How deep brackets outside strings nest. Linear, and in C but for one step per bracket: an
    honest 10 MB paste of code has its brackets inside the content string."""
    unescaped = text.replace("\\\\", "").replace('\\"', "")
    brackets = _NOT_BRACKETS_RE.sub("", _JSON_STRING_RE.sub("", unescaped))
    steps = brackets.encode("ascii").translate(_BRACKET_STEPS)
    # 0x01 opens, 0xff closes: as signed bytes, +1 and -1.
    return max(itertools.accumulate(memoryview(steps).cast("b"), initial=0))


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def header_params(value: str) -> dict[str, str]:
    """Parameters of a header value such as `form-data; name="a"; filename="b.py"`.

    Strict: an unclosed quote (a file name cut by a CR/LF) or text after a quoted string is
    refused rather than read as a different name."""
    if len(value) > MAX_HEADER_PARAMS_CHARS:
        raise Invalid("header parameters are too long", code="invalid_multipart")
    params = {}
    rest = value.partition(";")[2]
    pos = 0
    end = len(rest.rstrip(" \t;"))  # once: a copy of the rest per parameter is quadratic
    while pos < end:
        match = _PARAM_RE.match(rest, pos)
        if match is None:
            raise Invalid("malformed header parameters", code="invalid_multipart")
        key, raw = match.groups()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[key.lower()] = raw
        pos = match.end()
    return params


@dataclass(frozen=True)
class Part:
    """One part of a multipart body; `data` is a view into the body's buffer, not a copy."""

    name: str
    filename: str | None
    content_type: str
    data: memoryview

    def text(self) -> str:
        try:
            return str(self.data, "utf-8")
        except UnicodeDecodeError:
            raise Invalid(f"form field {excerpt(self.name)} is not valid UTF-8") from None


def parse_multipart(body: bytes | bytearray, content_type: str) -> list[Part]:
    """The parts of a multipart/form-data body (RFC 7578), strictly framed. Zero-copy: each
    part's data is a memoryview slice of `body`, so a 10 MB upload is held once."""
    boundary = header_params(content_type).get("boundary", "")
    if not (1 <= len(boundary) <= 200):
        raise UnsupportedMedia("multipart body without a usable boundary")
    delimiter = b"--" + boundary.encode("latin-1", "replace")
    if not body.startswith(delimiter):
        raise Invalid("multipart body does not start with its boundary", code="invalid_multipart")
    separator = b"\r\n" + delimiter
    view = memoryview(body)
    parts: list[Part] = []
    start = len(delimiter)  # each section runs from after a delimiter to the next separator
    while True:
        end = body.find(separator, start)
        closed = end < 0
        end = len(body) if closed else end
        if body.startswith(b"--", start, end):
            break  # the closing delimiter
        parts.append(_part(body, view, start, end))
        if len(parts) > MAX_PARTS:
            raise Invalid("too many form fields", code="invalid_multipart")
        if closed:
            raise Invalid("multipart body is not closed by its boundary", code="invalid_multipart")
        start = end + len(separator)
    return parts


def _part(body: bytes | bytearray, view: memoryview, start: int, end: int) -> Part:
    """The section body[start:end]: CRLF, headers, a blank line, the data."""
    if not body.startswith(b"\r\n", start, end):
        raise Invalid("malformed multipart section", code="invalid_multipart")
    blank = body.find(b"\r\n\r\n", start + 2, end)
    if blank < 0:
        raise Invalid("multipart section without headers", code="invalid_multipart")
    headers = {}
    for line in str(view[start + 2 : blank], "utf-8", "replace").split("\r\n"):
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    disposition = headers.get("content-disposition", "")
    if media_type(disposition) != "form-data":
        raise Invalid("multipart section is not form-data", code="invalid_multipart")
    params = header_params(disposition)
    return Part(
        name=params.get("name", ""),
        filename=params.get("filename"),
        content_type=headers.get("content-type", "text/plain"),
        data=view[blank + 4 : end],
    )


def parse_small_form(body: bytes, content_type: str) -> dict[str, str]:
    """The text fields of a small form (log-in, confirm buttons), urlencoded or multipart; a
    field sent twice or a chosen file is refused."""
    kind = media_type(content_type)
    if kind == "multipart/form-data":
        pairs = []
        for part in parse_multipart(body, content_type):
            if part.filename is not None:
                raise Invalid("this form takes no files", field=part.name[:40])
            pairs.append((part.name, part.text()))
    elif kind in ("application/x-www-form-urlencoded", ""):
        try:
            pairs = parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                errors="strict", max_num_fields=MAX_PARTS,
            )  # fmt: skip
        except (UnicodeDecodeError, ValueError):
            raise Invalid("the form is not valid UTF-8 form data") from None
    else:
        raise UnsupportedMedia("send the form as application/x-www-form-urlencoded")
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise Invalid(f"form field {excerpt(name)} is sent twice", field=name)
        fields[name] = value
    return fields


def read_small_form(environ: dict) -> dict[str, str]:
    """A small form's fields, read from the request body with the SMALL_FORM_BYTES cap."""
    body = read_body(environ, SMALL_FORM_BYTES)
    return parse_small_form(body, environ.get("CONTENT_TYPE", ""))
