"""Who may create and how much: anonymous_create, anonymous_max_paste_bytes, user_quota_bytes,
enforced on every surface that creates (API, curl, the web form) and on edits."""

import pytest
from helpers import CURL, PASTES, assert_json_error, block, post_form

from pastebox.core.accounts import add_user


@pytest.fixture
def key(core) -> str:
    return add_user(core, "alice")[1]


def test_guests_cannot_create_when_anonymous_create_is_off(make_app):
    app = make_app(anonymous_create=False)
    res = app.post_json(PASTES, {"content": "x"}, status=401)
    assert_json_error(res, 401, "login_required")


def test_curl_guests_cannot_create_when_anonymous_create_is_off(make_app):
    app = make_app(anonymous_create=False)
    assert_json_error(app.post("/", b"x\n", headers=CURL, status=401), 401, "login_required")


def test_the_web_form_says_why_a_guest_cannot_create(make_app):
    app = make_app(anonymous_create=False)
    res = post_form(app, "/new", [*block("a.txt", "x"), ("submit", "1")], status=401)
    assert "signed-in users" in res.text


def test_users_with_an_api_key_still_create_when_anonymous_create_is_off(make_app, key):
    app = make_app(anonymous_create=False)
    app.post_json(PASTES, {"content": "x"}, headers={"X-Api-Key": key}, status=201)


def test_guests_are_held_to_their_own_size_limit(make_app, key):
    app = make_app(anonymous_max_paste_bytes=10)
    res = app.post_json(PASTES, {"content": "x" * 11}, status=413)
    assert "over the limit of 10 bytes" in assert_json_error(res, 413, "too_large")["message"]
    app.post_json(PASTES, {"content": "x" * 10}, status=201)
    app.post_json(PASTES, {"content": "x" * 11}, headers={"X-Api-Key": key}, status=201)


def test_a_user_over_their_quota_is_refused_413(make_app, key):
    app = make_app(user_quota_bytes=100)
    headers = {"X-Api-Key": key}
    app.post_json(PASTES, {"content": "x" * 60}, headers=headers, status=201)
    res = app.post_json(PASTES, {"content": "x" * 41}, headers=headers, status=413)
    assert_json_error(res, 413, "over_quota")
    app.post_json(PASTES, {"content": "x" * 40}, headers=headers, status=201)


def test_deleting_a_paste_frees_its_share_of_the_quota(make_app, key):
    app = make_app(user_quota_bytes=100)
    headers = {"X-Api-Key": key}
    paste_id = app.post_json(PASTES, {"content": "x" * 90}, headers=headers).json["publicId"]
    app.post_json(PASTES, {"content": "x" * 20}, headers=headers, status=413)
    app.delete(f"{PASTES}/{paste_id}", headers=headers, status=200)
    app.post_json(PASTES, {"content": "x" * 20}, headers=headers, status=201)


def test_an_expired_paste_no_longer_counts_against_the_quota(make_app, key, clock):
    app = make_app(user_quota_bytes=100)
    headers = {"X-Api-Key": key}
    app.post_json(PASTES, {"content": "x" * 90, "expiresIn": "1h"}, headers=headers, status=201)
    clock.advance(3601)
    app.post_json(PASTES, {"content": "x" * 90}, headers=headers, status=201)


def test_an_edit_counts_the_new_size_in_place_of_the_old(make_app, key):
    app = make_app(user_quota_bytes=100)
    headers = {"X-Api-Key": key}
    paste_id = app.post_json(PASTES, {"content": "x" * 90}, headers=headers).json["publicId"]
    app.patch_json(f"{PASTES}/{paste_id}", {"content": "y" * 100}, headers=headers, status=200)
    res = app.patch_json(f"{PASTES}/{paste_id}", {"content": "z" * 101}, headers=headers,
                         status=413)  # fmt: skip
    assert_json_error(res, 413, "over_quota")


def test_quotas_are_per_user(make_app, key, core):
    other = add_user(core, "bob")[1]
    app = make_app(user_quota_bytes=50)
    app.post_json(PASTES, {"content": "x" * 50}, headers={"X-Api-Key": key}, status=201)
    app.post_json(PASTES, {"content": "x" * 50}, headers={"X-Api-Key": other}, status=201)
