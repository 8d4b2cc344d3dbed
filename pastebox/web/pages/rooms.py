"""Rooms in the browser: the start page (new room, join by id), the room page with its PIN
prompt, the forms that send text and files and delete the room, the join link (`?join=`) and
its QR code.

Every form works without JavaScript (a POST, then a 303 back to the room); static/rooms.js sends
the same forms with fetch (asking for JSON), polls the feed API and fills the page in place.
Every form POST is CSRF-checked (the device cookie alone must not let another site write) and
takes its write token in the handler, so that a refusal comes back on its page.
"""

import base64
import dataclasses
import io

import bottle
import segno

from pastebox.core import ids, media, rooms
from pastebox.core.errors import (
    Forbidden,
    Invalid,
    NotFound,
    PasteboxError,
    RateLimited,
    Unauthorized,
)
from pastebox.core.model import Entered, Room, RoomPass
from pastebox.web import room_access
from pastebox.web.api.rooms import file_path
from pastebox.web.context import Services
from pastebox.web.csrf import CSRF_FIELD, check_csrf
from pastebox.web.errors import error_response, json_error, page_response
from pastebox.web.gates import take_write_token, writing
from pastebox.web.pages.layout import (
    exact_duration,
    human_ago,
    human_delta,
    human_size,
    iso_text,
    page,
)
from pastebox.web.payload import parse_small_form, read_small_form
from pastebox.web.requests import base_url, client, is_https, wants_json
from pastebox.web.responses import NO_STORE, json_response, redirect
from pastebox.web.uploads import FORM_SLACK, read_form, read_raw

# Milliseconds between polls of the feed while the page is visible, and while it is hidden.
POLL_VISIBLE_MS, POLL_HIDDEN_MS = 1000, 15000
QR_SCALE, QR_BORDER = 6, 4  # pixels per module; the quiet zone readers need, in modules
# Refusals of the room's door: shown on the PIN prompt, not on the room page.
DOOR_REFUSALS = (Unauthorized, Forbidden, RateLimited)
STALE_LINK = Forbidden("this join link has expired or is not this room's: type the room's PIN",
                       code="invalid_join")  # fmt: skip


# -- the start page --------------------------------------------------------------------------


def _start_page(
    error: PasteboxError | None = None, *, room_text: str = "", notice: str = ""
) -> bottle.HTTPResponse:
    body = page(
        "rooms.tpl",
        error=error.message if error else "",
        error_field=(error.field or "") if error else "",
        room_text=room_text,
        notice=notice,
    )
    return page_response(body, error)


def start_page(services: Services):
    """GET /rooms: a new room (with or without a PIN), or join one by its id."""
    deleted = bottle.request.query.get("deleted") == "1"
    return _start_page(notice="The room is deleted, with everything in it." if deleted else "")


def create_or_join(services: Services):
    """POST /rooms: the start page's two forms. Join goes to the room's page (which asks for
    the PIN if it has one); New makes a room and goes there, this browser a member of it."""
    room_text = ""
    try:
        fields = read_small_form(bottle.request.environ)
        room_text = fields.get("room", "")
        check_csrf(fields.get(CSRF_FIELD))
        if fields.get("action") == "join":
            room_id = ids.normalize_room_id(room_text)
            if room_id is None:
                raise Invalid("that is not a room id: ten letters and digits, like abcde-fghjk",
                              code="invalid_room_id", field="room")  # fmt: skip
            return redirect(f"/r/{room_id}")
        pin = fields.get("pin", "").strip() or None
        take_write_token(services, client(bottle.request))
        created = rooms.create(services.core, pin, _room_pass(services, fields))
    except PasteboxError as exc:
        return _start_page(exc, room_text=room_text)
    entered = created.entered
    response = redirect(f"/r/{entered.room.id}")
    _hand_over(services, response, entered, fields)
    return response


# -- the room page ---------------------------------------------------------------------------


def room_page(services: Services, room_id: str):
    """GET /r/ID from a browser: the room, or its PIN prompt; `?join=TOKEN` (the link of the QR
    code) joins this browser and comes back here without the token in the address."""
    bare = ids.normalize_room_id(room_id)
    if bare and bare != room_id:  # typed as shown (abcde-fghjk): the address its cookie is for
        query = bottle.request.environ.get("QUERY_STRING", "")
        return redirect(f"/r/{bare}" + (f"?{query}" if query else ""))
    joining = "join" in bottle.request.query
    # A secret in the address (?join=, or ?pin= typed by hand) leaves it at once: the 303
    # keeps it out of the history and the address bar once it has let the browser in.
    with_secret = joining or "pin" in bottle.request.query
    try:
        entered = room_access.enter(services, room_id, joins=True)
    except NotFound as exc:
        return _start_page(exc)
    # Too many misses or wrong links from this client (RateLimited) is the 429 page: the PIN
    # lockout is met only by a PIN sent, on the prompt's POST.
    except (Unauthorized, Forbidden) as exc:
        if isinstance(exc, Unauthorized):  # no PIN sent: the prompt, unless a link was wrong
            exc = STALE_LINK if joining else None
        return _pin_page(room_id, exc)
    if with_secret:
        response = redirect(f"/r/{entered.room.id}")
        _hand_over(services, response, entered, {})
        return response
    response = _room_response(services, entered)
    _hand_over(services, response, entered, {})
    return response


def _pin_page(room_id: str, error: PasteboxError | None = None) -> bottle.HTTPResponse:
    body = page("room_pin.tpl", room_id=room_id, shown_id=ids.show_room_id(room_id),
                error=error.message if error else "")  # fmt: skip
    return page_response(body, error, no_store=True)


def _room_response(
    services: Services, entered: Entered, error: PasteboxError | None = None, kept: str = ""
) -> bottle.HTTPResponse:
    """The room page (with `error` above the text box and `kept`, the text that was refused)."""
    room, now = entered.room, services.now()
    items = rooms.feed(services.core, entered)
    join_link = _join_link(services, entered)
    body = page(
        "room.tpl",
        room=room,
        shown_id=ids.show_room_id(room.id),
        items=items,
        device_count=rooms.device_count(services.core, entered),
        device=entered.who.device,
        join_link=join_link,
        qr_data_uri=qr_data_uri(join_link),
        expires_iso=iso_text(room.expires_at),
        time_left=time_left(room, now),
        error=error.message if error else "",
        kept=kept,
        max_file_bytes=services.cfg.room_max_file_bytes,
        invite_ttl=exact_duration(services.cfg.room_invite_ttl),
        poll_ms=(POLL_VISIBLE_MS, POLL_HIDDEN_MS),
        file_url=lambda item: file_path(room.id, item),
        is_image=lambda item: item.kind == "file" and media.is_image(item.media_type),
        human_size=human_size,
        iso_text=iso_text,
        ago=lambda t: human_ago(t, now),
    )
    return page_response(body, error, no_store=True)


def time_left(room: Room, now: float) -> str:
    """'23 hours left': the largest whole unit before the room expires without activity."""
    left = room.expires_at - now
    return "expiring now" if left < 60 else f"{human_delta(left)} left"


def _join_link(services: Services, entered: Entered) -> str:
    """The link that lets a device in: the room's URL, with a fresh join token for a PIN room
    (the QR code's; whoever holds it joins without the PIN for cfg.room_invite_ttl)."""
    url = f"{base_url(services, bottle.request)}/r/{entered.room.id}"
    invite = rooms.invite(services.core, entered)
    return f"{url}?join={invite}" if invite else url


def qr_svg(link: str) -> bytes:
    """The link as a QR code: an SVG made here (never an upload)."""
    code = segno.make(link, error="m")
    buffer = io.BytesIO()
    # A white quiet zone whatever the page's colours: readers need the contrast.
    code.save(buffer, kind="svg", scale=QR_SCALE, border=QR_BORDER, xmldecl=False,
              title="Join link of this room", dark="#000", light="#fff")  # fmt: skip
    return buffer.getvalue()


def qr_data_uri(link: str) -> str:
    """The QR code inline in the room page, so that the code and the link shown under it carry
    one join token (a separate /qr.svg request would mint a second)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(link)).decode("ascii")


def qr_code(services: Services, room_id: str):
    """GET /r/ID/qr.svg: the join link as a QR code, an SVG made here (never an upload), for a
    member only (a PIN room's link carries a join token), and kept by no cache."""
    entered = room_access.enter(services, room_id)
    headers = {"Content-Type": "image/svg+xml", "Content-Security-Policy": "default-src 'none'",
               **NO_STORE}  # fmt: skip
    response = bottle.HTTPResponse(qr_svg(_join_link(services, entered)), 200, **headers)
    _hand_over(services, response, entered, {})
    return response


# -- the room's forms ------------------------------------------------------------------------


def join(services: Services, room_id: str):
    """POST /r/ID/join: the PIN prompt's form. Right: back to the room, a member from now on;
    wrong or locked: the prompt again, with the refusal's status."""
    try:
        fields = read_small_form(bottle.request.environ)
        check_csrf(fields.get(CSRF_FIELD))
        take_write_token(services, client(bottle.request))
        entered = rooms.enter(services.core, room_id, _room_pass(services, fields))
    except NotFound as exc:
        return _start_page(exc)
    except PasteboxError as exc:
        return _pin_page(room_id, exc)
    response = redirect(f"/r/{entered.room.id}")
    _hand_over(services, response, entered, fields)
    return response


def send(services: Services, room_id: str):
    """POST /r/ID/send: the text box's form. The text becomes the room's current text and an
    item of its feed."""
    environ = bottle.request.environ
    body = read_raw(environ, services.cfg.room_max_file_bytes + FORM_SLACK)
    fields = parse_small_form(body, environ.get("CONTENT_TYPE", ""))
    del body  # the text is decoded: the bytes need not stay for the write
    entered = _enter_by_form(services, room_id, fields)
    text = fields.get("content", "").replace("\r\n", "\n")
    try:
        if not text.strip():
            raise Invalid("type or paste some text to send", field="content")
        with writing(services, client(bottle.request)):
            rooms.set_content(services.core, entered, text)
    except PasteboxError as exc:
        return _refused_in_room(services, entered, exc, text)
    return _sent(services, entered, fields)


def upload(services: Services, room_id: str):
    """POST /r/ID/upload: the file picker's form (or a file dropped or pasted, sent by
    rooms.js). The type is sniffed from the bytes, never taken from the browser."""
    form = read_form(bottle.request.environ, services.cfg.room_max_file_bytes)
    entered = _enter_by_form(services, room_id, form.fields)
    chosen = [f for f in form.files if f.field == "file"]
    try:
        if not chosen:
            raise Invalid("choose a file to send", field="file")
        with writing(services, client(bottle.request)):
            for f in chosen:
                rooms.add_file(services.core, entered, f.name, f.data, f.media_type)
    except PasteboxError as exc:
        return _refused_in_room(services, entered, exc)
    return _sent(services, entered, form.fields)


def delete(services: Services, room_id: str):
    """POST /r/ID/delete: the room and everything in it, for every device, at once."""
    entered = _enter_by_form(services, room_id, read_small_form(bottle.request.environ))
    with writing(services, client(bottle.request)):
        rooms.delete(services.core, entered)
    if wants_json(bottle.request):
        response = json_response({"success": True}, **NO_STORE)
    else:
        response = redirect("/rooms?deleted=1")
    room_access.forget_token(response, entered.room.id)
    return response


def _enter_by_form(services: Services, room_id: str, fields: dict[str, str]) -> Entered:
    """Check a room form's CSRF token and enter the room as the device the form names. A
    refusal here raises: the route answers it (an error page, or JSON to rooms.js) except the
    door's, which is the PIN prompt for a browser's form."""
    check_csrf(fields.get(CSRF_FIELD))
    who = _room_pass(services, fields)
    if who.pin is not None:  # an argon2 run: paid for, as the API's and the prompt's are
        take_write_token(services, who.client)
    try:
        return rooms.enter(services.core, room_id, who)
    except DOOR_REFUSALS as exc:
        if wants_json(bottle.request):
            raise
        raise _pin_page(room_id, exc) from None


def _refused_in_room(
    services: Services, entered: Entered, error: PasteboxError, kept: str = ""
) -> bottle.HTTPResponse:
    if wants_json(bottle.request):
        return error_response(error, json_error)
    return _room_response(services, entered, error, kept)


def _sent(services: Services, entered: Entered, fields: dict[str, str]) -> bottle.HTTPResponse:
    """After a form's write: JSON for rooms.js, a 303 back to the room for a form."""
    if wants_json(bottle.request):
        response = json_response({"success": True}, **NO_STORE)
    else:
        response = redirect(f"/r/{entered.room.id}")
    _hand_over(services, response, entered, fields)
    return response


# -- who the device is -----------------------------------------------------------------------


def device_name(fields: dict[str, str]) -> str:
    """The device name a form sends ("" when none), as a feed shows it."""
    return rooms.device_name(fields.get("device", ""))


def _room_pass(services: Services, fields: dict[str, str]) -> RoomPass:
    """What this request brings to a room, with the device name its form sends, if any."""
    who = room_access.room_pass(services, bottle.request, fields, joins=True)
    name = device_name(fields)
    return dataclasses.replace(who, device=name) if name else who


def _hand_over(
    services: Services, response: bottle.BaseResponse, entered: Entered, fields: dict[str, str]
) -> None:
    """What the browser keeps: a new device token (room_access), and the device name a form
    sent, for the next visit's forms and the feed's items."""
    room_access.hand_token(services, response, entered)
    name = device_name(fields)
    if name:
        room_access.remember_device_name(response, name, secure=is_https(services, bottle.request))
