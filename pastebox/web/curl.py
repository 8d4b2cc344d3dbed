"""The curl surface: POST/PUT a body to / for a URL, GET /ID (or /raw/ID) for the bytes back.

Browsers asking for the same paths get the HTML pages; everyone else gets plain text.
"""

import io
import time
import zipfile
from urllib.parse import quote

import bottle

from pastebox.core import ids, pastes
from pastebox.core.errors import Invalid, NotFound
from pastebox.core.model import NewFile, NewPaste, Paste, PasteFile
from pastebox.limits import read_body
from pastebox.web import pages, site
from pastebox.web.api import paste_json
from pastebox.web.context import Services
from pastebox.web.convert import (
    FALSE_WORDS,
    TRUE_WORDS,
    json_response,
    password_header,
    ttl_text,
)
from pastebox.web.forms import PasteForm
from pastebox.web.pages import negotiated_error, wants_html
from pastebox.web.payload import Part, media_type, parse_multipart
from pastebox.web.plugins import surface

OPTION_FIELDS = ("ttl", "burn", "lang", "title", "exposure", "name", "password")
TEXT_TYPE = "text/plain; charset=utf-8"

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


def wants_json(request: bottle.BaseRequest) -> bool:
    return "application/json" in request.environ.get("HTTP_ACCEPT", "")


def _flag(value: str, key: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(f"{key} must be 1 or 0", field=key)


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
            files.append(NewFile(name=part.filename, content=part.data, language=None))
        elif part.name in ("content", "c", "text"):
            files.append(NewFile(name=options.get("name", ""), content=part.data, language=lang))
        elif part.name not in OPTION_FIELDS:
            raise Invalid(f"unknown form field {part.name[:40]!r}", field=part.name[:40])
    if len(files) == 1 and lang:
        files[0] = NewFile(files[0].name, files[0].content, lang)
    return tuple(files)


def _raw_file(f: PasteFile, *, download: bool) -> tuple[bytes, dict[str, str]]:
    disposition = "attachment" if download or not f.is_text else "inline"
    return f.content, {
        "Content-Type": TEXT_TYPE if f.is_text else "application/octet-stream",
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(f.name)}",
    }


def split_extension(value: str) -> tuple[str, str | None]:
    """'ID.py' -> ('ID', 'py'); an id without an extension -> (id, None)."""
    stem, dot, extension = value.partition(".")
    if dot and ids.is_paste_id(stem) and extension:
        return stem, extension
    return value, None


def zip_response(paste: Paste) -> bottle.HTTPResponse:
    """Every file of the paste in one zip archive, named after the paste."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in paste.files:
            info = zipfile.ZipInfo(f.name, date_time=_zip_time(paste.updated_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, f.content)
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": f"attachment; filename={paste.id}.zip",
    }
    if paste.burn or paste.exposure == "private" or paste.protected:
        headers["Cache-Control"] = "no-store"
    return bottle.HTTPResponse(buffer.getvalue(), 200, **headers)


def _zip_time(timestamp: float) -> tuple[int, int, int, int, int, int]:
    year, month, day, hour, minute, second = time.gmtime(timestamp)[:6]
    return (max(1980, year), month, day, hour, minute, second)


def raw_response(
    paste: Paste, filename: str | None = None, *, download: bool = False
) -> bottle.HTTPResponse:
    """The bytes of one file (or, for a several-file paste without a name, all of them)."""
    if filename is not None:
        match = [f for f in paste.files if f.name == filename]
        if not match:
            raise NotFound("no such file in this paste")
        body, headers = _raw_file(match[0], download=download)
    elif len(paste.files) == 1:
        body, headers = _raw_file(paste.files[0], download=download)
    else:
        body = b"\n".join(b"==> " + f.name.encode() + b" <==\n" + f.content for f in paste.files)
        headers = {"Content-Type": TEXT_TYPE}
    if paste.burn or paste.exposure == "private" or paste.protected:
        headers["Cache-Control"] = "no-store"
    return bottle.HTTPResponse(body, 200, **headers)


def make_curl(services: Services) -> bottle.Bottle:
    app = surface(services, negotiated_error)
    cfg, core = services.cfg, services.core

    def create(name: str = ""):
        request = bottle.request
        body = read_body(request.environ, cfg.max_body_bytes)
        content_type = request.environ.get("CONTENT_TYPE", "")
        parts = (
            parse_multipart(body, content_type)
            if media_type(content_type) == "multipart/form-data"
            else []
        )
        options = _options(request, parts)
        actor = services.actor(request)
        new = NewPaste(
            files=_files(body, content_type, name, options, parts),
            title=options.get("title", ""),
            ttl=ttl_text(options["ttl"]) if "ttl" in options else None,
            burn=_flag(options.get("burn", ""), "burn"),
            exposure=options.get("exposure", "unlisted"),
            owner_id=actor.user_id,
            password=options.get("password"),
        )
        created = pastes.create(core, new)
        base = services.base_url(request)
        url = f"{base}/{created.paste.id}"
        headers = {"Location": url}
        if created.manage_token:
            headers["X-Manage-Token"] = created.manage_token
        if wants_json(request):
            body = paste_json(base, created.paste, with_content=False)
            if created.manage_token:
                body["manageToken"] = created.manage_token
            return json_response(body, 201, **headers)
        if wants_html(request):  # a browser form: go and look at it
            return bottle.HTTPResponse(status=303, **headers)
        return bottle.HTTPResponse(url + "\n", 201, **{"Content-Type": TEXT_TYPE, **headers})

    app.route("/", method=["POST", "PUT"], callback=create)
    app.route("/<name>", method="PUT", callback=create)  # curl -T f.py host/ sends PUT /f.py

    @app.get("/")
    def index():
        manual = MANUAL.format(base=services.base_url(bottle.request))
        if wants_html(bottle.request):
            return site.form_page(services, PasteForm(), manual=manual)
        return bottle.HTTPResponse(manual, 200, Content_Type=TEXT_TYPE)

    def read(paste_id: str) -> Paste:
        actor = services.actor(bottle.request)
        secret = services.password_secret(bottle.request)
        if bottle.request.method == "HEAD":  # HEAD never burns
            return pastes.peek(core, paste_id, actor, **secret)
        return pastes.read(core, paste_id, actor, **secret)

    @app.get("/<paste_id>")
    def view(paste_id: str):
        """The page for browsers, the bytes for everyone else; /ID.py renders as Python."""
        paste_id, extension = split_extension(paste_id)
        if wants_html(bottle.request):
            language = pages.view_language(extension) if extension else None
            return pages.view_page(services, paste_id, language)
        return raw_response(read(paste_id))

    @app.get("/zip/<paste_id>")
    def archive(paste_id: str):
        return zip_response(read(split_extension(paste_id)[0]))

    @app.post("/<paste_id>", write_gate=False)  # renders; must not hold up other writes
    def reveal(paste_id: str):
        """The burn interstitial's button: the one read that consumes the paste."""
        return pages.reveal_page(services, paste_id)

    @app.get("/raw/<paste_id>")
    def raw(paste_id: str):
        return raw_response(read(paste_id), download=bottle.request.query.get("download") == "1")

    @app.get("/raw/<paste_id>/<filename:path>")
    def raw_file(paste_id: str, filename: str):
        return raw_response(
            read(paste_id), filename, download=bottle.request.query.get("download") == "1"
        )

    return app
