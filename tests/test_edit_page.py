"""Editing a paste in the browser, in process: the prefilled edit form, the token from the
cookie or typed in, refusals that keep the input, pastes that cannot be edited, and an edit that
keeps byte for byte what it did not change."""

import pytest
from helpers import (
    BROWSER,
    CURL,
    MISSING_ID,
    PASTES,
    SEALED,
    FormPage,
    api_paste,
    block,
    create,
    create_with_token,
    new_paste,
    post_form,
)

# -- edit ------------------------------------------------------------------------------------


def test_the_edit_form_is_prefilled_and_asks_for_the_token_without_a_cookie(app):
    paste_id = create(app, title="Notes", files=[{"name": "a.txt", "content": "one\n"}])
    res = app.get(f"/{paste_id}/edit", headers=BROWSER, status=200)
    form = FormPage(res.text)
    assert (form.title, form.files) == ("Notes", [["a.txt", "", "one\n"]])
    assert form.form_action == f"/{paste_id}/edit"
    assert form.token == ""
    assert form.ttl is None and form.exposure is None  # an edit keeps them


def test_the_edit_form_does_not_ask_for_the_token_when_the_cookie_has_it(app):
    paste_id = new_paste(app, block("a.txt", "one\n"))
    form = FormPage(app.get(f"/{paste_id}/edit", headers=BROWSER, status=200).text)
    assert form.token is None


def test_an_edit_with_the_cookie_saves_revision_two_and_redirects_to_the_paste(app):
    paste_id = new_paste(app, block("a.txt", "one\n"), title="Notes")
    res = post_form(
        app,
        f"/{paste_id}/edit",
        [("title", "Notes v2"), *block("a.txt", "two\r\n"), ("submit", "1")],
    )
    assert res.headers["Location"].endswith(f"/{paste_id}")
    paste = api_paste(app, paste_id)
    assert (paste["revision"], paste["title"], paste["content"]) == (2, "Notes v2", "two\n")
    revisions = app.get(f"{PASTES}/{paste_id}/revisions", status=200).json["revisions"]
    assert [r["revision"] for r in revisions] == [1, 2]


def test_an_edit_with_the_token_typed_in_saves_it(app):
    paste_id, token = create_with_token(app, content="one\n")
    post_form(app, f"/{paste_id}/edit", [*block("a.txt", "two\n"), ("token", token)])
    assert api_paste(app, paste_id)["content"] == "two\n"


def test_an_edit_with_a_wrong_token_comes_back_403_with_the_input_but_not_the_token(app):
    paste_id, _ = create_with_token(app, content="one\n")
    fields = [("title", "New title"), *block("a.txt", "two\r\n"), ("token", "wrong-token")]
    res = post_form(app, f"/{paste_id}/edit", fields, status=403)
    form = FormPage(res.text)
    assert "wrong manage token" in form.error
    assert (form.title, form.files) == ("New title", [["a.txt", "", "two\n"]])
    assert form.token == "" and "wrong-token" not in res.text  # a secret is never echoed
    assert api_paste(app, paste_id)["content"] == "one\n"


def test_an_edit_without_a_token_comes_back_400_asking_for_it(app):
    paste_id, _ = create_with_token(app, content="one\n")
    res = post_form(app, f"/{paste_id}/edit", [*block("a.txt", "two\n")], status=400)
    form = FormPage(res.text)
    assert "manage token" in form.error
    assert form.files == [["a.txt", "", "two\n"]]
    assert api_paste(app, paste_id)["revision"] == 1


def test_an_edit_that_is_refused_by_the_rules_keeps_the_input(app):
    paste_id = new_paste(app, block("a.txt", "one\n"))
    fields = [("title", "x" * 256), *block("a.txt", "two\n")]
    form = FormPage(post_form(app, f"/{paste_id}/edit", fields, status=400).text)
    assert "title is longer" in form.error
    assert (form.title, form.files) == ("x" * 256, [["a.txt", "", "two\n"]])


def test_add_file_on_the_edit_form_keeps_editing(app):
    paste_id = new_paste(app, block("a.txt", "one\n"))
    res = post_form(
        app, f"/{paste_id}/edit", [*block("a.txt", "one\n"), ("add_file", "1")], status=200
    )
    form = FormPage(res.text)
    assert form.files == [["a.txt", "", "one\n"], ["", "", ""]]
    assert form.form_action == f"/{paste_id}/edit"
    assert api_paste(app, paste_id)["revision"] == 1


def binary_paste(app) -> str:
    res = app.put("/blob.bin", b"\xff\xfe\x00\x01binary", headers=CURL, status=201)
    return res.text.strip().rsplit("/", 1)[1]


@pytest.mark.parametrize("kind", ["burn", "e2ee", "binary"])
def test_burn_encrypted_and_binary_pastes_cannot_be_edited_in_the_browser(app, kind):
    if kind == "binary":
        paste_id = binary_paste(app)
    elif kind == "burn":
        paste_id = create(app, content="burn-secret-words\n", burnAfterRead=True)
    else:
        paste_id = create(app, content=SEALED, isE2ee=True)
    got = app.get(f"/{paste_id}/edit", headers=BROWSER, status=400)
    posted = post_form(
        app, f"/{paste_id}/edit", [*block("a.txt", "new\n"), ("token", "t")], status=400
    )
    for res in (got, posted):
        assert "burn-secret-words" not in res.text and SEALED not in res.text
    if kind == "burn":
        assert app.get(f"/raw/{paste_id}", status=200).text == "burn-secret-words\n"
    else:
        assert app.get(f"{PASTES}/{paste_id}", status=200).json["revision"] == 1


def test_editing_a_missing_paste_is_404(app):
    app.get(f"/{MISSING_ID}/edit", headers=BROWSER, status=404)
    post_form(app, f"/{MISSING_ID}/edit", block("a.txt", "x\n"), status=404)


# -- an edit keeps what it did not change ------------------------------------------------------


def test_an_edit_of_the_title_keeps_every_file_byte_for_byte(app):
    files = [{"name": "w.txt", "content": "a\r\nb\r\n"}, {"name": "m.txt", "content": "a\rb\n"}]
    paste_id, token = create_with_token(app, files=files)
    fields = [("title", "Renamed"), *block("w.txt", "a\nb\n"), *block("m.txt", "a\nb\n")]
    post_form(app, f"/{paste_id}/edit", [*fields, ("token", token)])
    assert app.get(f"/raw/{paste_id}/w.txt").body == b"a\r\nb\r\n"
    assert app.get(f"/raw/{paste_id}/m.txt").body == b"a\rb\n"
    assert api_paste(app, paste_id)["title"] == "Renamed"


def test_an_edited_file_keeps_crlf_line_ends_where_it_had_only_those(app):
    paste_id, token = create_with_token(app, files=[{"name": "w.bat", "content": "a\r\nb\r\n"}])
    post_form(app, f"/{paste_id}/edit", [*block("w.bat", "a\nb\nc\n"), ("token", token)])
    assert app.get(f"/raw/{paste_id}/w.bat").body == b"a\r\nb\r\nc\r\n"
