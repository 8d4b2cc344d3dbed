"""GET / for curl is the plain-text manual (with the configured base URL); for a browser the
new-paste page."""

import re

import pytest
from helpers import BROWSER, CURL, TEXT_TYPE, curl_send

# -- GET /: the manual -----------------------------------------------------------------------


@pytest.mark.parametrize("accept", [CURL, {}], ids=["accept-any", "no-accept"])
def test_root_for_curl_is_the_plain_text_manual_with_the_one_liners(app, accept):
    res = app.get("/", headers=accept, status=200)
    assert res.headers["Content-Type"] == TEXT_TYPE
    base = "http://localhost:80"
    for line in (
        f"curl --data-binary @file.py {base}",
        f"some-command | curl --data-binary @- {base}",
        f"curl -T file.py {base}/",
        f"curl -F file=@a.py -F file=@b.txt {base}",
        f"curl {base}/ID",
        f"curl {base}/raw/ID/a.py",
        "X-Manage-Token",
    ):
        assert line in res.text
    assert "<" not in res.text


def test_root_for_a_browser_is_the_html_new_paste_page(app):
    res = app.get("/", headers=BROWSER, status=200)
    assert res.content_type == "text/html"
    assert '<form class="paste-form" method="post" action="/new"' in res.text


def test_the_manual_uses_the_configured_base_url(make_app):
    app = make_app(base_url="https://paste.example.org/")
    res = app.get("/", headers=CURL, status=200)
    assert "curl --data-binary @file.py https://paste.example.org\n" in res.text
    assert "localhost" not in res.text
    url = curl_send(app, body=b"x\n", status=201).text
    assert re.fullmatch(r"https://paste\.example\.org/[A-Za-z0-9]{8,32}\n", url)
