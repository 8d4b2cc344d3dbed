"""The curl surface: POST/PUT a body to / for a URL, GET /raw/ID (and /ID, web/negotiate.py)
for the bytes back, /zip/ID for all of them in one archive.

Browsers asking for `/` and `/ID` get the HTML pages instead: web/negotiate.py picks.
"""

import bottle

from pastebox.core import ids, pastes
from pastebox.core.errors import Invalid
from pastebox.core.model import NewFile, NewPaste
from pastebox.limits import read_body
from pastebox.web.api.shapes import paste_json
from pastebox.web.context import Services
from pastebox.web.convert import ttl_text
from pastebox.web.payload import Part, media_type, parse_multipart
from pastebox.web.reads import read_paste
from pastebox.web.requests import (
    actor,
    base_url,
    flag,
    password_header,
    wants_download,
    wants_html,
    wants_json,
)
from pastebox.web.responses import (
    json_response,
    raw_response,
    text_response,
    zip_response,
)

OPTION_FIELDS = ("ttl", "burn", "lang", "title", "exposure", "name", "password")

MANUAL = """\
pastebox: paste from your shell, read it back anywhere.

  Paste a file or a command's output (prints the URL):
    curl --data-binary @file.py {base}
    some-command | curl --data-binary @- {base}
    curl -T file.py {base}/
  Several files as one paste:
    curl -F file=@a.py -F file=@b.txt {base}
  Read it back (the raw bytes, exactly as sent):
    curl {base}/ID
    curl {base}/raw/ID/a.py
  Options, as query or form fields:
    ttl=10m|1h|1d|1w|1m|1y|never|SECONDS   expire after (1m is a month)
    burn=1                                  delete after the first read
    lang=python  title=...  name=file.py    language, title, file name
    exposure=public|unlisted|private        public pastes are listed and searchable
    e.g. curl --data-binary @f.py '{base}/?ttl=1d&burn=1'
  With a password (sealed on the server; read it back with the same header):
    curl -H 'Paste-Authorization: PASSWORD' --data-binary @f.py {base}
    curl -H 'Paste-Authorization: PASSWORD' {base}/ID
  The reply header X-Manage-Token lets you change or delete the paste:
    curl -X DELETE -H 'X-Manage-Token: TOKEN' {base}/api/v1/pastes/ID
  JSON instead of a bare URL: add -H 'Accept: application/json'.
  The JSON API lives under {base}/api/v1 (see the README).
"""


def _options(request: bottle.BaseRequest, parts: list[Part]) -> dict[str, str]:
    """Options from the query string, overridden by form fields of the same name."""
    options = {}
    header = password_header(request)
    if header is not None:
        options["password"] = header
    for key in OPTION_FIELDS:
        value = request.query.getunicode(key)
        if value is None and key in request.query:
            raise Invalid(f"{key} is not valid UTF-8", field=key)
        if value is not None:
            options[key] = value
    for part in parts:
        if part.filename is None and part.name in OPTION_FIELDS:
            options[part.name] = part.text()
    return options


def _files(body: bytes, content_type: str, name: str, options: dict[str, str], parts: list[Part]):
    lang = options.get("lang")
    if media_type(content_type) != "multipart/form-data":
        return (NewFile(name=options.get("name", name), content=body, language=lang),)
    files = []
    for part in parts:
        if part.filename is not None:
            # A view of the body buffer, not a copy: the bytes are held once to the store.
            files.append(NewFile(name=part.filename, content=part.data, language=None))
        elif part.name in ("content", "c", "text"):
            content = part.data
            files.append(NewFile(name=options.get("name", ""), content=content, language=lang))
        elif part.name not in OPTION_FIELDS:
            raise Invalid(f"unknown form field {part.name[:40]!r}", field=part.name[:40])
    if len(files) == 1 and lang:
        files[0] = NewFile(files[0].name, files[0].content, lang)
    return tuple(files)


def _read(
    services: Services, request: bottle.BaseRequest, name: str
) -> tuple[dict[str, str], tuple[NewFile, ...]]:
    """The options and files of a create. The files are views of the one body buffer (the
    core and the store take any bytes-like), so an upload is held once."""
    body = read_body(request.environ, services.cfg.max_body_bytes)
    content_type = request.environ.get("CONTENT_TYPE", "")
    parts = (
        parse_multipart(body, content_type)
        if media_type(content_type) == "multipart/form-data"
        else []
    )
    options = _options(request, parts)
    return options, _files(body, content_type, name, options, parts)


def split_extension(value: str) -> tuple[str, str | None]:
    """'ID.py' -> ('ID', 'py'); an id without an extension -> (id, None)."""
    stem, dot, extension = value.partition(".")
    if dot and ids.is_paste_id(stem) and extension:
        return stem, extension
    return value, None


def manual(services: Services) -> str:
    """The manual curl gets at `/`, with this server's address in its examples."""
    return MANUAL.format(base=base_url(services, bottle.request))


def create(services: Services, name: str = ""):
    """POST or PUT / (and PUT /NAME, as `curl -T f.py host/` sends): the paste's URL, as text,
    as JSON when asked for, or a 303 to it for a browser's form."""
    request = bottle.request
    options, files = _read(services, request, name)
    owner_id = actor(services, request).user_id
    new = NewPaste(
        files=files,
        title=options.get("title", ""),
        ttl=ttl_text(options["ttl"]) if "ttl" in options else None,
        burn=flag(options.get("burn", ""), "burn"),
        exposure=options.get("exposure", "unlisted"),
        owner_id=owner_id,
        password=options.get("password"),
    )
    created = pastes.create(services.core, new)
    base = base_url(services, request)
    url = f"{base}/{created.paste.id}"
    headers = {"Location": url}
    if created.manage_token:
        headers["X-Manage-Token"] = created.manage_token
    if wants_json(request):
        reply = paste_json(base, created.paste, with_content=False)
        if created.manage_token:
            reply["manageToken"] = created.manage_token
        return json_response(reply, 201, **headers)
    if wants_html(request):  # a browser form: go and look at it
        return bottle.HTTPResponse(status=303, **headers)
    return text_response(url + "\n", 201, **headers)


def raw(services: Services, paste_id: str):
    """GET /raw/ID: the bytes (?download=1: as an attachment)."""
    paste = read_paste(services, bottle.request, paste_id)
    return raw_response(paste, download=wants_download(bottle.request))


def raw_file(services: Services, paste_id: str, filename: str):
    """GET /raw/ID/NAME: one file of the paste."""
    paste = read_paste(services, bottle.request, paste_id)
    return raw_response(paste, filename, download=wants_download(bottle.request))


def archive(services: Services, paste_id: str):
    """GET /zip/ID (or /zip/ID.zip): every file in one archive."""
    return zip_response(read_paste(services, bottle.request, split_extension(paste_id)[0]))
