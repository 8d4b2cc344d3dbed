"""The native JSON API's handlers: /api/v1/pastes (create, list, get, edit, delete, extend,
revisions), /api/v1/search and /api/health. Errors answer in the native JSON shape (the
route's shape, web/routes.py)."""

import bottle

from pastebox.core import pastes
from pastebox.core.context import healthy
from pastebox.core.errors import Invalid, Unavailable
from pastebox.core.search import find_pastes
from pastebox.web.api.bodies import edit_from_json, json_body, new_paste_from_json
from pastebox.web.api.shapes import hit_json, paste_json, revision_json, summary_json
from pastebox.web.context import Services
from pastebox.web.convert import iso, positive_int_field
from pastebox.web.gates import searching
from pastebox.web.reads import read_paste
from pastebox.web.requests import actor, base_url, client, password_header, query_int, query_text
from pastebox.web.responses import NO_STORE, json_response, keeps_no_copy

DEFAULT_LIST_LIMIT = 20


def health(services: Services):
    now = services.now()
    if not healthy(services.core):
        raise Unavailable("the database cannot be read", code="unhealthy")
    return json_response(
        {"status": "healthy", "timestamp": iso(now), "uptime": round(now - services.started_at, 3)}
    )


def create(services: Services):
    request = bottle.request
    asker = actor(services, request)
    new = new_paste_from_json(json_body(services, request), asker, password_header(request))
    created = pastes.create(services.core, new)
    body = paste_json(base_url(services, request), created.paste, with_content=False)
    if created.manage_token:
        body["manageToken"] = created.manage_token
    return json_response(body, 201, Location=body["url"])


def _window(query: bottle.FormsDict) -> tuple[int, int]:
    """The `limit` and `offset` of a listing."""
    limit = query_int(query.get("limit"), "limit", DEFAULT_LIST_LIMIT)
    return limit, query_int(query.get("offset"), "offset", 0)


def list_mine(services: Services):
    asker = actor(services, bottle.request)
    limit, offset = _window(bottle.request.query)
    rows = pastes.list_mine(services.core, asker, limit, offset)
    base = base_url(services, bottle.request)
    return json_response(
        {"pastes": [summary_json(base, r) for r in rows], "limit": limit, "offset": offset}
    )


def get(services: Services, paste_id: str):
    paste = read_paste(services, bottle.request, paste_id)
    headers = NO_STORE if keeps_no_copy(paste) else {}
    return json_response(paste_json(base_url(services, bottle.request), paste), **headers)


def edit(services: Services, paste_id: str):
    asker = actor(services, bottle.request)
    change = edit_from_json(json_body(services, bottle.request))
    paste = pastes.edit(services.core, paste_id, asker, change)
    return json_response(paste_json(base_url(services, bottle.request), paste))


def delete(services: Services, paste_id: str):
    pastes.delete(services.core, paste_id, actor(services, bottle.request))
    return json_response({"deleted": True})


def extend(services: Services, paste_id: str):
    asker = actor(services, bottle.request)
    seconds = positive_int_field(json_body(services, bottle.request), "ttlSeconds")
    if seconds is None:
        raise Invalid("ttlSeconds is required", field="ttlSeconds")
    expires = pastes.extend(services.core, paste_id, asker, seconds)
    return json_response({"publicId": paste_id, "expiresAt": iso(expires)})


def revisions(services: Services, paste_id: str):
    history = pastes.history(services.core, paste_id, actor(services, bottle.request))
    return json_response({"publicId": paste_id, "revisions": [revision_json(r) for r in history]})


def search(services: Services):
    asker = actor(services, bottle.request)
    query = bottle.request.query
    text = query_text(query, "q")
    limit, offset = _window(query)
    with searching(services, client(bottle.request)):
        hits = find_pastes(services.core, text, asker, limit, offset)
    base = base_url(services, bottle.request)
    return json_response(
        {"query": text, "results": [hit_json(base, h) for h in hits], "limit": limit,
         "offset": offset}
    )  # fmt: skip
