"""API keys on the settings page, in process: only with a session, a new key shown once and
working, revoked keys refused, no user revoking another's, labels bounded and shown inert."""

import sqlite3
from urllib.parse import quote

import pytest
from helpers import (
    BROWSER,
    PASTES,
    assert_html_security_headers,
    assert_no_active_markup,
    create_key,
    error_text,
    key_ids,
    key_works,
    login,
    signup,
    submit,
)

from pastebox.core import ids
from pastebox.core.accounts import SESSION_SECONDS

pytestmark = pytest.mark.app_settings(registration="open")


# -- settings: API keys ----------------------------------------------------------------------


def test_settings_needs_a_session_and_is_no_paste_id(app):
    # "settings" has the shape of a paste id (8 letters): the account page is matched first.
    res = app.get("/settings", headers=BROWSER, status=303)
    assert res.headers["Location"].endswith("/login?next=%2Fsettings")
    app.head("/settings", headers=BROWSER, status=303)


def test_a_settings_form_sent_after_the_session_ended_goes_to_log_in_and_makes_nothing(
    alice, clock
):
    clock.advance(SESSION_SECONDS + 1)
    res = submit(alice, "/settings/keys", label="late")
    assert res.headers["Location"].endswith("/login?next=%2Fsettings")
    login(alice)
    assert key_ids(alice) == []


def test_an_api_key_created_on_the_settings_page_is_shown_once_and_works(alice, store, db_path):
    key = create_key(alice, "my laptop")
    again = alice.get("/settings", headers=BROWSER, status=200)
    assert key not in again.text and "my laptop" in again.text
    assert again.headers["Cache-Control"] == "no-store"
    created = alice.post_json(PASTES, {"content": "x\n"}, headers={"X-Api-Key": key}).json
    listed = alice.get(PASTES, headers={"X-Api-Key": key}, status=200).json
    assert created["publicId"] in str(listed)
    # Stored as its hash only.
    with sqlite3.connect(db_path) as conn:
        hashes = [bytes(r[0]) for r in conn.execute("SELECT key_hash FROM api_keys")]
    assert hashes == [ids.hash_token(key)]


def test_the_new_key_page_is_never_stored(alice):
    res = submit(alice, "/settings/keys", 200, label="x")
    assert res.headers["Cache-Control"] == "no-store"
    assert_html_security_headers(res)


def test_a_revoked_key_is_refused_401(alice):
    key = create_key(alice)
    (key_id,) = key_ids(alice)
    res = submit(alice, f"/settings/keys/{key_id}/revoke")
    assert res.headers["Location"].endswith("/settings")
    assert not key_works(alice, key)
    alice.post_json(PASTES, {"content": "x\n"}, headers={"X-Api-Key": key}, status=401)
    assert key_ids(alice) == []


def test_one_user_cannot_revoke_another_users_key(alice, bob):
    key = create_key(alice)
    (key_id,) = key_ids(alice)
    res = submit(bob, f"/settings/keys/{key_id}/revoke", 404)
    assert "no such API key" in error_text(res)
    assert key_works(alice, key) and key_ids(alice) == [key_id]


@pytest.mark.parametrize(
    "key_id",
    [str(2**63), "99999999999999999999999", "9" * 5000, str(2**63 - 1), "0", "-1", "1e3",
     quote("\uff11"), quote("\u0661")],  # fullwidth and Arabic-Indic digit one
)  # fmt: skip
def test_revoking_a_key_id_no_key_can_have_is_404_and_revokes_nothing(alice, key_id):
    key = create_key(alice)
    (only,) = key_ids(alice)
    res = submit(alice, f"/settings/keys/{key_id}/revoke", 404)
    assert "no such API key" in error_text(res)
    assert key_works(alice, key) and key_ids(alice) == [only]


def test_a_key_label_that_is_too_long_or_not_one_line_is_refused(alice):
    res = submit(alice, "/settings/keys", 400, label="x" * 101)
    assert "at most 100" in error_text(res)
    submit(alice, "/settings/keys", 400, label="two\nlines")
    assert key_ids(alice) == []


@pytest.mark.parametrize("label", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_a_hostile_key_label_is_shown_inert(alice, label):
    create_key(alice, label)
    res = alice.get("/settings", headers=BROWSER, status=200)
    assert_no_active_markup(res.text)


def test_account_forms_over_the_write_rate_limit_are_429_with_retry_after(make_app):
    limited = make_app(registration="open", rate_limit=1)
    signup(limited)
    res = submit(limited, "/settings/keys", 429, label="x")
    assert int(res.headers["Retry-After"]) > 0
    assert "My pastes" in res.text  # still the settings page, signed in


def test_no_key_or_token_starts_with_a_dash_that_a_command_line_would_read_as_an_option():
    # 2,000 draws: with a dash allowed first, all would miss it with probability (63/64)**2000.
    assert not any(ids.new_token().startswith("-") for _ in range(2000))
