"""The URL table (pastebox/web/routes.py): how bottle 0.13 picks among its routes, which of them
can race for one path, and that every route is written down for people."""

import functools
import itertools
import re
from pathlib import Path

import bottle
import pytest

from pastebox.core import ids
from pastebox.web.routes import ROUTES, Route

ROOT = Path(__file__).resolve().parent.parent
WILDCARD_RE = re.compile(r"<[^>]+>")
# Every pair of wildcard routes (same method) that some path matches both of, with the row
# that must win (the earlier one). A new route that races an old one fails
# test_the_wildcard_routes_that_race_are_the_known_ones until it is added here on purpose.
KNOWN_RACES = {
    ("GET", "/static/<filename:path>", "/<paste_id>/fork"),
    ("GET", "/static/<filename:path>", "/<paste_id>/edit"),
    ("GET", "/static/<filename:path>", "/<paste_id>/delete"),
    ("GET", "/<paste_id>/fork", "/zip/<paste_id>"),
    ("GET", "/<paste_id>/fork", "/raw/<paste_id>"),
    ("GET", "/<paste_id>/edit", "/zip/<paste_id>"),
    ("GET", "/<paste_id>/edit", "/raw/<paste_id>"),
    ("GET", "/<paste_id>/delete", "/zip/<paste_id>"),
    ("GET", "/<paste_id>/delete", "/raw/<paste_id>"),
    # /r/fork, /r/edit, /r/delete: a room id is 10 letters and digits of its own alphabet
    # (core/ids.py), a paste id never a one-letter word: 404 whichever wins; the room page does.
    ("GET", "/r/<room_id>", "/<paste_id>/fork"),
    ("GET", "/r/<room_id>", "/<paste_id>/edit"),
    ("GET", "/r/<room_id>", "/<paste_id>/delete"),
    # curl's POST /r/<room_id> takes /r/edit and /r/delete, where no room id can be.
    ("POST", "/r/<room_id>", "/<paste_id>/edit"),
    ("POST", "/r/<room_id>", "/<paste_id>/delete"),
}


def is_static(route: Route) -> bool:
    return WILDCARD_RE.search(route.path) is None


def bare_app(routes) -> bottle.Bottle:
    """A Bottle with `routes` added in the given order, each answering with its row."""
    app = bottle.Bottle()
    for route in routes:
        app.route(route.path, route.method, callback=lambda route=route: route)
    return app


def matched(app: bottle.Bottle, method: str, path: str) -> Route:
    target, args = app.router.match({"REQUEST_METHOD": method, "PATH_INFO": path})
    return target.callback()


def probe_paths(route: Route) -> set[str]:
    """Paths the route takes: each wildcard filled with a paste id or with any literal segment
    of the table (where races happen), a path wildcard also with two segments."""
    literals = {seg for r in ROUTES for seg in r.path.split("/") if seg and "<" not in seg}
    fillers = ["AAAAAAAAAA", *sorted(literals)]
    wildcards = WILDCARD_RE.findall(route.path)
    paths = set()
    for values in itertools.product(fillers, repeat=len(wildcards)):
        path = route.path
        for wildcard, value in zip(wildcards, values, strict=True):
            path = path.replace(wildcard, value, 1)
        paths.add(path)
        if wildcards and wildcards[-1].endswith(":path>"):
            paths.add(path + "/edit")
    return paths


@functools.cache
def races() -> dict[tuple[str, str, str], set[str]]:
    """(method, earlier row's path, later row's path) -> the probe paths both rows take."""
    found: dict[tuple[str, str, str], set[str]] = {}
    dynamic = [r for r in ROUTES if not is_static(r)]
    for first, second in itertools.combinations(dynamic, 2):
        if first.method != second.method:
            continue
        pattern = [bottle.Router() for _ in range(2)]
        pattern[0].add(first.path, first.method, first)
        pattern[1].add(second.path, second.method, second)
        for path in probe_paths(first) | probe_paths(second):
            environ = {"REQUEST_METHOD": first.method, "PATH_INFO": path}
            try:
                pattern[0].match(environ), pattern[1].match(environ)
            except bottle.HTTPError:
                continue
            found.setdefault((first.method, first.path, second.path), set()).add(path)
    return found


def test_every_static_path_in_the_table_beats_the_catch_alls_whatever_their_order():
    """GET /settings, /search, /new, /login, /me ... are never read as a paste id: bottle looks
    a static path up before any wildcard route of its method, in any order (routes.py, rule 2)."""
    orders = {
        "table": ROUTES,
        "reversed": tuple(reversed(ROUTES)),
        "wildcards first": tuple(sorted(ROUTES, key=is_static)),
    }
    static = [r for r in ROUTES if is_static(r)]
    assert {"/settings", "/search", "/new", "/login", "/me", "/signup"} <= {r.path for r in static}
    for name, routes in orders.items():
        app = bare_app(routes)
        for route in static:
            assert matched(app, route.method, route.path) == route, (name, route)
            if route.method == "GET":  # HEAD is answered by the GET route
                assert matched(app, "HEAD", route.path) == route, (name, route)


def test_the_app_answers_the_settings_page_not_a_paste_called_settings(app):
    res = app.get("/settings", headers={"Accept": "text/html"}, status=303)
    assert res.headers["Location"].startswith("/login?")


def test_a_static_path_shields_itself_only_within_its_method():
    """routes.py, rule 4: POST /settings is the catch-all POST /<paste_id>."""
    app = bare_app(ROUTES)
    assert matched(app, "POST", "/settings").path == "/<paste_id>"


def test_no_fixed_path_hides_a_paste_id_the_server_could_draw():
    """A fixed path beats /<paste_id>, so one shaped like a new paste id (ids.PASTE_ID_LENGTH
    letters and digits) would hide the paste that draws it."""
    for route in ROUTES:
        segment = route.path[1:]
        if is_static(route) and "/" not in segment:
            drawable = len(segment) == ids.PASTE_ID_LENGTH and ids.is_paste_id(segment)
            assert not drawable, route


def test_the_wildcard_routes_that_race_are_the_known_ones():
    assert set(races()) == KNOWN_RACES


@pytest.mark.parametrize("race", sorted(KNOWN_RACES))
def test_a_race_is_won_by_the_earlier_row_on_a_path_that_names_no_paste(race):
    """Bottle tries the wildcard routes of a method in the order added (routes.py, rule 3), and
    each racing path is one whose paste id is a word no paste id can be: either row would
    answer 404, so the order keeps answers stable rather than deciding them."""
    method, first_path, second_path = race
    paths = races()[race]
    app = bare_app(ROUTES)
    first = next(r for r in ROUTES if (r.method, r.path) == (method, first_path))
    second = next(r for r in ROUTES if (r.method, r.path) == (method, second_path))
    assert ROUTES.index(first) < ROUTES.index(second)
    for path in paths:
        assert matched(app, method, path) == first, path
        for route in (first, second):
            router = bottle.Router()
            router.add(route.path, method, route)
            _, args = router.match({"REQUEST_METHOD": method, "PATH_INFO": path})
            assert not ids.is_paste_id(args.get("paste_id", "")), (route.path, path)


def test_the_catch_alls_come_last():
    """Once a row's path starts with a wildcard (or /zip/, /raw/, words no paste id can be),
    every later row does too: fixed paths are grouped by surface above them."""
    catch_all = re.compile(r"/(<[^>]+>|zip/|raw/)")
    first = next(i for i, r in enumerate(ROUTES) if catch_all.match(r.path))
    assert all(catch_all.match(r.path) for r in ROUTES[first:])
    assert not any(catch_all.match(r.path) for r in ROUTES[:first])
    assert ("GET", "/<paste_id>") in {(r.method, r.path) for r in ROUTES[first:]}


def test_the_app_serves_exactly_the_table(app):
    served = [(r.method, r.rule) for r in app.app.routes]
    assert served == [(r.method, r.path) for r in ROUTES]


def test_every_route_in_the_table_is_listed_in_the_readme_or_the_architecture_doc():
    text = (ROOT / "README.md").read_text() + (ROOT / "docs" / "architecture.md").read_text()
    missing = [f"{r.method} {r.path}" for r in ROUTES if f"`{r.method} {r.path}`" not in text]
    assert not missing, missing
