"""The paste forms: new (and a fork of a paste), edit and delete.

Forms are plain HTML POSTs that work without JavaScript; whatever goes wrong comes back on the
form with the input kept, so these POSTs take their write token in the handler (route option
writes="handler"), not in the plugin. The manage token of a paste made here is kept in an
HttpOnly cookie scoped to that paste's path, so the browser that made it can edit and delete it.
"""

import dataclasses

import bottle

from pastebox.core import pastes
from pastebox.core.errors import Invalid, PasteboxError
from pastebox.core.model import Actor, Paste
from pastebox.limits import read_body
from pastebox.web.context import Services
from pastebox.web.convert import ttl_text
from pastebox.web.csrf import check_csrf
from pastebox.web.errors import error_response, json_error, page_response
from pastebox.web.gates import writing
from pastebox.web.pages.layout import human_size, language_choices, page, ttl_choices
from pastebox.web.pages.paste_form import (
    FileInput,
    PasteForm,
    e2ee_paste,
    edit_of,
    form_of_paste,
    new_paste,
    parse_form,
)
from pastebox.web.payload import media_type, parse_multipart
from pastebox.web.requests import (
    actor,
    base_url,
    client,
    is_https,
    session_user,
    token_cookie,
    wants_json,
)
from pastebox.web.responses import (
    NO_STORE,
    json_response,
    keeps_no_copy,
    redirect,
    remember_token,
)
from pastebox.web.responses import forget_token as forget_token_cookie

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
    choices, default = ttl_choices(services.cfg, form.ttl)
    body = page(
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
        language_choices=language_choices,
        max_bytes=services.cfg.max_paste_bytes,
        manual=manual,
        need_token=need_token,
        dropped=human_size(typed) if dropped else "",
    )
    return page_response(body, error, no_store=paste is not None and keeps_no_copy(paste))


# -- reading a form --------------------------------------------------------------------------


def _read_form(services: Services) -> PasteForm:
    request = bottle.request
    body = read_body(request.environ, services.cfg.max_body_bytes)
    content_type = request.environ.get("CONTENT_TYPE", "")
    if media_type(content_type) != "multipart/form-data":
        raise Invalid("the form must be sent as multipart/form-data")
    return parse_form(parse_multipart(body, content_type))


def _checked_form(services: Services) -> tuple[PasteForm | None, PasteboxError | None]:
    """Read a form POST and check its CSRF token before the paste is looked up, so that a
    signed-in owner counts (requests.actor) and finds their private paste. A refusal is
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


def _actor_with_token(services: Services, form_token: str = "") -> Actor:
    """The asker (whose manage token is the header's or the cookie's), or the typed one."""
    asker = actor(services, bottle.request)
    return dataclasses.replace(asker, manage_token=form_token) if form_token else asker


def _needs_token(services: Services, paste: Paste) -> bool:
    """Whether the edit and delete forms ask for the manage token: not when this browser
    keeps it in its cookie, nor for the signed-in owner (web/pages/account.py)."""
    if token_cookie(bottle.request):
        return False
    user = session_user(services, bottle.request)
    return user is None or paste.owner_id != user.id


# -- new and fork ----------------------------------------------------------------------------


def new_form(services: Services):
    source = bottle.request.query.getunicode("from")
    return fork_form(services, source) if source else form_page(services, PasteForm())


def fork_form(services: Services, paste_id: str):
    """Under the paste's path, where its maker's cookie goes."""
    paste = pastes.peek(services.core, paste_id, _actor_with_token(services))
    if paste.burn or paste.is_e2ee:
        raise Invalid("burn-after-read and encrypted pastes cannot be copied into a new one")
    if paste.size > services.cfg.page_max_bytes:
        raise Invalid("this paste is too large to copy into the form; download it (Raw) and "
                      "upload it as a new paste")  # fmt: skip
    return form_page(services, form_of_paste(paste), mode="fork", paste=paste)


def create(services: Services):
    """The form's POST: a 303 to the new paste, or the form again with the error. A script
    asking for JSON (e2ee.js, posting a record sealed in the browser) gets a 201 with the id
    and URL, or the API's error shape."""
    form = PasteForm()
    as_json = wants_json(bottle.request)
    try:
        form = _read_form(services)
        check_csrf(form.csrf)
        _refuse_malformed(form)
        if _apply_block_actions(form):
            return form_page(services, form)
        owner_id = actor(services, bottle.request).user_id
        ttl = ttl_text(form.ttl) if form.ttl else None
        make = e2ee_paste if form.e2ee else new_paste
        with writing(services, client(bottle.request)):
            created = pastes.create(services.core, make(form, ttl, owner_id))
    except PasteboxError as exc:  # a TooLarge body was not read: nothing to keep then
        if as_json:
            return error_response(exc, json_error)
        return form_page(services, form, error=exc)
    paste = created.paste
    if as_json:
        url = f"{base_url(services, bottle.request)}/{paste.id}"
        response = json_response({"id": paste.id, "url": url}, 201, **NO_STORE)
    else:
        response = redirect(f"/{paste.id}")
    if created.manage_token:
        remember_token(response, paste, created.manage_token, now=services.now(),
                       secure=is_https(services, bottle.request))  # fmt: skip
    return response


# -- edit ------------------------------------------------------------------------------------


def _editable(services: Services, paste_id: str) -> Paste:
    paste = pastes.peek(services.core, paste_id, _actor_with_token(services))
    if paste.burn or paste.is_e2ee:
        raise Invalid("burn-after-read and encrypted pastes are edited through the API")
    if not all(f.is_text for f in paste.files):
        raise Invalid("this paste has binary files; edit it through the API")
    if paste.size > services.cfg.page_max_bytes:  # the whole text would be in the page
        raise Invalid("this paste is too large to edit in the browser; edit it through the API")
    return paste


def edit_form(services: Services, paste_id: str):
    paste = _editable(services, paste_id)
    need_token = _needs_token(services, paste)
    return form_page(services, form_of_paste(paste), mode="edit", paste=paste,
                     need_token=need_token)  # fmt: skip


def edit(services: Services, paste_id: str):
    sent, refused = _checked_form(services)
    paste = _editable(services, paste_id)
    need_token = _needs_token(services, paste)
    form = sent or form_of_paste(paste)
    try:
        if refused:
            raise refused
        _refuse_malformed(form)
        if _apply_block_actions(form):
            return form_page(services, form, mode="edit", paste=paste, need_token=need_token)
        if need_token and not form.token:
            raise Invalid("enter the paste's manage token to change it", field="token")
        with writing(services, client(bottle.request)):
            editor = _actor_with_token(services, form.token)
            pastes.edit(services.core, paste_id, editor, edit_of(form, paste))
    except PasteboxError as exc:
        return form_page(services, form, mode="edit", paste=paste, error=exc,
                         need_token=need_token)  # fmt: skip
    return redirect(f"/{paste_id}")


# -- delete ----------------------------------------------------------------------------------


def _deletable(services: Services, paste_id: str) -> Paste:
    """The paste the delete page asks about. Deleting takes the manage token (or owning the
    paste), never the password: a password paste stays locked here, so the page shows
    nothing sealed (not even the title; it is named by its id)."""
    return pastes.peek(services.core, paste_id, _actor_with_token(services), locked_ok=True)


def delete_form(services: Services, paste_id: str):
    paste = _deletable(services, paste_id)
    need_token = _needs_token(services, paste)
    return page_response(page("delete.tpl", paste=paste, error="", need_token=need_token))


def delete(services: Services, paste_id: str):
    form, refused = _checked_form(services)
    paste = _deletable(services, paste_id)
    need_token = _needs_token(services, paste)
    try:
        if refused or form is None:
            raise refused or Invalid("the form could not be read")
        _refuse_malformed(form)
        if need_token and not form.token:
            raise Invalid("enter the paste's manage token to delete it", field="token")
        with writing(services, client(bottle.request)):
            pastes.delete(services.core, paste_id, _actor_with_token(services, form.token))
    except PasteboxError as exc:
        body = page("delete.tpl", paste=paste, error=exc.message, need_token=need_token)
        return page_response(body, exc)
    response = page_response(page("deleted.tpl", paste_id=paste_id))
    forget_token_cookie(response, paste_id)
    return response
