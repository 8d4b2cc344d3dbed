"""The browser-only pages in process: the new-paste form (and a fork), edit, delete, the search
page, /zip/ID and /ID.ext, the render cache behind the view, and their escaping and headers."""

import dataclasses
import functools
import io
import re
import zipfile
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
import webtest
from test_pages import (
    BROWSER,
    CURL,
    HOSTILE,
    SEALED,
    Document,
    assert_html_security_headers,
    assert_no_active_markup,
    create,
    csrf,
    page,
    reveal,
)

from pastebox import render
from pastebox.web.app import services_of
from pastebox.web.pages.codeview import TIMED_OUT_RENDER_SECONDS
from pastebox.web.pages.search import SEARCH_PAGE_SIZE
from pastebox.web.requests import TOKEN_COOKIE

PASTES = "/api/v1/pastes"
BOUNDARY = "pasteboxSpecBoundary7MA4YWxkTrZu0gW"
MISSING_ID = "AAAAAAAAAA"


# -- helpers ---------------------------------------------------------------------------------


def multipart(fields: list[tuple]) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser builds it, fields in order.

    A field is (name, value) or, for a chosen file, (name, filename, bytes)."""
    chunks = []
    for field in fields:
        if len(field) == 3:
            name, filename, data = field
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream"
            )
        else:
            name, value = field
            head, data = f'Content-Disposition: form-data; name="{name}"', value.encode()
        chunks.append(f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode() + data + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={BOUNDARY}"


def post_form(app, path: str, fields: list[tuple], status: int | str = 303):
    """POST the form as the browser that loaded it would (with its CSRF token first, unless
    `fields` brings one)."""
    if not any(f[0] == "csrf" for f in fields):
        fields = [("csrf", csrf(app)), *fields]
    body, content_type = multipart(fields)
    return app.post(path, body, headers={**BROWSER, "Content-Type": content_type}, status=status)


def block(name: str = "", content: str = "", lang: str = "") -> list[tuple[str, str]]:
    """One file block of the form, in the order the page lays its fields out."""
    return [("name", name), ("lang", lang), ("content", content)]


def paste_id_of(res) -> str:
    location = res.headers["Location"]
    assert re.fullmatch(r"(?:http://localhost(?::80)?)?/[A-Za-z0-9]{10}", location), location
    return location.rsplit("/", 1)[1]


def new_paste(app, *files: list[tuple[str, str]], **options: str) -> str:
    """Create a paste through the form; `files` are blocks, `options` the other fields."""
    fields = [field for b in files for field in b] + list(options.items()) + [("submit", "1")]
    return paste_id_of(post_form(app, "/new", fields))


def api_paste(app, paste_id: str, token: str = "") -> dict:
    headers = {"X-Manage-Token": token} if token else {}
    return app.get(f"{PASTES}/{paste_id}", headers=headers, status=200).json


def create_with_token(app, **fields) -> tuple[str, str]:
    body = fields if ("content" in fields or "files" in fields) else {"content": "x\n", **fields}
    reply = app.post_json(PASTES, body, status=201).json
    return reply["publicId"], reply["manageToken"]


def stranger(app) -> webtest.TestApp:
    """Another browser on the same server: no cookies."""
    return webtest.TestApp(app.app)


def token_cookies(res) -> list[dict[str, str]]:
    """The pastebox_token cookies a response sets: value and attributes (names lower-cased)."""
    cookies = []
    for header in res.headers.getall("Set-Cookie"):
        pairs = [p.strip() for p in header.split(";")]
        name, _, value = pairs[0].partition("=")
        if name == TOKEN_COOKIE:
            attrs = {k.lower(): v for k, _, v in (p.partition("=") for p in pairs[1:])}
            cookies.append({"value": value, **attrs})
    return cookies


def cookie_for_path(res, path: str) -> dict[str, str]:
    matching = [c for c in token_cookies(res) if c.get("path") == path]
    assert len(matching) == 1, token_cookies(res)
    return matching[0]


def jar_paths(app) -> set[str]:
    return {c.path for c in app.cookiejar if c.name == TOKEN_COOKIE}


class FormPage(HTMLParser):
    """The paste form as the browser would submit it again: every field's current value."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.files: list[list[str]] = []  # [name, lang, content] per block
        self.ttl: str | None = None
        self.exposure: str | None = None
        self.burn = False
        self.token: str | None = None
        self.error: str | None = None  # the text of #form-error, None when hidden or absent
        self.form_action: str | None = None
        self._template = 0
        self._select: str | None = None
        self._capture: str | None = None
        self._text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "form" and "paste-form" in (a.get("class") or ""):
            self.form_action = a.get("action")
        elif tag == "input":
            name, value = a.get("name"), a.get("value") or ""
            if name == "title":
                self.title = value
            elif name == "name":
                self.files.append([value, "", ""])
            elif name == "token":
                self.token = value
            elif name == "burn":
                self.burn = "checked" in a
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and "selected" in a:
            value = a.get("value") or ""
            if self._select == "lang":
                self.files[-1][1] = value
            elif self._select == "ttl":
                self.ttl = value
            elif self._select == "exposure":
                self.exposure = value
        elif tag == "textarea" and a.get("name") == "content":
            self._capture, self._text = "content", []
        elif a.get("id") == "form-error" and "hidden" not in a:
            self._capture, self._text = "error", []

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        elif tag == "select":
            self._select = None
        elif self._capture == "content" and tag == "textarea":
            text = "".join(self._text)
            self.files[-1][2] = text[1:] if text.startswith("\n") else text  # as HTML drops it
            self._capture = None
        elif self._capture == "error" and tag == "p":
            self.error = "".join(self._text)
            self._capture = None

    def handle_data(self, data):
        if self._capture:
            self._text.append(data)


def hit_ids(text: str) -> list[str]:
    return re.findall(r'<p class="hit-head"><a href="/([A-Za-z0-9]{10})">', text)


def search_page(app, q: str, status: int = 200, **params):
    return app.get("/search?" + urlencode({"q": q, **params}), headers=BROWSER, status=status)


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


# -- the new-paste form: errors keep the input -----------------------------------------------

BASE_FORM = {
    "title": "Deploy notes",
    "files": [("a.py", "python", "print(1)\n"), ("notes.txt", "", "line one\nline two\n")],
    "ttl": "1d",
    "exposure": "public",
    "burn": True,
}


def form_fields(form: dict) -> list[tuple[str, str]]:
    fields = [("title", form["title"])]
    for name, lang, content in form["files"]:
        fields += block(name, content.replace("\n", "\r\n"), lang)
    fields += [("ttl", form["ttl"]), ("exposure", form["exposure"])]
    return fields + ([("burn", "1")] if form["burn"] else []) + [("submit", "1")]


def assert_form_kept(form: FormPage, sent: dict) -> None:
    assert form.title == sent["title"]
    assert form.files == [list(f) for f in sent["files"]]
    assert form.ttl == sent["ttl"]
    assert form.exposure == sent["exposure"]
    assert form.burn == sent["burn"]


FILES = BASE_FORM["files"]
FORM_ERRORS = [
    (
        "unknown-language",
        {},
        {"files": [("a.py", "klingon", "x\n"), FILES[1]]},
        "unknown language 'klingon'",
    ),
    (
        "slash-in-name",
        {},
        {"files": [("etc/passwd", "", "x\n"), FILES[1]]},
        "file name 'etc/passwd' is not allowed",
    ),
    ("title-too-long", {}, {"title": "t" * 256}, "title is longer than 255 characters"),
    ("empty", {}, {"files": [("", "", ""), ("", "", "")]}, "a paste needs content"),
    ("ttl-over-max", {"max_ttl": "1d"}, {"ttl": "1w"}, "ttl is longer than the maximum"),
    (
        "never-not-allowed",
        {"allow_never_expire": False, "default_ttl": "1h"},
        {"ttl": "never"},
        "pastes on this server must expire",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "change", "message"),
    [case[1:] for case in FORM_ERRORS],
    ids=[case[0] for case in FORM_ERRORS],
)
def test_a_refused_form_comes_back_400_with_the_message_and_every_value_kept(
    make_app, overrides, change, message
):
    app = make_app(**overrides)
    sent = {**BASE_FORM, **change}
    res = post_form(app, "/new", form_fields(sent), status=400)
    assert_html_security_headers(res)
    form = FormPage(res.text)
    assert message in form.error
    assert_form_kept(form, sent)
    assert not token_cookies(res)


def test_a_rate_limited_form_comes_back_429_with_retry_after_and_the_input_kept(make_app):
    app = make_app(rate_limit=1)
    post_form(app, "/new", form_fields(BASE_FORM), status=303)
    res = post_form(app, "/new", form_fields(BASE_FORM), status=429)
    assert int(res.headers["Retry-After"]) >= 1
    form = FormPage(res.text)
    assert "too many writes" in form.error
    assert_form_kept(form, BASE_FORM)


def test_a_password_form_while_the_password_gate_is_busy_comes_back_503_with_retry_after(
    make_app,
):
    app = make_app(password_kdf_slots=1, password_kdf_wait=0.05)
    password = "a long paste password"
    fields = [*form_fields(BASE_FORM), ("password", password)]
    with services_of(app.app).core.kdf_gate:  # every argon2 slot is taken (by this test)
        res = post_form(app, "/new", fields, status=503)
    assert int(res.headers["Retry-After"]) >= 1
    assert_html_security_headers(res)
    form = FormPage(res.text)
    assert "busy" in form.error
    assert_form_kept(form, BASE_FORM)
    assert password not in res.text and not token_cookies(res)
    post_form(app, "/new", fields, status=303)  # and once a slot is free, it goes through


def test_a_paste_over_the_size_limit_comes_back_413_with_the_input_kept(make_app):
    app = make_app(max_paste_bytes=16)
    sent = {**BASE_FORM, "files": [("big.txt", "", "x" * 17)]}
    form = FormPage(post_form(app, "/new", form_fields(sent), status=413).text)
    assert "over the limit of 16 bytes" in form.error
    assert_form_kept(form, sent)


def test_a_body_over_the_read_cap_comes_back_413_on_an_empty_form(make_app):
    app = make_app(max_paste_bytes=16)
    cap = services_of(app.app).cfg.max_body_bytes
    res = post_form(app, "/new", block("big.txt", "x" * (cap + 1)), status=413)
    assert_html_security_headers(res)
    form = FormPage(res.text)
    assert "over the limit" in form.error
    assert form.files == [["", "", ""]]


def test_a_form_that_is_not_multipart_is_refused_on_the_form(app):
    headers = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    body = f"csrf={csrf(app)}&name=a.txt&content=x"
    res = app.post("/new", body, headers=headers, status=400)
    assert "multipart/form-data" in FormPage(res.text).error


def test_an_unknown_form_field_is_refused_on_the_form_with_the_input_kept(app):
    fields = [("title", "Kept"), *block("a.txt", "x\n"), ("colour", "blue"), ("ttl", "1w")]
    form = FormPage(post_form(app, "/new", fields, status=400).text)
    assert "unknown form field 'colour'" in form.error
    assert (form.title, form.files, form.ttl) == ("Kept", [["a.txt", "", "x\n"]], "1w")


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


# -- private pastes made in the browser ------------------------------------------------------


def test_a_private_paste_made_in_the_browser_is_shown_to_that_browser(app):
    paste_id = new_paste(app, block("a.txt", "my private words\n"), exposure="private")
    assert "my private words" in page(app, paste_id).text
    assert FormPage(app.get(f"/{paste_id}/edit", headers=BROWSER).text).files[0][2] == (
        "my private words\n"
    )


@pytest.mark.parametrize("path", ["/{}", "/raw/{}", "/zip/{}", "/{}/edit", "/{}/delete",
                                  "/new?from={}", "/{}.py"])  # fmt: skip
def test_a_private_paste_made_in_the_browser_is_404_to_other_browsers(app, path):
    paste_id = new_paste(app, block("a.txt", "my private words\n"), exposure="private")
    res = stranger(app).get(path.format(paste_id), headers=BROWSER, status=404)
    assert "my private words" not in res.text


def test_a_private_paste_is_not_found_by_other_browsers_search(app):
    new_paste(app, block("a.txt", "zanzibar\n"), exposure="private")
    assert hit_ids(search_page(stranger(app), "zanzibar").text) == []


# -- the search page -------------------------------------------------------------------------


def test_the_search_page_without_a_query_shows_how_to_search(app):
    res = app.get("/search", headers=BROWSER, status=200)
    assert "How to search" in res.text and "lang:python" in res.text
    assert hit_ids(res.text) == []


def test_a_blank_query_shows_how_to_search(app):
    assert "How to search" in search_page(app, "   ").text


def test_a_word_finds_a_public_paste_with_the_word_marked(app):
    paste_id = create(app, title="Found", content="the quick brown fox\n", exposure="public")
    res = search_page(app, "brown")
    assert hit_ids(res.text) == [paste_id]
    assert "<mark>brown</mark>" in res.text
    assert "How to search" not in res.text


def test_unlisted_private_and_burn_pastes_never_appear_in_search(app):
    public = create(app, content="walrus\n", exposure="public")
    create(app, content="walrus\n", exposure="unlisted")
    create(app, content="walrus\n", exposure="private")
    create(app, content="walrus\n", exposure="public", burnAfterRead=True)
    assert hit_ids(search_page(app, "walrus").text) == [public]


def test_an_end_to_end_encrypted_paste_never_appears_in_search(app):
    public = create(app, content=f"{SEALED}\n", exposure="public")
    create(app, content=SEALED, exposure="public", isE2ee=True)
    assert hit_ids(search_page(app, SEALED).text) == [public]


def test_a_query_without_matches_says_so(app):
    res = search_page(app, "nothingmatchesthis")
    assert "No public paste matches" in res.text and hit_ids(res.text) == []


@pytest.fixture
def corpus(app) -> dict[str, str]:
    """Public pastes that tell the qualifiers apart."""
    return {
        "python": create(
            app,
            files=[{"name": "tool.py", "content": "def hello(): pass\n"}],
            exposure="public",
            title="helpers",
        ),
        "rust": create(
            app,
            files=[{"name": "main.rs", "content": "fn hello() {}\n"}],
            exposure="public",
            title="deploy",
        ),
        "title": create(app, title="deploy notes", content="see elsewhere\n", exposure="public"),
        "file": create(
            app, files=[{"name": "setup.py", "content": "print(3)\n"}], exposure="public"
        ),
        "words": create(
            app,
            content="run setup.py, then deploy; connection refused\n",
            exposure="public",
            syntax="text",
        ),
        "phrase": create(app, content="refused connection\n", exposure="public", syntax="text"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lang:python hello", {"python"}),
        ("lang:python", {"python", "file"}),
        ("lang:rust", {"rust"}),
        ("title:deploy", {"rust", "title"}),
        ('title:"deploy notes"', {"title"}),
        ("file:setup.py", {"file"}),
        ('"connection refused"', {"words"}),
        ("connection refused", {"words", "phrase"}),
    ],
)
def test_search_qualifiers_and_phrases_on_the_page_and_in_the_api(app, corpus, query, expected):
    found = set(hit_ids(search_page(app, query).text))
    api = {
        hit["publicId"]
        for hit in app.get("/api/v1/search?" + urlencode({"q": query}), status=200).json["results"]
    }
    assert found == {corpus[name] for name in expected}
    assert api == found


def test_search_results_are_paged_twenty_at_a_time(app):
    ids = {create(app, content=f"pagination {n}\n", exposure="public") for n in range(25)}
    first = search_page(app, "pagination")
    second = search_page(app, "pagination", page=2)
    first_ids, second_ids = hit_ids(first.text), hit_ids(second.text)
    assert (len(first_ids), len(second_ids)) == (SEARCH_PAGE_SIZE, 5)
    assert set(first_ids) | set(second_ids) == ids
    assert '<a rel="next" href="/search?q=pagination&amp;page=2">' in first.text
    assert 'rel="prev"' not in first.text
    assert '<a rel="prev" href="/search?q=pagination">' in second.text
    assert 'rel="next"' not in second.text


@pytest.mark.parametrize("number", ["0", "-1", "x", "1001", "١", ""])
def test_a_page_number_out_of_range_is_400(app, number):
    res = search_page(app, "anything", status=400, page=number)
    assert "page must be a number" in res.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("word " * 120, "longer than 500 characters"),
        ("lang:klingon", "unknown language"),
        ("lang:klingon words", "unknown language"),
        (" ".join(f"w{n}" for n in range(17)), "at most 16 terms"),
        ("!!! ???", "at least one word"),
    ],
    ids=["too-long", "unknown-lang", "unknown-lang-with-words", "too-many-terms", "no-words"],
)
def test_an_invalid_query_is_a_400_page_with_the_message(app, query, message):
    res = search_page(app, query, status=400)
    assert message in res.text
    assert_html_security_headers(res)


def test_the_search_box_keeps_the_query(app):
    res = search_page(app, 'lang:python "a phrase"')
    assert 'value="lang:python &quot;a phrase&quot;"' in res.text


# -- /zip/ID ---------------------------------------------------------------------------------


def curl_files(app, *files: tuple[str, bytes]) -> str:
    """A several-file paste the way `curl -F file=@a -F file=@b` makes one."""
    res = app.post(
        "/", upload_files=[("file", name, data) for name, data in files], headers=CURL, status=201
    )
    return res.text.strip().rsplit("/", 1)[1]


def zip_contents(res) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(res.body)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_zip_holds_every_file_byte_for_byte(app):
    files = {"a.py": b"print(1)\r\n", "blob.bin": bytes(range(256)) * 4, "empty-ish.txt": b"\n"}
    paste_id = curl_files(app, *files.items())
    res = app.get(f"/zip/{paste_id}", headers=BROWSER, status=200)
    assert res.headers["Content-Type"] == "application/zip"
    assert res.headers["Content-Disposition"] == f"attachment; filename={paste_id}.zip"
    assert zip_contents(res) == files


def test_a_burn_paste_zip_consumes_it(app):
    paste_id = create(app, content="once\n", burnAfterRead=True)
    res = app.get(f"/zip/{paste_id}", status=200)
    assert list(zip_contents(res).values()) == [b"once\n"]
    assert res.headers["Cache-Control"] == "no-store"
    app.get(f"/zip/{paste_id}", status=410)


def test_the_zip_of_someone_elses_private_paste_is_404(app):
    paste_id, token = create_with_token(app, exposure="private")
    app.get(f"/zip/{paste_id}", status=404)
    app.get(f"/zip/{paste_id}", headers={"X-Manage-Token": token}, status=200)


def test_the_zip_of_a_missing_paste_is_404(app):
    app.get(f"/zip/{MISSING_ID}", status=404)


# -- /ID.ext ---------------------------------------------------------------------------------


def test_id_dot_ext_renders_every_file_with_that_language_in_a_browser(app):
    paste_id = create(
        app,
        files=[
            {"name": "a.txt", "content": "def f(): pass\n"},
            {"name": "b.txt", "content": "import os\n"},
        ],
    )
    text = app.get(f"/{paste_id}.py", headers=BROWSER, status=200).text
    assert text.count('<span class="lang">Python</span>') == 2
    assert "Plain text" not in text
    assert '<span class="k">def</span>' in text


def test_id_dot_ext_gives_curl_the_raw_bytes(app):
    paste_id = create(app, content="def f(): pass\r\n")
    res = app.get(f"/{paste_id}.py", headers=CURL, status=200)
    assert res.body == b"def f(): pass\r\n"
    assert res.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_id_dot_an_unknown_extension_renders_as_plain_text(app):
    paste_id = create(app, files=[{"name": "a.py", "content": "def f(): pass\n"}])
    text = app.get(f"/{paste_id}.klingon", headers=BROWSER, status=200).text
    assert '<span class="lang">Plain text</span>' in text
    assert '<span class="k">' not in text


def test_id_dot_ext_of_a_missing_paste_is_404(app):
    app.get(f"/{MISSING_ID}.py", headers=BROWSER, status=404)


# -- the render cache ------------------------------------------------------------------------


class CountingRenderer:
    """The real renderer, counted; `fallback` makes every render look like one that fell back."""

    def __init__(self, inner: render.Renderer):
        self.inner = inner
        self.calls: list[tuple[str, str | None]] = []
        self.fallback = ""

    def highlight(self, text: str | bytes, language: str | None, anchor: str = render.ANCHOR,
                  bounds: render.Bounds | None = None):  # fmt: skip
        self.calls.append((text.decode() if isinstance(text, bytes) else text, language))
        result = self.inner.highlight(text, language, anchor, bounds)
        return dataclasses.replace(result, fallback=self.fallback) if self.fallback else result

    def close(self) -> None:
        pass


@pytest.fixture
def counted(renderer) -> CountingRenderer:
    return CountingRenderer(renderer)


@pytest.fixture
def make_counted_app(make_app, counted):
    return functools.partial(make_app, renderer=counted)


@pytest.fixture
def capp(make_counted_app) -> webtest.TestApp:
    return make_counted_app()


def test_a_second_view_is_served_from_the_render_cache(capp, counted):
    paste_id = create(capp, content="def f(): pass\n", syntax="python")
    first = page(capp, paste_id).text
    assert len(counted.calls) == 1
    second = page(capp, paste_id).text
    assert len(counted.calls) == 1
    assert first == second
    assert services_of(capp.app).render_cache.hits == 1


def test_every_file_is_rendered_once(capp, counted):
    paste_id = create(
        capp, files=[{"name": "a.py", "content": "a = 1\n"}, {"name": "b.py", "content": "b = 2\n"}]
    )
    for _ in range(3):
        page(capp, paste_id)
    assert sorted(counted.calls) == [("a = 1\n", "python"), ("b = 2\n", "python")]


def test_an_edit_renders_the_new_revision(capp, counted):
    paste_id, token = create_with_token(capp, content="old = 1\n", syntax="python")
    page(capp, paste_id)
    capp.patch_json(
        f"{PASTES}/{paste_id}",
        {"content": "new = 2\n"},
        headers={"X-Manage-Token": token},
        status=200,
    )
    shown = Document(page(capp, paste_id).text).text
    assert "new = 2" in shown and "old = 1" not in shown
    assert [call[0] for call in counted.calls] == ["old = 1\n", "new = 2\n"]


def test_id_dot_ext_is_cached_apart_from_the_plain_view(capp, counted):
    paste_id = create(capp, content="x = 1\n", syntax="text")
    for path in (f"/{paste_id}", f"/{paste_id}.py", f"/{paste_id}", f"/{paste_id}.py"):
        capp.get(path, headers=BROWSER, status=200)
    assert counted.calls == [("x = 1\n", "text"), ("x = 1\n", "python")]


def test_a_burn_paste_is_never_put_in_the_render_cache(capp, counted):
    paste_id = create(capp, content="secret = 1\n", syntax="python", burnAfterRead=True)
    reveal(capp, paste_id)
    assert len(counted.calls) == 1
    assert len(services_of(capp.app).render_cache) == 0


def test_with_no_render_cache_every_view_renders(make_counted_app, counted):
    app = make_counted_app(render_cache_mb=0)
    paste_id = create(app, content="x = 1\n", syntax="python")
    for _ in range(3):
        page(app, paste_id)
    assert len(counted.calls) == 3
    assert len(services_of(app.app).render_cache) == 0


def test_a_render_that_found_no_free_worker_is_not_cached(capp, counted):
    counted.fallback = render.FALLBACK_BUSY
    paste_id = create(capp, content="x = 1\n", syntax="python")
    page(capp, paste_id)
    page(capp, paste_id)
    assert len(counted.calls) == 2


def test_a_render_that_timed_out_is_cached_for_a_while_then_tried_again(capp, counted, clock):
    counted.fallback = render.FALLBACK_TIMEOUT
    paste_id = create(capp, content="x = 1\n", syntax="python")
    page(capp, paste_id)
    clock.advance(TIMED_OUT_RENDER_SECONDS - 1)
    page(capp, paste_id)
    assert len(counted.calls) == 1
    clock.advance(2)
    page(capp, paste_id)
    assert len(counted.calls) == 2


def test_a_good_render_outlives_the_timed_out_lifetime(capp, counted, clock):
    paste_id = create(capp, content="x = 1\n", syntax="python", expiresIn="1w")
    page(capp, paste_id)
    clock.advance(TIMED_OUT_RENDER_SECONDS * 10)
    page(capp, paste_id)
    assert len(counted.calls) == 1


# -- security headers on every new page ------------------------------------------------------


def _deleted_page(app, make_app):
    paste_id = new_paste(app, block("a.txt", "x\n"))
    return post_form(app, f"/{paste_id}/delete", [], status=200)


def _gone_page(app, make_app):
    paste_id = create(app, burnAfterRead=True)
    app.get(f"/raw/{paste_id}", status=200)
    return app.get(f"/{paste_id}/edit", headers=BROWSER, status=410)


def _search_results_page(app, make_app):
    create(app, content="found\n", exposure="public")
    res = search_page(app, "found")
    assert hit_ids(res.text)
    return res


def _rate_limited_page(app, make_app):
    limited = make_app(rate_limit=1)
    post_form(limited, "/new", block("a.txt", "x\n"))
    return post_form(limited, "/new", block("a.txt", "x\n"), status=429)


NEW_PAGES = {
    "form": lambda app, _: app.get("/new", headers=BROWSER, status=200),
    "fork": lambda app, _: app.get(f"/new?from={create(app)}", headers=BROWSER, status=200),
    "form-error": lambda app, _: post_form(app, "/new", block("a/b", "x"), status=400),
    "form-buttons": lambda app, _: post_form(app, "/new", [("add_file", "1")], status=200),
    "edit": lambda app, _: app.get(f"/{create(app)}/edit", headers=BROWSER, status=200),
    "delete": lambda app, _: app.get(f"/{create(app)}/delete", headers=BROWSER, status=200),
    "deleted": _deleted_page,
    "delete-refused": lambda app, _: post_form(
        app, f"/{create(app)}/delete", [("token", "bad")], status=403
    ),
    "search-help": lambda app, _: app.get("/search", headers=BROWSER, status=200),
    "search-results": _search_results_page,
    "search-empty": lambda app, _: search_page(app, "nothing"),
    "search-error": lambda app, _: search_page(app, "lang:klingon", status=400),
    "id-ext": lambda app, _: app.get(f"/{create(app)}.py", headers=BROWSER, status=200),
    "404": lambda app, _: app.get(f"/new?from={MISSING_ID}", headers=BROWSER, status=404),
    "404-zip": lambda app, _: app.get(f"/zip/{MISSING_ID}", headers=BROWSER, status=404),
    "410": _gone_page,
    "413": lambda app, make_app: post_form(
        make_app(max_paste_bytes=1), "/new", block("a.txt", "xx"), status=413
    ),
    "429": _rate_limited_page,
}


@pytest.mark.parametrize("name", NEW_PAGES)
def test_every_new_page_sends_the_security_headers(app, make_app, name):
    res = NEW_PAGES[name](app, make_app)
    assert_html_security_headers(res)
    assert_no_active_markup(res.text)


def test_the_zip_is_not_sniffable(app):
    res = app.get(f"/zip/{create(app)}", status=200)
    assert res.headers["X-Content-Type-Options"] == "nosniff"


# -- hostile input comes back inert ----------------------------------------------------------

NAME_PAYLOADS = [p for p in HOSTILE if "/" not in p]  # a name with / is refused (tested below)


@pytest.mark.parametrize("payload", NAME_PAYLOADS)
def test_a_hostile_paste_made_in_the_form_is_inert_on_every_page(app, payload):
    paste_id = new_paste(app, block(payload + ".txt", "\n".join(HOSTILE), "html"), title=payload)
    for path in (
        f"/{paste_id}",
        f"/{paste_id}.js",
        f"/{paste_id}/edit",
        f"/{paste_id}/delete",
        f"/new?from={paste_id}",
    ):
        res = app.get(path, headers=BROWSER, status=200)
        doc = assert_no_active_markup(res.text)
        assert payload in doc.text


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_title_and_contents_come_back_inert_in_the_prefilled_forms(app, payload):
    paste_id = create(app, title=payload, files=[{"name": "a.txt", "content": payload}])
    for path in (f"/{paste_id}/edit", f"/new?from={paste_id}"):
        text = app.get(path, headers=BROWSER, status=200).text
        assert_no_active_markup(text)
        form = FormPage(text)
        assert (form.title, form.files[0][2]) == (payload, payload)


FIELDS = ("title", "name", "lang", "content", "ttl", "exposure")
SAFE_VALUES = {"title": "t", "name": "a.txt", "lang": "", "content": "x", "ttl": "1h",
               "exposure": "unlisted"}  # fmt: skip


def kept_values(form: FormPage) -> dict[str, str | None]:
    name, lang, content = form.files[0]
    return {"title": form.title, "name": name, "lang": lang, "content": content, "ttl": form.ttl}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_value_in_any_form_field_comes_back_inert_after_add_file(app, field, payload):
    values = {**SAFE_VALUES, field: payload}
    fields = [(name, values[name]) for name in FIELDS] + [("add_file", "1")]
    res = post_form(app, "/new", fields, status=200)
    assert_no_active_markup(res.text)
    if field != "exposure":  # one of three fixed choices; anything else is not offered
        assert kept_values(FormPage(res.text))[field] == payload


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_value_in_any_form_field_comes_back_inert_on_the_refused_form(
    app, field, payload
):
    # A language that does not exist makes the form fail whatever the hostile field does.
    values = {**SAFE_VALUES, "lang": "klingon", field: payload}
    res = post_form(app, "/new", [(name, values[name]) for name in FIELDS], status=400)
    assert_no_active_markup(res.text)
    form = FormPage(res.text)
    assert form.error
    if field != "exposure":
        assert kept_values(form)[field] == payload


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_token_typed_on_the_edit_form_comes_back_inert(app, payload):
    paste_id, _ = create_with_token(app)
    res = post_form(
        app, f"/{paste_id}/edit", [*block("a.txt", "y\n"), ("token", payload)], status=403
    )
    assert_no_active_markup(res.text)
    assert FormPage(res.text).token == ""


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_token_typed_on_the_delete_form_comes_back_inert(app, payload):
    paste_id, _ = create_with_token(app)
    res = post_form(app, f"/{paste_id}/delete", [("token", payload)], status=403)
    assert_no_active_markup(res.text)


@pytest.mark.parametrize("query", [f"{prefix}{p}" for p in HOSTILE
                                   for prefix in ("", "lang:", "title:")])  # fmt: skip
def test_a_hostile_search_query_is_echoed_back_inert(app, query):
    res = app.get("/search?" + urlencode({"q": query}), headers=BROWSER, status=[200, 400])
    doc = assert_no_active_markup(res.text)
    boxes = [dict(attrs) for tag, attrs in doc.elements if tag == "input"]
    assert [box["value"] for box in boxes if box.get("name") == "q"] == [query, query]
    assert query in doc.text  # in the window title


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_search_hits_are_shown_inert_with_only_marks_added(app, payload):
    create(
        app,
        title=payload,
        exposure="public",
        files=[
            {
                "name": "x" + payload.replace("/", "") + ".txt",
                "content": f"before {payload} findme {payload} after\n",
            }
        ],
    )
    res = search_page(app, "findme")
    doc = assert_no_active_markup(res.text)
    assert payload in doc.text  # the title, as text
    snippets = re.findall(r'<pre class="snippet">(.*?)</pre>', res.text, re.DOTALL)
    assert len(snippets) == 1 and "<mark>findme</mark>" in snippets[0]
    assert "<" not in re.sub(r"</?mark>", "", snippets[0])


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


# -- search snippets and big pastes --------------------------------------------------------------


def test_control_characters_in_a_paste_never_pose_as_search_matches(app):
    create(app, content="hello \x02fake\x03 world\n", exposure="public")
    text = app.get("/search?q=world", headers=BROWSER, status=200).text
    assert re.findall(r"<mark>(.*?)</mark>", text) == ["world"]


def test_a_paste_with_a_thousand_files_renders_with_unique_line_ids(make_app):
    app = make_app(max_files=1200)
    files = [{"name": f"f{n}.txt", "content": "x\n", "language": "text"} for n in range(1001)]
    text = page(app, create(app, files=files)).text
    assert 'id="f1001-L1"' in text and 'id="L1"' in text


def test_a_kept_render_is_counted_at_what_it_holds_in_memory():
    rendered = render.highlight_plain("é" * 1000)
    assert render.cached_size(rendered) >= len(rendered.html) + len(rendered.html_bytes)
