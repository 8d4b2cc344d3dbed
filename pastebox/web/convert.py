"""Small translations every surface shares: timestamps, typed fields, JSON responses."""

import base64
import json
import math
from datetime import UTC, datetime
from typing import Any

import bottle

from pastebox.config import parse_ttl
from pastebox.core.errors import Invalid, excerpt
from pastebox.core.model import PasteFile


def iso(timestamp: float | None) -> str | None:
    """ISO-8601 in UTC with milliseconds, as the seed API writes it: 2026-02-09T01:00:00.000Z."""
    if timestamp is None:
        return None
    # isoformat is C all the way; strftime goes through the C library's locale and TZ machinery.
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def json_response(body: Any, status: int = 200, **headers: str) -> bottle.HTTPResponse:
    response = bottle.HTTPResponse(json.dumps(body, ensure_ascii=False) + "\n", status, **headers)
    response.content_type = "application/json"
    return response


def text_field(body: dict, key: str, default: str | None = None) -> str | None:
    value = body.get(key, default)
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{key} must be a string", field=key)
    return value


def bool_field(body: dict, key: str, default: bool = False) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise Invalid(f"{key} must be true or false", field=key)
    return value


def positive_int_field(body: dict, key: str) -> int | None:
    """A JSON number that is a positive whole number (3600 or 3600.0), or None when absent."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{key} must be a positive integer", field=key)
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise Invalid(f"{key} must be a positive integer", field=key)
    if value <= 0 or value > 2**53:
        raise Invalid(f"{key} must be a positive integer", field=key)
    return int(value)


# How a form field or query option says yes or no (curl's burn=1, the form's checkbox).
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def query_text(query: bottle.FormsDict, key: str) -> str:
    """A query parameter as text ("" when absent); Invalid when it is not UTF-8."""
    text = query.getunicode(key)  # None when absent, and also when not UTF-8
    if text is None:
        if key in query:
            raise Invalid(f"{key} is not valid UTF-8", field=key)
        return ""
    return text


def ttl_text(value: str, key: str = "ttl") -> int:
    """'3600', '10m', '1h', '1d', '1w', '1m', '1y', 'never' -> seconds (0 = never)."""
    try:
        return parse_ttl(value)
    except ValueError:  # its message quotes the whole value, which a client chose
        raise Invalid(
            f"not a duration: {excerpt(value)} (seconds, or 10m 1h 1d 1w 1m 1y never)", field=key
        ) from None


def query_int(value: str | None, key: str, default: int) -> int:
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise Invalid(f"{key} must be a whole number", field=key)
    return int(value)


def file_json(f: PasteFile, *, with_content: bool = True) -> dict[str, Any]:
    """A file for JSON: UTF-8 text as is; other bytes as base64 with encoding marked."""
    out: dict[str, Any] = {"name": f.name, "language": f.language or "text", "size": f.size}
    if with_content:
        if f.is_text:
            out["content"], out["encoding"] = f.text, "utf-8"
        else:
            out["content"], out["encoding"] = base64.b64encode(f.content).decode(), "base64"
    return out


# Where a paste password travels: a header (never the URL, which lands in logs and history).
PASSWORD_HEADERS = ("HTTP_PASTE_AUTHORIZATION", "HTTP_ENCRYPTION_KEY")


def password_header(request: bottle.BaseRequest) -> str | None:
    """The paste password sent with a request (a password in the URL never gets this far: the
    error-shape plugin refuses `?password=` on every route)."""
    for name in PASSWORD_HEADERS:
        value = request.environ.get(name)
        if value is not None:
            try:  # WSGI hands header bytes over as latin-1
                return value.encode("latin-1").decode("utf-8")
            except UnicodeError:
                raise Invalid("the password header is not valid UTF-8", field="password") from None
    return None
