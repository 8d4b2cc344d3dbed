"""create_app(): the running server's Services, and one Bottle answering the URL table
(web/routes.py) with its error handlers and the headers every reply gets."""

import functools
import time
from collections.abc import Callable

import bottle

from pastebox.cache import LruCache
from pastebox.config import Config
from pastebox.core.context import Core
from pastebox.core.crypto import KdfGate
from pastebox.limits import SEARCH_BUSY, GuessThrottle, Slots, TokenBucket, WriteGate
from pastebox.render import Renderer, cached_size
from pastebox.store import Store
from pastebox.web.context import SERVICES_KEY, Services
from pastebox.web.csrf import set_csrf_cookie
from pastebox.web.errors import router_error
from pastebox.web.plugins import (
    SHAPE_OPTION,
    WRITES_OPTION,
    ErrorShapePlugin,
    WriteLimitPlugin,
    new_bottle,
)
from pastebox.web.requests import is_https
from pastebox.web.responses import finish
from pastebox.web.routes import ROUTES, UNROUTED_SHAPES, Route

ROUTER_ERRORS = (400, 404, 405, 413, 414, 500)


def _services(config: Config, store: Store, now: Callable[[], float], renderer: Renderer | None):
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
    return Services(
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


def add_routes(app: bottle.Bottle, services: Services, routes: tuple[Route, ...]) -> None:
    """Each row of the table as a bottle route, in order, its handler given `services`."""
    for route in routes:
        app.route(
            route.path,
            route.method,
            functools.partial(route.handler, services),
            **{SHAPE_OPTION: route.shape, WRITES_OPTION: route.writes},
        )


def _on_router_error(error: bottle.HTTPError) -> str:
    """A request no route ran for (404, 405, a body bottle refused): answered in the shape of
    the surface that owns the path, with bottle's status."""
    path = bottle.request.environ.get("PATH_INFO", "/")
    shape = next(shape for prefix, shape in UNROUTED_SHAPES if path.startswith(prefix))
    body, content_type = shape(router_error(error))
    bottle.response.content_type = content_type
    return body


def create_app(
    config: Config,
    store: Store,
    *,
    now: Callable[[], float] = time.time,
    renderer: Renderer | None = None,
) -> bottle.Bottle:
    """A complete pastebox WSGI app over `store`; `now` is the clock every rule reads."""
    services = _services(config, store, now, renderer)
    app = new_bottle()
    # Installed in this order, applied in reverse: the error shape wraps the write limit.
    app.install(ErrorShapePlugin())
    app.install(WriteLimitPlugin(services))
    add_routes(app, services, ROUTES)
    for status in ROUTER_ERRORS:
        app.error(status)(_on_router_error)
    app.add_hook("after_request", lambda: finish(bottle.request.environ, bottle.response))
    app.add_hook(
        "after_request", lambda: set_csrf_cookie(lambda: is_https(services, bottle.request))
    )
    app.config[SERVICES_KEY] = services
    return app


def services_of(app: bottle.Bottle) -> Services:
    return app.config[SERVICES_KEY]
