"""Editing a paste with the JSON API (PATCH /api/v1/pastes/:id) and its revisions, in process:
who may edit (manage token, owner key), what may change, and the history it keeps."""

import pytest
from helpers import (
    PASTES,
    assert_json_error,
    create_paste,
    get_paste,
    iso,
    key_header,
    token_header,
)

# -- helpers ---------------------------------------------------------------------------------


def edit_paste(app, created: dict, change: dict, status: int):
    """PATCH the paste `created` with its own manage token."""
    return app.patch_json(
        f"{PASTES}/{created['publicId']}",
        change,
        headers=token_header(created["manageToken"]),
        status=status,
    )


# -- PATCH /api/v1/pastes/:id and revisions -------------------------------------------------


def test_the_manage_token_edits_a_paste_into_a_new_revision(app):
    created = create_paste(app, content="v1\n")
    res = edit_paste(app, created, {"content": "v2\n"}, status=200)
    assert res.json["revision"] == 2
    assert res.json["content"] == "v2\n"
    assert get_paste(app, created["publicId"]).json["content"] == "v2\n"


def test_an_edit_of_only_the_syntax_relabels_the_content(app):
    created = create_paste(app, content="print(1)\n", syntax="text")
    res = edit_paste(app, created, {"syntax": "python"}, status=200)
    assert res.json["syntax"] == "python"
    assert res.json["content"] == "print(1)\n"
    assert res.json["revision"] == 2


def test_an_edit_to_an_unknown_syntax_is_refused(app):
    created = create_paste(app, content="print(1)\n")
    res = edit_paste(app, created, {"syntax": "klingon-script"}, status=400)
    assert res.json["error"] == "invalid"


def test_the_owner_key_edits_a_paste(app, alice_key, clock):
    paste_id = create_paste(app, headers=key_header(alice_key), title="old")["publicId"]
    clock.advance(10)
    url = f"{PASTES}/{paste_id}"
    body = app.patch_json(url, {"title": "new"}, headers=key_header(alice_key)).json
    assert body["title"] == "new"
    assert body["content"] == "hello\n"  # a title-only edit keeps the files
    assert body["updatedAt"] == iso(clock())
    assert body["createdAt"] == iso(clock() - 10)


def test_an_edit_can_replace_the_files(app):
    created = create_paste(app, content="one")
    files = [{"name": "a.py", "content": "x = 1\n"}, {"name": "b.txt", "content": "b\n"}]
    body = app.patch_json(
        f"{PASTES}/{created['publicId']}",
        {"files": files},
        headers=token_header(created["manageToken"]),
    ).json
    assert [f["name"] for f in body["files"]] == ["a.py", "b.txt"]


def test_the_revisions_endpoint_lists_every_version_oldest_first(app, clock):
    created = create_paste(app, content="v1\n", title="first")
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
    paste_id = create_paste(app, burnAfterRead=True)["publicId"]
    assert_json_error(app.get(f"{PASTES}/{paste_id}/revisions", status=403), 403, "burn_paste")
    assert get_paste(app, paste_id).json["content"] == "hello\n"


def test_revisions_of_an_unknown_paste_are_404(app):
    assert_json_error(app.get(f"{PASTES}/AAAAAAAAAA/revisions", status=404), 404)


def test_a_wrong_manage_token_cannot_edit(app):
    paste_id = create_paste(app, content="keep")["publicId"]
    res = app.patch_json(
        f"{PASTES}/{paste_id}", {"content": "x"}, headers=token_header("wrong"), status=403
    )
    assert_json_error(res, 403, "bad_token")
    assert get_paste(app, paste_id).json["content"] == "keep"


def test_an_edit_without_credentials_is_403(app):
    paste_id = create_paste(app)["publicId"]
    assert_json_error(app.patch_json(f"{PASTES}/{paste_id}", {"title": "x"}, status=403), 403)


def test_another_users_key_cannot_edit_an_unlisted_paste(app, alice_key, bob_key):
    paste_id = create_paste(app, headers=key_header(alice_key))["publicId"]
    res = app.patch_json(
        f"{PASTES}/{paste_id}", {"title": "x"}, headers=key_header(bob_key), status=403
    )
    assert_json_error(res, 403, "forbidden")


def test_another_users_key_cannot_even_see_a_private_paste_to_edit(app, alice_key, bob_key):
    paste_id = create_paste(app, headers=key_header(alice_key), exposure="private")["publicId"]
    res = app.patch_json(
        f"{PASTES}/{paste_id}", {"title": "x"}, headers=key_header(bob_key), status=404
    )
    assert_json_error(res, 404, "not_found")


def test_the_manage_token_of_one_paste_does_not_edit_another(app):
    first, second = create_paste(app), create_paste(app, content="second")
    res = app.patch_json(
        f"{PASTES}/{second['publicId']}",
        {"content": "x"},
        headers=token_header(first["manageToken"]),
        status=403,
    )
    assert_json_error(res, 403, "bad_token")


def test_an_edit_with_nothing_to_change_is_refused(app):
    created = create_paste(app)
    res = edit_paste(app, created, {}, status=400)
    assert_json_error(res, 400, "invalid")


@pytest.mark.parametrize(
    "change", [{"ttlSeconds": 60}, {"exposure": "public"}, {"burnAfterRead": True}], ids=repr
)
def test_an_edit_of_a_field_that_cannot_change_is_refused(app, change):
    created = create_paste(app)
    res = edit_paste(app, created, change, status=400)
    assert_json_error(res, 400, "invalid")


def test_an_edit_to_empty_content_is_refused_and_changes_nothing(app):
    created = create_paste(app, content="keep")
    res = edit_paste(app, created, {"content": ""}, status=400)
    assert_json_error(res, 400, "invalid")
    assert get_paste(app, created["publicId"]).json["revision"] == 1


def test_an_edit_of_an_unknown_paste_is_404(app, alice_key):
    res = app.patch_json(
        f"{PASTES}/AAAAAAAAAA", {"title": "x"}, headers=key_header(alice_key), status=404
    )
    assert_json_error(res, 404, "not_found")


def test_an_expired_paste_cannot_be_edited(app, clock):
    created = create_paste(app, ttlSeconds=60)
    clock.advance(60)
    res = edit_paste(app, created, {"title": "x"}, status=410)
    assert_json_error(res, 410, "expired")
