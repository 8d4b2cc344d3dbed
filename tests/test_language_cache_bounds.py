"""No client string becomes a cache key: language names, extensions and file names are checked
for length before any cached lookup, on every surface that takes one, so refused requests with
megabytes in them leave nothing behind."""

import gc
import itertools
import tracemalloc
import urllib.parse
from urllib.parse import quote

import pytest
from helpers import BROWSER, CURL, PASTES, block, create, multipart, post_form

from pastebox import render
from pastebox.web.pages import layout, view

HUGE = 2 * 1024 * 1024  # characters in each hostile string


ROUNDS = 6  # distinct hostile strings per surface: the old caches kept every one (12 MB)


RETAINED_LIMIT = 1024 * 1024  # what the process may keep after them (lazy imports, a cache line)


_serial = itertools.count()


def huge(round_: int) -> str:
    """A new multi-megabyte language-shaped string on every call (a cached lookup would find an
    old one and keep nothing more): a letter, digits, then letters."""
    return f"{'abcdefgh'[round_ % 8]}{next(_serial)}" + "x" * HUGE


def retained_bytes(send) -> int:
    """Python memory still held after `send(n)` for n = 1..ROUNDS (each refused or answered),
    measured from after one warm-up round and ending with an honest request (so the last
    request's own objects are gone)."""
    send(0)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for round_ in range(1, ROUNDS + 1):
            send(round_)
        # webtest splits every URL with urllib's urlsplit, whose own lru_cache keeps the last
        # 128: the test client's memory, not the app's.
        urllib.parse.urlsplit.cache_clear()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def api_syntax(app, round_):
    app.post_json(PASTES, {"content": "x\n", "syntax": huge(round_)}, status=400)
    app.get("/api/health", status=200)


def api_file_language(app, round_):
    files = [{"name": "a", "content": "x\n", "language": huge(round_)}]
    app.post_json(PASTES, {"files": files}, status=400)
    app.get("/api/health", status=200)


def api_edit_syntax(app, round_):
    reply = app.post_json(PASTES, {"content": "x\n"}, status=201).json
    app.patch_json(
        f"{PASTES}/{reply['publicId']}", {"syntax": huge(round_)},
        headers={"X-Manage-Token": reply["manageToken"]}, status=400,
    )  # fmt: skip
    app.get("/api/health", status=200)


def api_file_name(app, round_):
    files = [{"name": huge(round_) + ".py", "content": "x\n"}]
    app.post_json(PASTES, {"files": files}, status=400)
    app.get("/api/health", status=200)


def curl_lang_field(app, round_):
    body, content_type = multipart(("lang", huge(round_)), ("content", "x\n"))
    app.post("/", body, headers={**CURL, "Content-Type": content_type}, status=400)
    app.get("/api/health", status=200)


def curl_lang_query(app, round_):
    app.post(f"/?lang={huge(round_)}", b"x\n", headers=CURL, status=400)
    app.get("/api/health", status=200)


def web_form_lang(app, round_):
    post_form(app, "/new", [*block(content="x\n", lang=huge(round_)), ("submit", "1")], 400)
    app.get("/api/health", status=200)


def view_extension(app, round_):
    paste_id = create(app)
    app.get(f"/{paste_id}.{quote(huge(round_))}", headers=BROWSER, status=200)
    app.get("/api/health", status=200)


SURFACES = [api_syntax, api_file_language, api_edit_syntax, api_file_name, curl_lang_field,
            curl_lang_query, web_form_lang, view_extension]  # fmt: skip


@pytest.mark.parametrize("send", SURFACES, ids=lambda f: f.__name__)
def test_refused_megabyte_languages_leave_no_memory_behind(app, send):
    retained = retained_bytes(lambda round_: send(app, round_))
    assert retained < RETAINED_LIMIT, f"{retained / 2**20:.1f} MB kept after {ROUNDS} requests"


@pytest.mark.parametrize(
    "lookup",
    [render.normalize_language, lambda s: render.language_for(s, "x\n"), layout.language_label,
     view.view_language],
    ids=["normalize_language", "language_for", "language_label", "view_language"],
)  # fmt: skip
def test_a_megabyte_argument_to_a_cached_lookup_is_not_kept(lookup):
    retained = retained_bytes(lambda round_: lookup(huge(round_)))
    assert retained < RETAINED_LIMIT, f"{retained / 2**20:.1f} MB kept after {ROUNDS} calls"
