"""The two bottle plugins every route passes through, each set per route by its options in the
URL table (web/routes.py): the error shape (outermost) and the write limit (inside it)."""

import bottle

from pastebox.core.errors import Invalid
from pastebox.web.context import Services
from pastebox.web.errors import as_pastebox_error, error_response
from pastebox.web.gates import writing
from pastebox.web.requests import client

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Route options (bottle route config keys) these plugins read.
SHAPE_OPTION = "pastebox.error_shape"
WRITES_OPTION = "pastebox.writes"


def _path_is_utf8(environ: dict) -> bool:
    """Bottle routes on the path with its non-UTF-8 bytes dropped (/ab%FF is /ab): such a path
    names something else than the client meant, so it is refused instead."""
    try:
        environ.get("bottle.raw_path", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return True


def _refuse_before_running() -> None:
    """What no route takes: a path that is not UTF-8, a password in the URL."""
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


class ErrorShapePlugin:
    """Catches every error a handler raises and answers it in the route's shape; a route
    without one (the static files) is left as it is."""

    name = "errors"
    api = 2

    def apply(self, callback, route):
        shape = route.config.get(SHAPE_OPTION)
        if shape is None:
            return callback

        def handle(*args, **kwargs):
            try:
                _refuse_before_running()
                return callback(*args, **kwargs)
            except bottle.HTTPResponse:
                raise
            except Exception as exc:  # noqa: BLE001 - every error gets the route's shape
                where = f"{bottle.request.method} {route.rule}"
                return error_response(as_pastebox_error(exc, where), shape)

        return handle


class WriteLimitPlugin:
    """Spends a token of the client's write rate on every write request, then runs it alone
    (gates.writing). By the route's `writes` option: "gate" (the default), "token" (no gate:
    the write is a small part of slow work, rendering a page), "handler" or None (the handler
    takes its own token, or the route writes nothing)."""

    name = "write_limit"
    api = 2

    def __init__(self, services: Services):
        self.services = services

    def apply(self, callback, route):
        writes = route.config.get(WRITES_OPTION)
        # A route answers one method: a GET route (HEAD too) never writes, so it is not wrapped.
        if route.method not in WRITE_METHODS or writes not in ("gate", "token"):
            return callback
        services, gate = self.services, writes == "gate"

        def limited(*args, **kwargs):
            with writing(services, client(bottle.request), gate=gate):
                return callback(*args, **kwargs)

        return limited


def new_bottle() -> bottle.Bottle:
    """A Bottle without its JSON plugin: every surface builds its own JSON replies."""
    app = bottle.Bottle()
    app.uninstall(bottle.JSONPlugin)
    return app
