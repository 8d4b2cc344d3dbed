"""Accounts in the browser: sign-up, log-in and log-out, the signed-in user's pastes (/me) and
settings (API keys, password).

A session is a random token in an HttpOnly SameSite=Lax cookie, stored hashed (accounts.py).
Every form POST here is CSRF-checked and write-rate limited; a refusal comes back on its form,
never with a password in it.
"""

import re
from urllib.parse import urlencode

import bottle

from pastebox.core import accounts, pastes
from pastebox.core.errors import Invalid, NotFound, PasteboxError, RateLimited, Unavailable
from pastebox.core.model import Actor, PasteSummary, User
from pastebox.web import pages
from pastebox.web.context import SESSION_COOKIE, Services
from pastebox.web.csrf import CSRF_FIELD, check_csrf, renew_csrf
from pastebox.web.payload import read_small_form
from pastebox.web.plugins import surface

ME_PAGE_SIZE = 50
MAX_ME_PAGE = 1000
HOME_PATH = "/me"  # where a log-in or sign-up lands without a `next`
MAX_NEXT_CHARS = 2048
# A path on this site: one leading slash (never //host or /\host, which browsers treat as
# another site), printable ASCII without spaces or backslashes.
_LOCAL_PATH_RE = re.compile(r"/(?![/\\])[\x21-\x5b\x5d-\x7e]*")
NO_STORE = {"Content-Type": pages.HTML_TYPE, "Cache-Control": "no-store"}
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
    return bottle.HTTPResponse(status=303, Location="/login?" + urlencode({"next": target}))


def session_cookie(token: str, max_age: int, *, secure: bool) -> str:
    """The Set-Cookie value of a session (an empty token and max_age 0 expire it)."""
    flags = f"Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}" + ("; Secure" if secure else "")
    return f"{SESSION_COOKIE}={token}; {flags}"


def _read_fields() -> dict[str, str]:
    return read_small_form(bottle.request.environ)


def _key_id(text: str) -> int:
    """The API key id in a revoke URL; NotFound (as for a key that is not there) for anything
    that could be no key's id: not plain ASCII digits, 0, or too large for SQLite."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_KEY_ID)):
        number = int(text)
        if 1 <= number <= MAX_KEY_ID:
            return number
    raise NotFound("you have no such API key")


def _rate_limit(services: Services) -> None:
    """The write-rate limit of a form POST, taken inside the handler so that a refusal comes
    back on its form (the routes skip the write_limit plugin). The write gate is not held: a
    password hash takes tens of milliseconds, and the store serialises the rows written here."""
    services.limiter.take(services.client(bottle.request), services.now())


def _html(body: str, error: PasteboxError | None = None) -> bottle.HTTPResponse:
    """An account page, never stored; a refusal's status (and Retry-After) when it shows one."""
    headers = dict(NO_STORE)
    if isinstance(error, RateLimited | Unavailable):
        headers["Retry-After"] = str(error.retry_after)
    return bottle.HTTPResponse(body, error.status if error else 200, **headers)


def make_account(services: Services) -> bottle.Bottle:
    app = surface(services, pages.negotiated_error)
    core, cfg = services.core, services.cfg

    def secure() -> bool:
        return services.base_url(bottle.request).startswith("https:")

    def signed_in(response: bottle.BaseResponse, user: User, next_path: str) -> None:
        """Start a session for `user` in this browser: its cookie, a fresh CSRF token, and a
        303 to `next_path`. The browser's previous session, if any, ends."""
        accounts.end_session(core, bottle.request.get_cookie(SESSION_COOKIE))
        token = accounts.start_session(core, user)
        response.add_header(
            "Set-Cookie", session_cookie(token, accounts.SESSION_SECONDS, secure=secure())
        )
        renew_csrf()
        response.status = 303
        response.set_header("Location", next_path)

    # -- sign-up -----------------------------------------------------------------------------

    def require_registration() -> None:
        if cfg.registration != "open":
            raise NotFound("no such page")

    def signup_page(name: str = "", error: PasteboxError | None = None) -> bottle.HTTPResponse:
        body = pages.page(
            "signup.tpl",
            user_name=name,
            error=error.message if error else "",
            error_field=(error.field or "") if error else "",
            min_chars=accounts.PASSWORD_MIN_CHARS,
        )
        return _html(body, error)

    @app.get("/signup")
    def signup_form():
        require_registration()
        return signup_page()

    @app.post("/signup", skip=["write_limit"])
    def signup():
        require_registration()
        name = ""
        try:
            fields = _read_fields()
            name = fields.get("name", "").strip()
            check_csrf(fields.get(CSRF_FIELD))
            password = fields.get("password", "")
            if password != fields.get("confirm", ""):
                raise Invalid("the two passwords are not the same", field="confirm")
            _rate_limit(services)
            user = accounts.register(core, name, password)
        except PasteboxError as exc:
            return signup_page(name, exc)
        response = bottle.HTTPResponse()
        signed_in(response, user, HOME_PATH)
        return response

    # -- log-in and log-out ------------------------------------------------------------------

    def login_page(
        name: str = "", next_path: str = HOME_PATH, error: PasteboxError | None = None
    ) -> bottle.HTTPResponse:
        body = pages.page(
            "login.tpl",
            user_name=name,
            next_path=next_path,
            error=error.message if error else "",
            signup=cfg.registration == "open",
        )
        return _html(body, error)

    @app.get("/login")
    def login_form():
        next_path = safe_next(bottle.request.query.getunicode("next"))
        if services.session_user(bottle.request) is not None:
            return bottle.HTTPResponse(status=303, Location=next_path)
        return login_page(next_path=next_path)

    @app.post("/login", skip=["write_limit"])
    def login():
        name, next_path = "", HOME_PATH
        try:
            fields = _read_fields()
            name = fields.get("name", "").strip()
            next_path = safe_next(fields.get("next"))
            check_csrf(fields.get(CSRF_FIELD))
            _rate_limit(services)
            user = accounts.authenticate(core, name, fields.get("password", ""))
        except PasteboxError as exc:
            return login_page(name, next_path, exc)
        response = bottle.HTTPResponse()
        signed_in(response, user, next_path)
        return response

    @app.post("/logout", skip=["write_limit"])
    def logout():
        fields = _read_fields()
        check_csrf(fields.get(CSRF_FIELD))
        _rate_limit(services)
        accounts.end_session(core, bottle.request.get_cookie(SESSION_COOKIE))
        response = bottle.HTTPResponse(status=303, Location="/")
        response.add_header("Set-Cookie", session_cookie("", 0, secure=secure()))
        renew_csrf()
        return response

    # -- my pastes ---------------------------------------------------------------------------

    @app.get("/me")
    def my_pastes():
        user = services.session_user(bottle.request)
        if user is None:
            return login_redirect()
        number = bottle.request.query.get("page", "1")
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= MAX_ME_PAGE):
            raise Invalid(f"page must be a number from 1 to {MAX_ME_PAGE}", field="page")
        page_number = int(number)
        now = services.now()
        rows: list[PasteSummary] = pastes.list_mine(
            core, Actor(user_id=user.id), ME_PAGE_SIZE + 1, (page_number - 1) * ME_PAGE_SIZE
        )

        def page_link(n: int) -> str:
            return "/me" if n == 1 else f"/me?page={n}"

        body = pages.page(
            "me.tpl",
            user=user,
            rows=rows[:ME_PAGE_SIZE],
            page_number=page_number,
            previous_link=page_link(page_number - 1) if page_number > 1 else "",
            next_link=page_link(page_number + 1) if len(rows) > ME_PAGE_SIZE else "",
            language_label=pages.language_label,
            human_size=pages.human_size,
            utc_text=pages.utc_text,
            iso_text=pages.iso_text,
            ago=lambda t: pages.human_ago(t, now),
        )
        return _html(body)

    # -- settings: API keys and the password -------------------------------------------------

    def settings_page(
        user: User,
        *,
        new_key: str = "",
        notice: str = "",
        error: PasteboxError | None = None,
        error_form: str = "",
        label: str = "",
    ) -> bottle.HTTPResponse:
        body = pages.page(
            "settings.tpl",
            user=user,
            keys=accounts.list_api_keys(core, user),
            new_key=new_key,
            notice=notice,
            error=error.message if error else "",
            error_form=error_form if error else "",
            label=label,
            min_chars=accounts.PASSWORD_MIN_CHARS,
            utc_text=pages.utc_text,
            iso_text=pages.iso_text,
        )
        return _html(body, error)

    def checked_form() -> tuple[dict[str, str], User | None]:
        """A settings form's fields (CSRF-checked) and the signed-in user, if any."""
        fields = _read_fields()
        check_csrf(fields.get(CSRF_FIELD))
        return fields, services.session_user(bottle.request)

    @app.get("/settings")
    def settings():
        user = services.session_user(bottle.request)
        if user is None:
            return login_redirect()
        return settings_page(user)

    @app.post("/settings/keys", skip=["write_limit"])
    def create_key():
        fields, user = checked_form()
        if user is None:
            return login_redirect("/settings")
        label = fields.get("label", "")
        try:
            _rate_limit(services)
            key = accounts.new_api_key(core, user, label)
        except PasteboxError as exc:
            return settings_page(user, error=exc, error_form="key", label=label)
        return settings_page(user, new_key=key)

    @app.post("/settings/keys/<key_id>/revoke", skip=["write_limit"])
    def revoke_key(key_id: str):
        _, user = checked_form()
        if user is None:
            return login_redirect("/settings")
        try:
            _rate_limit(services)
            accounts.revoke_api_key(core, user, _key_id(key_id))
        except PasteboxError as exc:
            return settings_page(user, error=exc, error_form="keys")
        return bottle.HTTPResponse(status=303, Location="/settings")

    @app.post("/settings/password", skip=["write_limit"])
    def change_password():
        fields, user = checked_form()
        if user is None:
            return login_redirect("/settings")
        try:
            new = fields.get("new", "")
            if new != fields.get("confirm", ""):
                raise Invalid("the two new passwords are not the same", field="confirm")
            _rate_limit(services)
            accounts.change_password(core, user, fields.get("current", ""), new)
        except PasteboxError as exc:
            return settings_page(user, error=exc, error_form="password")
        # Every session of the user ended with the change; this browser gets a new one (and a
        # new CSRF token, before the page's forms are made with it).
        token = accounts.start_session(core, user)
        renew_csrf()
        response = settings_page(
            user, notice="Your password is changed. Other browsers are signed out."
        )
        response.add_header(
            "Set-Cookie", session_cookie(token, accounts.SESSION_SECONDS, secure=secure())
        )
        return response

    return app
