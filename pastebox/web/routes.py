"""THE URL table: every (method, path) pastebox answers, its handler, and its route options.

Each handler is a plain function taking the app's Services first and then the path's wildcards
by name; create_app (web/app.py) adds the rows to one Bottle in this order. Route options:

- shape: how the route's errors are answered (web/errors.py): JSON (the native JSON shape),
  PAGE (an HTML error page for browsers, JSON for everyone else), or None (no shape plugin:
  the static files, whose misses are the router's 404).
- writes: how a write route (POST, PUT, PATCH, DELETE) pays its way (web/gates.py,
  web/plugins.py): "gate" (a token of the client's write rate, then the write gate: writes run
  one at a time), "token" (the token only: the write is a small part of slow work, a page
  render), "handler" (the handler takes its token itself, so that a refusal comes back on its
  form). A GET route writes nothing and says None.

How bottle 0.13 picks a route (bottle.Router.match; tests/test_url_table.py pins it):

1. By method first: a GET request tries the GET routes, a HEAD request the HEAD routes and then
   the GET ones, any other request its own method's; ANY routes come last.
2. Within one method, a static path (no wildcard) is one dict lookup made before any wildcard
   route is tried: GET /settings, /search, /new, /login, /me ... are never read as a paste id,
   whatever their place in this table.
3. Wildcard routes of one method are tried in the order they were added, the first match wins.
   `<name>` matches one path segment, `<name:path>` the rest of the path, slashes included.
   So the order below matters only between wildcard routes that can match the same path; today
   these race, on paths whose first segment is a word no paste id can be (a paste id is 8 to 32
   letters and digits, core/ids.py), so either winner answers 404:
   /static/<filename:path> takes /static/edit before /<paste_id>/edit does, and
   /<paste_id>/fork|edit|delete take /zip/edit, /raw/fork ... before /zip/<paste_id> and
   /raw/<paste_id> do. tests/test_url_table.py lists the races and fails on a new one.
4. A static path shields itself only within its method: POST /settings is POST /<paste_id>.
   And it hides any paste of its name: a fixed one-segment path must never look like a paste
   id the server draws (ids.PASTE_ID_LENGTH letters and digits).
5. A path that no route of its method takes but a route of another method does is 405 (with
   Allow); a path no route takes is 404. Both are answered in the shape of UNROUTED_SHAPES.

Hence the order: fixed paths grouped by surface, then the catch-alls under a paste id (first
segment a wildcard, or a word no paste id can be: /zip, /raw), `/<paste_id>` itself last.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pastebox.web import curl, negotiate, room_curl
from pastebox.web.api import handlers as api
from pastebox.web.api import rooms as rooms_api
from pastebox.web.errors import ErrorShape, json_error, negotiated_error
from pastebox.web.pages import account, forms, search, static, view
from pastebox.web.pages import rooms as room_pages

JSON = json_error
PAGE = negotiated_error


WRITES = ("gate", "token", "handler")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Callable[..., Any]
    shape: ErrorShape | None
    writes: str | None = None

    def __post_init__(self) -> None:
        # A write route says how it pays; a read route has nothing to pay.
        reads = self.method in ("GET", "HEAD")
        if (self.writes is None) != reads or (self.writes and self.writes not in WRITES):
            raise ValueError(f"{self.method} {self.path}: writes={self.writes!r}")


# fmt: off
ROUTES: tuple[Route, ...] = (
    # -- static files ------------------------------------------------------------------------
    Route("GET",    "/static/pygments.css",                 static.pygments_css, None, None),
    Route("GET",    "/static/<filename:path>",              static.static_file,  None, None),
    # -- the native JSON API -----------------------------------------------------------------
    Route("GET",    "/api/health",                          api.health,          JSON),
    Route("POST",   "/api/v1/pastes",                       api.create,          JSON, "gate"),
    Route("GET",    "/api/v1/pastes",                       api.list_mine,       JSON),
    Route("GET",    "/api/v1/search",                       api.search,          JSON),
    Route("GET",    "/api/v1/pastes/<paste_id>",            api.get,             JSON),
    Route("PATCH",  "/api/v1/pastes/<paste_id>",            api.edit,            JSON, "gate"),
    Route("DELETE", "/api/v1/pastes/<paste_id>",            api.delete,          JSON, "gate"),
    Route("POST",   "/api/v1/pastes/<paste_id>/extend",     api.extend,          JSON, "gate"),
    Route("GET",    "/api/v1/pastes/<paste_id>/revisions",  api.revisions,       JSON),
    # -- rooms: the seed's API, and the feed the room page polls ------------------------------
    Route("POST",   "/api/rooms",                           rooms_api.create,    JSON, "gate"),
    Route("GET",    "/api/rooms/<room_id>",                 rooms_api.info,      JSON),
    Route("DELETE", "/api/rooms/<room_id>",                 rooms_api.delete,    JSON, "gate"),
    Route("GET",    "/api/rooms/<room_id>/content",         rooms_api.get_content, JSON),
    Route("PUT",    "/api/rooms/<room_id>/content",         rooms_api.put_content, JSON, "gate"),
    Route("POST",   "/api/rooms/<room_id>/content",         rooms_api.put_content, JSON, "gate"),
    Route("POST",   "/api/rooms/<room_id>/upload",          rooms_api.upload,    JSON, "gate"),
    Route("GET",    "/api/rooms/<room_id>/feed",            rooms_api.feed,      JSON),
    # -- browser pages at fixed paths --------------------------------------------------------
    Route("GET",    "/new",                                 forms.new_form,      PAGE),
    Route("POST",   "/new",                                 forms.create,        PAGE, "handler"),
    Route("GET",    "/search",                              search.search,       PAGE),
    Route("GET",    "/signup",                              account.signup_form, PAGE),
    Route("POST",   "/signup",                              account.signup,      PAGE, "handler"),
    Route("GET",    "/login",                               account.login_form,  PAGE),
    Route("POST",   "/login",                               account.login,       PAGE, "handler"),
    Route("POST",   "/logout",                              account.logout,      PAGE, "handler"),
    Route("GET",    "/me",                                  account.my_pastes,   PAGE),
    Route("GET",    "/settings",                            account.settings,    PAGE),
    Route("POST",   "/settings/keys",                       account.create_key,  PAGE, "handler"),
    Route("POST",   "/settings/keys/<key_id>/revoke",       account.revoke_key,  PAGE, "handler"),
    Route("POST",   "/settings/password",                   account.change_password, PAGE,
          "handler"),
    # -- rooms in the browser: the start page, the room page (curl's text for others) ---------
    Route("GET",    "/rooms",                     room_pages.start_page,     PAGE),
    Route("POST",   "/rooms",                     room_pages.create_or_join, PAGE, "handler"),
    Route("GET",    "/r/<room_id>",               negotiate.room,            PAGE),
    Route("POST",   "/r/<room_id>/join",          room_pages.join,           PAGE, "handler"),
    Route("POST",   "/r/<room_id>/send",          room_pages.send,           PAGE, "handler"),
    Route("POST",   "/r/<room_id>/upload",        room_pages.upload,         PAGE, "handler"),
    Route("POST",   "/r/<room_id>/delete",        room_pages.delete,         PAGE, "handler"),
    Route("GET",    "/r/<room_id>/qr.svg",        room_pages.qr_code,        PAGE),
    # -- `/`: the form for browsers, the manual and uploads for curl --------------------------
    Route("GET",    "/",                                    negotiate.index,     PAGE),
    Route("POST",   "/",                                    curl.create,         PAGE, "gate"),
    Route("PUT",    "/",                                    curl.create,         PAGE, "gate"),
    # -- rooms: files, and curl sending to /r/ID (GET /r/ID is negotiate.room) ----------------
    Route("GET",    "/r/<room_id>/files/<file_key>/<name>", room_curl.room_file, PAGE),
    Route("POST",   "/r/<room_id>",                         room_curl.send,      PAGE, "gate"),
    Route("PUT",    "/r/<room_id>",                         room_curl.send,      PAGE, "gate"),
    Route("PUT",    "/r/<room_id>/<name>",                  room_curl.send,      PAGE, "gate"),
    # -- catch-alls under a paste id: last ---------------------------------------------------
    Route("GET",    "/<paste_id>/fork",                     forms.fork_form,     PAGE),
    Route("GET",    "/<paste_id>/edit",                     forms.edit_form,     PAGE),
    Route("POST",   "/<paste_id>/edit",                     forms.edit,          PAGE, "handler"),
    Route("GET",    "/<paste_id>/delete",                   forms.delete_form,   PAGE),
    Route("POST",   "/<paste_id>/delete",                   forms.delete,        PAGE, "handler"),
    Route("GET",    "/zip/<paste_id>",                      curl.archive,        PAGE),
    Route("GET",    "/raw/<paste_id>",                      curl.raw,            PAGE),
    Route("GET",    "/raw/<paste_id>/<filename:path>",      curl.raw_file,       PAGE),
    Route("GET",    "/<paste_id>",                          negotiate.paste,     PAGE),
    # The burn interstitial's and the password form's POST: it renders, so it holds no gate.
    Route("POST",   "/<paste_id>",                          view.reveal,         PAGE, "token"),
    # `curl -T f.py host/` sends PUT /f.py.
    Route("PUT",    "/<name>",                              curl.create,         PAGE, "gate"),
)
# fmt: on

# Errors raised before any route runs (no route, wrong method) answer in the shape of the
# surface that owns the path; the first matching prefix wins.
UNROUTED_SHAPES: tuple[tuple[str, ErrorShape], ...] = (
    ("/api/", JSON),
    ("/", PAGE),
)
