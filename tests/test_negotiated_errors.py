"""Errors in the shape the client asked for, in process: HTML pages with a heading and a way
back for browsers, JSON errors for everyone else."""

import pytest
from helpers import (
    BROWSER,
    CURL,
    JSON,
    assert_html_error,
    assert_json_error,
    create,
    curl_send,
    page,
)

# -- negotiated errors -----------------------------------------------------------------------


def test_a_missing_paste_is_an_html_page_for_a_browser(app):
    text = assert_html_error(app.get("/AAAAAAAAAA", headers=BROWSER, status=404), 404)
    assert "No such paste" in text


@pytest.mark.parametrize("accept", [CURL, JSON, {}], ids=["curl", "json", "no-accept"])
def test_a_missing_paste_is_json_for_everyone_else(app, accept):
    assert_json_error(app.get("/AAAAAAAAAA", headers=accept, status=404), 404, "not_found")


def test_a_bad_option_from_a_browser_is_an_html_error_page(app):
    res = curl_send(app, path="/?ttl=bogus", headers=BROWSER, status=400)
    assert "not a duration" in assert_html_error(res, 400)


def test_a_bad_option_from_curl_is_a_json_error(app):
    res = curl_send(app, path="/?ttl=bogus", status=400)
    assert assert_json_error(res, 400)["message"].startswith("not a duration")


@pytest.mark.parametrize("accept", [CURL, BROWSER], ids=["curl", "browser"])
def test_an_unsupported_method_is_405_in_the_negotiated_shape(app, accept):
    res = app.request("/", method="DELETE", headers=accept, status=405)
    if accept is BROWSER:
        assert_html_error(res, 405)
    else:
        assert_json_error(res, 405, "method_not_allowed")


def test_an_empty_body_is_400_a_paste_needs_content(app):
    res = curl_send(app, body=b"", status=400)
    assert assert_json_error(res, 400)["field"] == "content"


# -- error pages -----------------------------------------------------------------------------


def test_a_missing_paste_is_an_html_page_with_a_heading_and_a_way_back(app):
    res = app.get("/AAAAAAAAAA", headers=BROWSER, status=404)
    assert res.content_type == "text/html"
    assert "<h1>No such paste</h1>" in res.text
    assert "<title>No such paste · pastebox</title>" in res.text
    assert '<a href="/">Make a new paste</a>' in res.text


def test_a_burned_paste_is_an_html_gone_page(app):
    paste_id = create(app, burnAfterRead=True)
    app.get(f"/raw/{paste_id}", status=200)
    res = page(app, paste_id, status=410)
    assert "<h1>This paste is gone</h1>" in res.text
    assert "burned after it was read" in res.text


def test_an_oversize_paste_from_a_browser_is_an_html_413_page(make_app):
    app = make_app(max_paste_bytes=16)
    res = app.post("/", b"x" * 17, headers={**BROWSER, "Content-Type": "text/plain"}, status=413)
    assert res.content_type == "text/html"
    assert "<h1>Too large</h1>" in res.text


def test_an_error_page_is_never_json_for_a_browser(app):
    res = app.get("/AAAAAAAAAA", headers=BROWSER, status=404)
    assert '"error"' not in res.text and not res.text.lstrip().startswith("{")
