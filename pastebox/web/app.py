"""create_app(): the surfaces merged into one Bottle app, with error handlers and headers."""

import time
from collections.abc import Callable

import bottle

from pastebox.cache import LruCache
from pastebox.config import Config
from pastebox.core.context import Core
from pastebox.core.crypto import KdfGate
from pastebox.core.errors import Invalid, MethodNotAllowed, NotFound, PasteboxError, TooLarge
from pastebox.limits import SEARCH_BUSY, GuessThrottle, Slots, TokenBucket, WriteGate
from pastebox.render import Renderer, cached_size
from pastebox.store import Store
from pastebox.web.account import make_account
from pastebox.web.api import make_api
from pastebox.web.context import SERVICES_KEY, SESSION_COOKIE, TOKEN_COOKIE, Services
from pastebox.web.csrf import HANDED_OUT as CSRF_HANDED_OUT
from pastebox.web.csrf import set_csrf_cookie
from pastebox.web.curl import make_curl
from pastebox.web.pages import HTML_TYPE, make_static, negotiated_error
from pastebox.web.plugins import ErrorShape, InternalError, json_error, new_bottle
from pastebox.web.site import make_site

# Errors bottle raises before a route runs (no route, wrong method) answer in the shape of the
# surface that owns the path; the first matching prefix wins.
ERROR_SHAPES: tuple[tuple[str, ErrorShape], ...] = (
    ("/api/", json_error),
    ("/", negotiated_error),
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HTML_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _router_error(error: bottle.HTTPError) -> PasteboxError:
    if error.status_code == 404:
        return NotFound("no such page")
    if error.status_code == 405:
        return MethodNotAllowed("method not allowed here")
    if error.status_code == 413:
        return TooLarge("request is too large")
    if error.status_code < 500:
        return Invalid(str(error.body or "bad request")[:200])
    return InternalError("internal error; the administrator can find it in the log")


def _on_error(error: bottle.HTTPError) -> str:
    path = bottle.request.environ.get("PATH_INFO", "/")
    shape = next(shape for prefix, shape in ERROR_SHAPES if path.startswith(prefix))
    body, content_type = shape(_router_error(error))
    bottle.response.content_type = content_type
    return body


def _security_headers() -> None:
    headers = bottle.response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    # A handler returning a plain string has no Content-Type yet: bottle will send text/html.
    if (bottle.response.content_type or "text/html").startswith("text/html"):
        headers.setdefault("Content-Security-Policy", HTML_POLICY)
    # A reply that carries a form's token, or was made for whoever sent credentials (an API key,
    # a manage token, a password, a session), is kept by no cache: a shared one would hand it
    # to others, a browser's would keep it after log-out.
    environ = bottle.request.environ
    if not environ.get("PATH_INFO", "").startswith("/static/") and (
        environ.get(CSRF_HANDED_OUT) or _credentialed(environ)
    ):
        headers["Cache-Control"] = "no-store"


CREDENTIAL_HEADERS = (
    "HTTP_X_API_KEY", "HTTP_AUTHORIZATION", "HTTP_X_MANAGE_TOKEN", "HTTP_PASTE_AUTHORIZATION",
    "HTTP_ENCRYPTION_KEY",
)  # fmt: skip
CREDENTIAL_COOKIES = (TOKEN_COOKIE + "=", SESSION_COOKIE + "=")


def _credentialed(environ: dict) -> bool:
    if any(name in environ for name in CREDENTIAL_HEADERS):
        return True
    cookies = environ.get("HTTP_COOKIE", "")
    return any(name in cookies for name in CREDENTIAL_COOKIES)


def create_app(
    config: Config,
    store: Store,
    *,
    now: Callable[[], float] = time.time,
    renderer: Renderer | None = None,
) -> bottle.Bottle:
    """A complete pastebox WSGI app over `store`; `now` is the clock every rule reads."""
    write_gate = WriteGate(config.write_wait)
    core = Core(
        store=store,
        cfg=config,
        now=now,
        throttle=GuessThrottle(),
        kdf_gate=KdfGate(
            config.password_kdf_slots,
            config.password_kdf_wait,
            write_gate.paused,
            config.password_kdf_queue,
        ),
    )
    services = Services(
        core=core,
        limiter=TokenBucket(config.rate_limit),
        renderer=renderer or Renderer(timeout=config.render_timeout, workers=config.render_workers),
        started_at=now(),
        render_cache=LruCache(config.render_cache_mb * 1024 * 1024, cached_size, clock=now),
        write_gate=write_gate,
        search_gate=Slots(
            config.search_slots, config.search_queue, config.search_wait, SEARCH_BUSY
        ),
        search_limiter=TokenBucket(config.search_rate_limit, "searches"),
    )
    app = new_bottle()
    # The account pages before the curl surface: its /<paste_id> routes would take /settings.
    surfaces = (
        make_static(services), make_api(services), make_site(services), make_account(services),
        make_curl(services),
    )  # fmt: skip
    for surface in surfaces:
        app.merge(surface)
    for status in (400, 404, 405, 413, 414, 500):
        app.error(status)(_on_error)
    app.add_hook("after_request", _security_headers)
    app.add_hook(
        "after_request",
        lambda: set_csrf_cookie(services.base_url(bottle.request).startswith("https:")),
    )
    app.config[SERVICES_KEY] = services
    return app


def services_of(app: bottle.Bottle) -> Services:
    return app.config[SERVICES_KEY]


__all__ = ["create_app", "services_of", "HTML_TYPE"]
