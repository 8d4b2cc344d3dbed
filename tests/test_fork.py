"""Forking a paste in the browser (/new?from=ID), in process: the form prefilled from the
original, saved as a new paste; never for burn, encrypted, others' private or missing pastes."""

from helpers import BROWSER, MISSING_ID, SEALED, FormPage, api_paste, block, create, new_paste

# -- fork: /new?from=ID ----------------------------------------------------------------------


def test_a_fork_form_is_prefilled_with_the_title_and_files(app):
    paste_id = create(
        app,
        title="Original",
        files=[{"name": "a.py", "content": "print(1)\n"}, {"name": "b.txt", "content": "b\n"}],
    )
    res = app.get(f"/new?from={paste_id}", headers=BROWSER, status=200)
    form = FormPage(res.text)
    assert form.title == "Original"
    assert form.files == [["a.py", "python", "print(1)\n"], ["b.txt", "", "b\n"]]  # auto
    assert form.form_action == "/new"
    assert f'New paste from <a href="/{paste_id}">Original</a>' in res.text


def test_a_fork_saved_is_a_new_paste_and_the_original_is_unchanged(app):
    paste_id = create(app, title="Original", content="v1\n")
    form = FormPage(app.get(f"/new?from={paste_id}", headers=BROWSER, status=200).text)
    fork_id = new_paste(app, block(form.files[0][0], "v2\n"), title=form.title)
    assert fork_id != paste_id
    assert api_paste(app, fork_id)["content"] == "v2\n"
    assert api_paste(app, paste_id)["content"] == "v1\n"


def test_forking_a_burn_paste_is_refused_and_never_burns_it(app):
    paste_id = create(app, content="burn-secret-words\n", burnAfterRead=True)
    res = app.get(f"/new?from={paste_id}", headers=BROWSER, status=400)
    assert "burn-secret-words" not in res.text
    assert app.get(f"/raw/{paste_id}", status=200).text == "burn-secret-words\n"


def test_forking_an_end_to_end_encrypted_paste_is_refused_without_its_content(app):
    paste_id = create(app, content=SEALED, isE2ee=True)
    res = app.get(f"/new?from={paste_id}", headers=BROWSER, status=400)
    assert SEALED not in res.text


def test_forking_someone_elses_private_paste_is_404(app):
    paste_id = create(app, content="private words\n", exposure="private")
    res = app.get(f"/new?from={paste_id}", headers=BROWSER, status=404)
    assert "private words" not in res.text


def test_forking_a_missing_paste_is_404(app):
    app.get(f"/new?from={MISSING_ID}", headers=BROWSER, status=404)
