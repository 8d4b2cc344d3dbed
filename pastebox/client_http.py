"""The command-line client's side of HTTP: one JSON request to a server that may be hostile or
broken, every failure made one line (ClientError), and text from the server made safe to print.
"""

import http.client
import json
import string
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urljoin

from pastebox.version import __version__

EXIT_FAILED, EXIT_USAGE = 1, 2
TIMEOUT = 60.0  # seconds for one request: a large paste over a slow link, or a busy argon2 gate
USER_AGENT = f"pastebox-cli/{__version__}"
# The most a reply may hold: a 10 MiB paste is in it twice (`content` and `files`), and JSON
# writes a control character in 6 bytes; past this the server is not one to trust with memory.
MAX_REPLY_BYTES = 256 * 1024 * 1024
MAX_ERROR_REPLY_BYTES = 64 * 1024  # an error is a code and a sentence
READ_CHUNK = 1024 * 1024
# What a terminal would act on or hide (controls, bidi and other format characters, lone
# surrogates, line and paragraph separators): shown escaped in whatever this client prints
# that came from a server, except the paste content `get` was asked to write.
UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def printable(text: str) -> str:
    """`text` as one line a terminal shows as it is: every control, format (bidi) or other
    invisible character, newlines included, written as a Python escape (\\x1b, \\u202e)."""
    return "".join(
        c.encode("unicode_escape", "backslashreplace").decode("ascii")
        if unicodedata.category(c) in UNPRINTABLE_CATEGORIES and c != "\t"
        else c
        for c in text
    )


class ClientError(Exception):
    """One line for stderr and the exit status: 1 when something failed, 2 for bad usage."""

    def __init__(self, message: str, status: int = EXIT_FAILED):
        super().__init__(message)
        self.message = message
        self.status = status


class ServerError(ClientError):
    """An error reply in the API's {"error", "message"} shape; `code` is its machine name."""

    def __init__(self, message: str, code: str = "", http_status: int = 0):
        super().__init__(message)
        self.code = code
        self.http_status = http_status


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Follow no redirect: urllib would send X-Api-Key and Paste-Authorization on to whatever
    host (or plain http) it names, and the API never redirects. The 3xx is left to become an
    HTTPError, refused in request_json."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> None:
        return None


def redirect_refused(exc: urllib.error.HTTPError) -> ClientError:
    location = exc.headers.get("Location") if exc.headers is not None else None
    if not location:
        return error_reply(exc)
    exc.close()
    # Absolute, and with no byte that could act on a terminal (as urllib itself quotes it).
    target = urljoin(exc.url or "", location.strip())
    target = quote(target, safe=string.punctuation, encoding="iso-8859-1", errors="replace")
    return ClientError(
        f"the server answered with a redirect to {target}; give that URL as --server"
    )


def request_json(
    server: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    max_reply_bytes: int = MAX_REPLY_BYTES,
    raw: tuple[bytes, str] | None = None,
) -> dict[str, Any]:
    """One API call; the reply's JSON object, or ServerError / ClientError with one line,
    whatever the server (or anything posing as one) answers. `raw` is a body of another type
    than JSON: (bytes, its Content-Type), e.g. a multipart upload."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    content_type = "application/json"
    if raw is not None:
        data, content_type = raw
    request = urllib.request.Request(server + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    request.add_header("User-Agent", USER_AGENT)
    if data is not None:
        request.add_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    opener = urllib.request.build_opener(RefuseRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            content_type = response.headers.get_content_type()
            raw = read_capped(response, max_reply_bytes, server)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise redirect_refused(exc) from None
        raise error_reply(exc, server) from None
    except urllib.error.URLError as exc:
        raise ClientError(f"cannot reach {server}: {describe(exc.reason)}") from None
    except http.client.IncompleteRead:
        raise ClientError(f"the reply from {server} was cut off") from None
    except (OSError, http.client.HTTPException) as exc:
        raise ClientError(f"cannot reach {server}: {describe(exc)}") from None
    reply = json_object(raw)
    if content_type != "application/json" or reply is None:
        raise ClientError(
            f"{server} did not answer like a pastebox server ({content_type}, "
            f"{'a JSON object' if reply is not None else 'no JSON object'})"
        )
    return reply


def read_capped(response: Any, cap: int, server: str) -> bytes:
    """The whole reply body, refused as soon as it is known to be over `cap` bytes."""
    declared = response.headers.get("Content-Length", "") if response.headers else ""
    length = int(declared) if declared.isascii() and declared.isdigit() else None
    if length is not None and length > cap:
        raise ClientError(f"the reply from {server} is over {cap} bytes; not read")
    chunks, total = [], 0
    while chunk := response.read(min(READ_CHUNK, cap + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            raise ClientError(f"the reply from {server} is over {cap} bytes; not read")
    if length is not None and total < length:  # read(n) returns short at EOF, never raises
        raise http.client.IncompleteRead(b"".join(chunks), length - total)
    return b"".join(chunks)


def json_object(raw: bytes) -> dict[str, Any] | None:
    """The JSON object in `raw`, or None for anything else (not JSON, not UTF-8, nested past
    the parser's depth)."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def error_reply(exc: urllib.error.HTTPError, server: str) -> ServerError:
    try:
        reply = json_object(read_capped(exc, MAX_ERROR_REPLY_BYTES, server))
    except (ClientError, OSError, http.client.HTTPException):
        reply = None
    if reply is not None and isinstance(reply.get("message"), str):
        code = reply.get("error") if isinstance(reply.get("error"), str) else ""
        return ServerError(reply["message"], code, exc.code)
    return ServerError(f"the server answered {exc.code} {exc.reason}", "", exc.code)


def describe(reason: object) -> str:
    """A network failure in a few words ("connection refused", "timed out")."""
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
