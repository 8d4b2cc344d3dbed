"""The manage-token guess throttle per paste, over HTTP in process: past ten wrong tokens
the next is refused with 429, whatever the client, for edits, deletes, extends and reads of a
private paste, until the window passes."""

import pytest
from helpers import GUESS_LIMIT, PASTES, assert_json_error, assert_rate_limited, client_environ

GUESS_WINDOW = 15 * 60


# -- the manage-token guess throttle ---------------------------------------------------------


def guess(app, paste_id: str, token: str, *, addr: str = "10.0.0.1", status: int | str = "*"):
    return app.patch_json(
        f"{PASTES}/{paste_id}",
        {"title": "changed"},
        headers={"X-Manage-Token": token},
        extra_environ=client_environ(addr),
        status=status,
    )


def fail_guesses(app, paste_id: str, times: int = GUESS_LIMIT) -> None:
    for i in range(times):
        assert_json_error(guess(app, paste_id, f"wrong-{i}", status=403), 403, "bad_token")


@pytest.fixture
def anon_paste(app) -> dict:
    return app.post_json(PASTES, {"content": "guard me"}, status=201).json


def test_after_ten_wrong_tokens_the_next_wrong_one_is_refused_with_429(app, anon_paste):
    fail_guesses(app, anon_paste["publicId"])
    res = guess(app, anon_paste["publicId"], "wrong-again", status=429)
    retry_after = assert_rate_limited(res, "too_many_attempts")
    assert retry_after <= GUESS_WINDOW + 1
    assert app.get(f"{PASTES}/{anon_paste['publicId']}").json["title"] == ""


def test_nine_wrong_tokens_do_not_lock_out_the_right_one(app, anon_paste):
    fail_guesses(app, anon_paste["publicId"], GUESS_LIMIT - 1)
    guess(app, anon_paste["publicId"], anon_paste["manageToken"], status=200)


def test_the_guess_throttle_lifts_when_the_window_has_passed(app, anon_paste, clock):
    fail_guesses(app, anon_paste["publicId"])
    clock.advance(GUESS_WINDOW - 1)
    guess(app, anon_paste["publicId"], "wrong-again", status=429)
    clock.advance(1)
    assert_json_error(guess(app, anon_paste["publicId"], "wrong-again", status=403), 403)


def test_waiting_the_throttles_retry_after_is_enough(app, anon_paste, clock):
    fail_guesses(app, anon_paste["publicId"])
    res = guess(app, anon_paste["publicId"], "wrong-again", status=429)
    clock.advance(assert_rate_limited(res, "too_many_attempts"))
    guess(app, anon_paste["publicId"], "wrong-again", status=403)


def test_the_guess_throttle_counts_per_paste_whatever_the_client(app, anon_paste):
    for i in range(GUESS_LIMIT):
        guess(app, anon_paste["publicId"], f"wrong-{i}", addr=f"10.1.0.{i}", status=403)
    res = guess(app, anon_paste["publicId"], "wrong-again", addr="10.2.0.1", status=429)
    assert_rate_limited(res, "too_many_attempts")


def test_guesses_at_one_paste_do_not_lock_another(app, anon_paste):
    other = app.post_json(PASTES, {"content": "other"}, status=201).json
    fail_guesses(app, anon_paste["publicId"])
    guess(app, other["publicId"], other["manageToken"], status=200)


def test_the_guess_throttle_guards_delete_and_extend_too(app, anon_paste):
    paste_id, token = anon_paste["publicId"], {"X-Manage-Token": "wrong-again"}
    fail_guesses(app, paste_id)
    assert_rate_limited(
        app.delete(f"{PASTES}/{paste_id}", headers=token, status=429), "too_many_attempts"
    )
    res = app.post_json(
        f"{PASTES}/{paste_id}/extend", {"ttlSeconds": 60}, headers=token, status=429
    )
    assert_rate_limited(res, "too_many_attempts")
    app.get(f"{PASTES}/{paste_id}", status=200)


def test_wrong_deletes_count_towards_the_same_throttle_as_wrong_edits(app, anon_paste):
    paste_id = anon_paste["publicId"]
    for i in range(GUESS_LIMIT):
        app.delete(f"{PASTES}/{paste_id}", headers={"X-Manage-Token": f"w{i}"}, status=403)
    guess(app, paste_id, "wrong-again", status=429)


def test_the_guess_throttle_applies_whatever_the_rate_limit(make_app):
    app = make_app(rate_limit=10_000)
    created = app.post_json(PASTES, {"content": "x"}, status=201).json
    fail_guesses(app, created["publicId"])
    guess(app, created["publicId"], "wrong-again", status=429)


def test_the_owner_key_is_not_locked_out_by_token_guesses(app, olive_key):
    headers = {"X-Api-Key": olive_key}
    paste_id = app.post_json(PASTES, {"content": "x"}, headers=headers, status=201).json["publicId"]
    fail_guesses(app, paste_id)
    app.patch_json(f"{PASTES}/{paste_id}", {"title": "mine"}, headers=headers, status=200)


# -- nothing stored is lost ------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"{PASTES}/{{id}}", "/raw/{id}", "/{id}"])
def test_wrong_tokens_on_reads_of_a_private_paste_are_throttled_too(app, path):
    """Once throttled a wrong token is refused with the 404 a missing paste gets (a 429 would
    tell guessers the paste exists); the right token works all along."""
    private = app.post_json(PASTES, {"content": "guard me", "exposure": "private"}, status=201).json
    url = path.format(id=private["publicId"])
    for i in range(GUESS_LIMIT):
        app.get(url, headers={"X-Manage-Token": f"wrong-{i}"}, status=404)
    throttled = app.get(url, headers={"X-Manage-Token": "wrong-again"}, status=404)
    missing = app.get(path.format(id="AAAAAAAAAA"), status=404)
    assert throttled.body == missing.body
    assert b"guard me" in app.get(url, headers={"X-Manage-Token": private["manageToken"]}).body
