"""An expired paste is never served on the curl surface or the pages, in process, not even a
burn paste once."""

import pytest
from helpers import (
    BROWSER,
    CURL,
    HOUR,
    JSON,
    MINUTE,
    assert_html_error,
    assert_json_error,
    curl_create,
    reveal,
)

# -- expiry ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "accept"),
    [
        ("GET", "/{id}", CURL),
        ("GET", "/{id}", BROWSER),
        ("GET", "/raw/{id}", CURL),
        ("GET", "/raw/{id}/paste.txt", BROWSER),
        ("HEAD", "/{id}", CURL),
        ("HEAD", "/{id}", BROWSER),
        ("POST", "/{id}", BROWSER),
        ("GET", "/api/v1/pastes/{id}", JSON),
    ],
    ids=["curl", "browser", "raw", "raw-file", "head", "head-browser", "reveal", "api"],
)
def test_an_expired_paste_is_never_served(app, clock, method, path, accept):
    paste_id = curl_create(app, path="/?ttl=1h", body=b"ephemeral words\n")
    clock.advance(HOUR)
    if method == "POST":  # the interstitial's button, with the form's token as a browser sends it
        res = reveal(app, paste_id, status=410)
    else:
        res = app.request(path.format(id=paste_id), method=method, headers=accept, status=410)
    assert b"ephemeral words" not in res.body


def test_an_expired_burn_paste_is_not_served_even_once(app, clock):
    paste_id = curl_create(app, path="/?ttl=10m&burn=1", body=b"ephemeral words\n")
    clock.advance(11 * MINUTE)
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "expired")
    assert_html_error(reveal(app, paste_id, status=410), 410)
