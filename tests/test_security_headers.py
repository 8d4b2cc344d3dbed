"""The security headers of every page, in process: CSP, frame and referrer policy, nosniff,
only our own script and stylesheets, on the form, paste, burn, error, search and zip pages."""

import re

import pytest
from helpers import (
    BROWSER,
    MISSING_ID,
    assert_html_security_headers,
    assert_no_active_markup,
    block,
    create,
    hit_ids,
    new_paste,
    page,
    post_form,
    reveal,
    search_page,
)

# -- security headers ------------------------------------------------------------------------


def test_the_new_paste_page_sends_the_security_headers(app):
    assert_html_security_headers(app.get("/", headers=BROWSER, status=200))


def test_the_paste_page_sends_the_security_headers(app):
    assert_html_security_headers(page(app, create(app)))


def test_the_burn_interstitial_and_the_reveal_send_the_security_headers(app):
    paste_id = create(app, burnAfterRead=True)
    assert_html_security_headers(page(app, paste_id))
    assert_html_security_headers(reveal(app, paste_id))


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/AAAAAAAAAA", 404), ("GET", "/no/such/page", 404), ("DELETE", "/", 405),
     ("POST", "/?ttl=bogus", 400)],
)  # fmt: skip
def test_error_pages_send_the_security_headers(app, method, path, status):
    res = app.request(path, method=method, body=b"x", headers=BROWSER, status=status)
    assert_html_security_headers(res)


def test_the_page_loads_only_its_own_script_and_stylesheets(app):
    text = page(app, create(app)).text
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/pastebox.js" defer>']
    assert "</script>" in text and text.count("<script") == 1
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)">', text) == [
        "/static/pastebox.css",
        "/static/pygments.css",
    ]


# -- security headers on every new page ------------------------------------------------------


def _deleted_page(app, make_app):
    paste_id = new_paste(app, block("a.txt", "x\n"))
    return post_form(app, f"/{paste_id}/delete", [], status=200)


def _gone_page(app, make_app):
    paste_id = create(app, burnAfterRead=True)
    app.get(f"/raw/{paste_id}", status=200)
    return app.get(f"/{paste_id}/edit", headers=BROWSER, status=410)


def _search_results_page(app, make_app):
    create(app, content="found\n", exposure="public")
    res = search_page(app, "found")
    assert hit_ids(res.text)
    return res


def _rate_limited_page(app, make_app):
    limited = make_app(rate_limit=1)
    post_form(limited, "/new", block("a.txt", "x\n"))
    return post_form(limited, "/new", block("a.txt", "x\n"), status=429)


NEW_PAGES = {
    "form": lambda app, _: app.get("/new", headers=BROWSER, status=200),
    "fork": lambda app, _: app.get(f"/new?from={create(app)}", headers=BROWSER, status=200),
    "form-error": lambda app, _: post_form(app, "/new", block("a/b", "x"), status=400),
    "form-buttons": lambda app, _: post_form(app, "/new", [("add_file", "1")], status=200),
    "edit": lambda app, _: app.get(f"/{create(app)}/edit", headers=BROWSER, status=200),
    "delete": lambda app, _: app.get(f"/{create(app)}/delete", headers=BROWSER, status=200),
    "deleted": _deleted_page,
    "delete-refused": lambda app, _: post_form(
        app, f"/{create(app)}/delete", [("token", "bad")], status=403
    ),
    "search-help": lambda app, _: app.get("/search", headers=BROWSER, status=200),
    "search-results": _search_results_page,
    "search-empty": lambda app, _: search_page(app, "nothing"),
    "search-error": lambda app, _: search_page(app, "lang:klingon", status=400),
    "id-ext": lambda app, _: app.get(f"/{create(app)}.py", headers=BROWSER, status=200),
    "404": lambda app, _: app.get(f"/new?from={MISSING_ID}", headers=BROWSER, status=404),
    "404-zip": lambda app, _: app.get(f"/zip/{MISSING_ID}", headers=BROWSER, status=404),
    "410": _gone_page,
    "413": lambda app, make_app: post_form(
        make_app(max_paste_bytes=1), "/new", block("a.txt", "xx"), status=413
    ),
    "429": _rate_limited_page,
}


@pytest.mark.parametrize("name", NEW_PAGES)
def test_every_new_page_sends_the_security_headers(app, make_app, name):
    res = NEW_PAGES[name](app, make_app)
    assert_html_security_headers(res)
    assert_no_active_markup(res.text)
