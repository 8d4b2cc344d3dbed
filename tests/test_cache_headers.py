"""What caches may keep: nothing made for whoever sent credentials or carrying a form's token;
public pastes and static files stay cacheable."""

import pytest
from helpers import BROWSER, PASTES, create, page

from pastebox.core.accounts import add_user, start_session
from pastebox.web.requests import SESSION_COOKIE


@pytest.fixture
def key(core) -> str:
    return add_user(core, "alice")[1]


def test_a_private_paste_read_with_an_api_key_is_never_stored(app, key):
    res = app.post_json(PASTES, {"content": "x", "exposure": "private"},
                        headers={"X-Api-Key": key})  # fmt: skip
    paste_id = res.json["publicId"]
    for path in (f"{PASTES}/{paste_id}", f"{PASTES}/{paste_id}/revisions", PASTES):
        assert app.get(path, headers={"X-Api-Key": key}).headers["Cache-Control"] == "no-store"


def test_a_read_with_a_manage_token_is_never_stored(app):
    res = app.post_json(PASTES, {"content": "x"})
    headers = {"X-Manage-Token": res.json["manageToken"]}
    reply = app.get(f"{PASTES}/{res.json['publicId']}", headers=headers)
    assert reply.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/new"])
def test_a_page_with_a_forms_token_is_never_stored(app, path):
    assert app.get(path, headers=BROWSER).headers["Cache-Control"] == "no-store"


def test_a_public_paste_without_credentials_stays_cacheable(app):
    paste_id = create(app, exposure="public")
    assert "Cache-Control" not in page(app, paste_id).headers
    assert "Cache-Control" not in app.get(f"{PASTES}/{paste_id}").headers


def test_static_files_stay_cacheable_for_a_signed_in_browser(app, core):
    user, _ = add_user(core, "bob")
    app.set_cookie(SESSION_COOKIE, start_session(core, user))
    res = app.get("/static/pastebox.css")
    assert res.headers["Cache-Control"] == "public, max-age=3600"
    assert app.get("/new", headers=BROWSER).headers["Cache-Control"] == "no-store"
