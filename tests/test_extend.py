"""POST /api/v1/pastes/:id/extend, in process: pushing a paste's expiry by a whole number of
seconds, within the maximum, by its manage token or owner only."""

import pytest
from helpers import (
    DAY,
    HOUR,
    PASTES,
    YEAR,
    assert_json_error,
    create_paste,
    get_paste,
    iso,
    key_header,
    token_header,
)

# -- POST /api/v1/pastes/:id/extend ----------------------------------------------------------


def extend(app, created: dict, body, status: int = 200):
    url = f"{PASTES}/{created['publicId']}/extend"
    return app.post_json(url, body, headers=token_header(created["manageToken"]), status=status)


def test_extend_pushes_the_expiry_by_the_given_seconds(app, clock):
    created = create_paste(app, ttlSeconds=HOUR)
    res = extend(app, created, {"ttlSeconds": DAY})
    assert res.json == {"publicId": created["publicId"], "expiresAt": iso(clock() + HOUR + DAY)}
    assert get_paste(app, created["publicId"]).json["expiresAt"] == iso(clock() + HOUR + DAY)


def test_an_extended_paste_outlives_its_first_expiry(app, clock):
    created = create_paste(app, ttlSeconds=60)
    extend(app, created, {"ttlSeconds": 60})
    clock.advance(90)
    get_paste(app, created["publicId"], status=200)
    clock.advance(30)
    get_paste(app, created["publicId"], status=410)


def test_the_owner_key_extends_a_paste(app, alice_key, clock):
    paste_id = create_paste(app, headers=key_header(alice_key), ttlSeconds=60)["publicId"]
    res = app.post_json(
        f"{PASTES}/{paste_id}/extend", {"ttlSeconds": 60}, headers=key_header(alice_key), status=200
    )
    assert res.json["expiresAt"] == iso(clock() + 120)


def test_extending_a_paste_that_never_expires_keeps_it_so(app):
    created = create_paste(app)
    assert extend(app, created, {"ttlSeconds": 60}).json["expiresAt"] is None


def test_extending_beyond_the_maximum_ttl_is_refused_and_keeps_the_expiry(app, clock):
    created = create_paste(app, ttlSeconds=DAY)
    assert_json_error(extend(app, created, {"ttlSeconds": YEAR}, status=400), 400, "invalid")
    assert get_paste(app, created["publicId"]).json["expiresAt"] == iso(clock() + DAY)


@pytest.mark.parametrize(
    "body",
    [{}, {"ttlSeconds": 0}, {"ttlSeconds": -60}, {"ttlSeconds": 1.5}, {"ttlSeconds": "60"},
     {"ttlSeconds": True}, {"ttlSeconds": None}],
    ids=repr,
)  # fmt: skip
def test_extend_needs_a_positive_whole_number_of_seconds(app, body):
    created = create_paste(app, ttlSeconds=HOUR)
    assert_json_error(extend(app, created, body, status=400), 400, "invalid")


def test_extending_with_a_wrong_token_is_403(app):
    created = create_paste(app, ttlSeconds=HOUR)
    res = extend(app, {**created, "manageToken": "wrong"}, {"ttlSeconds": 60}, status=403)
    assert_json_error(res, 403, "bad_token")


def test_an_expired_paste_cannot_be_extended(app, clock):
    created = create_paste(app, ttlSeconds=60)
    clock.advance(61)
    assert_json_error(extend(app, created, {"ttlSeconds": 60}, status=410), 410, "expired")
