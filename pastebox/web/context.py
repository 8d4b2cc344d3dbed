"""What every surface needs from the running server, passed explicitly (no globals)."""

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import bottle

from pastebox.cache import LruCache
from pastebox.config import Config
from pastebox.core import accounts
from pastebox.core.context import Core
from pastebox.core.model import Actor, User
from pastebox.limits import (
    SEARCH_BUSY,
    Slots,
    TokenBucket,
    WriteGate,
    client_key,
)
from pastebox.render import Highlighted, Renderer
from pastebox.web.convert import password_header
from pastebox.web.csrf import VERIFIED as CSRF_VERIFIED

# The manage token of a paste made in this browser, scoped to the paste's own path (web/site.py).
TOKEN_COOKIE = "pastebox_token"
# A signed-in browser (web/account.py); HttpOnly, SameSite=Lax.
SESSION_COOKIE = "pastebox_session"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Where the app keeps its Services (bottle app config), and where a request keeps the user of
# its session cookie once looked up.
SERVICES_KEY = "pastebox.services"
SESSION_USER_KEY = "pastebox.session_user"
_HOST_RE = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


@dataclass(frozen=True)
class Services:
    core: Core
    limiter: TokenBucket
    renderer: Renderer
    started_at: float
    render_cache: LruCache[Highlighted]
    # Write requests run one at a time. The store serialises writes anyway; doing it for the
    # whole request keeps a second writer from waking on every GIL release of the first (each
    # SQLite call releases it): bench/FINDINGS.md measured 1,397 creates/s with the gate and
    # 1,318/s without it (p99 38 vs 52 ms), reads unaffected.
    write_gate: WriteGate = field(default_factory=WriteGate)
    # Searches run a few at a time (config search_slots/queue/wait), so that costly ones cannot
    # take every server thread; past the queue they get 503 with Retry-After.
    search_gate: Slots = field(default_factory=lambda: Slots(2, 1, 1.0, SEARCH_BUSY))
    # And each client searches at most search_rate_limit times a minute, so that one client
    # cannot keep the gate's few slots to itself.
    search_limiter: TokenBucket = field(default_factory=lambda: TokenBucket(0, "searches"))

    @property
    def cfg(self) -> Config:
        return self.core.cfg

    @property
    def now(self) -> Callable[[], float]:
        return self.core.now

    def client(self, request: bottle.BaseRequest) -> str:
        """The client address: REMOTE_ADDR, which waitress has already rewritten from the
        trusted proxy's X-Forwarded-For (pastebox/proxy.py); no header is read here, so a
        client that is not the trusted proxy cannot choose its address. An IPv6 client is its
        /64 (limits.client_key): one host may use any address in it."""
        return client_key(request.environ.get("REMOTE_ADDR") or "unknown")

    @contextlib.contextmanager
    def searching(self, request: bottle.BaseRequest) -> Iterator[None]:
        """A search's turn: one token of the client's search rate, then a slot at the gate."""
        self.search_limiter.take(self.client(request), self.now())
        with self.search_gate:
            yield

    def password_secret(self, request: bottle.BaseRequest) -> dict:
        """The keyword arguments that let a read open a password paste: the password from the
        request's header. Each argon2 run costs the client one token of its write rate limit,
        as a write would, so no client can keep the gate full."""
        password = password_header(request)
        if password is not None:
            self.limiter.take(self.client(request), self.now())
        return {"password": password}

    def base_url(self, request: bottle.BaseRequest) -> str:
        """Absolute URL prefix for links: the configured one, else the request's scheme and Host."""
        if self.cfg.base_url:
            return self.cfg.base_url.rstrip("/")
        env = request.environ
        host = env.get("HTTP_HOST", "")
        if not _HOST_RE.fullmatch(host):
            host = f"{env.get('SERVER_NAME', 'localhost')}:{env.get('SERVER_PORT', '80')}"
            # A trusted X-Forwarded-Host sets SERVER_NAME too: never put an unchecked one in a link.
            host = host if _HOST_RE.fullmatch(host) else "localhost"
        # The trusted proxy's X-Forwarded-Proto (and -Host, if trusted) arrive as
        # wsgi.url_scheme and HTTP_HOST, set by waitress (pastebox/proxy.py).
        scheme = env.get("wsgi.url_scheme", "http")
        return f"{scheme}://{host}"

    def actor(self, request: bottle.BaseRequest) -> Actor:
        """Who is asking: API key (X-Api-Key or Authorization: Bearer) or session cookie,
        manage token (header, or the cookie of the browser that made the paste), address."""
        key = request.environ.get("HTTP_X_API_KEY")
        authorization = request.environ.get("HTTP_AUTHORIZATION", "")
        if key is None and authorization[:7].lower() == "bearer ":
            key = authorization[7:].strip()
        user = accounts.user_for_key(self.core, key) if key else None
        if user is None:
            user = self.session_user(request)
        return Actor(
            user_id=user.id if user else None,
            manage_token=(
                request.environ.get("HTTP_X_MANAGE_TOKEN") or request.get_cookie(TOKEN_COOKIE)
            )
            or None,
            client=self.client(request),
        )

    def session_user(self, request: bottle.BaseRequest) -> User | None:
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
                user = accounts.user_for_session(self.core, token)
            environ[SESSION_USER_KEY] = user
        return environ[SESSION_USER_KEY]
