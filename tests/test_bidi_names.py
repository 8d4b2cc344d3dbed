"""Titles and file names never hold Unicode's bidirectional controls (U+202A-U+202E,
U+2066-U+2069, U+200E, U+200F, U+061C): invisible, they make "gnp.exe" read "exe.png" on the
page, in a zip listing and in a terminal. Every surface that takes a title or a name refuses
them with a 400 in its own shape and stores nothing."""

from urllib.parse import quote

import pytest
from helpers import PASTES, assert_json_error, block, post_form

RLO = "\u202e"


SPOOFED = f"invoice{RLO}fdp.exe"  # shows as "invoiceexe.pdf"


# Unicode's Bidi_Control property, all twelve.
EVERY_CONTROL = [
    *"\u061c\u200e\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
]


def assert_nothing_stored(app) -> None:
    assert app.get("/api/v1/search", {"q": "invoice"}).json["results"] == []


@pytest.mark.parametrize("control", EVERY_CONTROL, ids=lambda c: f"U+{ord(c):04X}")
def test_the_api_refuses_a_title_with_a_bidi_control(app, control):
    res = app.post_json(PASTES, {"content": "x", "title": f"a{control}b"}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "title"


@pytest.mark.parametrize("control", EVERY_CONTROL, ids=lambda c: f"U+{ord(c):04X}")
def test_the_api_refuses_a_file_name_with_a_bidi_control(app, control):
    files = [{"name": f"a{control}b.txt", "content": "x"}]
    res = app.post_json(PASTES, {"files": files, "exposure": "public"}, status=400)
    body = assert_json_error(res, 400, "invalid")
    assert body["field"] == "name" and control not in body["message"]  # quoted escaped


def test_a_password_paste_refuses_a_bidi_title_before_sealing_it(app):
    body = {"content": "x", "title": SPOOFED, "password": "pw pw pw"}
    assert_json_error(app.post_json(PASTES, body, status=400), 400, "invalid")


def test_an_api_edit_refuses_a_bidi_title_and_file_name_and_keeps_the_paste(app):
    created = app.post_json(PASTES, {"content": "kept", "title": "kept"}, status=201).json
    url, token = f"{PASTES}/{created['publicId']}", {"X-Manage-Token": created["manageToken"]}
    app.patch_json(url, {"title": SPOOFED}, headers=token, status=400)
    files = [{"name": SPOOFED, "content": "new"}]
    app.patch_json(url, {"files": files}, headers=token, status=400)
    paste = app.get(url).json
    assert (paste["title"], paste["content"], paste["revision"]) == ("kept", "kept", 1)


@pytest.mark.parametrize("option", ["title", "name"])
def test_the_curl_surface_refuses_a_bidi_title_or_name_in_the_query(app, option):
    res = app.post(f"/?{option}={quote(SPOOFED)}&exposure=public", b"invoice", status=400)
    assert_json_error(res, 400, "invalid")
    assert_nothing_stored(app)


def test_the_curl_surface_refuses_a_bidi_file_name_of_an_upload(app):
    res = app.post("/", upload_files=[("f", SPOOFED, b"invoice")], status=400)
    assert_json_error(res, 400, "invalid")
    assert_nothing_stored(app)


def test_the_curl_surface_refuses_a_bidi_name_put_in_the_path(app):
    res = app.put(f"/{quote(SPOOFED)}?exposure=public", b"invoice", status=400)
    assert_json_error(res, 400, "invalid")
    assert_nothing_stored(app)


@pytest.mark.parametrize("where", ["title", "name"])
def test_the_web_form_refuses_a_bidi_title_or_name_with_the_form_again(app, where):
    name, title = (SPOOFED, "") if where == "name" else ("a.txt", SPOOFED)
    fields = [("title", title), *block(name, "invoice"), ("exposure", "public"), ("submit", "1")]
    res = post_form(app, "/new", fields, status=400)
    assert res.content_type == "text/html" and "bidi controls" in res.text
    assert_nothing_stored(app)


def test_the_web_edit_form_refuses_a_bidi_title_and_keeps_the_paste(app):
    created = app.post_json(PASTES, {"content": "kept", "title": "kept"}, status=201).json
    app.set_cookie("pastebox_token", created["manageToken"])
    fields = [("title", SPOOFED), *block("paste.txt", "changed"), ("submit", "1")]
    res = post_form(app, f"/{created['publicId']}/edit", fields, status=400)
    assert "bidi controls" in res.text
    assert app.get(f"{PASTES}/{created['publicId']}").json["revision"] == 1


def test_other_format_characters_stay_allowed_in_titles(app):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # joined by U+200D, not a bidi control
    res = app.post_json(PASTES, {"content": "x", "title": f"our {family}"}, status=201)
    assert res.json["title"] == f"our {family}"
