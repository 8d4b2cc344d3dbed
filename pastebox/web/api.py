"""The native JSON API under /api/v1 (the shape of the E2EE seed service, extended) and /api/health."""

from typing import Any
from urllib.parse import quote

import bottle

from pastebox.core import pastes
from pastebox.core.context import healthy
from pastebox.core.errors import Invalid, Unavailable, excerpt
from pastebox.core.model import Actor, NewFile, NewPaste, Paste
from pastebox.core.search import find_pastes
from pastebox.limits import read_body
from pastebox.web.context import Services
from pastebox.web.convert import (
    bool_field,
    file_json,
    iso,
    json_response,
    password_header,
    positive_int_field,
    query_int,
    query_text,
    text_field,
    ttl_text,
)
from pastebox.web.payload import parse_json_object
from pastebox.web.plugins import json_error, surface

DEFAULT_LIST_LIMIT = 20
PASTE_FIELDS = frozenset(
    {"content", "files", "title", "syntax", "language", "ttlSeconds", "expiresIn",
     "burnAfterRead", "exposure", "isE2ee", "password"}
)  # fmt: skip
EDIT_FIELDS = frozenset({"content", "files", "title", "syntax", "language"})


def paste_urls(base: str, paste: Paste) -> dict[str, str]:
    return {"url": f"{base}/{paste.id}", "rawUrl": f"{base}/raw/{paste.id}"}


def paste_json(base: str, paste: Paste, *, with_content: bool = True) -> dict[str, Any]:
    """A paste in the seed's field names; `content` and `syntax` describe the first file."""
    first = paste.files[0] if paste.files else None
    body: dict[str, Any] = {
        "publicId": paste.id,
        **paste_urls(base, paste),
        "title": paste.title,
        "syntax": (first.language if first else None) or "text",
    }
    if with_content and first is not None:
        body["content"] = first.text if first.is_text else file_json(first)["content"]
    body.update(
        isE2ee=paste.is_e2ee,
        hasPassword=paste.protected,
        burnAfterRead=paste.burn,
        viewCount=paste.views,
        exposure=paste.exposure,
        revision=paste.revision,
        expiresAt=iso(paste.expires_at),
        createdAt=iso(paste.created_at),
        updatedAt=iso(paste.updated_at),
        files=[
            {
                **file_json(f, with_content=with_content),
                "rawUrl": f"{base}/raw/{paste.id}/{quote(f.name)}",
            }
            for f in paste.files
        ],
    )
    return body


def files_from_json(body: dict[str, Any]) -> tuple[NewFile, ...] | None:
    """`content` (one file, language from `syntax`) or `files: [{name, content, language}]`."""
    content, files = body.get("content"), body.get("files")
    if content is not None and files is not None:
        raise Invalid("give content or files, not both", field="files")
    language = text_field(body, "syntax") or text_field(body, "language")
    if content is not None:
        if not isinstance(content, str):
            raise Invalid("content must be a string", field="content")
        return (
            NewFile(
                name=text_field(body, "name") or "", content=content.encode(), language=language
            ),
        )
    if files is None:
        return None
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise Invalid("files must be a list of {name, content, language} objects", field="files")
    result = []
    for f in files:
        unknown = set(f) - {"name", "content", "language", "syntax"}
        if unknown:
            raise Invalid(f"unknown file field {excerpt(min(unknown))}", field="files")
        text = text_field(f, "content")
        if text is None:
            raise Invalid("every file needs content", field="files")
        result.append(
            NewFile(
                name=text_field(f, "name") or "",
                content=text.encode(),
                language=text_field(f, "language") or text_field(f, "syntax"),
            )
        )
    return tuple(result)


def unknown_field(names: set[str]) -> Invalid:
    """The refusal of a JSON body with fields this API does not know; it names the first one
    (an excerpt: a key can be megabytes long)."""
    first = min(names)
    return Invalid(f"unknown field {excerpt(first)}", field=first)


def _ttl(body: dict[str, Any]) -> int | None:
    seconds = positive_int_field(body, "ttlSeconds")
    preset = text_field(body, "expiresIn")
    if seconds is not None and preset is not None:
        raise Invalid("give ttlSeconds or expiresIn, not both", field="expiresIn")
    return seconds if seconds is not None else (ttl_text(preset, "expiresIn") if preset else None)


def new_paste_from_json(
    body: dict[str, Any], actor: Actor, header_password: str | None = None
) -> NewPaste:
    unknown = set(body) - PASTE_FIELDS
    if unknown:
        raise unknown_field(unknown)
    files = files_from_json(body)
    if files is None:
        raise Invalid("content is required", field="content")
    return NewPaste(
        files=files,
        title=text_field(body, "title", "") or "",
        ttl=_ttl(body),
        burn=bool_field(body, "burnAfterRead"),
        exposure=text_field(body, "exposure", "unlisted") or "unlisted",
        is_e2ee=bool_field(body, "isE2ee"),
        owner_id=actor.user_id,
        # null means "none given here": the header's password, if any, still applies.
        password=text_field(body, "password")
        if body.get("password") is not None
        else header_password,
    )


def make_api(services: Services) -> bottle.Bottle:
    app = surface(services, json_error)
    cfg, core = services.cfg, services.core

    def json_body() -> dict[str, Any]:
        return parse_json_object(read_body(bottle.request.environ, cfg.max_body_bytes))

    @app.get("/api/health")
    def health():
        now = services.now()
        if not healthy(core):
            raise Unavailable("the database cannot be read", code="unhealthy")
        return json_response(
            {
                "status": "healthy",
                "timestamp": iso(now),
                "uptime": round(now - services.started_at, 3),
            }
        )

    @app.post("/api/v1/pastes")
    def create():
        actor = services.actor(bottle.request)
        new = new_paste_from_json(json_body(), actor, password_header(bottle.request))
        created = pastes.create(core, new)
        base = services.base_url(bottle.request)
        body = paste_json(base, created.paste, with_content=False)
        if created.manage_token:
            body["manageToken"] = created.manage_token
        return json_response(body, 201, Location=body["url"])

    @app.get("/api/v1/pastes")
    def list_mine():
        actor = services.actor(bottle.request)
        query = bottle.request.query
        limit = query_int(query.get("limit"), "limit", DEFAULT_LIST_LIMIT)
        offset = query_int(query.get("offset"), "offset", 0)
        rows = pastes.list_mine(core, actor, limit, offset)
        base = services.base_url(bottle.request)
        return json_response(
            {
                "pastes": [
                    {
                        "publicId": r.id,
                        "url": f"{base}/{r.id}",
                        "title": r.title,
                        "syntax": r.language or "text",
                        "exposure": r.exposure,
                        "burnAfterRead": r.burn,
                        "size": r.size,
                        "createdAt": iso(r.created_at),
                        "expiresAt": iso(r.expires_at),
                    }  # fmt: skip
                    for r in rows
                ],
                "limit": limit,
                "offset": offset,
            }
        )

    @app.get("/api/v1/pastes/<paste_id>")
    def get(paste_id: str):
        actor = services.actor(bottle.request)
        secret = services.password_secret(bottle.request)
        if bottle.request.method == "HEAD":  # HEAD never burns
            paste = pastes.peek(core, paste_id, actor, **secret)
        else:
            paste = pastes.read(core, paste_id, actor, **secret)
        headers = {"Cache-Control": "no-store"} if paste.burn or paste.protected else {}
        return json_response(paste_json(services.base_url(bottle.request), paste), **headers)

    @app.route("/api/v1/pastes/<paste_id>", method="PATCH")
    def edit(paste_id: str):
        actor = services.actor(bottle.request)
        body = json_body()
        unknown = set(body) - EDIT_FIELDS
        if unknown:
            raise unknown_field(unknown)
        files = files_from_json(body)
        language = None if files else text_field(body, "syntax") or text_field(body, "language")
        change = pastes.Edit(title=text_field(body, "title"), files=files, language=language)
        paste = pastes.edit(core, paste_id, actor, change)
        return json_response(paste_json(services.base_url(bottle.request), paste))

    @app.delete("/api/v1/pastes/<paste_id>")
    def delete(paste_id: str):
        actor = services.actor(bottle.request)
        pastes.delete(core, paste_id, actor)
        return json_response({"deleted": True})

    @app.post("/api/v1/pastes/<paste_id>/extend")
    def extend(paste_id: str):
        actor = services.actor(bottle.request)
        seconds = positive_int_field(json_body(), "ttlSeconds")
        if seconds is None:
            raise Invalid("ttlSeconds is required", field="ttlSeconds")
        expires = pastes.extend(core, paste_id, actor, seconds)
        return json_response({"publicId": paste_id, "expiresAt": iso(expires)})

    @app.get("/api/v1/pastes/<paste_id>/revisions")
    def revisions(paste_id: str):
        actor = services.actor(bottle.request)
        return json_response(
            {
                "publicId": paste_id,
                "revisions": [
                    {
                        "revision": r.number,
                        "title": r.title,
                        "createdAt": iso(r.created_at),
                        "files": [file_json(f) for f in r.files],
                    }
                    for r in pastes.history(core, paste_id, actor)
                ],
            }
        )

    @app.get("/api/v1/search")
    def search():
        actor = services.actor(bottle.request)
        query = bottle.request.query
        text = query_text(query, "q")
        limit = query_int(query.get("limit"), "limit", DEFAULT_LIST_LIMIT)
        offset = query_int(query.get("offset"), "offset", 0)
        with services.searching(bottle.request):
            hits = find_pastes(core, text, actor, limit, offset)
        base = services.base_url(bottle.request)
        return json_response(
            {
                "query": text,
                "results": [
                    {
                        "publicId": h.id,
                        "url": f"{base}/{h.id}",
                        "title": h.title,
                        "fileName": h.file_name,
                        "syntax": h.language or "text",
                        "snippet": h.snippet.replace("\x02", "").replace("\x03", ""),
                        "exposure": h.exposure,
                        "createdAt": iso(h.created_at),
                    }  # fmt: skip
                    for h in hits
                ],
                "limit": limit,
                "offset": offset,
            }
        )

    return app
