"""The rooms' curl surface and their files: GET /r/ID prints the room's text (for anyone not a
browser: web/negotiate.py), POST or PUT /r/ID sends a body (UTF-8 text, else a file), PUT
/r/ID/NAME sends a file of that name (`curl -T`), and GET /r/ID/files/KEY/NAME serves a file's
exact bytes, sandboxed.

The PIN travels as `-H 'X-Room-Pin: 1234'`; a device token as `-H 'X-Device-Token: …'`.
"""

import bottle

from pastebox.core import media, rooms
from pastebox.core.model import Entered, utf8_text
from pastebox.web.api.rooms import content_json, reply, room_url, sent_file_json, the_file
from pastebox.web.context import Services
from pastebox.web.payload import media_type
from pastebox.web.requests import wants_download, wants_json
from pastebox.web.responses import NO_STORE, file_response, text_response
from pastebox.web.room_access import enter, hand_token
from pastebox.web.uploads import read_form, read_raw

UNNAMED_FILE = "upload"  # the name of a binary body sent without one
TEXT_FIELDS = ("content", "text", "c")  # a form's text field, as the paste surface reads it


def _text_reply(services: Services, entered: Entered, text: str, status: int = 200):
    response = text_response(text, status, **NO_STORE)
    hand_token(services, response, entered)
    return response


def get_text(services: Services, room_id: str):
    """GET /r/ID for curl: the room's current text, exactly as sent."""
    entered = enter(services, room_id)
    return _text_reply(services, entered, entered.room.content)


def _sent_text(services: Services, entered: Entered, text: str):
    room = rooms.set_content(services.core, entered, text)
    if wants_json(bottle.request):
        return reply(services, entered, content_json(room))
    return _text_reply(services, entered, room_url(services, room.id) + "\n")


def _sent_file(services: Services, entered: Entered, name: str, data: memoryview, sniffed: str):
    item = rooms.add_file(services.core, entered, name, data, sniffed)
    sent = sent_file_json(services, entered.room.id, item)
    if wants_json(bottle.request):
        return reply(services, entered, sent)
    return _text_reply(services, entered, sent["fileUrl"] + "\n")


def send(services: Services, room_id: str, name: str = ""):
    """POST or PUT /r/ID (`curl --data-binary @-`, `curl -F file=@x`, `curl -T x host/r/ID`)
    and PUT /r/ID/NAME (`curl -T x host/r/ID/`): a text when the body is UTF-8 and unnamed,
    else a file. Prints the room's URL for a text, the file's URL for a file."""
    environ = bottle.request.environ
    cap = services.cfg.room_max_file_bytes
    if media_type(environ.get("CONTENT_TYPE", "")) == "multipart/form-data":
        form = read_form(environ, cap)
        entered = enter(services, room_id, form.fields)
        text = next((form.fields[f] for f in TEXT_FIELDS if f in form.fields), None)
        if text is not None and not form.files:
            return _sent_text(services, entered, text)
        sent = the_file(form.files)
        return _sent_file(services, entered, sent.name, sent.data, sent.media_type)
    body = read_raw(environ, cap)
    entered = enter(services, room_id)
    if not name:
        text = utf8_text(body)  # checked a slice at a time: a binary body is never decoded whole
        if text is not None:
            return _sent_text(services, entered, text)
    data = memoryview(body)
    return _sent_file(services, entered, name or UNNAMED_FILE, data, media.sniff(data))


def room_file(services: Services, room_id: str, file_key: str, name: str):
    """GET /r/ID/files/KEY/NAME: the file's exact bytes, sandboxed (responses.file_response);
    `?download=1` as an attachment. The key finds the file; the name is for the reader."""
    entered = enter(services, room_id)
    found = rooms.open_file(services.core, entered, file_key)
    response = file_response(
        found.name,
        found.media_type,
        found.content,
        download=wants_download(bottle.request),
        private=True,
    )
    hand_token(services, response, entered)
    return response
