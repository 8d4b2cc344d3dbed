"""Everything written into a response, in one place: JSON, raw bytes and zip archives, the
no-store rule, Retry-After, the cookies pastebox sets, and the headers every reply gets.

An error's status comes from web/errors.py (the one kind -> status table), which builds its
replies with these.
"""

import io
import json
import time
import zipfile
from typing import Any
from urllib.parse import quote

import bottle

from pastebox.core import media
from pastebox.core.errors import NotFound, PasteboxError, RateLimited, Unavailable
from pastebox.core.model import Paste, PasteFile
from pastebox.web.csrf import HANDED_OUT as CSRF_HANDED_OUT
from pastebox.web.requests import SESSION_COOKIE, TOKEN_COOKIE, carries_credentials

TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
JSON_TYPE = "application/json"
NO_STORE = {"Cache-Control": "no-store"}
NEVER_COOKIE_SECONDS = 400 * 86400  # the longest lifetime browsers keep a cookie
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HTML_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


# -- what no cache may keep ------------------------------------------------------------------


def keeps_no_copy(paste: Paste) -> bool:
    """The no-store rule for a reply showing a paste: a burn paste is shown once, a private
    one only to its owner, a password paste's plaintext only to whoever sent the password."""
    return paste.burn or paste.exposure == "private" or paste.protected


def finish(environ: dict, response: bottle.BaseResponse) -> None:
    """The headers every reply gets (the after_request hook). A reply that carries a form's
    token, or was made for whoever sent credentials (an API key, a manage token, a password,
    a session), is kept by no cache: a shared one would hand it to others, a browser's would
    keep it after log-out."""
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    # A handler returning a plain string has no Content-Type yet: bottle will send text/html.
    if (response.content_type or "text/html").startswith("text/html"):
        headers.setdefault("Content-Security-Policy", HTML_POLICY)
    if not environ.get("PATH_INFO", "").startswith("/static/") and (
        environ.get(CSRF_HANDED_OUT) or carries_credentials(environ)
    ):
        headers.update(NO_STORE)


# -- when to come back -----------------------------------------------------------------------


def retry_after(error: PasteboxError | None) -> dict[str, str]:
    """The Retry-After header of a refusal that passes with time (429, or 503 while a gate is
    busy); no header for any other error."""
    if isinstance(error, RateLimited | Unavailable):
        return {"Retry-After": str(error.retry_after)}
    return {}


# -- bodies ----------------------------------------------------------------------------------


def json_response(body: Any, status: int = 200, **headers: str) -> bottle.HTTPResponse:
    response = bottle.HTTPResponse(json.dumps(body, ensure_ascii=False) + "\n", status, **headers)
    response.content_type = JSON_TYPE
    return response


def text_response(text: str, status: int = 200, **headers: str) -> bottle.HTTPResponse:
    return bottle.HTTPResponse(text, status, **{"Content-Type": TEXT_TYPE, **headers})


FILE_POLICY = "sandbox"  # a served file is a sandboxed document: no script, no origin


def _disposition(name: str, inline: bool) -> str:
    return f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(name, safe='')}"


def file_headers(name: str, media_type: str, *, download: bool = False) -> dict[str, str]:
    """The headers of a served file: its sniffed type, never sniffed again by the browser, in
    a sandbox, and shown in place only when the type is safe inline (media.inline_safe)."""
    return {
        "Content-Type": media_type,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_POLICY,
        "Content-Disposition": _disposition(name, media.inline_safe(media_type) and not download),
    }


def file_response(
    name: str,
    media_type: str,
    data: bytes | bytearray | memoryview,
    *,
    download: bool = False,
    private: bool = False,
) -> bottle.HTTPResponse:
    """An uploaded file (a room's, a paste's) with file_headers; private: kept by no cache."""
    headers = file_headers(name, media_type, download=download)
    if private:
        headers.update(NO_STORE)
    return bottle.HTTPResponse(data if isinstance(data, bytes) else bytes(data), 200, **headers)


def _raw_file(f: PasteFile, *, download: bool) -> tuple[bytes, dict[str, str]]:
    """A paste file: UTF-8 text as plain text (markup too: a paste of HTML is its source, but
    it is handed over as a download), other bytes as their sniffed type."""
    if f.is_text:
        markup = media.looks_like_markup(f.content)
        headers = file_headers(f.name, TEXT_TYPE, download=download or markup)
    else:
        headers = file_headers(f.name, media.sniff(f.content), download=download)
    return f.content, headers


def raw_response(
    paste: Paste, filename: str | None = None, *, download: bool = False
) -> bottle.HTTPResponse:
    """The bytes of one file (or, for a several-file paste without a name, all of them)."""
    if filename is not None:
        match = [f for f in paste.files if f.name == filename]
        if not match:
            raise NotFound("no such file in this paste")
        body, headers = _raw_file(match[0], download=download)
    elif len(paste.files) == 1:
        body, headers = _raw_file(paste.files[0], download=download)
    else:
        body = b"\n".join(b"==> " + f.name.encode() + b" <==\n" + f.content for f in paste.files)
        headers = {"Content-Type": TEXT_TYPE, "Content-Security-Policy": FILE_POLICY}
    if keeps_no_copy(paste):
        headers.update(NO_STORE)
    return bottle.HTTPResponse(body, 200, **headers)


def zip_response(paste: Paste) -> bottle.HTTPResponse:
    """Every file of the paste in one zip archive, named after the paste."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in paste.files:
            info = zipfile.ZipInfo(f.name, date_time=_zip_time(paste.updated_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, f.content)
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": f"attachment; filename={paste.id}.zip",
    }
    if keeps_no_copy(paste):
        headers.update(NO_STORE)
    return bottle.HTTPResponse(buffer.getvalue(), 200, **headers)


def _zip_time(timestamp: float) -> tuple[int, int, int, int, int, int]:
    year, month, day, hour, minute, second = time.gmtime(timestamp)[:6]
    return (max(1980, year), month, day, hour, minute, second)


def redirect(location: str) -> bottle.HTTPResponse:
    """303 See Other: after a form POST, or to where a page lives."""
    return bottle.HTTPResponse(status=303, Location=location)


# -- cookies ---------------------------------------------------------------------------------


def token_paths(paste_id: str) -> tuple[str, ...]:
    """Where the browser sends a paste's token cookie: its pages, and its raw and zip downloads
    (a private paste is readable there only with it)."""
    return (f"/{paste_id}", f"/raw/{paste_id}", f"/zip/{paste_id}")


def _token_cookies(paste_id: str, token: str, max_age: int, *, secure: bool) -> list[str]:
    # Set-Cookie headers written out: bottle keeps one cookie per name, and these are one name
    # on several paths. A token is URL-safe base64, so it needs no quoting.
    flags = f"Max-Age={max_age}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
    return [f"{TOKEN_COOKIE}={token}; Path={path}; {flags}" for path in token_paths(paste_id)]


def remember_token(
    response: bottle.BaseResponse, paste: Paste, token: str, *, now: float, secure: bool
) -> None:
    """Keep the manage token in this browser, sent back only to the paste's own URLs."""
    lifetime = paste.expires_at - now if paste.expires_at else NEVER_COOKIE_SECONDS
    for header in _token_cookies(paste.id, token, max(1, int(lifetime)), secure=secure):
        response.add_header("Set-Cookie", header)


def forget_token(response: bottle.BaseResponse, paste_id: str) -> None:
    for header in _token_cookies(paste_id, "", 0, secure=False):
        response.add_header("Set-Cookie", header)


def session_cookie(token: str, max_age: int, *, secure: bool) -> str:
    """The Set-Cookie value of a session (an empty token and max_age 0 expire it)."""
    flags = f"Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}" + ("; Secure" if secure else "")
    return f"{SESSION_COOKIE}={token}; {flags}"
