"""GET /api/v1/pastes, the API key holder's own pastes, in process: only with a valid key
(X-Api-Key or Bearer), only the holder's pastes, paged newest first, expired ones left out."""

import pytest
from helpers import PASTES, assert_json_error, create_paste, iso, key_header

# -- GET /api/v1/pastes (the key holder's list) ----------------------------------------------


def test_listing_without_an_api_key_is_401(app):
    assert_json_error(app.get(PASTES, status=401), 401, "unauthorized")


@pytest.mark.parametrize(
    "headers",
    [{"X-Api-Key": "not-a-key"}, {"Authorization": "Bearer not-a-key"}],
    ids=["x-api-key", "bearer"],
)
def test_listing_with_an_unknown_key_is_401(app, headers):
    assert_json_error(app.get(PASTES, headers=headers, status=401), 401, "invalid_key")


def test_listing_with_another_authorization_scheme_is_401(app, alice_key):
    res = app.get(PASTES, headers={"Authorization": f"Basic {alice_key}"}, status=401)
    assert_json_error(res, 401, "unauthorized")


def test_the_list_holds_only_the_key_holders_pastes(app, alice_key, bob_key):
    mine = {
        create_paste(app, headers=key_header(alice_key), title=f"a{i}")["publicId"]
        for i in range(2)
    }
    create_paste(app, headers=key_header(bob_key))
    create_paste(app)
    listed = app.get(PASTES, headers=key_header(alice_key)).json["pastes"]
    assert {p["publicId"] for p in listed} == mine


def test_a_bearer_token_lists_the_same_pastes_as_x_api_key(app, alice_key):
    paste_id = create_paste(app, headers={"Authorization": f"Bearer {alice_key}"})["publicId"]
    by_key = app.get(PASTES, headers=key_header(alice_key)).json["pastes"]
    by_bearer = app.get(PASTES, headers={"Authorization": f"Bearer {alice_key}"}).json["pastes"]
    assert [p["publicId"] for p in by_key] == [p["publicId"] for p in by_bearer] == [paste_id]


def test_list_entries_carry_the_seed_fields(app, alice_key, clock):
    create_paste(app, headers=key_header(alice_key), content="x=1\n", title="t", syntax="python")
    (entry,) = app.get(PASTES, headers=key_header(alice_key)).json["pastes"]
    assert entry["title"] == "t"
    assert entry["syntax"] == "python"
    assert entry["createdAt"] == iso(clock())
    assert "content" not in entry


def test_the_list_pages_newest_first_with_limit_and_offset(app, alice_key, clock):
    ids = []
    for _ in range(5):
        ids.append(create_paste(app, headers=key_header(alice_key))["publicId"])
        clock.advance(1)
    newest_first = ids[::-1]
    page = app.get(PASTES, params={"limit": 2, "offset": 1}, headers=key_header(alice_key)).json
    assert [p["publicId"] for p in page["pastes"]] == newest_first[1:3]
    assert (page["limit"], page["offset"]) == (2, 1)
    everything = app.get(PASTES, headers=key_header(alice_key)).json
    assert [p["publicId"] for p in everything["pastes"]] == newest_first
    assert everything["limit"] == 20


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"offset": -1}, {"limit": "1.5"}]
)
def test_list_paging_out_of_range_is_refused(app, alice_key, params):
    assert_json_error(
        app.get(PASTES, params=params, headers=key_header(alice_key), status=400), 400
    )


def test_the_list_leaves_out_expired_pastes(app, alice_key, clock):
    create_paste(app, headers=key_header(alice_key), ttlSeconds=60)
    keep = create_paste(app, headers=key_header(alice_key))["publicId"]
    clock.advance(61)
    listed = app.get(PASTES, headers=key_header(alice_key)).json["pastes"]
    assert [p["publicId"] for p in listed] == [keep]
