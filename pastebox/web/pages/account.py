"""Accounts in the browser: sign-up, log-in and log-out, the signed-in user's pastes (/me) and
settings (API keys, password).

A session is a random token in an HttpOnly SameSite=Lax cookie, stored hashed (core/accounts.py).
Every form POST here is CSRF-checked and write-rate limited in its handler (route option
writes="handler"); a refusal comes back on its form, never with a password in it. The write gate
is not held: a password hash takes tens of milliseconds, and the store serialises the rows
written here. Account pages are never stored by any cache.
"""

import re
from urllib.parse import urlencode

import bottle

from pastebox.core import accounts, pastes
from pastebox.core.errors import Invalid, NotFound, PasteboxError
from pastebox.core.model import Actor, PasteSummary, User
from pastebox.web.context import Services
from pastebox.web.csrf import CSRF_FIELD, check_csrf, renew_csrf
from pastebox.web.errors import page_response
from pastebox.web.gates import take_write_token
from pastebox.web.pages.layout import (
    human_ago,
    human_size,
    iso_text,
    language_label,
    page,
    utc_text,
)
from pastebox.web.payload import read_small_form
from pastebox.web.requests import SESSION_COOKIE, client, is_https, page_number, session_user
from pastebox.web.responses import redirect, session_cookie

ME_PAGE_SIZE = 50
MAX_ME_PAGE = 1000
HOME_PATH = "/me"  # where a log-in or sign-up lands without a `next`
MAX_NEXT_CHARS = 2048
# A path on this site: one leading slash (never //host or /\host, which browsers treat as
# another site), printable ASCII without spaces or backslashes.
_LOCAL_PATH_RE = re.compile(r"/(?![/\\])[\x21-\x5b\x5d-\x7e]*")
MAX_KEY_ID = 2**63 - 1  # the largest integer SQLite can bind (a row id is at most this)


def safe_next(value: str | None) -> str:
    """`value` when it is a path on this site, else the default landing page."""
    if value and len(value) <= MAX_NEXT_CHARS and _LOCAL_PATH_RE.fullmatch(value):
        return value
    return HOME_PATH


def login_redirect(target: str = "") -> bottle.HTTPResponse:
    """To the log-in page, which goes on to `target` (by default the page asked for) after."""
    if not target:
        environ = bottle.request.environ
        query = environ.get("QUERY_STRING", "")
        target = environ.get("PATH_INFO", "/") + ("?" + query if query else "")
    return redirect("/login?" + urlencode({"next": target}))


def _key_id(text: str) -> int:
    """The API key id in a revoke URL; NotFound (as for a key that is not there) for anything
    that could be no key's id: not plain ASCII digits, 0, or too large for SQLite."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_KEY_ID)):
        number = int(text)
        if 1 <= number <= MAX_KEY_ID:
            return number
    raise NotFound("you have no such API key")


def _html(body: str, error: PasteboxError | None = None) -> bottle.HTTPResponse:
    """An account page, never stored; a refusal's status (and Retry-After) when it shows one."""
    return page_response(body, error, no_store=True)


def _checked_fields() -> dict[str, str]:
    """A small form's fields, once its CSRF token is checked."""
    fields = read_small_form(bottle.request.environ)
    check_csrf(fields.get(CSRF_FIELD))
    return fields


def _take_write_token(services: Services) -> None:
    take_write_token(services, client(bottle.request))


def _set_session(response: bottle.BaseResponse, services: Services, token: str) -> None:
    secure = is_https(services, bottle.request)
    response.add_header(
        "Set-Cookie", session_cookie(token, accounts.SESSION_SECONDS, secure=secure)
    )


def _signed_in(services: Services, user: User, next_path: str) -> bottle.HTTPResponse:
    """Start a session for `user` in this browser: its cookie, a fresh CSRF token, and a
    303 to `next_path`. The browser's previous session, if any, ends."""
    accounts.end_session(services.core, bottle.request.get_cookie(SESSION_COOKIE))
    token = accounts.start_session(services.core, user)
    response = bottle.HTTPResponse()
    _set_session(response, services, token)
    renew_csrf()
    response.status = 303
    response.set_header("Location", next_path)
    return response


# -- sign-up ---------------------------------------------------------------------------------


def _require_registration(services: Services) -> None:
    if services.cfg.registration != "open":
        raise NotFound("no such page")


def _signup_page(name: str = "", error: PasteboxError | None = None) -> bottle.HTTPResponse:
    body = page(
        "signup.tpl",
        user_name=name,
        error=error.message if error else "",
        error_field=(error.field or "") if error else "",
        min_chars=accounts.PASSWORD_MIN_CHARS,
    )
    return _html(body, error)


def signup_form(services: Services):
    _require_registration(services)
    return _signup_page()


def signup(services: Services):
    _require_registration(services)
    name = ""
    try:
        fields = read_small_form(bottle.request.environ)
        name = fields.get("name", "").strip()
        check_csrf(fields.get(CSRF_FIELD))
        password = fields.get("password", "")
        if password != fields.get("confirm", ""):
            raise Invalid("the two passwords are not the same", field="confirm")
        _take_write_token(services)
        user = accounts.register(services.core, name, password)
    except PasteboxError as exc:
        return _signup_page(name, exc)
    return _signed_in(services, user, HOME_PATH)


# -- log-in and log-out ----------------------------------------------------------------------


def _login_page(
    services: Services,
    name: str = "",
    next_path: str = HOME_PATH,
    error: PasteboxError | None = None,
) -> bottle.HTTPResponse:
    body = page(
        "login.tpl",
        user_name=name,
        next_path=next_path,
        error=error.message if error else "",
        signup=services.cfg.registration == "open",
    )
    return _html(body, error)


def login_form(services: Services):
    next_path = safe_next(bottle.request.query.getunicode("next"))
    if session_user(services, bottle.request) is not None:
        return redirect(next_path)
    return _login_page(services, next_path=next_path)


def login(services: Services):
    name, next_path = "", HOME_PATH
    try:
        fields = read_small_form(bottle.request.environ)
        name = fields.get("name", "").strip()
        next_path = safe_next(fields.get("next"))
        check_csrf(fields.get(CSRF_FIELD))
        _take_write_token(services)
        user = accounts.authenticate(services.core, name, fields.get("password", ""))
    except PasteboxError as exc:
        return _login_page(services, name, next_path, exc)
    return _signed_in(services, user, next_path)


def logout(services: Services):
    _checked_fields()
    _take_write_token(services)
    accounts.end_session(services.core, bottle.request.get_cookie(SESSION_COOKIE))
    response = redirect("/")
    response.add_header(
        "Set-Cookie", session_cookie("", 0, secure=is_https(services, bottle.request))
    )
    renew_csrf()
    return response


# -- my pastes -------------------------------------------------------------------------------


def my_pastes(services: Services):
    user = session_user(services, bottle.request)
    if user is None:
        return login_redirect()
    number = page_number(bottle.request.query, MAX_ME_PAGE)
    now = services.now()
    rows: list[PasteSummary] = pastes.list_mine(
        services.core, Actor(user_id=user.id), ME_PAGE_SIZE + 1, (number - 1) * ME_PAGE_SIZE
    )

    def page_link(n: int) -> str:
        return "/me" if n == 1 else f"/me?page={n}"

    body = page(
        "me.tpl",
        user=user,
        rows=rows[:ME_PAGE_SIZE],
        page_number=number,
        previous_link=page_link(number - 1) if number > 1 else "",
        next_link=page_link(number + 1) if len(rows) > ME_PAGE_SIZE else "",
        language_label=language_label,
        human_size=human_size,
        utc_text=utc_text,
        iso_text=iso_text,
        ago=lambda t: human_ago(t, now),
    )
    return _html(body)


# -- settings: API keys and the password -----------------------------------------------------


def _settings_page(
    services: Services,
    user: User,
    *,
    new_key: str = "",
    notice: str = "",
    error: PasteboxError | None = None,
    error_form: str = "",
    label: str = "",
) -> bottle.HTTPResponse:
    body = page(
        "settings.tpl",
        user=user,
        keys=accounts.list_api_keys(services.core, user),
        new_key=new_key,
        notice=notice,
        error=error.message if error else "",
        error_form=error_form if error else "",
        label=label,
        min_chars=accounts.PASSWORD_MIN_CHARS,
        utc_text=utc_text,
        iso_text=iso_text,
    )
    return _html(body, error)


def _settings_form(services: Services) -> tuple[dict[str, str], User | None]:
    """A settings form's fields (CSRF-checked) and the signed-in user, if any."""
    fields = _checked_fields()
    return fields, session_user(services, bottle.request)


def settings(services: Services):
    user = session_user(services, bottle.request)
    if user is None:
        return login_redirect()
    return _settings_page(services, user)


def create_key(services: Services):
    fields, user = _settings_form(services)
    if user is None:
        return login_redirect("/settings")
    label = fields.get("label", "")
    try:
        _take_write_token(services)
        key = accounts.new_api_key(services.core, user, label)
    except PasteboxError as exc:
        return _settings_page(services, user, error=exc, error_form="key", label=label)
    return _settings_page(services, user, new_key=key)


def revoke_key(services: Services, key_id: str):
    _, user = _settings_form(services)
    if user is None:
        return login_redirect("/settings")
    try:
        _take_write_token(services)
        accounts.revoke_api_key(services.core, user, _key_id(key_id))
    except PasteboxError as exc:
        return _settings_page(services, user, error=exc, error_form="keys")
    return redirect("/settings")


def change_password(services: Services):
    fields, user = _settings_form(services)
    if user is None:
        return login_redirect("/settings")
    try:
        new = fields.get("new", "")
        if new != fields.get("confirm", ""):
            raise Invalid("the two new passwords are not the same", field="confirm")
        _take_write_token(services)
        accounts.change_password(services.core, user, fields.get("current", ""), new)
    except PasteboxError as exc:
        return _settings_page(services, user, error=exc, error_form="password")
    # Every session of the user ended with the change; this browser gets a new one (and a
    # new CSRF token, before the page's forms are made with it).
    token = accounts.start_session(services.core, user)
    renew_csrf()
    response = _settings_page(
        services, user, notice="Your password is changed. Other browsers are signed out."
    )
    _set_session(response, services, token)
    return response
