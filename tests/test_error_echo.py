"""An error quotes at most a short, escaped excerpt of what the client sent: a megabyte-long
JSON key, TTL word, language, form field name or file name comes back as a few dozen
characters in a reply of well under a kilobyte, on every surface."""

import json

import pytest
from helpers import PASTES, assert_json_error, multipart

from pastebox.web.payload import SMALL_FORM_BYTES

BROWSER = {"Accept": "text/html"}


HUGE = 1_000_000


SHORT_REPLY = 1_000  # bytes: an error of the native shape quoting an excerpt fits many times


MARK = "\x1b[2J"  # a terminal escape at the start of the input: quoted escaped, never raw


def assert_short_error(res, field: str | None = None) -> dict:
    assert len(res.body) < SHORT_REPLY, len(res.body)
    body = assert_json_error(res, 400)
    assert "\x1b" not in res.text
    if field is not None:
        assert body.get("field") == field
    return body


def json_create(app, body: dict):
    return app.post(PASTES, json.dumps(body), headers={"Content-Type": "application/json"},
                    status=400)  # fmt: skip


def test_an_unknown_json_key_is_quoted_as_an_excerpt(app):
    key = MARK + "k" * HUGE
    body = assert_short_error(json_create(app, {"content": "x", key: 1}))
    assert "\\x1b[2Jkkk" in body["message"] and body["message"].endswith("…")


def test_an_unknown_key_in_an_edit_is_quoted_as_an_excerpt(app):
    created = app.post_json(PASTES, {"content": "x"}, status=201).json
    res = app.patch(f"{PASTES}/{created['publicId']}", json.dumps({"k" * HUGE: 1}),
                    headers={"Content-Type": "application/json",
                             "X-Manage-Token": created["manageToken"]}, status=400)  # fmt: skip
    assert_short_error(res)


def test_an_unknown_file_key_is_quoted_as_an_excerpt(app):
    assert_short_error(json_create(app, {"files": [{"content": "x", "k" * HUGE: 1}]}), "files")


def test_a_duplicate_json_key_is_quoted_as_an_excerpt(app):
    key = "d" * HUGE
    res = app.post(PASTES, f'{{"{key}": 1, "{key}": 2}}',
                   headers={"Content-Type": "application/json"}, status=400)  # fmt: skip
    assert_short_error(res)


@pytest.mark.parametrize("field", ["expiresIn", "syntax"])
def test_a_huge_ttl_word_or_language_is_quoted_as_an_excerpt(app, field):
    assert_short_error(json_create(app, {"content": "x", field: MARK + "y" * HUGE}))


@pytest.mark.parametrize(("option", "field"), [("ttl", "ttl"), ("lang", "language")])
def test_the_curl_surface_quotes_a_huge_option_as_an_excerpt(app, option, field):
    body, content_type = multipart(("content", "x"), (option, MARK + "y" * HUGE))
    res = app.post("/", body, headers={"Content-Type": content_type}, status=400)
    assert_short_error(res, field)


def test_the_curl_surface_quotes_a_long_file_name_with_controls_as_an_excerpt(app):
    name = "\x07" * 200 + ".txt"  # within the name limit, every character refused
    res = app.post("/", upload_files=[("f", name, b"x")], status=400)
    body = assert_short_error(res, "name")
    assert "\x07" not in body["message"] and body["message"].count("\\x07") == 40


def test_a_form_field_name_that_is_not_utf8_is_quoted_as_an_excerpt(app):
    name = "n" * (SMALL_FORM_BYTES // 2)
    body, content_type = multipart((name, "x"))
    body = body.replace(b"\r\n\r\nx\r\n", b"\r\n\r\n\xff\r\n")
    res = app.post("/login", body, headers={**BROWSER, "Content-Type": content_type}, status="*")
    assert res.status_int == 400 and len(res.body) < 20_000  # the page, without the name
    assert name not in res.text
