"""Cross-site request forgery defence for every browser form POST: a double-submit token.

A random token lives in an HttpOnly SameSite=Lax cookie; each form carries the same value in a
hidden `csrf` field, which another site can neither read nor set. A form POST whose field does
not match the cookie is refused before it does anything. The session cookie (a signed-in user)
counts for a POST only once the form passed this check (see requests.session_user).
"""

import hmac
import re
from collections.abc import Callable

import bottle

from pastebox.core import ids
from pastebox.core.errors import Forbidden

CSRF_COOKIE = "pastebox_csrf"
CSRF_FIELD = "csrf"
CSRF_MAX_AGE = 365 * 86400
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
_NEW = "pastebox.csrf_new"
VERIFIED = "pastebox.csrf_ok"
HANDED_OUT = "pastebox.csrf_handed_out"
FETCH_SITE = "HTTP_SEC_FETCH_SITE"
SAME_ORIGIN = ("same-origin", "none")  # "none": the user's own action (typed, bookmarked)


def csrf_token() -> str:
    """This browser's token: its cookie's, or a new one that the response will set."""
    environ = bottle.request.environ
    environ[HANDED_OUT] = True  # the page carries a token: no cache may keep it (responses.finish)
    token = environ.get(_NEW) or bottle.request.get_cookie(CSRF_COOKIE) or ""
    if not _TOKEN_RE.fullmatch(token):
        token = ids.new_token()
        environ[_NEW] = token
    return token


def csrf_field() -> str:
    """The hidden input every POST form carries (for templates: `{{!csrf_field()}}`)."""
    return f'<input type="hidden" name="{CSRF_FIELD}" value="{csrf_token()}">'


def renew_csrf() -> None:
    """A fresh token from now on (after log-in or log-out, so a planted one is worthless)."""
    bottle.request.environ[_NEW] = ids.new_token()


def check_csrf(value: str | None) -> None:
    """Refuse a form POST whose token is missing or differs from the cookie's, or that the
    browser says came from another origin.

    Cookies ignore ports: a page served from another port of the same host can overwrite the
    token's cookie with a value of its own and send that value in its form (the token matches).
    Sec-Fetch-Site, which browsers set and pages cannot, tells such a request apart: it is
    "same-site", not "same-origin". A client that sends no such header is judged by the token."""
    site = bottle.request.environ.get(FETCH_SITE)
    if site is not None and site not in SAME_ORIGIN:
        raise Forbidden(
            "this form was sent from another site; reload the page and send it again",
            code="csrf",
        )
    cookie = bottle.request.get_cookie(CSRF_COOKIE) or ""
    # Both checked for shape before the comparison, and compared as bytes: compare_digest
    # raises on a str with non-ASCII characters (a 500 for any client that sends one).
    if not (
        value
        and _TOKEN_RE.fullmatch(value)
        and _TOKEN_RE.fullmatch(cookie)
        and hmac.compare_digest(value.encode("ascii"), cookie.encode("ascii"))
    ):
        raise Forbidden(
            "this form has expired or was sent from another site; reload the page and send it again",
            code="csrf",
        )
    bottle.request.environ[VERIFIED] = True


def set_csrf_cookie(https: Callable[[], bool]) -> None:
    """From the after_request hook: send the cookie when this request made a new token
    (Secure when `https()` says the browser came over https; asked only then)."""
    token = bottle.request.environ.get(_NEW)
    if not token:
        return
    secure = "; Secure" if https() else ""
    bottle.response.add_header(
        "Set-Cookie",
        f"{CSRF_COOKIE}={token}; Path=/; Max-Age={CSRF_MAX_AGE}; HttpOnly; SameSite=Lax{secure}",
    )
