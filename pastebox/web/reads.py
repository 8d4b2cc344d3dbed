"""Reading a paste for a request, where the method decides what a read does: HEAD never burns
a burn paste (it peeks) and never counts a view; GET does both."""

import bottle

from pastebox.core import pastes
from pastebox.core.model import Actor, Paste
from pastebox.web.context import Services
from pastebox.web.requests import actor, read_password


def counts(request: bottle.BaseRequest) -> bool:
    """Whether the request is a read that burns and counts (GET), not a look (HEAD)."""
    return request.method != "HEAD"


def read_paste(services: Services, request: bottle.BaseRequest, paste_id: str) -> Paste:
    """The paste for the asker, opened with the password header if one was sent; a GET
    consumes a burn paste, a HEAD does not."""
    asker: Actor = actor(services, request)
    password = read_password(services, request)
    if counts(request):
        return pastes.read(services.core, paste_id, asker, password=password)
    return pastes.peek(services.core, paste_id, asker, password=password)
