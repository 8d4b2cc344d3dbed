"""The URLs browsers and curl share, `/`, `/ID` and `/r/ROOM`: one answer each, picked by
Accept. A browser (text/html) gets the page; curl, wget and scripts get plain text or the
bytes."""

import bottle

from pastebox.web import curl, room_curl
from pastebox.web.context import Services
from pastebox.web.pages import forms, rooms, view
from pastebox.web.pages.paste_form import PasteForm
from pastebox.web.reads import read_paste
from pastebox.web.requests import wants_html
from pastebox.web.responses import raw_response, text_response


def index(services: Services):
    """GET /: the new-paste form (with curl's manual folded in), or the manual as text."""
    manual = curl.manual(services)
    if wants_html(bottle.request):
        return forms.form_page(services, PasteForm(), manual=manual)
    return text_response(manual)


def paste(services: Services, paste_id: str):
    """GET /ID: the page, or the bytes; /ID.py renders as Python (the bytes are the same)."""
    paste_id, extension = curl.split_extension(paste_id)
    if wants_html(bottle.request):
        language = view.view_language(extension) if extension else None
        return view.view_page(services, paste_id, language)
    return raw_response(read_paste(services, bottle.request, paste_id))


def room(services: Services, room_id: str):
    """GET /r/ROOM: the room page, or the room's current text."""
    if wants_html(bottle.request):
        return rooms.room_page(services, room_id)
    return room_curl.get_text(services, room_id)
