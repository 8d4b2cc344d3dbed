"""The rooms API, field for field the seed's (/api/rooms: create, info, delete, content, upload)
plus the feed the room page polls. Errors answer in the native JSON shape; every reply is
personal to whoever got into the room, so none is stored by a cache."""

from typing import Any
from urllib.parse import quote

import bottle

from pastebox.core import media, rooms
from pastebox.core.errors import Invalid
from pastebox.core.model import Entered, Room, RoomItem
from pastebox.limits import read_body
from pastebox.web.api.bodies import unknown_field
from pastebox.web.context import Services
from pastebox.web.convert import iso
from pastebox.web.payload import parse_json_object
from pastebox.web.requests import base_url
from pastebox.web.responses import NO_STORE, json_response
from pastebox.web.room_access import enter, forget_token, hand_token, room_pass
from pastebox.web.uploads import Upload, read_form

CREATE_FIELDS = frozenset({"pin"})
CONTENT_FIELDS = frozenset({"content", "pin", "join", "csrf"})
UPLOAD_FIELD = "file"
DELETED = "Room deleted successfully"


# -- what the handlers share -----------------------------------------------------------------


def json_fields(services: Services, request: bottle.BaseRequest, known: frozenset[str]) -> dict:
    """The body's JSON object (an empty body is an empty object); unknown fields refused."""
    raw = read_body(request.environ, services.cfg.max_body_bytes)
    body = parse_json_object(raw) if raw.strip() else {}
    unknown = set(body) - known
    if unknown:
        raise unknown_field(unknown)
    return body


def room_url(services: Services, room_id: str) -> str:
    return f"{base_url(services, bottle.request)}/r/{room_id}"


def file_path(room_id: str, item: RoomItem) -> str:
    """Where a room's file is served: its key unguessable, then its name for the reader."""
    return f"/r/{room_id}/files/{item.file_key}/{quote(item.name or 'file', safe='')}"


def file_url(services: Services, room_id: str, item: RoomItem) -> str:
    """The file's address as the API hands it out (fileUrl): absolute."""
    return base_url(services, bottle.request) + file_path(room_id, item)


def reply(services: Services, entered: Entered, body: Any, status: int = 200, **headers: str):
    """A room's JSON reply: no-store, and the device's new token when it just joined."""
    response = json_response(body, status, **NO_STORE, **headers)
    hand_token(services, response, entered)
    return response


def _info(room: Room) -> dict[str, Any]:
    return {"roomId": room.id, "expiresAt": iso(room.expires_at), "hasPin": room.has_pin}


def timestamp(room: Room) -> str | None:
    return iso(room.content_at or room.created_at)


def content_json(room: Room) -> dict[str, Any]:
    """What a text sent to the room answers (the seed's PUT content), wherever it came from."""
    return {"success": True, "content": room.content, "timestamp": timestamp(room)}


def sent_file_json(services: Services, room_id: str, item: RoomItem) -> dict[str, Any]:
    """What a file sent to the room answers (the seed's upload), wherever it came from."""
    return {
        "success": True,
        "fileUrl": file_url(services, room_id, item),
        "fileName": item.name,
        "fileSize": item.size,
        "mediaType": item.media_type,
    }


# -- the seed's API --------------------------------------------------------------------------


def create(services: Services):
    """POST /api/rooms {pin?} -> 201 {roomId, expiresAt, hasPin, url[, joinUrl]}."""
    body = json_fields(services, bottle.request, CREATE_FIELDS)
    pin = body.get("pin")
    if pin is not None and not isinstance(pin, str):
        raise Invalid("pin must be four digits, as a string", code="invalid_pin", field="pin")
    created = rooms.create(services.core, pin, room_pass(services, bottle.request))
    room = created.entered.room
    url = room_url(services, room.id)
    body = {**_info(room), "url": url}
    if created.invite:
        body["joinUrl"] = f"{url}?join={created.invite}"
    return reply(services, created.entered, body, 201, Location=url)


def info(services: Services, room_id: str):
    """GET /api/rooms/<id> -> {roomId, expiresAt, hasPin, deviceCount}."""
    entered = enter(services, room_id)
    count = rooms.device_count(services.core, entered)
    return reply(services, entered, {**_info(entered.room), "deviceCount": count})


def delete(services: Services, room_id: str):
    """DELETE /api/rooms/<id> -> {success, message}; the room and its files are 404 at once."""
    entered = enter(services, room_id)
    rooms.delete(services.core, entered)
    response = json_response({"success": True, "message": DELETED}, **NO_STORE)
    forget_token(response, entered.room.id)
    return response


def put_content(services: Services, room_id: str):
    """PUT or POST /api/rooms/<id>/content {content} -> {success, content, timestamp}."""
    body = json_fields(services, bottle.request, CONTENT_FIELDS)
    content = body.get("content")
    if not isinstance(content, str):
        raise Invalid("content is required, as a string", code="content_required", field="content")
    entered = enter(services, room_id, body)
    room = rooms.set_content(services.core, entered, content)
    return reply(services, entered, content_json(room))


def get_content(services: Services, room_id: str):
    """GET /api/rooms/<id>/content -> {content, timestamp}."""
    entered = enter(services, room_id)
    room = entered.room
    return reply(services, entered, {"content": room.content, "timestamp": timestamp(room)})


def the_file(files: list[Upload]) -> Upload:
    """The form's one `file` part."""
    chosen = [f for f in files if f.field == UPLOAD_FIELD]
    if len(chosen) != 1:
        raise Invalid(
            "send one file in the multipart field `file`", code="file_required", field="file"
        )
    return chosen[0]


def upload(services: Services, room_id: str):
    """POST /api/rooms/<id>/upload (multipart `file`) -> {success, fileUrl, fileName, fileSize}.
    The body is read with the size enforced while reading (413 past room_max_file_bytes)."""
    form = read_form(bottle.request.environ, services.cfg.room_max_file_bytes)
    entered = enter(services, room_id, form.fields)
    sent = the_file(form.files)
    item = rooms.add_file(services.core, entered, sent.name, sent.data, sent.media_type)
    return reply(services, entered, sent_file_json(services, entered.room.id, item))


# -- the feed the room page polls ------------------------------------------------------------


def etag(room: Room, devices: int) -> str:
    return f'"{room.version}-{devices}"'


def matches(if_none_match: str, tag: str) -> bool:
    """Whether If-None-Match names `tag` (weak or strong, in a list, or `*`)."""
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def item_json(services: Services, room_id: str, item: RoomItem) -> dict[str, Any]:
    body: dict[str, Any] = {"id": item.id, "kind": item.kind}
    if item.kind == "file":
        body["name"] = item.name
        body["url"] = file_url(services, room_id, item)
        body["image"] = media.is_image(item.media_type)
    else:
        body["text"] = item.text
        body["url"] = None
    body.update(
        size=item.size, mediaType=item.media_type, device=item.device, at=iso(item.created_at)
    )
    return body


def feed(services: Services, room_id: str):
    """GET /api/rooms/<id>/feed: the room's text and recent items, with an ETag of its version
    and device count; 304 (no body, the feed not even read) when If-None-Match names it."""
    entered = enter(services, room_id)
    room = entered.room
    devices = rooms.device_count(services.core, entered)
    tag = etag(room, devices)
    if matches(bottle.request.environ.get("HTTP_IF_NONE_MATCH", ""), tag):
        response = bottle.HTTPResponse(status=304, ETag=tag, **NO_STORE)
        hand_token(services, response, entered)
        return response
    items = rooms.feed(services.core, entered)
    body = {
        **_info(room),
        "version": room.version,
        "deviceCount": devices,
        "content": room.content,
        "timestamp": timestamp(room),
        "items": [item_json(services, room.id, item) for item in items],
    }
    return reply(services, entered, body, ETag=tag)
