"""A search's work is bounded whatever the query: bm25 ranks only the newest matches (older ones
follow newest first), scans stop at the page, and only a few searches run at once."""

import pytest
from helpers import BROWSER, assert_json_error, assert_rate_limited

from pastebox.config import Config
from pastebox.core import pastes, search
from pastebox.core.context import Core
from pastebox.core.model import Actor, NewFile, NewPaste
from pastebox.store import search as store_search
from pastebox.web.app import services_of

WINDOW = 10  # the rank window of these specs (the default is RANK_WINDOW)


@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(store_search, "RANK_WINDOW", WINDOW)


def make(store, cfg, clock, text: str, language: str = "text") -> str:
    clock.advance(1)
    new = NewPaste(files=(NewFile("a.txt", text.encode(), language),), exposure="public")
    return pastes.create(Core(store, cfg, clock), new).paste.id


def search_steps(store, clock, query: str) -> int:
    """SQLite virtual-machine steps (in tens) one search takes: its work, not its time."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    conn = store._reader()  # this thread's read connection: the one the search runs on
    conn.set_progress_handler(count, 10)
    try:
        search.find_pastes(Core(store, Config(), clock), query, Actor(), limit=5)
    finally:
        conn.set_progress_handler(None, 0)
    return steps[0]


@pytest.mark.parametrize("query", ["heron", "her*", "heron lang:python", "lang:python"])
def test_a_searchs_work_does_not_grow_with_the_number_of_matches(
    store, cfg, clock, small_window, query
):
    for _ in range(5 * WINDOW):
        make(store, cfg, clock, "a heron stands in the reeds\n" * 20, "python")
    before = search_steps(store, clock, query)
    for _ in range(10 * WINDOW):
        make(store, cfg, clock, "a heron stands in the reeds\n" * 20, "python")
    after = search_steps(store, clock, query)
    assert after <= before * 1.25 + 2, (before, after)  # three times the matches


def test_the_newest_matches_come_best_first_and_older_ones_newest_first(
    store, cfg, clock, small_window, core
):
    oldest_best = make(store, cfg, clock, "heron " * 8)
    older = [make(store, cfg, clock, "heron and more words here") for _ in range(3)]
    window = [make(store, cfg, clock, "heron and more words here") for _ in range(WINDOW)]
    best = make(store, cfg, clock, "heron " * 6)
    hits = search.find_pastes(core, "heron", Actor(), limit=WINDOW + 5)
    ids = [hit.id for hit in hits]
    assert ids[0] == best  # ranked among the newest WINDOW matches
    assert set(ids[1:WINDOW]) == set(window[1:])  # window[0] is the eleventh newest
    # Past the window, newest first: the best match of all is found, but not ranked first.
    assert ids[WINDOW:] == [window[0], *reversed(older), oldest_best]


def test_pages_of_a_search_go_on_past_the_rank_window(store, cfg, clock, small_window, core):
    made = [make(store, cfg, clock, f"heron number {n}") for n in range(3 * WINDOW)]
    seen = []
    for offset in range(0, 3 * WINDOW, 7):
        seen += [h.id for h in search.find_pastes(core, "heron", Actor(), 7, offset)]
    assert sorted(seen) == sorted(made)


def test_a_search_offset_past_the_maximum_is_refused(app):
    res = app.get(
        "/api/v1/search", params={"q": "heron", "offset": search.MAX_SEARCH_OFFSET + 1}, status=400
    )
    assert_json_error(res, 400)


def test_a_search_past_the_gates_slots_is_503_json_with_retry_after(make_app):
    app = make_app(search_slots=1, search_queue=0)
    with services_of(app.app).search_gate:  # the one slot is taken; no one may wait
        res = app.get("/api/v1/search", params={"q": "heron"}, status=503)
    assert_json_error(res, 503, "busy")
    assert int(res.headers["Retry-After"]) >= 1
    app.get("/api/v1/search", params={"q": "heron"}, status=200)


def test_a_search_page_past_the_gates_slots_is_a_503_page_with_retry_after(make_app):
    app = make_app(search_slots=1, search_queue=0)
    with services_of(app.app).search_gate:
        res = app.get("/search", params={"q": "heron"}, headers=BROWSER, status=503)
    assert res.content_type == "text/html"
    assert "busy" in res.text
    assert int(res.headers["Retry-After"]) >= 1


def test_a_search_waits_its_turn_only_briefly(make_app):
    app = make_app(search_slots=1, search_queue=1, search_wait=0.05)
    with services_of(app.app).search_gate:
        res = app.get("/api/v1/search", params={"q": "heron"}, status=503)
    assert_json_error(res, 503, "busy")


def test_search_slots_and_queue_must_leave_server_threads_free(make_config):
    from pastebox.config import ConfigError

    with pytest.raises(ConfigError, match="search_slots"):
        make_config(threads=8, search_slots=4, search_queue=4)


def test_a_client_past_its_search_rate_is_429_while_others_still_search(make_app):
    app = make_app(search_rate_limit=3)
    one, other = {"REMOTE_ADDR": "10.9.0.1"}, {"REMOTE_ADDR": "10.9.0.2"}
    for _ in range(3):
        app.get("/api/v1/search", params={"q": "heron"}, extra_environ=one, status=200)
    res = app.get("/api/v1/search", params={"q": "heron"}, extra_environ=one, status=429)
    assert_rate_limited(res)
    app.get("/api/v1/search", params={"q": "heron"}, extra_environ=other, status=200)


def test_search_pages_count_against_the_same_search_rate(make_app):
    app = make_app(search_rate_limit=2)
    one = {"REMOTE_ADDR": "10.9.0.1"}
    app.get("/api/v1/search", params={"q": "heron"}, extra_environ=one, status=200)
    app.get("/search", params={"q": "heron"}, headers=BROWSER, extra_environ=one, status=200)
    res = app.get("/search", params={"q": "heron"}, headers=BROWSER, extra_environ=one, status=429)
    assert res.content_type == "text/html"
    assert int(res.headers["Retry-After"]) >= 1


def test_the_search_rate_refills_with_time(make_app, clock):
    app = make_app(search_rate_limit=1)
    app.get("/api/v1/search", params={"q": "heron"}, status=200)
    app.get("/api/v1/search", params={"q": "heron"}, status=429)
    clock.advance(60)
    app.get("/api/v1/search", params={"q": "heron"}, status=200)
