"""What a request brings to a room, read in one place for every room surface (API, curl, pages):
the PIN, the device token, the join token, the device's name and id; and how a new device
token is handed back (the `pastebox_room` cookie and the `X-Device-Token` header).

A write that a browser could be made to send by another page (one on the same site, another
port) carries only cookies: when the device token comes from the cookie alone, the write must
also carry the CSRF token (web/csrf.py), or it is refused.
"""

import hashlib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

import bottle

from pastebox.core import rooms
from pastebox.core.errors import Forbidden, Invalid
from pastebox.core.model import Entered, RoomPass
from pastebox.web.context import Services
from pastebox.web.csrf import CSRF_FIELD, check_csrf
from pastebox.web.gates import take_write_token
from pastebox.web.requests import SAFE_METHODS, client, is_https

ROOM_COOKIE = "pastebox_room"  # the device token of this browser in the room of its path
DEVICE_COOKIE = "pastebox_device"  # the device's chosen name (set by the room page)
DEVICE_COOKIE_SECONDS = 365 * 86400
PIN_HEADER = "HTTP_X_ROOM_PIN"
TOKEN_HEADER = "HTTP_X_DEVICE_TOKEN"
NAME_HEADER = "HTTP_X_DEVICE_NAME"
JOIN_HEADER = "HTTP_X_ROOM_JOIN"  # "1": a script asks to stay, as a browser joining does
CSRF_HEADER = "HTTP_X_CSRF_TOKEN"
MAX_SECRET_CHARS = 256  # a PIN is 4 digits and a token 43 characters: longer is not one
DEVICE_ID_CHARS = 16
# (marker in the User-Agent, label), first match wins: tools, then browsers, then systems.
_TOOLS = (
    ("curl/", "curl"), ("Wget/", "wget"), ("pastebox-cli/", "pastebox CLI"),
    ("python-requests/", "Python requests"), ("HTTPie/", "HTTPie"), ("Python-urllib/", "Python"),
)  # fmt: skip
_BROWSERS = (
    ("Edg", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
    ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"), ("Safari/", "Safari"),
)  # fmt: skip
_SYSTEMS = (
    ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("CrOS", "ChromeOS"),
    ("Windows", "Windows"), ("Macintosh", "macOS"), ("Linux", "Linux"),
)  # fmt: skip
UNKNOWN_DEVICE = "a device"
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # ids.new_token: 32 bytes, URL-safe base64


def _header(environ: Mapping[str, Any], name: str) -> str | None:
    """A header's value as UTF-8 text (WSGI hands the bytes over as latin-1)."""
    value = environ.get(name)
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise Invalid("a room header is not valid UTF-8", code="invalid_header") from None


def _secret(value: Any, key: str) -> str | None:
    """A PIN or token as sent: text of a sane length, or None when absent or empty."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_SECRET_CHARS:
        raise Invalid(f"{key} must be a short string", code=f"invalid_{key}", field=key)
    return value


def _query(request: bottle.BaseRequest, key: str) -> str | None:
    value = request.query.getunicode(key)
    if value is None and key in request.query:
        raise Invalid(f"{key} is not valid UTF-8", code=f"invalid_{key}", field=key)
    return value


def device_label(user_agent: str) -> str:
    """A short name for a device that chose none: "Firefox on Android", "curl"."""
    for marker, label in _TOOLS:
        if marker in user_agent:
            return label
    browser = next((label for marker, label in _BROWSERS if marker in user_agent), "")
    system = next((label for marker, label in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or UNKNOWN_DEVICE


def device_name(request: bottle.BaseRequest) -> str:
    """The name the device chose (X-Device-Name, else the pastebox_device cookie) as a feed
    shows it (rooms.device_name); else a label from its User-Agent."""
    chosen = _header(request.environ, NAME_HEADER)
    if chosen is None:
        cookie = request.get_cookie(DEVICE_COOKIE)
        chosen = unquote(cookie, errors="replace") if cookie else None
    name = rooms.device_name(chosen or "")
    return name or device_label(request.environ.get("HTTP_USER_AGENT", ""))


def _device_id(client_key: str, user_agent: str) -> str:
    """A stable, anonymous id of a device for deviceCount: a hash of its address and browser.
    Not of its device token: a device joins without one (by PIN or link) and polls with it
    from then on, and would count twice."""
    seed = f"{client_key}\n{user_agent}"
    return hashlib.sha256(seed.encode("utf-8", "surrogatepass")).hexdigest()[:DEVICE_ID_CHARS]


def room_pass(
    services: Services,
    request: bottle.BaseRequest,
    fields: Mapping[str, Any] | None = None,
    *,
    joins: bool = False,
) -> RoomPass:
    """What the request brings: the PIN (X-Room-Pin, ?pin=, or the body's `pin`), the device
    token (X-Device-Token, or the room cookie), the join token (?join= or the body's `join`),
    the device's name and id. `fields` is the request's JSON object or form, if it has one.
    `joins`: the device asks to stay (a browser; a script says `X-Room-Join: 1`), so a right
    PIN earns it a device token. Without it a right PIN opens the door for that request only:
    a client sending its PIN with every call must not pile up tokens (the oldest go, members').

    A write whose device token came from the cookie alone must carry the CSRF token (the
    body's `csrf` or X-CSRF-Token): another page of the same site could send the cookie."""
    environ, fields = request.environ, fields or {}
    pin = _secret(_header(environ, PIN_HEADER), "pin")
    pin = pin or _secret(_query(request, "pin"), "pin") or _secret(fields.get("pin"), "pin")
    invite = _secret(_query(request, "join"), "join") or _secret(fields.get("join"), "join")
    token = _secret(_header(environ, TOKEN_HEADER), "token")
    if token is None:
        token = _cookie_token(request, fields, brings_secret=bool(pin or invite))
    who = client(request)
    return RoomPass(
        pin=pin,
        device_token=token,
        invite=invite,
        client=who,
        device=device_name(request),
        device_id=_device_id(who, environ.get("HTTP_USER_AGENT", "")),
        joins=joins or environ.get(JOIN_HEADER, "").strip() == "1",
    )


def _cookie_token(
    request: bottle.BaseRequest, fields: Mapping[str, Any], *, brings_secret: bool
) -> str | None:
    """The room cookie's device token: for a read as it is; for a write only with the CSRF
    token. A write without it is refused, unless it brings a PIN or join token of its own, which
    then stands alone (the cookie is not tried: a forged write could add any PIN)."""
    token = request.get_cookie(ROOM_COOKIE) or None
    if token is not None and not _TOKEN_RE.fullmatch(token):
        return None  # not a token this server hands out: as if there were no cookie
    if token is None or request.method in SAFE_METHODS:
        return token
    try:
        check_csrf(_header(request.environ, CSRF_HEADER) or _text(fields.get(CSRF_FIELD)))
    except Forbidden:
        if brings_secret:
            return None
        raise
    return token


def enter(
    services: Services,
    room_id: str,
    fields: Mapping[str, Any] | None = None,
    *,
    joins: bool = False,
) -> Entered:
    """Into the room with what the request brings, or the refusal (404, 401, 403, 429). A PIN
    on a read costs a token of the client's write rate, as a write's does (each one is an
    argon2 run), so no client can keep the KDF gate busy with reads."""
    request = bottle.request
    who = room_pass(services, request, fields, joins=joins)
    if who.pin is not None and request.method in SAFE_METHODS:
        take_write_token(services, who.client)
    return rooms.enter(services.core, room_id, who)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# -- handing a device token back -------------------------------------------------------------


def room_paths(room_id: str) -> tuple[str, ...]:
    """Where a browser sends its device token for a room: the room's pages and files, and its
    API (the page polls the feed there)."""
    return (f"/r/{room_id}", f"/api/rooms/{room_id}")


def _room_cookies(room_id: str, token: str, max_age: int, *, secure: bool) -> list[str]:
    # One name on two paths: written out, since bottle keeps one cookie per name. A token is
    # URL-safe base64, so it needs no quoting.
    flags = f"Max-Age={max_age}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
    return [f"{ROOM_COOKIE}={token}; Path={path}; {flags}" for path in room_paths(room_id)]


def hand_token(services: Services, response: bottle.BaseResponse, entered: Entered) -> None:
    """When the request just joined (by PIN or join link), give the device its new token: the
    room cookie (a browser; it lives as long as a room can, cfg.room_max_ttl) and the
    X-Device-Token header (a script)."""
    if not entered.device_token:
        return
    response.set_header("X-Device-Token", entered.device_token)
    secure = is_https(services, bottle.request)
    max_age = services.cfg.room_max_ttl
    for header in _room_cookies(entered.room.id, entered.device_token, max_age, secure=secure):
        response.add_header("Set-Cookie", header)


def remember_device_name(response: bottle.BaseResponse, name: str, *, secure: bool) -> None:
    """Keep the name a device chose for its next visits (every room: it names the device)."""
    flags = f"Path=/; Max-Age={DEVICE_COOKIE_SECONDS}; HttpOnly; SameSite=Lax" + (
        "; Secure" if secure else ""
    )
    response.add_header("Set-Cookie", f"{DEVICE_COOKIE}={quote(name, safe='')}; {flags}")


def forget_token(response: bottle.BaseResponse, room_id: str) -> None:
    """Expire the room cookie (the room was deleted)."""
    for header in _room_cookies(room_id, "", 0, secure=False):
        response.add_header("Set-Cookie", header)
