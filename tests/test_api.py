"""The native JSON API (/api/v1 and /api/health), in process: every route and every error it answers."""

import re
from datetime import UTC, datetime

import pytest
from expect import assert_json_error

from pastebox.core import accounts
from pastebox.janitor import sweep

PASTES = "/api/v1/pastes"
SEARCH = "/api/v1/search"
HOUR, DAY, YEAR = 3600, 86400, 365 * 86400
ISO_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
SEALED = "A" * 60  # base64url long enough for nonce + MAC + one byte: looks like a sealed record


# -- helpers ---------------------------------------------------------------------------------


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def key_header(key: str) -> dict[str, str]:
    return {"X-Api-Key": key}


def token_header(token: str) -> dict[str, str]:
    return {"X-Manage-Token": token}


def create(app, headers: dict[str, str] | None = None, **fields) -> dict:
    """Create a paste (content "hello\\n" unless given) and return the 201 body."""
    body = (
        fields if ("content" in fields or "files" in fields) else {"content": "hello\n", **fields}
    )
    return app.post_json(PASTES, body, headers=headers or {}, status=201).json


def get(app, paste_id: str, headers: dict[str, str] | None = None, status: int = 200):
    return app.get(f"{PASTES}/{paste_id}", headers=headers or {}, status=status)


def edit(app, created: dict, change: dict, status: int):
    """PATCH the paste `created` with its own manage token."""
    return app.patch_json(
        f"{PASTES}/{created['publicId']}",
        change,
        headers=token_header(created["manageToken"]),
        status=status,
    )


def search(app, q: str, headers: dict[str, str] | None = None) -> list[str]:
    res = app.get(SEARCH, params={"q": q}, headers=headers or {}, status=200)
    return [hit["publicId"] for hit in res.json["results"]]


@pytest.fixture
def alice(core) -> str:
    """The API key of user alice."""
    return accounts.add_user(core, "alice")[1]


@pytest.fixture
def bob(core) -> str:
    """The API key of user bob."""
    return accounts.add_user(core, "bob")[1]


# -- GET /api/health -------------------------------------------------------------------------


def test_health_reports_healthy_with_an_iso_timestamp_and_uptime(app, clock):
    res = app.get("/api/health", status=200)
    assert res.content_type == "application/json"
    assert res.json["status"] == "healthy"
    assert res.json["timestamp"] == iso(clock())
    assert ISO_RE.fullmatch(res.json["timestamp"])
    assert isinstance(res.json["uptime"], int | float)


def test_health_uptime_counts_from_the_app_start(app, clock):
    clock.advance(90.5)
    assert app.get("/api/health").json["uptime"] == pytest.approx(90.5)


def test_health_is_a_503_json_error_when_the_database_cannot_be_read(app, store):
    store.close()
    res = app.get("/api/health", status=503)
    assert_json_error(res, 503, "unhealthy")
    assert int(res.headers["Retry-After"]) >= 1


def test_health_is_503_even_when_this_thread_had_a_reader_open(app, store):
    app.get("/api/health", status=200)  # opens this thread's read connection
    store.close()
    assert_json_error(app.get("/api/health", status=503), 503, "unhealthy")


# -- POST /api/v1/pastes ---------------------------------------------------------------------


def test_create_answers_201_with_links_expiry_e2ee_flag_and_a_manage_token(app):
    res = app.post_json(PASTES, {"content": "hello\n"}, status=201)
    body = res.json
    paste_id = body["publicId"]
    assert re.fullmatch(r"[A-Za-z0-9]{8,32}", paste_id)
    assert body["url"] == f"http://localhost:80/{paste_id}"
    assert body["rawUrl"] == f"http://localhost:80/raw/{paste_id}"
    assert res.headers["Location"] == body["url"]
    assert body["expiresAt"] is None
    assert body["isE2ee"] is False
    assert isinstance(body["manageToken"], str) and len(body["manageToken"]) >= 32
    assert "content" not in body  # the creator knows it; the reply stays small


def test_create_uses_the_configured_base_url_for_links(make_app):
    app = make_app(base_url="https://paste.example.org/")
    body = create(app)
    assert body["url"] == f"https://paste.example.org/{body['publicId']}"
    assert body["rawUrl"] == f"https://paste.example.org/raw/{body['publicId']}"


def test_a_created_paste_can_be_read_back(app):
    paste_id = create(app, content="print('hi')\n")["publicId"]
    assert get(app, paste_id).json["content"] == "print('hi')\n"
    assert app.get(f"/raw/{paste_id}").body == b"print('hi')\n"


def test_create_keeps_title_and_syntax(app):
    paste_id = create(app, content="x = 1\n", title="my script", syntax="python")["publicId"]
    body = get(app, paste_id).json
    assert body["title"] == "my script"
    assert body["syntax"] == "python"


def test_create_with_a_files_list_keeps_each_name_content_and_language(app):
    files = [
        {"name": "a.py", "content": "x = 1\n", "language": "python"},
        {"name": "notes.txt", "content": "plain\n"},
    ]
    paste_id = create(app, files=files)["publicId"]
    body = get(app, paste_id).json
    assert [(f["name"], f["content"]) for f in body["files"]] == [
        ("a.py", "x = 1\n"),
        ("notes.txt", "plain\n"),
    ]
    assert body["files"][0]["language"] == "python"
    assert body["content"] == "x = 1\n"  # content and syntax describe the first file
    assert body["syntax"] == "python"
    assert app.get(f"/raw/{paste_id}/notes.txt").body == b"plain\n"


def test_create_with_ttl_seconds_sets_expires_at(app, clock):
    body = create(app, ttlSeconds=3600)
    assert body["expiresAt"] == iso(clock() + 3600)


@pytest.mark.parametrize(
    ("preset", "seconds"), [("10m", 600), ("1h", HOUR), ("1d", DAY), ("1w", 7 * DAY), ("1y", YEAR)]
)
def test_create_with_an_expires_in_preset_sets_expires_at(app, clock, preset, seconds):
    assert create(app, expiresIn=preset)["expiresAt"] == iso(clock() + seconds)


def test_expires_in_never_keeps_the_paste_forever(app):
    assert create(app, expiresIn="never")["expiresAt"] is None


def test_without_a_ttl_the_configured_default_applies(make_app, clock):
    app = make_app(default_ttl="1d")
    assert create(app)["expiresAt"] == iso(clock() + DAY)


def test_burn_after_read_is_recorded(app):
    assert create(app, burnAfterRead=True)["burnAfterRead"] is True
    assert create(app)["burnAfterRead"] is False


@pytest.mark.parametrize("exposure", ["public", "unlisted", "private"])
def test_create_records_the_exposure(app, exposure):
    assert create(app, exposure=exposure)["exposure"] == exposure


def test_exposure_defaults_to_unlisted(app):
    assert create(app)["exposure"] == "unlisted"


def test_an_e2ee_paste_is_stored_and_returned_as_the_opaque_sealed_text(app):
    body = create(app, content=SEALED, isE2ee=True)
    assert body["isE2ee"] is True
    read = get(app, body["publicId"]).json
    assert read["isE2ee"] is True
    assert read["content"] == SEALED


def test_an_e2ee_paste_must_look_like_a_sealed_record(app):
    res = app.post_json(PASTES, {"content": "not sealed!", "isE2ee": True}, status=400)
    assert_json_error(res, 400, "invalid")


def test_a_paste_created_with_an_api_key_gets_no_manage_token(app, alice):
    body = create(app, headers=key_header(alice))
    assert "manageToken" not in body
    assert body["publicId"]


def test_create_with_an_unknown_api_key_is_401(app):
    res = app.post_json(PASTES, {"content": "x"}, headers=key_header("nope"), status=401)
    assert_json_error(res, 401, "invalid_key")


# -- creation errors -------------------------------------------------------------------------


def test_a_title_of_255_characters_is_accepted(app):
    assert create(app, title="t" * 255)["title"] == "t" * 255


def test_a_title_longer_than_255_characters_is_refused(app):
    res = app.post_json(PASTES, {"content": "x", "title": "t" * 256}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "title"


@pytest.mark.parametrize(
    "ttl", [0, -1, 1.5, "10", True, False, [], {}, 1e300], ids=repr
)  # fmt: skip
def test_ttl_seconds_must_be_a_positive_whole_number(app, ttl):
    res = app.post_json(PASTES, {"content": "x", "ttlSeconds": ttl}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "ttlSeconds"


def test_ttl_seconds_written_as_a_whole_float_is_accepted(app, clock):
    assert create(app, ttlSeconds=60.0)["expiresAt"] == iso(clock() + 60)


def test_a_ttl_of_exactly_the_maximum_is_accepted(app, clock):
    assert create(app, ttlSeconds=YEAR)["expiresAt"] == iso(clock() + YEAR)


def test_a_ttl_longer_than_a_year_is_refused(app):
    res = app.post_json(PASTES, {"content": "x", "ttlSeconds": YEAR + 1}, status=400)
    assert_json_error(res, 400, "invalid")


def test_a_ttl_longer_than_the_configured_maximum_is_refused(make_app):
    app = make_app(max_ttl="1d")
    assert_json_error(
        app.post_json(PASTES, {"content": "x", "ttlSeconds": DAY + 1}, status=400), 400
    )
    assert_json_error(app.post_json(PASTES, {"content": "x", "expiresIn": "1w"}, status=400), 400)


@pytest.mark.parametrize("preset", ["soon", "-1h", "1.5h", " ", "1 h"], ids=repr)
def test_an_unknown_expires_in_preset_is_refused(app, preset):
    res = app.post_json(PASTES, {"content": "x", "expiresIn": preset}, status=400)
    assert_json_error(res, 400)


def test_ttl_seconds_and_expires_in_together_are_refused(app):
    res = app.post_json(PASTES, {"content": "x", "ttlSeconds": 60, "expiresIn": "1h"}, status=400)
    assert_json_error(res, 400, "invalid")


@pytest.mark.parametrize("exposure", ["secret", "PUBLIC", " public", "everyone"])
def test_an_unknown_exposure_is_refused(app, exposure):
    res = app.post_json(PASTES, {"content": "x", "exposure": exposure}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "exposure"


def test_empty_content_is_refused(app):
    res = app.post_json(PASTES, {"content": ""}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "content"


def test_a_body_without_content_or_files_is_refused(app):
    res = app.post_json(PASTES, {"title": "nothing"}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "content"


def test_an_empty_files_list_is_refused(app):
    assert_json_error(app.post_json(PASTES, {"files": []}, status=400), 400, "invalid")


def test_content_and_files_together_are_refused(app):
    body = {"content": "x", "files": [{"name": "a.txt", "content": "y"}]}
    res = app.post_json(PASTES, body, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "files"


@pytest.mark.parametrize(
    "fields",
    [
        {"content": 123},
        {"content": ["x"]},
        {"content": "x", "title": 5},
        {"content": "x", "syntax": 1},
        {"content": "x", "burnAfterRead": "yes"},
        {"content": "x", "burnAfterRead": 1},
        {"content": "x", "isE2ee": "false"},
        {"content": "x", "exposure": 1},
        {"content": "x", "expiresIn": 3600},
        {"files": "a.txt"},
        {"files": {"name": "a.txt", "content": "x"}},
        {"files": ["x"]},
        {"files": [{"name": "a.txt", "content": 1}]},
        {"files": [{"name": 1, "content": "x"}]},
        {"files": [{"name": "a.txt", "content": "x", "language": 2}]},
    ],
    ids=repr,
)
def test_fields_of_the_wrong_type_are_refused(app, fields):
    assert_json_error(app.post_json(PASTES, fields, status=400), 400, "invalid")


def test_a_file_without_content_is_refused(app):
    res = app.post_json(PASTES, {"files": [{"name": "a.txt"}]}, status=400)
    assert_json_error(res, 400, "invalid")


def test_an_unknown_field_is_refused_by_name(app):
    res = app.post_json(PASTES, {"content": "x", "colour": "red"}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "colour"


def test_an_unknown_file_field_is_refused(app):
    res = app.post_json(PASTES, {"files": [{"name": "a", "content": "x", "mode": 1}]}, status=400)
    assert_json_error(res, 400, "invalid")


def test_an_unknown_language_is_refused(app):
    res = app.post_json(PASTES, {"content": "x", "syntax": "klingon-script"}, status=400)
    assert assert_json_error(res, 400, "invalid")["field"] == "language"


def test_more_files_than_the_configured_maximum_are_refused(make_app):
    app = make_app(max_files=2)
    files = [{"name": f"f{i}.txt", "content": "x"} for i in range(3)]
    assert_json_error(app.post_json(PASTES, {"files": files}, status=400), 400, "invalid")


def test_two_files_with_the_same_name_are_refused(app):
    files = [{"name": "a.txt", "content": "1"}, {"name": "a.txt", "content": "2"}]
    assert_json_error(app.post_json(PASTES, {"files": files}, status=400), 400, "invalid")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"not json",
        b"[1, 2]",
        b'"content"',
        b'{"content": "x"',
        b'{"content": NaN}',
        b'{"content": "x", "ttlSeconds": Infinity}',
        b'{"content": "x", "content": "y"}',
        b'{"content": "\\ud800"}',
        b"\xff\xfe{}",
        b'{"content": "x", "files": ' + b"[" * 100 + b"]" * 100 + b"}",
    ],
    ids=repr,
)
def test_a_body_that_is_not_one_strict_json_object_is_refused(app, body):
    res = app.post(PASTES, body, content_type="application/json", status=400)
    assert_json_error(res, 400, "invalid_json")


def test_a_refused_create_stores_nothing(app, alice):
    for bad in ({"content": ""}, {"content": "x", "title": "t" * 256}, {"content": "x", "bad": 1}):
        app.post_json(PASTES, bad, headers=key_header(alice), status=400)
    assert app.get(PASTES, headers=key_header(alice)).json["pastes"] == []


# -- GET /api/v1/pastes/:id ------------------------------------------------------------------


def test_get_answers_the_seed_fields(app, clock):
    paste_id = create(
        app, content="console.log(1)", title="ex.js", syntax="javascript", ttlSeconds=HOUR
    )["publicId"]
    body = get(app, paste_id).json
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
    created = create(app)
    body = get(app, created["publicId"], token_header(created["manageToken"])).text
    assert created["manageToken"] not in body


def test_every_get_counts_one_view(app):
    paste_id = create(app)["publicId"]
    assert [get(app, paste_id).json["viewCount"] for _ in range(3)] == [1, 2, 3]


def test_head_neither_counts_a_view_nor_burns(app):
    paste_id = create(app, burnAfterRead=True)["publicId"]
    app.head(f"{PASTES}/{paste_id}", status=200)
    body = get(app, paste_id).json
    assert body["content"] == "hello\n"
    assert body["viewCount"] == 1


def test_an_unknown_id_is_404(app):
    assert_json_error(get(app, "AAAAAAAAAA", status=404), 404, "not_found")


@pytest.mark.parametrize("paste_id", ["short", "x" * 33, "abc-defghij", "..%2f..%2fetc"])
def test_a_malformed_id_is_404(app, paste_id):
    assert_json_error(get(app, paste_id, status=404), 404)


def test_a_paste_is_readable_until_its_expiry_and_410_after(app, clock):
    paste_id = create(app, ttlSeconds=60)["publicId"]
    clock.advance(59)
    get(app, paste_id, status=200)
    clock.advance(1)
    assert_json_error(get(app, paste_id, status=410), 410, "expired")


def test_an_expired_paste_is_404_once_its_tombstone_is_forgotten(app, store, clock):
    paste_id = create(app, ttlSeconds=60)["publicId"]
    clock.advance(61)
    sweep(store, clock())
    assert_json_error(get(app, paste_id, status=410), 410, "expired")
    clock.advance(31 * DAY)
    sweep(store, clock())
    assert_json_error(get(app, paste_id, status=404), 404, "not_found")


def test_a_burn_paste_is_served_to_the_first_reader_only(app):
    paste_id = create(app, content="secret\n", burnAfterRead=True)["publicId"]
    first = get(app, paste_id)
    assert first.json["content"] == "secret\n"
    assert first.json["burnAfterRead"] is True
    assert first.headers["Cache-Control"] == "no-store"
    assert_json_error(get(app, paste_id, status=410), 410, "burned")
    assert app.get(f"/raw/{paste_id}", status=410).status_int == 410


def test_a_private_paste_is_hidden_from_everyone_but_its_owner(app, alice, bob):
    paste_id = create(app, headers=key_header(alice), exposure="private")["publicId"]
    assert_json_error(get(app, paste_id, status=404), 404)
    assert_json_error(get(app, paste_id, key_header(bob), status=404), 404)
    assert get(app, paste_id, key_header(alice)).json["content"] == "hello\n"


def test_a_private_anonymous_paste_is_readable_with_its_manage_token(app):
    created = create(app, exposure="private")
    get(app, created["publicId"], status=404)
    body = get(app, created["publicId"], token_header(created["manageToken"])).json
    assert body["content"] == "hello\n"


def test_an_unlisted_paste_is_readable_by_anyone_with_the_link(app):
    assert get(app, create(app)["publicId"]).json["exposure"] == "unlisted"


def test_a_bad_api_key_on_a_read_is_401(app):
    paste_id = create(app)["publicId"]
    assert_json_error(get(app, paste_id, key_header("wrong"), status=401), 401, "invalid_key")


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


def test_listing_with_another_authorization_scheme_is_401(app, alice):
    res = app.get(PASTES, headers={"Authorization": f"Basic {alice}"}, status=401)
    assert_json_error(res, 401, "unauthorized")


def test_the_list_holds_only_the_key_holders_pastes(app, alice, bob):
    mine = {create(app, headers=key_header(alice), title=f"a{i}")["publicId"] for i in range(2)}
    create(app, headers=key_header(bob))
    create(app)
    listed = app.get(PASTES, headers=key_header(alice)).json["pastes"]
    assert {p["publicId"] for p in listed} == mine


def test_a_bearer_token_lists_the_same_pastes_as_x_api_key(app, alice):
    paste_id = create(app, headers={"Authorization": f"Bearer {alice}"})["publicId"]
    by_key = app.get(PASTES, headers=key_header(alice)).json["pastes"]
    by_bearer = app.get(PASTES, headers={"Authorization": f"Bearer {alice}"}).json["pastes"]
    assert [p["publicId"] for p in by_key] == [p["publicId"] for p in by_bearer] == [paste_id]


def test_list_entries_carry_the_seed_fields(app, alice, clock):
    create(app, headers=key_header(alice), content="x=1\n", title="t", syntax="python")
    (entry,) = app.get(PASTES, headers=key_header(alice)).json["pastes"]
    assert entry["title"] == "t"
    assert entry["syntax"] == "python"
    assert entry["createdAt"] == iso(clock())
    assert "content" not in entry


def test_the_list_pages_newest_first_with_limit_and_offset(app, alice, clock):
    ids = []
    for _ in range(5):
        ids.append(create(app, headers=key_header(alice))["publicId"])
        clock.advance(1)
    newest_first = ids[::-1]
    page = app.get(PASTES, params={"limit": 2, "offset": 1}, headers=key_header(alice)).json
    assert [p["publicId"] for p in page["pastes"]] == newest_first[1:3]
    assert (page["limit"], page["offset"]) == (2, 1)
    everything = app.get(PASTES, headers=key_header(alice)).json
    assert [p["publicId"] for p in everything["pastes"]] == newest_first
    assert everything["limit"] == 20


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"offset": -1}, {"limit": "1.5"}]
)
def test_list_paging_out_of_range_is_refused(app, alice, params):
    assert_json_error(app.get(PASTES, params=params, headers=key_header(alice), status=400), 400)


def test_the_list_leaves_out_expired_pastes(app, alice, clock):
    create(app, headers=key_header(alice), ttlSeconds=60)
    keep = create(app, headers=key_header(alice))["publicId"]
    clock.advance(61)
    listed = app.get(PASTES, headers=key_header(alice)).json["pastes"]
    assert [p["publicId"] for p in listed] == [keep]


# -- PATCH /api/v1/pastes/:id and revisions -------------------------------------------------


def test_the_manage_token_edits_a_paste_into_a_new_revision(app):
    created = create(app, content="v1\n")
    res = edit(app, created, {"content": "v2\n"}, status=200)
    assert res.json["revision"] == 2
    assert res.json["content"] == "v2\n"
    assert get(app, created["publicId"]).json["content"] == "v2\n"


def test_an_edit_of_only_the_syntax_relabels_the_content(app):
    created = create(app, content="print(1)\n", syntax="text")
    res = edit(app, created, {"syntax": "python"}, status=200)
    assert res.json["syntax"] == "python"
    assert res.json["content"] == "print(1)\n"
    assert res.json["revision"] == 2


def test_an_edit_to_an_unknown_syntax_is_refused(app):
    created = create(app, content="print(1)\n")
    res = edit(app, created, {"syntax": "klingon-script"}, status=400)
    assert res.json["error"] == "invalid"


def test_the_owner_key_edits_a_paste(app, alice, clock):
    paste_id = create(app, headers=key_header(alice), title="old")["publicId"]
    clock.advance(10)
    url = f"{PASTES}/{paste_id}"
    body = app.patch_json(url, {"title": "new"}, headers=key_header(alice)).json
    assert body["title"] == "new"
    assert body["content"] == "hello\n"  # a title-only edit keeps the files
    assert body["updatedAt"] == iso(clock())
    assert body["createdAt"] == iso(clock() - 10)


def test_an_edit_can_replace_the_files(app):
    created = create(app, content="one")
    files = [{"name": "a.py", "content": "x = 1\n"}, {"name": "b.txt", "content": "b\n"}]
    body = app.patch_json(
        f"{PASTES}/{created['publicId']}",
        {"files": files},
        headers=token_header(created["manageToken"]),
    ).json
    assert [f["name"] for f in body["files"]] == ["a.py", "b.txt"]


def test_the_revisions_endpoint_lists_every_version_oldest_first(app, clock):
    created = create(app, content="v1\n", title="first")
    clock.advance(5)
    app.patch_json(
        f"{PASTES}/{created['publicId']}",
        {"content": "v2\n", "title": "second"},
        headers=token_header(created["manageToken"]),
    )
    body = app.get(f"{PASTES}/{created['publicId']}/revisions", status=200).json
    assert body["publicId"] == created["publicId"]
    revisions = body["revisions"]
    assert [r["revision"] for r in revisions] == [1, 2]
    assert [r["title"] for r in revisions] == ["first", "second"]
    assert [r["files"][0]["content"] for r in revisions] == ["v1\n", "v2\n"]
    assert [r["createdAt"] for r in revisions] == [iso(clock() - 5), iso(clock())]


def test_a_burn_paste_has_no_readable_history_and_is_not_burned_by_asking(app):
    paste_id = create(app, burnAfterRead=True)["publicId"]
    assert_json_error(app.get(f"{PASTES}/{paste_id}/revisions", status=403), 403, "burn_paste")
    assert get(app, paste_id).json["content"] == "hello\n"


def test_revisions_of_an_unknown_paste_are_404(app):
    assert_json_error(app.get(f"{PASTES}/AAAAAAAAAA/revisions", status=404), 404)


def test_a_wrong_manage_token_cannot_edit(app):
    paste_id = create(app, content="keep")["publicId"]
    res = app.patch_json(
        f"{PASTES}/{paste_id}", {"content": "x"}, headers=token_header("wrong"), status=403
    )
    assert_json_error(res, 403, "bad_token")
    assert get(app, paste_id).json["content"] == "keep"


def test_an_edit_without_credentials_is_403(app):
    paste_id = create(app)["publicId"]
    assert_json_error(app.patch_json(f"{PASTES}/{paste_id}", {"title": "x"}, status=403), 403)


def test_another_users_key_cannot_edit_an_unlisted_paste(app, alice, bob):
    paste_id = create(app, headers=key_header(alice))["publicId"]
    res = app.patch_json(
        f"{PASTES}/{paste_id}", {"title": "x"}, headers=key_header(bob), status=403
    )
    assert_json_error(res, 403, "forbidden")


def test_another_users_key_cannot_even_see_a_private_paste_to_edit(app, alice, bob):
    paste_id = create(app, headers=key_header(alice), exposure="private")["publicId"]
    res = app.patch_json(
        f"{PASTES}/{paste_id}", {"title": "x"}, headers=key_header(bob), status=404
    )
    assert_json_error(res, 404, "not_found")


def test_the_manage_token_of_one_paste_does_not_edit_another(app):
    first, second = create(app), create(app, content="second")
    res = app.patch_json(
        f"{PASTES}/{second['publicId']}",
        {"content": "x"},
        headers=token_header(first["manageToken"]),
        status=403,
    )
    assert_json_error(res, 403, "bad_token")


def test_an_edit_with_nothing_to_change_is_refused(app):
    created = create(app)
    res = edit(app, created, {}, status=400)
    assert_json_error(res, 400, "invalid")


@pytest.mark.parametrize(
    "change", [{"ttlSeconds": 60}, {"exposure": "public"}, {"burnAfterRead": True}], ids=repr
)
def test_an_edit_of_a_field_that_cannot_change_is_refused(app, change):
    created = create(app)
    res = edit(app, created, change, status=400)
    assert_json_error(res, 400, "invalid")


def test_an_edit_to_empty_content_is_refused_and_changes_nothing(app):
    created = create(app, content="keep")
    res = edit(app, created, {"content": ""}, status=400)
    assert_json_error(res, 400, "invalid")
    assert get(app, created["publicId"]).json["revision"] == 1


def test_an_edit_of_an_unknown_paste_is_404(app, alice):
    res = app.patch_json(
        f"{PASTES}/AAAAAAAAAA", {"title": "x"}, headers=key_header(alice), status=404
    )
    assert_json_error(res, 404, "not_found")


def test_an_expired_paste_cannot_be_edited(app, clock):
    created = create(app, ttlSeconds=60)
    clock.advance(60)
    res = edit(app, created, {"title": "x"}, status=410)
    assert_json_error(res, 410, "expired")


# -- DELETE /api/v1/pastes/:id ---------------------------------------------------------------


def test_delete_with_the_manage_token_answers_deleted_and_the_paste_is_gone(app):
    created = create(app)
    url = f"{PASTES}/{created['publicId']}"
    res = app.delete(url, headers=token_header(created["manageToken"]), status=200)
    assert res.json == {"deleted": True}
    assert_json_error(app.get(url, status=410), 410, "deleted")
    assert app.get(f"/raw/{created['publicId']}", status=410).status_int == 410


def test_the_owner_key_deletes_a_paste(app, alice):
    paste_id = create(app, headers=key_header(alice))["publicId"]
    app.delete(f"{PASTES}/{paste_id}", headers=key_header(alice), status=200)
    assert app.get(PASTES, headers=key_header(alice)).json["pastes"] == []


def test_deleting_twice_answers_410_the_second_time(app):
    created = create(app)
    url = f"{PASTES}/{created['publicId']}"
    app.delete(url, headers=token_header(created["manageToken"]), status=200)
    res = app.delete(url, headers=token_header(created["manageToken"]), status=410)
    assert_json_error(res, 410, "deleted")


def test_a_wrong_manage_token_cannot_delete(app):
    paste_id = create(app)["publicId"]
    res = app.delete(f"{PASTES}/{paste_id}", headers=token_header("wrong"), status=403)
    assert_json_error(res, 403, "bad_token")
    get(app, paste_id, status=200)


def test_a_delete_without_credentials_is_403(app):
    paste_id = create(app)["publicId"]
    assert_json_error(app.delete(f"{PASTES}/{paste_id}", status=403), 403)
    get(app, paste_id, status=200)


def test_another_users_key_cannot_delete(app, alice, bob):
    paste_id = create(app, headers=key_header(alice))["publicId"]
    assert_json_error(app.delete(f"{PASTES}/{paste_id}", headers=key_header(bob), status=403), 403)
    get(app, paste_id, status=200)


def test_deleting_an_unknown_paste_is_404(app, alice):
    res = app.delete(f"{PASTES}/AAAAAAAAAA", headers=key_header(alice), status=404)
    assert_json_error(res, 404, "not_found")


def test_a_deleted_paste_leaves_no_history(app):
    created = create(app)
    app.delete(f"{PASTES}/{created['publicId']}", headers=token_header(created["manageToken"]))
    assert_json_error(app.get(f"{PASTES}/{created['publicId']}/revisions", status=410), 410)


# -- POST /api/v1/pastes/:id/extend ----------------------------------------------------------


def extend(app, created: dict, body, status: int = 200):
    url = f"{PASTES}/{created['publicId']}/extend"
    return app.post_json(url, body, headers=token_header(created["manageToken"]), status=status)


def test_extend_pushes_the_expiry_by_the_given_seconds(app, clock):
    created = create(app, ttlSeconds=HOUR)
    res = extend(app, created, {"ttlSeconds": DAY})
    assert res.json == {"publicId": created["publicId"], "expiresAt": iso(clock() + HOUR + DAY)}
    assert get(app, created["publicId"]).json["expiresAt"] == iso(clock() + HOUR + DAY)


def test_an_extended_paste_outlives_its_first_expiry(app, clock):
    created = create(app, ttlSeconds=60)
    extend(app, created, {"ttlSeconds": 60})
    clock.advance(90)
    get(app, created["publicId"], status=200)
    clock.advance(30)
    get(app, created["publicId"], status=410)


def test_the_owner_key_extends_a_paste(app, alice, clock):
    paste_id = create(app, headers=key_header(alice), ttlSeconds=60)["publicId"]
    res = app.post_json(
        f"{PASTES}/{paste_id}/extend", {"ttlSeconds": 60}, headers=key_header(alice), status=200
    )
    assert res.json["expiresAt"] == iso(clock() + 120)


def test_extending_a_paste_that_never_expires_keeps_it_so(app):
    created = create(app)
    assert extend(app, created, {"ttlSeconds": 60}).json["expiresAt"] is None


def test_extending_beyond_the_maximum_ttl_is_refused_and_keeps_the_expiry(app, clock):
    created = create(app, ttlSeconds=DAY)
    assert_json_error(extend(app, created, {"ttlSeconds": YEAR}, status=400), 400, "invalid")
    assert get(app, created["publicId"]).json["expiresAt"] == iso(clock() + DAY)


@pytest.mark.parametrize(
    "body",
    [{}, {"ttlSeconds": 0}, {"ttlSeconds": -60}, {"ttlSeconds": 1.5}, {"ttlSeconds": "60"},
     {"ttlSeconds": True}, {"ttlSeconds": None}],
    ids=repr,
)  # fmt: skip
def test_extend_needs_a_positive_whole_number_of_seconds(app, body):
    created = create(app, ttlSeconds=HOUR)
    assert_json_error(extend(app, created, body, status=400), 400, "invalid")


def test_extending_with_a_wrong_token_is_403(app):
    created = create(app, ttlSeconds=HOUR)
    res = extend(app, {**created, "manageToken": "wrong"}, {"ttlSeconds": 60}, status=403)
    assert_json_error(res, 403, "bad_token")


def test_an_expired_paste_cannot_be_extended(app, clock):
    created = create(app, ttlSeconds=60)
    clock.advance(61)
    assert_json_error(extend(app, created, {"ttlSeconds": 60}, status=410), 410, "expired")


# -- GET /api/v1/search ----------------------------------------------------------------------


def test_search_finds_a_public_paste_by_title(app):
    paste_id = create(app, exposure="public", title="quarterly zebra report")["publicId"]
    assert search(app, "zebra") == [paste_id]


def test_search_finds_a_public_paste_by_file_name(app):
    files = [{"name": "flamingo.py", "content": "x = 1\n"}]
    paste_id = create(app, exposure="public", files=files)["publicId"]
    assert search(app, "flamingo") == [paste_id]


def test_search_finds_a_public_paste_by_content_with_a_snippet(app):
    paste_id = create(app, exposure="public", content="the quick brown aardvark\n")["publicId"]
    res = app.get(SEARCH, params={"q": "aardvark"}).json
    (hit,) = res["results"]
    assert hit["publicId"] == paste_id
    assert "aardvark" in hit["snippet"]
    assert "\x02" not in hit["snippet"] and "\x03" not in hit["snippet"]
    assert hit["fileName"] == "paste.txt"
    assert res["query"] == "aardvark"


def test_search_matches_every_term(app):
    both = create(app, exposure="public", content="alpha beta\n")["publicId"]
    create(app, exposure="public", content="alpha gamma\n")
    assert search(app, "alpha beta") == [both]


def test_search_supports_a_quoted_phrase_and_a_prefix(app):
    paste_id = create(app, exposure="public", content="ordinary marmalade sandwich\n")["publicId"]
    create(app, exposure="public", content="sandwich of ordinary marmalade\n")
    assert search(app, '"marmalade sandwich"') == [paste_id]
    assert len(search(app, "marma*")) == 2


@pytest.mark.parametrize("exposure", ["unlisted", "private"])
def test_search_hides_non_public_pastes_from_anonymous_readers(app, alice, exposure):
    create(app, headers=key_header(alice), exposure=exposure, content="wombat\n")
    create(app, exposure=exposure, content="wombat\n")
    assert search(app, "wombat") == []


@pytest.mark.parametrize("exposure", ["unlisted", "private"])
def test_search_shows_the_key_holder_their_own_non_public_pastes_only(app, alice, bob, exposure):
    mine = create(app, headers=key_header(alice), exposure=exposure, content="wombat\n")
    create(app, headers=key_header(bob), exposure=exposure, content="wombat\n")
    assert search(app, "wombat", key_header(alice)) == [mine["publicId"]]
    assert search(app, "wombat", {"Authorization": f"Bearer {alice}"}) == [mine["publicId"]]


def test_search_never_indexes_burn_pastes(app, alice):
    create(app, exposure="public", burnAfterRead=True, content="ephemeral\n")
    create(app, headers=key_header(alice), exposure="public", burnAfterRead=True, title="ephemeral")
    assert search(app, "ephemeral") == []
    assert search(app, "ephemeral", key_header(alice)) == []


def test_search_never_indexes_e2ee_pastes(app, alice):
    create(app, exposure="public", isE2ee=True, content=SEALED)
    create(app, headers=key_header(alice), exposure="public", isE2ee=True, content=SEALED)
    assert search(app, SEALED) == []
    assert search(app, SEALED, key_header(alice)) == []


@pytest.mark.parametrize(
    "clear",
    [{"title": "my plans"}, {"name": "plans.txt"}, {"syntax": "python"}],
    ids=["title", "name", "language"],
)
def test_an_e2ee_paste_refuses_anything_in_the_clear(app, clear):
    body = {"content": SEALED, "isE2ee": True, **clear}
    assert_json_error(app.post_json(PASTES, body, status=400), 400, "invalid")


def test_an_e2ee_paste_cannot_be_given_a_title_in_the_clear_later(app):
    created = create(app, isE2ee=True, content=SEALED)
    res = app.patch_json(f"{PASTES}/{created['publicId']}", {"title": "my plans"},
                         headers=token_header(created["manageToken"]), status=400)  # fmt: skip
    assert assert_json_error(res, 400, "invalid")["field"] == "title"


def test_e2ee_content_of_a_length_no_base64_has_is_refused(app):
    body = {"content": "A" * 57, "isE2ee": True}  # 57 = 1 mod 4
    assert_json_error(app.post_json(PASTES, body, status=400), 400, "invalid")


def test_search_forgets_an_edited_pastes_old_words(app):
    created = create(app, exposure="public", content="before\n")
    app.patch_json(
        f"{PASTES}/{created['publicId']}",
        {"content": "after\n"},
        headers=token_header(created["manageToken"]),
    )
    assert search(app, "before") == []
    assert search(app, "after") == [created["publicId"]]


def test_search_leaves_out_deleted_and_expired_pastes(app, clock):
    deleted = create(app, exposure="public", content="ocelot\n")
    create(app, exposure="public", content="ocelot\n", ttlSeconds=60)
    app.delete(f"{PASTES}/{deleted['publicId']}", headers=token_header(deleted["manageToken"]))
    clock.advance(61)
    assert search(app, "ocelot") == []


def test_search_pages_with_limit_and_offset(app):
    ids = {create(app, exposure="public", content=f"heron {i}\n")["publicId"] for i in range(3)}
    first = app.get(SEARCH, params={"q": "heron", "limit": 2}).json["results"]
    rest = app.get(SEARCH, params={"q": "heron", "limit": 2, "offset": 2}).json["results"]
    assert len(first) == 2 and len(rest) == 1
    assert {h["publicId"] for h in first + rest} == ids


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
def test_search_paging_out_of_range_is_refused(app, params):
    assert_json_error(app.get(SEARCH, params={"q": "x", **params}, status=400), 400)


def test_search_with_a_bad_api_key_is_401(app):
    res = app.get(SEARCH, params={"q": "x"}, headers=key_header("nope"), status=401)
    assert_json_error(res, 401, "invalid_key")


HOSTILE_QUERIES = [
    "", " ", '"', '""', '"unclosed', "*", "**", "x*", "*x", "NEAR(", "NEAR(a b)", "NEAR/2",
    "col:x", "title:x", "content:x", "{title}: x", "AND", "OR", "NOT", "a AND", "NOT a", "(",
    ")", "(a OR b)", "^a", "-a", "+a", "a - b", "'", "\\", "%", "a;b", "--", "a\x00b", "\x00",
    "\x01", "\t", "\u2028", "\ufeff", "\U0001f600", "é*", "a" * 500, "a" * 501, "a " * 16,
    "a " * 17, '"a" "b" "c"', 'a"b', "rank:x", "MATCH",
]  # fmt: skip


@pytest.mark.parametrize("q", HOSTILE_QUERIES, ids=repr)
def test_a_hostile_search_query_is_answered_200_or_400_never_an_error_of_ours(app, q):
    create(app, exposure="public", content="a b c x\n")
    res = app.get(SEARCH, params={"q": q}, expect_errors=True)
    assert res.status_int in (200, 400), res.text
    assert res.content_type == "application/json"
    if res.status_int == 400:
        assert_json_error(res, 400, "invalid")
    else:
        assert isinstance(res.json["results"], list)


@pytest.mark.parametrize("raw", ["q", "q=", ""], ids=repr)
def test_a_missing_or_empty_search_query_is_400(app, raw):
    assert_json_error(app.get(f"{SEARCH}?{raw}", status=400), 400, "invalid")


@pytest.mark.parametrize("raw", ["q=%ff", "q=%ed%a0%80", "q=ok%c3"], ids=repr)
def test_a_search_query_that_is_not_utf8_is_refused_as_such(app, raw):
    body = assert_json_error(app.get(f"{SEARCH}?{raw}", status=400), 400, "invalid")
    assert body["field"] == "q"
    assert "UTF-8" in body["message"]


def test_a_search_term_with_a_nul_still_finds_its_words(app):
    paste_id = create(app, exposure="public", content="narwhal\n")["publicId"]
    assert search(app, "narwhal\x00") == [paste_id]


# -- methods and paths the API does not have -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", PASTES, {"GET", "POST"}),
        ("DELETE", PASTES, {"GET", "POST"}),
        ("PATCH", PASTES, {"GET", "POST"}),
        ("POST", "/api/health", {"GET"}),
        ("PUT", f"{PASTES}/AAAAAAAAAA", {"GET", "PATCH", "DELETE"}),
        ("POST", f"{PASTES}/AAAAAAAAAA", {"GET", "PATCH", "DELETE"}),
        ("GET", f"{PASTES}/AAAAAAAAAA/extend", {"POST"}),
        ("DELETE", f"{PASTES}/AAAAAAAAAA/revisions", {"GET"}),
        ("POST", SEARCH, {"GET"}),
    ],
)
def test_an_unknown_method_is_a_405_json_error_naming_the_allowed_ones(app, method, path, allowed):
    res = app.request(path, method=method, expect_errors=True)
    assert_json_error(res, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in res.headers["Allow"].split(",")}


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/pastes", "/api/v1/pastes/a/b/c"])
def test_an_unknown_api_path_is_a_404_json_error(app, path):
    res = app.get(path, headers={"Accept": "text/html"}, status=404)
    assert_json_error(res, 404, "not_found")


def test_api_errors_carry_the_security_headers(app):
    res = get(app, "AAAAAAAAAA", status=404)
    assert res.headers["X-Content-Type-Options"] == "nosniff"
