"""End-to-end encrypted pastes through the JSON API, in process: stored and returned as the
opaque sealed text, which must look like a sealed record, and nothing in the clear beside it."""

import pytest
from helpers import PASTES, SEALED, assert_json_error, create_paste, get_paste, token_header

# -- POST /api/v1/pastes ---------------------------------------------------------------------


def test_an_e2ee_paste_is_stored_and_returned_as_the_opaque_sealed_text(app):
    body = create_paste(app, content=SEALED, isE2ee=True)
    assert body["isE2ee"] is True
    read = get_paste(app, body["publicId"]).json
    assert read["isE2ee"] is True
    assert read["content"] == SEALED


def test_an_e2ee_paste_must_look_like_a_sealed_record(app):
    res = app.post_json(PASTES, {"content": "not sealed!", "isE2ee": True}, status=400)
    assert_json_error(res, 400, "invalid")


# -- GET /api/v1/search ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "clear",
    [{"title": "my plans"}, {"name": "plans.txt"}, {"syntax": "python"}],
    ids=["title", "name", "language"],
)
def test_an_e2ee_paste_refuses_anything_in_the_clear(app, clear):
    body = {"content": SEALED, "isE2ee": True, **clear}
    assert_json_error(app.post_json(PASTES, body, status=400), 400, "invalid")


def test_an_e2ee_paste_cannot_be_given_a_title_in_the_clear_later(app):
    created = create_paste(app, isE2ee=True, content=SEALED)
    res = app.patch_json(f"{PASTES}/{created['publicId']}", {"title": "my plans"},
                         headers=token_header(created["manageToken"]), status=400)  # fmt: skip
    assert assert_json_error(res, 400, "invalid")["field"] == "title"


def test_e2ee_content_of_a_length_no_base64_has_is_refused(app):
    body = {"content": "A" * 57, "isE2ee": True}  # 57 = 1 mod 4
    assert_json_error(app.post_json(PASTES, body, status=400), 400, "invalid")
