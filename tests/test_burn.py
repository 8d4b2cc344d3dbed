"""Burn-after-read on the curl surface and the pages, in process: HEAD never burns, curl gets a
burn paste exactly once, a browser sees an interstitial and reveals it once by POST."""

import pytest
from helpers import BROWSER, CURL, assert_html_error, assert_json_error, curl_create, reveal

# -- HEAD and burn-after-read ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/{id}", "/raw/{id}", "/raw/{id}/paste.txt"])
@pytest.mark.parametrize("accept", [CURL, BROWSER], ids=["curl", "browser"])
def test_head_never_burns(app, path, accept):
    paste_id = curl_create(app, path="/?burn=1", body=b"secret\n")
    for _ in range(3):
        app.head(path.format(id=paste_id), headers=accept, status=200)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"secret\n"


def test_head_of_a_raw_paste_gives_its_length_and_no_body(app):
    paste_id = curl_create(app, body=b"12345\n")
    res = app.head(f"/{paste_id}", headers=CURL, status=200)
    assert res.body == b""
    assert res.headers["Content-Length"] == "6"


@pytest.mark.parametrize("path", ["/{id}", "/raw/{id}", "/raw/{id}/paste.txt"])
def test_curl_gets_a_burn_paste_exactly_once_then_410(app, path):
    paste_id = curl_create(app, path="/?burn=1", body=b"secret\n")
    res = app.get(path.format(id=paste_id), headers=CURL, status=200)
    assert res.body == b"secret\n"
    assert res.headers["Cache-Control"] == "no-store"
    for again in ("/{id}", "/raw/{id}", "/raw/{id}/paste.txt"):
        gone = app.get(again.format(id=paste_id), headers=CURL, status=410)
        assert assert_json_error(gone, 410, "burned")
        assert b"secret" not in gone.body


def test_a_browser_get_of_a_burn_paste_shows_an_interstitial_without_the_content(app):
    paste_id = curl_create(app, path="/?burn=1&title=Top%20secret", body=b"the secret words\n")
    for _ in range(2):  # link previews and reloads do not burn it
        res = app.get(f"/{paste_id}", headers=BROWSER, status=200)
        assert res.content_type == "text/html"
        assert "the secret words" not in res.text
        assert "Top secret" not in res.text
        assert f'<form method="post" action="/{paste_id}">' in res.text
        assert res.headers["Cache-Control"] == "no-store"


def test_posting_the_interstitial_reveals_the_burn_paste_once(app):
    paste_id = curl_create(app, path="/?burn=1", body=b"the secret words\n")
    app.get(f"/{paste_id}", headers=BROWSER, status=200)
    res = reveal(app, paste_id, status=200)
    assert "the secret words" in res.text
    assert res.headers["Cache-Control"] == "no-store"
    second = reveal(app, paste_id, status=410)
    assert "the secret words" not in assert_html_error(second, 410)
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "burned")


def test_a_burn_paste_read_by_curl_cannot_be_revealed_in_a_browser(app):
    paste_id = curl_create(app, path="/?burn=1", body=b"secret\n")
    app.get(f"/raw/{paste_id}", headers=CURL, status=200)
    page = app.get(f"/{paste_id}", headers=BROWSER, status=410)
    assert "secret" not in assert_html_error(page, 410)
    assert_html_error(reveal(app, paste_id, status=410), 410)


def test_posting_to_an_ordinary_paste_shows_it_without_consuming_it(app):
    paste_id = curl_create(app, body=b"plain\n")
    assert "plain" in reveal(app, paste_id, status=200).text
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"plain\n"
