"""The maker's browser, in process: never locked out by others' wrong tokens, shown the manage
token on a page never stored, and able to fork and edit its own private paste."""

from helpers import (
    BROWSER,
    FormPage,
    block,
    cookie_for_path,
    new_paste,
    page,
    paste_id_of,
    post_form,
    stranger,
)

# -- the maker's browser: never locked out, shown its token ------------------------------------


def test_wrong_tokens_from_others_do_not_lock_the_maker_out_of_a_public_paste(app):
    paste_id = new_paste(app, block("a.txt", "mine\n"), exposure="public")
    for _ in range(12):
        stranger(app).get(f"/{paste_id}", headers={**BROWSER, "X-Manage-Token": "guess"})
    assert page(app, paste_id).status_int == 200
    assert app.get(f"/raw/{paste_id}", status=200).body == b"mine\n"
    assert app.get(f"/{paste_id}/edit", headers=BROWSER, status=200)


def test_the_maker_is_shown_the_manage_token_on_a_page_never_stored(app):
    res = post_form(app, "/new", [*block("a.txt", "x\n"), ("submit", "1")])
    paste_id, token = paste_id_of(res), cookie_for_path(res, f"/{paste_id_of(res)}")["value"]
    mine = page(app, paste_id)
    assert token in mine.text and mine.headers["Cache-Control"] == "no-store"
    theirs = stranger(app).get(f"/{paste_id}", headers=BROWSER, status=200)
    assert token not in theirs.text and "Manage token" not in theirs.text


def test_the_maker_of_a_private_paste_can_fork_it_under_its_own_path(app):
    paste_id = new_paste(app, block("a.txt", "secret\n"), exposure="private", title="Mine")
    form = FormPage(app.get(f"/{paste_id}/fork", headers=BROWSER, status=200).text)
    assert (form.title, form.files) == ("Mine", [["a.txt", "", "secret\n"]])
    stranger(app).get(f"/{paste_id}/fork", headers=BROWSER, status=404)


def test_the_edit_form_of_a_private_paste_is_never_stored(app):
    paste_id = new_paste(app, block("a.txt", "secret\n"), exposure="private")
    assert app.get(f"/{paste_id}/edit", headers=BROWSER).headers["Cache-Control"] == "no-store"
