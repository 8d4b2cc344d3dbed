"""Bottle plugins shared by the surfaces: error shapes and the write-rate limit."""

import json
import logging
import sqlite3
from collections.abc import Callable
from contextlib import nullcontext

import bottle

from pastebox.core.errors import Invalid, PasteboxError, RateLimited, Unavailable
from pastebox.store import StoreError
from pastebox.web.context import Services

log = logging.getLogger(__name__)

# A shape turns an error into (body, content type): every surface answers in its own.
ErrorShape = Callable[[PasteboxError], tuple[str, str]]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class InternalError(PasteboxError):
    status, code = 500, "internal_error"


def json_error(error: PasteboxError) -> tuple[str, str]:
    """The native shape: {"error": code, "message": text[, "field": name]}."""
    body = {"error": error.code, "message": error.message}
    if error.field:
        body["field"] = error.field
    return json.dumps(body) + "\n", "application/json"


def error_response(error: PasteboxError, shape: ErrorShape) -> bottle.HTTPResponse:
    body, content_type = shape(error)
    response = bottle.HTTPResponse(body, error.status)
    response.content_type = content_type
    if isinstance(error, RateLimited | Unavailable):
        response.set_header("Retry-After", str(error.retry_after))
    return response


def as_pastebox_error(exc: Exception, where: str) -> PasteboxError:
    """Map an exception that escaped a handler to the error the client sees."""
    if isinstance(exc, PasteboxError):
        return exc
    if isinstance(exc, sqlite3.OperationalError | StoreError):
        log.warning("database unavailable during %s: %s", where, exc)
        return Unavailable("the database is busy or unavailable; try again", retry_after=2)
    log.exception("unexpected error during %s", where)
    return InternalError("internal error; the administrator can find it in the log")


def _path_is_utf8(environ: dict) -> bool:
    """Bottle routes on the path with its non-UTF-8 bytes dropped (/ab%FF is /ab): such a path
    names something else than the client meant, so it is refused instead."""
    try:
        environ.get("bottle.raw_path", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return True


class ErrorShapePlugin:
    """Catches every error a handler raises and answers it in the surface's shape."""

    name = "errors"
    api = 2

    def __init__(self, shape: ErrorShape):
        self.shape = shape

    def apply(self, callback, route):
        shape = self.shape

        def handle(*args, **kwargs):
            try:
                if not _path_is_utf8(bottle.request.environ):
                    raise Invalid("the path is not valid UTF-8", code="invalid_path")
                if "password" in bottle.request.query:
                    # Refused on every route, before anything runs: URLs end up in logs.
                    raise Invalid(
                        "a password in the URL ends up in logs and browser history; send it in"
                        " the Paste-Authorization header or the page's form",
                        code="password_in_url",
                        field="password",
                    )
                return callback(*args, **kwargs)
            except bottle.HTTPResponse:
                raise
            except Exception as exc:  # noqa: BLE001 - every error gets the surface's shape
                where = f"{bottle.request.method} {route.rule}"
                return error_response(as_pastebox_error(exc, where), shape)

        return handle


class WriteLimitPlugin:
    """Spends a token of the client's bucket on every write request, then runs it alone."""

    name = "write_limit"
    api = 2

    def __init__(self, services: Services):
        self.services = services

    def apply(self, callback, route):
        services = self.services
        # A route whose write is a small part of slow work (rendering a page) opts out of the
        # gate with `write_gate=False`; the store still serialises its SQL.
        gate = services.write_gate if route.config.get("write_gate", True) else nullcontext()

        def limited(*args, **kwargs):
            if bottle.request.method not in WRITE_METHODS:
                return callback(*args, **kwargs)
            services.limiter.take(services.client(bottle.request), services.now())
            with gate:
                return callback(*args, **kwargs)

        return limited


def new_bottle() -> bottle.Bottle:
    """A Bottle without its JSON plugin: every surface builds its own JSON replies."""
    app = bottle.Bottle()
    app.uninstall(bottle.JSONPlugin)
    return app


def surface(services: Services, shape: ErrorShape, *, limit_writes: bool = True) -> bottle.Bottle:
    """A Bottle app for one surface, with its error shape outermost and the write limit inside."""
    app = new_bottle()
    app.install(ErrorShapePlugin(shape))
    if limit_writes:
        app.install(WriteLimitPlugin(services))
    return app
