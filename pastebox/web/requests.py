"""Everything read from a request, in one place: who is asking (address, API key, session,
manage token), where the server is (base URL, https), what the client accepts, and the small
values every surface parses the same way (page numbers, yes/no flags, query text and numbers,
the paste password header).

Nothing here writes a response (web/responses.py does); a value that cannot be read raises the
core error a handler would (Invalid, RateLimited).
"""

import re
from dataclasses import dataclass

import bottle

from pastebox.core import accounts
from pastebox.core.errors import Invalid
from pastebox.core.model import Actor, User
from pastebox.limits import client_key
from pastebox.web.context import Services
from pastebox.web.csrf import VERIFIED as CSRF_VERIFIED
from pastebox.web.gates import take_write_token

# The manage token of a paste made in this browser, scoped to the paste's own path
# (responses.remember_token).
TOKEN_COOKIE = "pastebox_token"
# A signed-in browser (web/pages/account.py); HttpOnly, SameSite=Lax.
SESSION_COOKIE = "pastebox_session"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Where a request keeps the user of its session cookie once looked up.
SESSION_USER_KEY = "pastebox.session_user"
_HOST_RE = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
# Where a paste password travels: a header (never the URL, which lands in logs and history).
PASSWORD_HEADERS = ("HTTP_PASTE_AUTHORIZATION", "HTTP_ENCRYPTION_KEY")
# Headers and cookies that make a reply personal to whoever sent them (responses.finish).
CREDENTIAL_HEADERS = (
    "HTTP_X_API_KEY", "HTTP_AUTHORIZATION", "HTTP_X_MANAGE_TOKEN", "HTTP_PASTE_AUTHORIZATION",
    "HTTP_ENCRYPTION_KEY",
)  # fmt: skip
CREDENTIAL_COOKIES = (TOKEN_COOKIE + "=", SESSION_COOKIE + "=")
# How a form field or query option says yes or no (curl's burn=1, the form's checkbox).
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


# -- who is asking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyScheme:
    """One way a client may send its API key: the value of `header` (a WSGI environ name) that
    starts with `prefix` (matched case-insensitively; "" takes the whole value as it is)."""

    header: str
    prefix: str = ""

    def key(self, environ: dict) -> str | None:
        value = environ.get(self.header)
        if value is None:
            return None
        if not self.prefix:
            return value
        if value[: len(self.prefix)].lower() != self.prefix:
            return None
        return value[len(self.prefix) :].strip()


# The native surfaces' schemes: `X-Api-Key: KEY`, else `Authorization: Bearer KEY`. A dialect
# passes its own to actor() (e.g. `Authorization: ApiKey KEY`, or a bare `Authorization: KEY`).
NATIVE_KEY_SCHEMES = (KeyScheme("HTTP_X_API_KEY"), KeyScheme("HTTP_AUTHORIZATION", "bearer "))


def api_key(environ: dict, schemes: tuple[KeyScheme, ...] = NATIVE_KEY_SCHEMES) -> str | None:
    """The API key sent by the first of `schemes` the request uses, or None."""
    for scheme in schemes:
        key = scheme.key(environ)
        if key is not None:
            return key
    return None


def client(request: bottle.BaseRequest) -> str:
    """The client address: REMOTE_ADDR, which waitress has already rewritten from the
    trusted proxy's X-Forwarded-For (pastebox/server/proxy.py); no header is read here, so a
    client that is not the trusted proxy cannot choose its address. An IPv6 client is its
    /64 (limits.client_key): one host may use any address in it."""
    return client_key(request.environ.get("REMOTE_ADDR") or "unknown")


def actor(
    services: Services,
    request: bottle.BaseRequest,
    schemes: tuple[KeyScheme, ...] = NATIVE_KEY_SCHEMES,
) -> Actor:
    """Who is asking: API key (by `schemes`) or session cookie, manage token (header, or the
    cookie of the browser that made the paste), address."""
    key = api_key(request.environ, schemes)
    user = accounts.user_for_key(services.core, key) if key else None
    if user is None:
        user = session_user(services, request)
    return Actor(
        user_id=user.id if user else None,
        manage_token=(
            request.environ.get("HTTP_X_MANAGE_TOKEN") or request.get_cookie(TOKEN_COOKIE)
        )
        or None,
        client=client(request),
    )


def cookie_holder(request: bottle.BaseRequest) -> Actor | None:
    """Who is asking as far as this browser's manage-token cookie says, and nothing else (no
    key, no session): the maker's page shows the token only to the browser that holds it.
    None without the cookie."""
    token = token_cookie(request)
    return Actor(manage_token=token, client=client(request)) if token else None


def session_user(services: Services, request: bottle.BaseRequest) -> User | None:
    """The signed-in user of the session cookie. It counts for reads, and for a form POST
    once its CSRF token was checked (web/csrf.py); never for other writes, which another
    site could forge. Looked up once a request, and not at all without the cookie, so an
    anonymous page costs no query."""
    environ = request.environ
    if not (request.method in SAFE_METHODS or environ.get(CSRF_VERIFIED)):
        return None
    if SESSION_USER_KEY not in environ:
        user = None
        if SESSION_COOKIE in environ.get("HTTP_COOKIE", ""):
            token = request.get_cookie(SESSION_COOKIE)
            user = accounts.user_for_session(services.core, token)
        environ[SESSION_USER_KEY] = user
    return environ[SESSION_USER_KEY]


def token_cookie(request: bottle.BaseRequest) -> str:
    """The manage token this browser keeps for the paste whose path it asks for, or ""."""
    return request.get_cookie(TOKEN_COOKIE) or ""


def carries_credentials(environ: dict) -> bool:
    """Whether the request sent anything that makes its reply its own: an API key, a manage
    token, a password, a session."""
    if any(name in environ for name in CREDENTIAL_HEADERS):
        return True
    cookies = environ.get("HTTP_COOKIE", "")
    return any(name in cookies for name in CREDENTIAL_COOKIES)


# -- the paste password ----------------------------------------------------------------------


def password_header(request: bottle.BaseRequest) -> str | None:
    """The paste password sent with a request (a password in the URL never gets this far: the
    error-shape plugin refuses `?password=` on every route)."""
    for name in PASSWORD_HEADERS:
        value = request.environ.get(name)
        if value is not None:
            try:  # WSGI hands header bytes over as latin-1
                return value.encode("latin-1").decode("utf-8")
            except UnicodeError:
                raise Invalid("the password header is not valid UTF-8", field="password") from None
    return None


def read_password(services: Services, request: bottle.BaseRequest) -> str | None:
    """The password that lets a read open a password paste, from the request's header. Each
    argon2 run costs the client one token of its write rate limit, as a write would, so no
    client can keep the gate full."""
    password = password_header(request)
    if password is not None:
        take_write_token(services, client(request))
    return password


# -- where the server is ---------------------------------------------------------------------


def base_url(services: Services, request: bottle.BaseRequest) -> str:
    """Absolute URL prefix for links: the configured one, else the request's scheme and Host."""
    if services.cfg.base_url:
        return services.cfg.base_url.rstrip("/")
    env = request.environ
    host = env.get("HTTP_HOST", "")
    if not _HOST_RE.fullmatch(host):
        host = f"{env.get('SERVER_NAME', 'localhost')}:{env.get('SERVER_PORT', '80')}"
        # A trusted X-Forwarded-Host sets SERVER_NAME too: never put an unchecked one in a link.
        host = host if _HOST_RE.fullmatch(host) else "localhost"
    # The trusted proxy's X-Forwarded-Proto (and -Host, if trusted) arrive as
    # wsgi.url_scheme and HTTP_HOST, set by waitress (pastebox/server/proxy.py).
    scheme = env.get("wsgi.url_scheme", "http")
    return f"{scheme}://{host}"


def is_https(services: Services, request: bottle.BaseRequest) -> bool:
    """Whether the browser reaches the server over https: its cookies are then Secure."""
    return base_url(services, request).startswith("https:")


# -- what the client accepts -----------------------------------------------------------------


def wants_html(request: bottle.BaseRequest) -> bool:
    """Browsers say text/html in Accept; curl, wget and scripts do not."""
    return "text/html" in request.environ.get("HTTP_ACCEPT", "")


def wants_json(request: bottle.BaseRequest) -> bool:
    """A script asks for JSON (curl -H 'Accept: application/json', static/e2ee.js posting the
    form); a page navigation does not."""
    return "application/json" in request.environ.get("HTTP_ACCEPT", "")


# -- small values ----------------------------------------------------------------------------


def wants_download(request: bottle.BaseRequest) -> bool:
    """`?download=1` on a raw URL: the bytes as an attachment, not shown inline."""
    return request.query.get("download") == "1"


def page_number(query: bottle.FormsDict, maximum: int) -> int:
    """The `page` query parameter: 1 when absent, else a number from 1 to `maximum`."""
    number = query.get("page", "1")
    if not (number.isascii() and number.isdigit() and 1 <= int(number) <= maximum):
        raise Invalid(f"page must be a number from 1 to {maximum}", field="page")
    return int(number)


def flag(value: str, key: str) -> bool:
    """A yes/no option (curl's burn=1): one of TRUE_WORDS or FALSE_WORDS, else Invalid."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(f"{key} must be 1 or 0", field=key)


def query_text(query: bottle.FormsDict, key: str) -> str:
    """A query parameter as text ("" when absent); Invalid when it is not UTF-8."""
    text = query.getunicode(key)  # None when absent, and also when not UTF-8
    if text is None:
        if key in query:
            raise Invalid(f"{key} is not valid UTF-8", field=key)
        return ""
    return text


def query_int(value: str | None, key: str, default: int) -> int:
    """A whole number from the query (`limit`, `offset`); `default` when absent or empty."""
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise Invalid(f"{key} must be a whole number", field=key)
    return int(value)
