"""Reading a paste with the JSON API (GET /api/v1/pastes/:id), in process: the fields, views
counted (never by HEAD), expiry and tombstones, burn-after-read, private and unlisted pastes."""

import pytest
from helpers import (
    DAY,
    HOUR,
    PASTES,
    assert_json_error,
    create_paste,
    get_paste,
    iso,
    key_header,
    token_header,
)

from pastebox.server.janitor import sweep

# -- GET /api/v1/pastes/:id ------------------------------------------------------------------


def test_get_answers_the_seed_fields(app, clock):
    paste_id = create_paste(
        app, content="console.log(1)", title="ex.js", syntax="javascript", ttlSeconds=HOUR
    )["publicId"]
    body = get_paste(app, paste_id).json
    assert body["publicId"] == paste_id
    assert body["title"] == "ex.js"
    assert body["syntax"] == "javascript"
    assert body["content"] == "console.log(1)"
    assert body["isE2ee"] is False
    assert body["burnAfterRead"] is False
    assert body["viewCount"] == 1
    assert body["expiresAt"] == iso(clock() + HOUR)
    assert body["createdAt"] == iso(clock())


def test_get_never_reveals_the_manage_token(app):
    created = create_paste(app)
    body = get_paste(app, created["publicId"], token_header(created["manageToken"])).text
    assert created["manageToken"] not in body


def test_every_get_counts_one_view(app):
    paste_id = create_paste(app)["publicId"]
    assert [get_paste(app, paste_id).json["viewCount"] for _ in range(3)] == [1, 2, 3]


def test_head_neither_counts_a_view_nor_burns(app):
    paste_id = create_paste(app, burnAfterRead=True)["publicId"]
    app.head(f"{PASTES}/{paste_id}", status=200)
    body = get_paste(app, paste_id).json
    assert body["content"] == "hello\n"
    assert body["viewCount"] == 1


def test_an_unknown_id_is_404(app):
    assert_json_error(get_paste(app, "AAAAAAAAAA", status=404), 404, "not_found")


@pytest.mark.parametrize("paste_id", ["short", "x" * 33, "abc-defghij", "..%2f..%2fetc"])
def test_a_malformed_id_is_404(app, paste_id):
    assert_json_error(get_paste(app, paste_id, status=404), 404)


def test_a_paste_is_readable_until_its_expiry_and_410_after(app, clock):
    paste_id = create_paste(app, ttlSeconds=60)["publicId"]
    clock.advance(59)
    get_paste(app, paste_id, status=200)
    clock.advance(1)
    assert_json_error(get_paste(app, paste_id, status=410), 410, "expired")


def test_an_expired_paste_is_404_once_its_tombstone_is_forgotten(app, store, clock):
    paste_id = create_paste(app, ttlSeconds=60)["publicId"]
    clock.advance(61)
    sweep(store, clock())
    assert_json_error(get_paste(app, paste_id, status=410), 410, "expired")
    clock.advance(31 * DAY)
    sweep(store, clock())
    assert_json_error(get_paste(app, paste_id, status=404), 404, "not_found")


def test_a_burn_paste_is_served_to_the_first_reader_only(app):
    paste_id = create_paste(app, content="secret\n", burnAfterRead=True)["publicId"]
    first = get_paste(app, paste_id)
    assert first.json["content"] == "secret\n"
    assert first.json["burnAfterRead"] is True
    assert first.headers["Cache-Control"] == "no-store"
    assert_json_error(get_paste(app, paste_id, status=410), 410, "burned")
    assert app.get(f"/raw/{paste_id}", status=410).status_int == 410


def test_a_private_paste_is_hidden_from_everyone_but_its_owner(app, alice_key, bob_key):
    paste_id = create_paste(app, headers=key_header(alice_key), exposure="private")["publicId"]
    assert_json_error(get_paste(app, paste_id, status=404), 404)
    assert_json_error(get_paste(app, paste_id, key_header(bob_key), status=404), 404)
    assert get_paste(app, paste_id, key_header(alice_key)).json["content"] == "hello\n"


def test_a_private_anonymous_paste_is_readable_with_its_manage_token(app):
    created = create_paste(app, exposure="private")
    get_paste(app, created["publicId"], status=404)
    body = get_paste(app, created["publicId"], token_header(created["manageToken"])).json
    assert body["content"] == "hello\n"


def test_an_unlisted_paste_is_readable_by_anyone_with_the_link(app):
    assert get_paste(app, create_paste(app)["publicId"]).json["exposure"] == "unlisted"


def test_a_bad_api_key_on_a_read_is_401(app):
    paste_id = create_paste(app)["publicId"]
    assert_json_error(get_paste(app, paste_id, key_header("wrong"), status=401), 401, "invalid_key")
