"""The new-paste form, in process: what the page offers (every option, expiry choices, the
curl manual), a multipart POST to /new that makes one paste of its file blocks and chosen files
and sets the maker's token cookie, and the no-JavaScript add/remove file buttons."""

import re

from helpers import (
    BROWSER,
    PASTES,
    FormPage,
    api_paste,
    block,
    cookie_for_path,
    new_paste,
    paste_id_of,
    post_form,
    stranger,
    token_cookies,
)

# -- the new-paste form: creating ------------------------------------------------------------


def test_a_multi_file_form_post_creates_one_paste_and_redirects_to_it(app):
    res = post_form(
        app,
        "/new",
        [
            ("title", "Two files"),
            *block("a.py", "print(1)\n", "python"),
            *block("notes.txt", "plain words\n", "text"),
            ("ttl", "1d"),
            ("exposure", "unlisted"),
            ("submit", "1"),
        ],
    )
    assert res.status_int == 303
    paste = api_paste(app, paste_id_of(res))
    assert paste["title"] == "Two files"
    assert [(f["name"], f["language"], f["content"]) for f in paste["files"]] == [
        ("a.py", "python", "print(1)\n"),
        ("notes.txt", "text", "plain words\n"),
    ]
    assert paste["exposure"] == "unlisted"
    assert paste["expiresAt"] == "2027-01-16T08:00:00.000Z"


def test_each_name_field_starts_a_new_file_block(app):
    fields = [("name", "one.txt"), ("content", "1\n"), ("name", "two.txt"), ("content", "2\n")]
    paste = api_paste(app, paste_id_of(post_form(app, "/new", fields)))
    assert [(f["name"], f["content"]) for f in paste["files"]] == [
        ("one.txt", "1\n"),
        ("two.txt", "2\n"),
    ]


def test_the_form_sets_an_http_only_lax_token_cookie_scoped_to_the_paste(app):
    res = post_form(app, "/new", block("a.txt", "x\n"))
    paste_id = paste_id_of(res)
    cookie = cookie_for_path(res, f"/{paste_id}")
    assert cookie["value"]
    assert "httponly" in cookie
    assert cookie["samesite"].lower() == "lax"
    assert "secure" not in cookie  # plain http: a Secure cookie would never come back
    assert all(c["path"].endswith(f"/{paste_id}") for c in token_cookies(res))


def test_the_token_in_the_cookie_is_the_paste_manage_token(app):
    res = post_form(app, "/new", block("a.txt", "x\n"))
    paste_id = paste_id_of(res)
    token = cookie_for_path(res, f"/{paste_id}")["value"]
    stranger(app).delete(f"{PASTES}/{paste_id}", headers={"X-Manage-Token": token}, status=200)
    app.get(f"/raw/{paste_id}", status=410)


def test_the_cookie_lives_as_long_as_the_paste(app):
    res = post_form(app, "/new", [*block("a.txt", "x\n"), ("ttl", "1h")])
    assert cookie_for_path(res, f"/{paste_id_of(res)}")["max-age"] == "3600"


def test_textarea_line_ends_are_stored_as_typed(app):
    paste_id = new_paste(app, block("a.txt", "one\r\ntwo\r\n"))
    assert app.get(f"/raw/{paste_id}", status=200).body == b"one\ntwo\n"


def test_blank_file_blocks_are_skipped(app):
    paste_id = new_paste(app, block(), block("b.txt", "b\n"), block("", ""))
    assert [f["name"] for f in api_paste(app, paste_id)["files"]] == ["b.txt"]


def test_chosen_files_become_files_of_the_paste_byte_for_byte(app):
    data = bytes(range(256))
    fields = [*block("typed.txt", "typed\n"), ("upload", "blob.bin", data), ("submit", "1")]
    paste_id = paste_id_of(post_form(app, "/new", fields))
    assert [f["name"] for f in api_paste(app, paste_id)["files"]] == ["typed.txt", "blob.bin"]
    assert app.get(f"/raw/{paste_id}/blob.bin", status=200).body == data


def test_a_paste_of_only_a_chosen_file_leaves_the_blank_block_out(app):
    fields = [*block(), ("upload", "main.py", b"print(2)\n"), ("submit", "1")]
    paste = api_paste(app, paste_id_of(post_form(app, "/new", fields)))
    assert [(f["name"], f["language"]) for f in paste["files"]] == [("main.py", "python")]


def test_an_empty_file_chooser_adds_no_file(app):
    fields = [*block("a.txt", "a\n"), ("upload", "", b""), ("submit", "1")]
    assert len(api_paste(app, paste_id_of(post_form(app, "/new", fields)))["files"]) == 1


def test_the_burn_and_exposure_options_are_applied(app):
    paste_id = new_paste(app, block("a.txt", "x\n"), exposure="public", burn="1")
    res = app.get(f"{PASTES}/{paste_id}", status=200).json  # consumes it
    assert (res["exposure"], res["burnAfterRead"]) == ("public", True)


# -- the new-paste form: the no-JavaScript buttons -------------------------------------------


def test_add_file_shows_the_form_again_with_one_more_block_and_the_input_kept(app):
    fields = [
        ("title", "Keep me"),
        *block("a.py", "print(1)\r\n", "python"),
        ("ttl", "1w"),
        ("exposure", "public"),
        ("burn", "1"),
        ("add_file", "1"),
    ]
    res = post_form(app, "/new", fields, status=200)
    form = FormPage(res.text)
    assert form.files == [["a.py", "python", "print(1)\n"], ["", "", ""]]
    assert (form.title, form.ttl, form.exposure, form.burn) == ("Keep me", "1w", "public", True)
    assert form.error is None
    assert "Location" not in res.headers and not token_cookies(res)


def test_remove_file_shows_the_form_again_without_that_block(app):
    fields = [
        *block("a.txt", "a\n"),
        *block("b.txt", "b\n"),
        *block("c.txt", "c\n"),
        ("title", "Kept"),
        ("remove_file", "1"),
    ]
    form = FormPage(post_form(app, "/new", fields, status=200).text)
    assert form.files == [["a.txt", "", "a\n"], ["c.txt", "", "c\n"]]
    assert form.title == "Kept"


def test_remove_file_keeps_the_last_block(app):
    form = FormPage(
        post_form(app, "/new", [*block("a.txt", "a\n"), ("remove_file", "0")], status=200).text
    )
    assert form.files == [["a.txt", "", "a\n"]]


def test_a_remove_file_that_is_no_number_is_refused_with_the_input_kept(app):
    res = post_form(app, "/new", [*block("a.txt", "a\n"), ("remove_file", "x")], status=400)
    form = FormPage(res.text)
    assert "remove_file must be a file number" in form.error
    assert form.files == [["a.txt", "", "a\n"]]


# -- the new-paste page ----------------------------------------------------------------------


def test_the_new_paste_form_posts_every_option_as_multipart_to_new(app):
    text = app.get("/", headers=BROWSER, status=200).text
    assert (
        '<form class="paste-form" method="post" action="/new" enctype="multipart/form-data"' in text
    )
    for field in ('name="title"', 'name="name"', 'name="content"', 'name="ttl"',
                  'name="exposure"', 'name="burn"'):  # fmt: skip
        assert field in text


def test_the_expiry_choices_longer_than_the_maximum_are_not_offered(make_app):
    text = make_app(max_ttl=86400).get("/", headers=BROWSER, status=200).text
    ttl_select = text.split('name="ttl"')[1].split("</select>")[0]
    values = re.findall(r'<option value="([^"]+)"', ttl_select)
    assert values[:3] == ["10m", "1h", "1d"]
    assert not {"1w", "1m", "1y"} & set(values)


def test_the_configured_default_expiry_is_preselected(make_app):
    text = make_app(default_ttl=3600).get("/", headers=BROWSER, status=200).text
    assert '<option value="1h" selected>1 hour</option>' in text


def test_a_default_expiry_that_is_no_preset_is_offered_first_and_preselected(make_app):
    text = make_app(default_ttl=7200).get("/", headers=BROWSER, status=200).text
    ttl_select = text.split('name="ttl"')[1].split("</select>")[0]
    assert re.findall(r"<option[^>]*>", ttl_select)[0] == '<option value="7200" selected>'
    assert "2 hours" in ttl_select


def test_the_new_paste_page_shows_the_curl_manual(app):
    text = app.get("/", headers=BROWSER, status=200).text
    assert '<pre class="manual">' in text
    assert "curl --data-binary @file.py http://localhost:80" in text
