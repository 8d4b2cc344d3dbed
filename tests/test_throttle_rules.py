"""Which secrets a guess throttle may hold back. A right high-entropy secret (manage token, API
key, session) always works, however many wrong guesses others made: guessing one is hopeless,
and refusing it would let anyone lock its holder out. Wrong guesses are still counted per
target and per client and refused past the limit; a private paste answers them with the same
404 as a missing paste, throttled or not. Low-entropy secrets (paste and account passwords)
lock everyone out while locked: see test_password_pastes.py
(test_the_eleventh_wrong_guess_in_15_minutes_is_429_even_with_the_right_password) and
test_accounts_login.py (test_the_11th_wrong_password_for_one_account_in_15_minutes_is_429_even_if_right).
"""

import pytest
from helpers import BROWSER, PASTES, assert_json_error, csrf, multipart

from pastebox.core import accounts
from pastebox.web.requests import SESSION_COOKIE, TOKEN_COOKIE

GUESSES = 12  # past the throttle's 10 failures per 15 minutes


MAKER = "10.9.9.9"


def stranger(n: int) -> dict[str, str]:
    return {"REMOTE_ADDR": f"10.1.{n // 250}.{n % 250}"}


def token(value: str) -> dict[str, str]:
    return {"X-Manage-Token": value}


@pytest.fixture
def private(app) -> dict:
    return app.post_json(PASTES, {"content": "mine\n", "exposure": "private"}, status=201).json


def strangers_guess(app, paste_id: str, times: int = GUESSES) -> None:
    """Wrong manage tokens from many addresses at every URL that checks one."""
    for n in range(times):
        wrong, who = token(f"wrong-{n}"), stranger(n)
        app.get(f"{PASTES}/{paste_id}", headers=wrong, extra_environ=who, status=404)
        app.get(f"/raw/{paste_id}", headers=wrong, extra_environ=who, status=404)
        app.delete(f"{PASTES}/{paste_id}", headers=wrong, extra_environ=who, status=404)


def test_the_makers_token_still_reads_a_private_paste_after_strangers_guessed(app, private):
    paste_id, mine = private["publicId"], token(private["manageToken"])
    strangers_guess(app, paste_id)
    maker = {"REMOTE_ADDR": MAKER}
    assert app.get(f"{PASTES}/{paste_id}", headers=mine, extra_environ=maker).json["content"]
    assert app.get(f"/raw/{paste_id}", headers=mine, extra_environ=maker).body == b"mine\n"


def test_the_makers_cookie_still_shows_the_page_after_strangers_guessed(app, private):
    paste_id = private["publicId"]
    strangers_guess(app, paste_id)
    cookie = {**BROWSER, "Cookie": f"{TOKEN_COOKIE}={private['manageToken']}"}
    res = app.get(f"/{paste_id}", headers=cookie, extra_environ={"REMOTE_ADDR": MAKER})
    assert "mine" in res.text and private["manageToken"] in res.text  # shown as "Manage token"


def test_the_makers_token_still_deletes_a_private_paste_after_strangers_guessed(app, private):
    paste_id = private["publicId"]
    strangers_guess(app, paste_id)
    app.delete(f"{PASTES}/{paste_id}", headers=token(private["manageToken"]), status=200)
    app.get(f"{PASTES}/{paste_id}", headers=token(private["manageToken"]), status=410)


def test_the_makers_cookie_still_deletes_through_the_form_after_strangers_guessed(app, private):
    paste_id = private["publicId"]
    strangers_guess(app, paste_id)
    app.set_cookie(TOKEN_COOKIE, private["manageToken"])
    body, content_type = multipart(("csrf", csrf(app)))
    headers = {**BROWSER, "Content-Type": content_type}
    app.post(f"/{paste_id}/delete", body, headers=headers, status=200)
    app.get(f"/raw/{paste_id}", headers=token(private["manageToken"]), status=410)


def test_the_makers_token_still_edits_and_extends_an_unlisted_paste_after_strangers_guessed(app):
    created = app.post_json(PASTES, {"content": "x", "ttlSeconds": 3600}, status=201).json
    paste_id, mine = created["publicId"], token(created["manageToken"])
    for n in range(GUESSES):
        app.patch_json(f"{PASTES}/{paste_id}", {"title": "no"}, headers=token(f"w{n}"),
                       extra_environ=stranger(n), status="*")  # fmt: skip
    app.patch_json(f"{PASTES}/{paste_id}", {"title": "mine"}, headers=mine, status=200)
    app.post_json(f"{PASTES}/{paste_id}/extend", {"ttlSeconds": 60}, headers=mine, status=200)


def test_wrong_tokens_past_the_limit_are_refused_with_429_on_an_unlisted_paste(app):
    paste_id = app.post_json(PASTES, {"content": "x"}, status=201).json["publicId"]
    statuses = [
        app.delete(
            f"{PASTES}/{paste_id}", headers=token(f"w{n}"), extra_environ=stranger(n), status="*"
        ).status_int  # fmt: skip
        for n in range(GUESSES)
    ]
    assert statuses == [403] * 10 + [429] * (GUESSES - 10)


def test_wrong_tokens_past_the_limit_get_the_404_of_a_missing_paste_on_a_private_one(app, private):
    paste_id = private["publicId"]
    strangers_guess(app, paste_id)
    throttled = app.get(f"{PASTES}/{paste_id}", headers=token("wrong"), status=404)
    missing = app.get(f"{PASTES}/AAAAAAAAAA", headers=token("wrong"), status=404)
    assert throttled.body == missing.body
    assert_json_error(throttled, 404, "not_found")


def test_one_client_guessing_at_many_pastes_is_refused_but_keeps_its_own_tokens(app):
    created = [app.post_json(PASTES, {"content": f"{n}"}, status=201).json for n in range(12)]
    guesser = {"REMOTE_ADDR": "10.5.5.5"}
    statuses = [
        app.delete(
            f"{PASTES}/{c['publicId']}", headers=token("wrong"), extra_environ=guesser, status="*"
        ).status_int  # fmt: skip
        for c in created[:11]
    ]
    assert statuses == [403] * 10 + [429]  # each paste saw one guess: the client is throttled
    mine = created[11]
    app.delete(f"{PASTES}/{mine['publicId']}", headers=token(mine["manageToken"]),
               extra_environ=guesser, status=200)  # fmt: skip


def test_the_right_api_key_works_after_wrong_keys_from_the_same_client(app, core):
    key = accounts.add_user(core, "kim")[1]
    client = {"REMOTE_ADDR": "10.6.6.6"}
    for n in range(GUESSES):
        app.get(PASTES, headers={"X-Api-Key": f"wrong-{n}"}, extra_environ=client, status=401)
    app.get(PASTES, headers={"X-Api-Key": key}, extra_environ=client, status=200)


def test_the_right_session_works_after_wrong_session_cookies_from_the_same_client(app, core):
    user = accounts.add_user(core, "sam")[0]
    session = accounts.start_session(core, user)
    client = {"REMOTE_ADDR": "10.7.7.7"}
    for n in range(GUESSES):
        headers = {**BROWSER, "Cookie": f"{SESSION_COOKIE}=wrong-{n}"}
        app.get("/me", headers=headers, extra_environ=client, status=303)
    headers = {**BROWSER, "Cookie": f"{SESSION_COOKIE}={session}"}
    assert "sam" in app.get("/me", headers=headers, extra_environ=client, status=200).text
