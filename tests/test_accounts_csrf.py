"""Every account form (log-in, sign-up, log-out, API keys, password) and the new-paste form
of a signed-in browser carries this browser's anti-forgery token: without it the POST is refused
and changes nothing."""

import re

import pytest
from helpers import (
    OTHER_PASSWORD,
    PASSWORD,
    block,
    browser,
    create_key,
    csrf,
    key_ids,
    key_works,
    login,
    post_form,
    send,
    set_cookies,
    signed_in,
)

from pastebox.web.requests import SESSION_COOKIE

pytestmark = pytest.mark.app_settings(registration="open")


# -- CSRF on every account form ----------------------------------------------------------------


def _bad_tokens(app) -> dict[str, dict[str, str]]:
    csrf(app)  # this browser has its own token cookie
    return {"missing": {}, "another browser's": {"csrf": csrf(browser(app))}}


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_log_in_without_this_browsers_token_is_refused_and_signs_nobody_in(alice, app, token):
    other = browser(app)
    res = send(other, "/login", {**_bad_tokens(other)[token], "name": "alice",
                                 "password": PASSWORD}, 403)  # fmt: skip
    assert not set_cookies(res, SESSION_COOKIE)
    assert not signed_in(other)


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_sign_up_without_this_browsers_token_is_refused_and_creates_nobody(app, store, token):
    fields = {"name": "mallory", "password": PASSWORD, "confirm": PASSWORD}
    res = send(app, "/signup", {**_bad_tokens(app)[token], **fields}, 403)
    assert not set_cookies(res, SESSION_COOKIE)
    assert store.get_user("mallory") is None


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_log_out_without_this_browsers_token_is_refused_and_the_session_goes_on(alice, token):
    send(alice, "/logout", _bad_tokens(alice)[token], 403)
    assert signed_in(alice)


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_key_creation_without_this_browsers_token_is_refused_and_makes_no_key(alice, token):
    res = send(alice, "/settings/keys", {**_bad_tokens(alice)[token], "label": "x"}, 403)
    assert not re.search(r'<code class="token">', res.text)
    assert key_ids(alice) == []


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_key_revocation_without_this_browsers_token_is_refused_and_the_key_works(alice, token):
    key = create_key(alice)
    (key_id,) = key_ids(alice)
    send(alice, f"/settings/keys/{key_id}/revoke", _bad_tokens(alice)[token], 403)
    assert key_works(alice, key) and key_ids(alice) == [key_id]


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_password_change_without_this_browsers_token_is_refused_and_changes_nothing(
    alice, app, token
):
    fields = {"current": PASSWORD, "new": OTHER_PASSWORD, "confirm": OTHER_PASSWORD}
    send(alice, "/settings/password", {**_bad_tokens(alice)[token], **fields}, 403)
    assert signed_in(alice)
    login(browser(app), "alice", OTHER_PASSWORD, status=403)
    login(browser(app), "alice", PASSWORD)


# -- what a session may and may not do -------------------------------------------------------


def test_a_new_paste_form_without_this_browsers_token_makes_no_paste(alice, store):
    post_form(alice, "/new", [("csrf", csrf(browser(alice))), *block("a.txt", "x\n")], 403)
    assert store.list_by_owner(store.get_user("alice").id, 0, 10, 0) == []
