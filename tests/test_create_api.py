"""Creating a paste with the JSON API (POST /api/v1/pastes), in process: the 201 reply,
titles, files, languages, expiry, burn, exposure, API keys, and every refusal of a create."""

import re

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
)

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
    body = create_paste(app)
    assert body["url"] == f"https://paste.example.org/{body['publicId']}"
    assert body["rawUrl"] == f"https://paste.example.org/raw/{body['publicId']}"


def test_a_created_paste_can_be_read_back(app):
    paste_id = create_paste(app, content="print('hi')\n")["publicId"]
    assert get_paste(app, paste_id).json["content"] == "print('hi')\n"
    assert app.get(f"/raw/{paste_id}").body == b"print('hi')\n"


def test_create_keeps_title_and_syntax(app):
    paste_id = create_paste(app, content="x = 1\n", title="my script", syntax="python")["publicId"]
    body = get_paste(app, paste_id).json
    assert body["title"] == "my script"
    assert body["syntax"] == "python"


def test_create_with_a_files_list_keeps_each_name_content_and_language(app):
    files = [
        {"name": "a.py", "content": "x = 1\n", "language": "python"},
        {"name": "notes.txt", "content": "plain\n"},
    ]
    paste_id = create_paste(app, files=files)["publicId"]
    body = get_paste(app, paste_id).json
    assert [(f["name"], f["content"]) for f in body["files"]] == [
        ("a.py", "x = 1\n"),
        ("notes.txt", "plain\n"),
    ]
    assert body["files"][0]["language"] == "python"
    assert body["content"] == "x = 1\n"  # content and syntax describe the first file
    assert body["syntax"] == "python"
    assert app.get(f"/raw/{paste_id}/notes.txt").body == b"plain\n"


def test_create_with_ttl_seconds_sets_expires_at(app, clock):
    body = create_paste(app, ttlSeconds=3600)
    assert body["expiresAt"] == iso(clock() + 3600)


@pytest.mark.parametrize(
    ("preset", "seconds"), [("10m", 600), ("1h", HOUR), ("1d", DAY), ("1w", 7 * DAY), ("1y", YEAR)]
)
def test_create_with_an_expires_in_preset_sets_expires_at(app, clock, preset, seconds):
    assert create_paste(app, expiresIn=preset)["expiresAt"] == iso(clock() + seconds)


def test_expires_in_never_keeps_the_paste_forever(app):
    assert create_paste(app, expiresIn="never")["expiresAt"] is None


def test_without_a_ttl_the_configured_default_applies(make_app, clock):
    app = make_app(default_ttl="1d")
    assert create_paste(app)["expiresAt"] == iso(clock() + DAY)


def test_burn_after_read_is_recorded(app):
    assert create_paste(app, burnAfterRead=True)["burnAfterRead"] is True
    assert create_paste(app)["burnAfterRead"] is False


@pytest.mark.parametrize("exposure", ["public", "unlisted", "private"])
def test_create_records_the_exposure(app, exposure):
    assert create_paste(app, exposure=exposure)["exposure"] == exposure


def test_exposure_defaults_to_unlisted(app):
    assert create_paste(app)["exposure"] == "unlisted"


def test_a_paste_created_with_an_api_key_gets_no_manage_token(app, alice_key):
    body = create_paste(app, headers=key_header(alice_key))
    assert "manageToken" not in body
    assert body["publicId"]


def test_create_with_an_unknown_api_key_is_401(app):
    res = app.post_json(PASTES, {"content": "x"}, headers=key_header("nope"), status=401)
    assert_json_error(res, 401, "invalid_key")


# -- creation errors -------------------------------------------------------------------------


def test_a_title_of_255_characters_is_accepted(app):
    assert create_paste(app, title="t" * 255)["title"] == "t" * 255


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
    assert create_paste(app, ttlSeconds=60.0)["expiresAt"] == iso(clock() + 60)


def test_a_ttl_of_exactly_the_maximum_is_accepted(app, clock):
    assert create_paste(app, ttlSeconds=YEAR)["expiresAt"] == iso(clock() + YEAR)


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


def test_a_refused_create_stores_nothing(app, alice_key):
    for bad in ({"content": ""}, {"content": "x", "title": "t" * 256}, {"content": "x", "bad": 1}):
        app.post_json(PASTES, bad, headers=key_header(alice_key), status=400)
    assert app.get(PASTES, headers=key_header(alice_key)).json["pastes"] == []
