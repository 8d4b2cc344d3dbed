"""How an error is answered over HTTP, in one place: the status of each kind of error (the one
table), the shapes a surface answers in, and the reply itself.

The domain (pastebox/core/errors.py) names what went wrong; this maps it to a status. Each route
of the URL table (web/routes.py) picks its shape, so a dialect can bring its own.
"""

import json
import logging
from collections.abc import Callable

import bottle

from pastebox.core.errors import (
    Forbidden,
    Gone,
    Invalid,
    MethodNotAllowed,
    NotFound,
    PasteboxError,
    RateLimited,
    TooLarge,
    Unauthorized,
    Unavailable,
    UnsupportedMedia,
)
from pastebox.store import UNAVAILABLE
from pastebox.web.pages.errors import error_page
from pastebox.web.requests import wants_html
from pastebox.web.responses import HTML_TYPE, JSON_TYPE, NO_STORE, retry_after

log = logging.getLogger(__name__)


class InternalError(PasteboxError):
    """What escaped a handler unexpectedly (logged); the client learns nothing more."""

    code = "internal_error"


# The one kind -> status table. A kind not listed answers as its nearest listed base.
STATUS: dict[type[PasteboxError], int] = {
    PasteboxError: 400,
    Invalid: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    MethodNotAllowed: 405,
    Gone: 410,
    TooLarge: 413,
    UnsupportedMedia: 415,
    RateLimited: 429,
    InternalError: 500,
    Unavailable: 503,
}


def status_of(error: PasteboxError) -> int:
    status = STATUS.get(type(error))
    if status is None:
        status = next(STATUS[kind] for kind in type(error).__mro__ if kind in STATUS)
    return status


# -- shapes ----------------------------------------------------------------------------------

# A shape turns an error into (body, content type): every surface answers in its own.
ErrorShape = Callable[[PasteboxError], tuple[str, str]]


def json_error(error: PasteboxError) -> tuple[str, str]:
    """The native shape: {"error": code, "message": text[, "field": name]}."""
    body = {"error": error.code, "message": error.message}
    if error.field:
        body["field"] = error.field
    return json.dumps(body) + "\n", JSON_TYPE


def negotiated_error(error: PasteboxError) -> tuple[str, str]:
    """HTML error pages for browsers, the native JSON shape for everyone else."""
    if wants_html(bottle.request):
        return error_page(error, status_of(error)), HTML_TYPE
    return json_error(error)


# -- replies ---------------------------------------------------------------------------------


def error_response(error: PasteboxError, shape: ErrorShape) -> bottle.HTTPResponse:
    body, content_type = shape(error)
    response = bottle.HTTPResponse(body, status_of(error), **retry_after(error))
    response.content_type = content_type
    return response


def page_response(
    body: str | bytes, error: PasteboxError | None = None, *, no_store: bool = False
) -> bottle.HTTPResponse:
    """An HTML page; when it shows a refusal (a form sent back with its error), the refusal's
    status and Retry-After."""
    headers = {"Content-Type": HTML_TYPE, **retry_after(error)}
    if no_store:
        headers.update(NO_STORE)
    return bottle.HTTPResponse(body, status_of(error) if error else 200, **headers)


def as_pastebox_error(exc: Exception, where: str) -> PasteboxError:
    """Map an exception that escaped a handler to the error the client sees."""
    if isinstance(exc, PasteboxError):
        return exc
    if isinstance(exc, UNAVAILABLE):
        log.warning("database unavailable during %s: %s", where, exc)
        return Unavailable("the database is busy or unavailable; try again", retry_after=2)
    log.exception("unexpected error during %s", where)
    return InternalError("internal error; the administrator can find it in the log")


def router_error(error: bottle.HTTPError) -> PasteboxError:
    """The error bottle raised before any route ran (no route, wrong method, bad request)."""
    if error.status_code == 404:
        return NotFound("no such page")
    if error.status_code == 405:
        return MethodNotAllowed("method not allowed here")
    if error.status_code == 413:
        return TooLarge("request is too large")
    if error.status_code < 500:
        return Invalid(str(error.body or "bad request")[:200])
    return InternalError("internal error; the administrator can find it in the log")
