"""Browser-only pages: the new-paste form (and a fork of a paste), edit, delete, and search.

Forms are plain HTML POSTs that work without JavaScript; whatever goes wrong comes back on the
form with the input kept. The manage token of a paste made here is kept in an HttpOnly cookie
scoped to that paste's path, so the browser that made it can edit and delete it.
"""

import dataclasses
import json

import bottle

from pastebox.core import pastes
from pastebox.core.errors import Invalid, PasteboxError, RateLimited, Unavailable
from pastebox.core.model import Actor, Paste
from pastebox.limits import read_body
from pastebox.web import pages
from pastebox.web.context import TOKEN_COOKIE, Services
from pastebox.web.convert import query_text, ttl_text
from pastebox.web.csrf import check_csrf
from pastebox.web.forms import (
    FileInput,
    PasteForm,
    e2ee_paste,
    edit_of,
    form_of_paste,
    new_paste,
    parse_form,
)
from pastebox.web.payload import media_type, parse_multipart
from pastebox.web.plugins import error_response, json_error, surface

NEVER_COOKIE_SECONDS = 400 * 86400  # the longest lifetime browsers keep a cookie
MAX_SEARCH_PAGE = 1000
FORM_TITLES = {"new": "New paste", "fork": "New paste", "edit": "Edit"}


def form_page(
    services: Services,
    form: PasteForm,
    *,
    mode: str = "new",
    paste: Paste | None = None,
    error: PasteboxError | None = None,
    manual: str = "",
    need_token: bool = False,
) -> bottle.HTTPResponse:
    """The paste form (new, fork or edit), with `error` shown above the kept input; a text
    larger than a page shows (page_max_bytes) is not sent back (a page's size stays bounded)."""
    typed = sum(len(f.content) for f in form.files)
    dropped = typed > services.cfg.page_max_bytes
    if dropped:
        emptied = [dataclasses.replace(f, content="") for f in form.files]
        form = dataclasses.replace(form, files=emptied)
    choices, default = pages.ttl_choices(services.cfg, form.ttl)
    body = pages.page(
        "form.tpl",
        form=form,
        mode=mode,
        paste=paste,
        heading=FORM_TITLES[mode],
        action=f"/{paste.id}/edit" if mode == "edit" and paste else "/new",
        error=error.message if error else "",
        error_field=(error.field or "") if error else "",
        ttl_choices=choices,
        ttl_value=form.ttl or default,
        language_choices=pages.language_choices,
        max_bytes=services.cfg.max_paste_bytes,
        manual=manual,
        need_token=need_token,
        dropped=pages.human_size(typed) if dropped else "",
    )
    headers = {"Content-Type": pages.HTML_TYPE}
    if paste is not None and paste.exposure == "private":
        headers["Cache-Control"] = "no-store"
    if isinstance(error, RateLimited | Unavailable):  # 429, or 503 while the argon2 gate is busy
        headers["Retry-After"] = str(error.retry_after)
    return bottle.HTTPResponse(body, error.status if error else 200, **headers)


def cookie_token(request: bottle.BaseRequest) -> str:
    return request.get_cookie(TOKEN_COOKIE) or ""


def token_paths(paste_id: str) -> tuple[str, ...]:
    """Where the browser sends a paste's token cookie: its pages, and its raw and zip downloads
    (a private paste is readable there only with it)."""
    return (f"/{paste_id}", f"/raw/{paste_id}", f"/zip/{paste_id}")


def _token_cookies(paste_id: str, token: str, max_age: int, *, secure: bool) -> list[str]:
    # Set-Cookie headers written out: bottle keeps one cookie per name, and these are one name
    # on several paths. A token is URL-safe base64, so it needs no quoting.
    flags = f"Max-Age={max_age}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
    return [f"{TOKEN_COOKIE}={token}; Path={path}; {flags}" for path in token_paths(paste_id)]


def remember_token(
    response: bottle.BaseResponse, services: Services, paste: Paste, token: str
) -> None:
    """Keep the manage token in this browser, sent back only to the paste's own URLs."""
    lifetime = paste.expires_at - services.now() if paste.expires_at else NEVER_COOKIE_SECONDS
    secure = services.base_url(bottle.request).startswith("https:")
    for header in _token_cookies(paste.id, token, max(1, int(lifetime)), secure=secure):
        response.add_header("Set-Cookie", header)


def forget_token(response: bottle.BaseResponse, paste_id: str) -> None:
    for header in _token_cookies(paste_id, "", 0, secure=False):
        response.add_header("Set-Cookie", header)


def _read_form(services: Services) -> PasteForm:
    request = bottle.request
    body = read_body(request.environ, services.cfg.max_body_bytes)
    content_type = request.environ.get("CONTENT_TYPE", "")
    if media_type(content_type) != "multipart/form-data":
        raise Invalid("the form must be sent as multipart/form-data")
    return parse_form(parse_multipart(body, content_type))


def _checked_form(services: Services) -> tuple[PasteForm | None, PasteboxError | None]:
    """Read a form POST and check its CSRF token before the paste is looked up, so that a
    signed-in owner counts (Services.actor) and finds their private paste. A refusal is
    returned, to be shown on the form with whatever input was read."""
    form = None
    try:
        form = _read_form(services)
        check_csrf(form.csrf)
    except PasteboxError as exc:
        return form, exc
    return form, None


def _refuse_malformed(form: PasteForm) -> None:
    """Raise the form's first malformed field, once `form` holds the rest to show again."""
    if form.refusal:
        raise form.refusal


def _apply_block_actions(form: PasteForm) -> bool:
    """Add or remove a file block (the no-JavaScript buttons); True when one was pressed."""
    if form.add_file:
        form.files.append(FileInput())
        return True
    if form.remove_file is not None:
        if 0 <= form.remove_file < len(form.files) and len(form.files) > 1:
            del form.files[form.remove_file]
        return True
    return False


def _wants_json(request: bottle.BaseRequest) -> bool:
    """A script posting the form (static/e2ee.js) asks for JSON; a page navigation does not."""
    return "application/json" in request.environ.get("HTTP_ACCEPT", "")


def _writing(services: Services):
    """Rate limit and write gate for a form POST, applied inside the handler so that a refusal
    can still show the form with its input (the route skips the write_limit plugin)."""
    services.limiter.take(services.client(bottle.request), services.now())
    return services.write_gate


def make_site(services: Services) -> bottle.Bottle:
    app = surface(services, pages.negotiated_error)
    core = services.core

    def actor_with_token(form_token: str = "") -> Actor:
        """The asker (whose manage token is the header's or the cookie's), or the typed one."""
        actor = services.actor(bottle.request)
        return dataclasses.replace(actor, manage_token=form_token) if form_token else actor

    @app.get("/new")
    def new_form():
        source = bottle.request.query.getunicode("from")
        return fork_form(source) if source else form_page(services, PasteForm())

    @app.get("/<paste_id>/fork")  # under the paste's path, where its maker's cookie goes
    def fork_form(paste_id: str):
        paste = pastes.peek(core, paste_id, actor_with_token())
        if paste.burn or paste.is_e2ee:
            raise Invalid("burn-after-read and encrypted pastes cannot be copied into a new one")
        if paste.size > services.cfg.page_max_bytes:
            raise Invalid("this paste is too large to copy into the form; download it (Raw) and "
                          "upload it as a new paste")  # fmt: skip
        return form_page(services, form_of_paste(paste), mode="fork", paste=paste)

    @app.post("/new", skip=["write_limit"])
    def create():
        """The form's POST: a 303 to the new paste, or the form again with the error. A script
        asking for JSON (e2ee.js, posting a record sealed in the browser) gets a 201 with the id
        and URL, or the API's error shape."""
        form = PasteForm()
        as_json = _wants_json(bottle.request)
        try:
            form = _read_form(services)
            check_csrf(form.csrf)
            _refuse_malformed(form)
            if _apply_block_actions(form):
                return form_page(services, form)
            actor = services.actor(bottle.request)
            ttl = ttl_text(form.ttl) if form.ttl else None
            make = e2ee_paste if form.e2ee else new_paste
            with _writing(services):
                created = pastes.create(core, make(form, ttl, actor.user_id))
        except PasteboxError as exc:  # a TooLarge body was not read: nothing to keep then
            if as_json:
                return error_response(exc, json_error)
            return form_page(services, form, error=exc)
        paste = created.paste
        if as_json:
            url = f"{services.base_url(bottle.request)}/{paste.id}"
            body = json.dumps({"id": paste.id, "url": url}) + "\n"
            response = bottle.HTTPResponse(
                body, 201, Content_Type="application/json", Cache_Control="no-store"
            )
        else:
            response = bottle.HTTPResponse(status=303, Location=f"/{paste.id}")
        if created.manage_token:
            remember_token(response, services, paste, created.manage_token)
        return response

    def needs_token(paste: Paste) -> bool:
        """Whether the edit and delete forms ask for the manage token: not when this browser
        keeps it in its cookie, nor for the signed-in owner (web/account.py)."""
        if cookie_token(bottle.request):
            return False
        user = services.session_user(bottle.request)
        return user is None or paste.owner_id != user.id

    def editable(paste_id: str) -> Paste:
        paste = pastes.peek(core, paste_id, actor_with_token())
        if paste.burn or paste.is_e2ee:
            raise Invalid("burn-after-read and encrypted pastes are edited through the API")
        if not all(f.is_text for f in paste.files):
            raise Invalid("this paste has binary files; edit it through the API")
        if paste.size > services.cfg.page_max_bytes:  # the whole text would be in the page
            raise Invalid("this paste is too large to edit in the browser; edit it through the API")
        return paste

    @app.get("/<paste_id>/edit")
    def edit_form(paste_id: str):
        paste = editable(paste_id)
        need_token = needs_token(paste)
        return form_page(services, form_of_paste(paste), mode="edit", paste=paste,
                         need_token=need_token)  # fmt: skip

    @app.post("/<paste_id>/edit", skip=["write_limit"])
    def edit(paste_id: str):
        sent, refused = _checked_form(services)
        paste = editable(paste_id)
        need_token = needs_token(paste)
        form = sent or form_of_paste(paste)
        try:
            if refused:
                raise refused
            _refuse_malformed(form)
            if _apply_block_actions(form):
                return form_page(services, form, mode="edit", paste=paste, need_token=need_token)
            if need_token and not form.token:
                raise Invalid("enter the paste's manage token to change it", field="token")
            with _writing(services):
                pastes.edit(core, paste_id, actor_with_token(form.token), edit_of(form, paste))
        except PasteboxError as exc:
            return form_page(services, form, mode="edit", paste=paste, error=exc,
                             need_token=need_token)  # fmt: skip
        return bottle.HTTPResponse(status=303, Location=f"/{paste_id}")

    def deletable(paste_id: str) -> Paste:
        """The paste the delete page asks about. Deleting takes the manage token (or owning the
        paste), never the password: a password paste stays locked here, so the page shows
        nothing sealed (not even the title; it is named by its id)."""
        return pastes.peek(core, paste_id, actor_with_token(), locked_ok=True)

    @app.get("/<paste_id>/delete")
    def delete_form(paste_id: str):
        paste = deletable(paste_id)
        body = pages.page("delete.tpl", paste=paste, error="", need_token=needs_token(paste))
        return bottle.HTTPResponse(body, 200, Content_Type=pages.HTML_TYPE)

    @app.post("/<paste_id>/delete", skip=["write_limit"])
    def delete(paste_id: str):
        form, refused = _checked_form(services)
        paste = deletable(paste_id)
        need_token = needs_token(paste)
        try:
            if refused or form is None:
                raise refused or Invalid("the form could not be read")
            _refuse_malformed(form)
            if need_token and not form.token:
                raise Invalid("enter the paste's manage token to delete it", field="token")
            with _writing(services):
                pastes.delete(core, paste_id, actor_with_token(form.token))
        except PasteboxError as exc:
            body = pages.page("delete.tpl", paste=paste, error=exc.message, need_token=need_token)
            return bottle.HTTPResponse(body, exc.status, Content_Type=pages.HTML_TYPE)
        response = bottle.HTTPResponse(
            pages.page("deleted.tpl", paste_id=paste_id), 200, Content_Type=pages.HTML_TYPE
        )
        forget_token(response, paste_id)
        return response

    @app.get("/search")
    def search():
        query = bottle.request.query
        number = query.get("page", "1")
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= MAX_SEARCH_PAGE):
            raise Invalid(f"page must be a number from 1 to {MAX_SEARCH_PAGE}", field="page")
        return pages.search_page(services, query_text(query, "q"), int(number))

    return app
