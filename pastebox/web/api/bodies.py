"""The JSON bodies the API reads: a new paste, an edit, their files; unknown fields refused."""

from typing import Any

import bottle

from pastebox.core.errors import Invalid, excerpt
from pastebox.core.model import Actor, NewFile, NewPaste
from pastebox.core.pastes import Edit
from pastebox.limits import read_body
from pastebox.web.context import Services
from pastebox.web.convert import bool_field, positive_int_field, text_field, ttl_text
from pastebox.web.payload import parse_json_object

PASTE_FIELDS = frozenset(
    {"content", "files", "title", "syntax", "language", "ttlSeconds", "expiresIn",
     "burnAfterRead", "exposure", "isE2ee", "password"}
)  # fmt: skip
EDIT_FIELDS = frozenset({"content", "files", "title", "syntax", "language"})


def json_body(services: Services, request: bottle.BaseRequest) -> dict[str, Any]:
    """The request's body as a JSON object, read within max_body_bytes."""
    return parse_json_object(read_body(request.environ, services.cfg.max_body_bytes))


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


def edit_from_json(body: dict[str, Any]) -> Edit:
    unknown = set(body) - EDIT_FIELDS
    if unknown:
        raise unknown_field(unknown)
    files = files_from_json(body)
    language = None if files else text_field(body, "syntax") or text_field(body, "language")
    return Edit(title=text_field(body, "title"), files=files, language=language)
