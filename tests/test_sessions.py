"""Sessions in the browser, in process: log-out ends a session on the server, a session ends
after its lifetime, and what a session cookie may do (the user's own pastes) and may not (API
writes, curl uploads, other users' pastes)."""

import pytest
from helpers import (
    BROWSER,
    PASTES,
    block,
    browser,
    form_paste,
    page,
    paste_id_of,
    post_form,
    session_of,
    set_cookies,
    signed_in,
    submit,
)

from pastebox.core import ids
from pastebox.core.accounts import SESSION_SECONDS
from pastebox.web.requests import SESSION_COOKIE, TOKEN_COOKIE

pytestmark = pytest.mark.app_settings(registration="open")


# -- helpers ---------------------------------------------------------------------------------


def exists(app, paste_id: str) -> bool:
    """Whether the paste is still there (asked with a fresh browser, for a public view)."""
    return browser(app).get(f"/raw/{paste_id}", expect_errors=True).status_int == 200


# -- log-out ---------------------------------------------------------------------------------


def test_log_out_ends_the_session_server_side(alice, app, store):
    token = alice.cookies[SESSION_COOKIE]
    res = submit(alice, "/logout")
    assert res.headers["Location"] in ("/", "http://localhost/", "http://localhost:80/")
    expired = session_of(res)
    assert expired["value"] == "" and expired["max-age"] == "0"
    assert not signed_in(alice)
    # The old cookie, kept by someone, no longer works.
    thief = browser(app)
    thief.set_cookie(SESSION_COOKIE, token)
    assert not signed_in(thief)
    assert store.session_user(ids.hash_token(token), 0) is None


def test_a_session_ends_after_its_lifetime(alice, clock):
    clock.advance(SESSION_SECONDS - 1)
    assert signed_in(alice)
    clock.advance(2)
    assert not signed_in(alice)


# -- what a session may and may not do -------------------------------------------------------


def test_a_paste_made_in_the_form_while_signed_in_belongs_to_the_user(alice, store):
    res = post_form(alice, "/new", [*block("a.txt", "x\n"), ("exposure", "unlisted")])
    paste_id = paste_id_of(res)
    assert not set_cookies(res, TOKEN_COOKIE)  # no manage token: the owner needs none
    assert store.get_paste(paste_id, 0).owner_id == store.get_user("alice").id


@pytest.mark.parametrize("exposure", ["unlisted", "private"])
def test_the_owner_edits_and_deletes_without_a_manage_token(alice, exposure):
    paste_id = form_paste(alice, exposure)
    form = alice.get(f"/{paste_id}/edit", headers=BROWSER, status=200)
    assert 'name="token"' not in form.text
    post_form(alice, f"/{paste_id}/edit", [("title", "changed"), *block("a.txt", "y\n")])
    assert "changed" in page(alice, paste_id).text
    confirm = alice.get(f"/{paste_id}/delete", headers=BROWSER, status=200)
    assert 'name="token"' not in confirm.text
    post_form(alice, f"/{paste_id}/delete", [], status=200)
    alice.get(f"/raw/{paste_id}", status=410)


def test_another_user_cannot_edit_or_delete_the_paste(alice, bob):
    paste_id = form_paste(alice)
    assert 'name="token"' in bob.get(f"/{paste_id}/edit", headers=BROWSER, status=200).text
    post_form(bob, f"/{paste_id}/edit", [("title", "x"), *block("a.txt", "y\n")], status=400)
    post_form(bob, f"/{paste_id}/delete", [("token", "x" * 43)], status=403)
    assert exists(alice, paste_id)


def test_a_session_cookie_does_not_authorise_api_writes(alice):
    unlisted, private = form_paste(alice), form_paste(alice, "private")
    for paste_id in (unlisted, private):
        alice.delete(f"{PASTES}/{paste_id}", status=(403, 404))
        alice.post_json(f"{PASTES}/{paste_id}/extend", {"ttlSeconds": 60}, status=(403, 404))
        alice.patch_json(f"{PASTES}/{paste_id}", {"title": "x"}, status=(403, 404))
        assert "mine" in page(alice, paste_id).text
    assert exists(alice, unlisted)


def test_a_session_cookie_does_not_make_curl_uploads_the_users(alice, store):
    res = alice.post("/", b"hello\n", headers={"Content-Type": "text/plain"}, status=201)
    paste_id = res.text.strip().rsplit("/", 1)[1]
    assert store.get_paste(paste_id, 0).owner_id is None
    assert res.headers["X-Manage-Token"]
