"""Deleting a paste, in process: DELETE /api/v1/pastes/:id with the manage token or the owner's
key, and the browser's delete page (confirmation, token from the cookie or typed in, password
pastes); a deleted paste is gone with its history."""

from helpers import (
    BROWSER,
    PASTES,
    assert_json_error,
    block,
    cookie_for_path,
    create,
    create_paste,
    create_with_token,
    get_paste,
    key_header,
    new_paste,
    page,
    post_form,
    stranger,
    token_header,
)

from pastebox.web.requests import TOKEN_COOKIE

# -- helpers ---------------------------------------------------------------------------------


def jar_paths(app) -> set[str]:
    return {c.path for c in app.cookiejar if c.name == TOKEN_COOKIE}


# -- delete ----------------------------------------------------------------------------------


def test_the_delete_page_asks_for_confirmation_with_a_post_form(app):
    paste_id = create(app, title="Doomed")
    res = app.get(f"/{paste_id}/delete", headers=BROWSER, status=200)
    assert f'<form method="post" action="/{paste_id}/delete"' in res.text
    assert "Doomed" in res.text
    assert 'name="token"' in res.text  # no cookie: the token is asked for
    app.get(f"/raw/{paste_id}", status=200)  # looking at the question deletes nothing


def test_the_delete_page_does_not_ask_for_the_token_when_the_cookie_has_it(app):
    paste_id = new_paste(app, block("a.txt", "x\n"))
    assert 'name="token"' not in app.get(f"/{paste_id}/delete", headers=BROWSER).text


def test_delete_with_the_cookie_deletes_the_paste_and_forgets_the_cookie(app):
    paste_id = new_paste(app, block("a.txt", "x\n"))
    assert f"/{paste_id}" in jar_paths(app)
    res = post_form(app, f"/{paste_id}/delete", [], status=200)  # the form has no fields
    assert "<h1>Deleted</h1>" in res.text
    assert cookie_for_path(res, f"/{paste_id}")["value"] in ("", '""')
    assert not jar_paths(app)
    page(app, paste_id, status=410)


def test_delete_with_the_token_typed_in_deletes_the_paste(app):
    paste_id, token = create_with_token(app)
    post_form(app, f"/{paste_id}/delete", [("token", token)], status=200)
    app.get(f"/raw/{paste_id}", status=410)


def test_delete_with_a_wrong_token_is_403_and_the_paste_survives(app):
    paste_id, _ = create_with_token(app, content="survivor\n")
    res = post_form(app, f"/{paste_id}/delete", [("token", "wrong-token")], status=403)
    assert "wrong manage token" in res.text
    assert 'name="token"' in res.text  # asked again
    assert app.get(f"/raw/{paste_id}", status=200).text == "survivor\n"


def test_delete_without_a_token_is_refused_and_the_paste_survives(app):
    paste_id = create(app)
    post_form(app, f"/{paste_id}/delete", [], status=400)
    app.get(f"/raw/{paste_id}", status=200)


SEALED_PASSWORD = "correct horse battery"


def test_the_maker_deletes_a_password_paste_in_the_browser_without_its_password(app):
    paste_id = new_paste(
        app, block("a.txt", "sealed words\n"), title="Sealed title", password=SEALED_PASSWORD
    )
    res = app.get(f"/{paste_id}/delete", headers=BROWSER, status=200)
    assert f'<form method="post" action="/{paste_id}/delete"' in res.text
    assert 'name="token"' not in res.text  # the cookie has the token; no password is asked
    assert paste_id in res.text
    assert "Sealed title" not in res.text and "sealed words" not in res.text
    res = post_form(app, f"/{paste_id}/delete", [], status=200)
    assert "<h1>Deleted</h1>" in res.text
    page(app, paste_id, status=410)


def test_a_password_paste_is_deleted_with_its_manage_token_typed_in(app):
    paste_id, token = create_with_token(app, content="sealed words\n", password=SEALED_PASSWORD)
    other = stranger(app)
    res = other.get(f"/{paste_id}/delete", headers=BROWSER, status=200)
    assert 'name="token"' in res.text and "sealed words" not in res.text
    post_form(other, f"/{paste_id}/delete", [("token", "wrong-token")], status=403)
    post_form(other, f"/{paste_id}/delete", [("token", token)], status=200)
    page(app, paste_id, status=410)


def test_a_private_password_paste_is_404_to_other_browsers_delete_page(app):
    paste_id = new_paste(
        app, block("a.txt", "sealed words\n"), exposure="private", password=SEALED_PASSWORD
    )
    other = stranger(app)
    res = other.get(f"/{paste_id}/delete", headers=BROWSER, status=404)
    assert "sealed words" not in res.text
    post_form(other, f"/{paste_id}/delete", [], status=404)
    app.get(f"/{paste_id}/delete", headers=BROWSER, status=200)  # still there for its maker


# -- DELETE /api/v1/pastes/:id ---------------------------------------------------------------


def test_delete_with_the_manage_token_answers_deleted_and_the_paste_is_gone(app):
    created = create_paste(app)
    url = f"{PASTES}/{created['publicId']}"
    res = app.delete(url, headers=token_header(created["manageToken"]), status=200)
    assert res.json == {"deleted": True}
    assert_json_error(app.get(url, status=410), 410, "deleted")
    assert app.get(f"/raw/{created['publicId']}", status=410).status_int == 410


def test_the_owner_key_deletes_a_paste(app, alice_key):
    paste_id = create_paste(app, headers=key_header(alice_key))["publicId"]
    app.delete(f"{PASTES}/{paste_id}", headers=key_header(alice_key), status=200)
    assert app.get(PASTES, headers=key_header(alice_key)).json["pastes"] == []


def test_deleting_twice_answers_410_the_second_time(app):
    created = create_paste(app)
    url = f"{PASTES}/{created['publicId']}"
    app.delete(url, headers=token_header(created["manageToken"]), status=200)
    res = app.delete(url, headers=token_header(created["manageToken"]), status=410)
    assert_json_error(res, 410, "deleted")


def test_a_wrong_manage_token_cannot_delete(app):
    paste_id = create_paste(app)["publicId"]
    res = app.delete(f"{PASTES}/{paste_id}", headers=token_header("wrong"), status=403)
    assert_json_error(res, 403, "bad_token")
    get_paste(app, paste_id, status=200)


def test_a_delete_without_credentials_is_403(app):
    paste_id = create_paste(app)["publicId"]
    assert_json_error(app.delete(f"{PASTES}/{paste_id}", status=403), 403)
    get_paste(app, paste_id, status=200)


def test_another_users_key_cannot_delete(app, alice_key, bob_key):
    paste_id = create_paste(app, headers=key_header(alice_key))["publicId"]
    assert_json_error(
        app.delete(f"{PASTES}/{paste_id}", headers=key_header(bob_key), status=403), 403
    )
    get_paste(app, paste_id, status=200)


def test_deleting_an_unknown_paste_is_404(app, alice_key):
    res = app.delete(f"{PASTES}/AAAAAAAAAA", headers=key_header(alice_key), status=404)
    assert_json_error(res, 404, "not_found")


def test_a_deleted_paste_leaves_no_history(app):
    created = create_paste(app)
    app.delete(f"{PASTES}/{created['publicId']}", headers=token_header(created["manageToken"]))
    assert_json_error(app.get(f"{PASTES}/{created['publicId']}/revisions", status=410), 410)
