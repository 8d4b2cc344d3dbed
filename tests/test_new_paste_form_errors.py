"""A refused new-paste form comes back with the message and every value kept, in process:
bad fields, rate limiting, the busy password gate, size limits, a body that is not multipart."""

import pytest
from helpers import (
    BROWSER,
    FormPage,
    assert_html_security_headers,
    block,
    csrf,
    post_form,
    token_cookies,
)

from pastebox.web.app import services_of

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
