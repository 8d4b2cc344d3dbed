"""The curl surface in process: POST/PUT a body to / for a URL, GET /ID or /raw/ID for the bytes
back, browsers negotiated to HTML by Accept, burn-after-read and expiry, negotiated errors."""

import re
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from expect import assert_json_error
from test_pages import reveal

CURL = {"Accept": "*/*"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON = {"Accept": "application/json"}
TEXT_TYPE = "text/plain; charset=utf-8"
URL_RE = re.compile(r"(http://localhost:80)/([A-Za-z0-9]{8,32})\n")
MINUTE, HOUR, DAY, WEEK, MONTH, YEAR = 60, 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400


# -- helpers ---------------------------------------------------------------------------------


def send(app, path="/", body=b"hello\n", method="POST", content_type=None, headers=None, **kw):
    """One request with exactly these bytes and headers (no Content-Type unless given)."""
    headers = {**CURL, **(headers or {})}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return app.request(path, method=method, body=body, headers=headers, **kw)


def create(app, body=b"hello\n", path="/", method="POST", **kw) -> str:
    """Paste `body` as curl would and return the new id from the `URL\\n` reply."""
    res = send(app, path, body, method, status=201, **kw)
    match = URL_RE.fullmatch(res.text)
    assert match, res.text
    return match.group(2)


def multipart(*parts: tuple[str, str | None, bytes], boundary: str = "b0undary") -> tuple:
    """(body, content type) of a multipart/form-data body from (name, filename, data) parts."""
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (
            f'; filename="{filename}"' if filename is not None else ""
        )
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data
        out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def api(app, paste_id: str, headers=None) -> dict:
    """The paste as the JSON API shows it (a read that counts, like any GET)."""
    return app.get(f"/api/v1/pastes/{paste_id}", headers=headers or {}, status=200).json


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def assert_html_error(res, status: int) -> str:
    assert res.status_int == status, res.text
    assert res.content_type == "text/html"
    assert res.text.lstrip().startswith("<!doctype html>")
    assert '"error"' not in res.text
    return res.text


# -- creating: POST and PUT a raw body ---------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "application/octet-stream", None],
    ids=["curl-data-binary", "text-plain", "octet-stream", "no-content-type"],
)
def test_post_of_a_raw_body_answers_201_with_the_url_and_a_newline(app, content_type):
    res = send(app, body=b"print('hi')\n", content_type=content_type, status=201)
    assert res.headers["Content-Type"] == TEXT_TYPE
    match = URL_RE.fullmatch(res.text)
    assert match, res.text
    assert res.headers["Location"] == res.text.rstrip("\n")


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "application/octet-stream",
     "application/json", None],
    ids=["curl-data-binary", "text-plain", "octet-stream", "json", "no-content-type"],
)  # fmt: skip
def test_a_raw_body_is_stored_byte_exact_whatever_its_content_type(app, content_type):
    body = b"a=1&b=%20two\r\n\tthree +four\n"
    paste_id = create(app, body=body, content_type=content_type)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == body


def test_a_form_urlencoded_looking_body_is_the_paste_not_parsed_as_form_fields(app):
    """`curl --data-binary @f` labels any file as a form; `title=` in it is text, not an option."""
    body = b"content=other&title=Injected&burn=1"
    paste_id = create(app, body=body, content_type="application/x-www-form-urlencoded")
    paste = api(app, paste_id)
    assert paste["content"] == body.decode()
    assert paste["title"] == ""
    assert paste["burnAfterRead"] is False


def test_put_to_root_creates_a_paste_like_post(app):
    paste_id = create(app, body=b"put body\n", method="PUT", content_type="text/plain")
    assert app.get(f"/{paste_id}", headers=CURL).body == b"put body\n"


def test_the_reply_carries_the_manage_token_in_a_header(app):
    res = send(app, body=b"x\n", status=201)
    token = res.headers["X-Manage-Token"]
    assert len(token) >= 32
    assert token not in res.text


def test_the_manage_token_from_the_header_deletes_the_paste(app):
    res = send(app, body=b"x\n", status=201)
    paste_id = URL_RE.fullmatch(res.text).group(2)
    app.delete(
        f"/api/v1/pastes/{paste_id}",
        headers={"X-Manage-Token": res.headers["X-Manage-Token"]},
        status=200,
    )
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "deleted")


def test_accept_json_gives_the_paste_as_json_with_its_manage_token(app):
    res = send(app, body=b"x = 1\n", headers=JSON, status=201)
    assert res.content_type == "application/json"
    body = res.json
    assert re.fullmatch(r"[A-Za-z0-9]{8,32}", body["publicId"])
    assert body["url"] == f"http://localhost:80/{body['publicId']}"
    assert body["rawUrl"] == f"http://localhost:80/raw/{body['publicId']}"
    assert body["manageToken"] == res.headers["X-Manage-Token"]
    assert res.headers["Location"] == body["url"]
    assert "content" not in body  # the creator has it already


def test_put_to_a_file_name_sets_the_name_and_the_language(app):
    paste_id = create(app, path="/hello.py", method="PUT", body=b"print('hi')\n")
    paste = api(app, paste_id)
    assert paste["files"][0]["name"] == "hello.py"
    assert paste["files"][0]["language"] == "python"
    assert paste["syntax"] == "python"
    res = app.get(f"/raw/{paste_id}/hello.py", headers=CURL, status=200)
    assert res.body == b"print('hi')\n"


def test_a_non_ascii_file_name_round_trips_through_put_and_the_disposition_header(app):
    name = "naïve-Ω.txt"
    paste_id = create(app, path="/" + quote(name), method="PUT", body=b"x\n")
    assert api(app, paste_id)["files"][0]["name"] == name
    res = app.get(f"/{paste_id}", headers=CURL, status=200)
    assert res.headers["Content-Disposition"] == f"inline; filename*=UTF-8''{quote(name)}"
    assert app.get(f"/raw/{paste_id}/{quote(name)}", headers=CURL, status=200).body == b"x\n"


def test_multipart_with_two_file_parts_is_one_paste_with_two_files(app):
    body, content_type = multipart(
        ("file", "a.py", b"import os\n"), ("file", "b.txt", b"plain words\n")
    )
    paste_id = create(app, body=body, content_type=content_type)
    files = api(app, paste_id)["files"]
    assert [(f["name"], f["content"]) for f in files] == [
        ("a.py", "import os\n"),
        ("b.txt", "plain words\n"),
    ]
    assert files[0]["language"] == "python"


def test_a_content_form_field_is_the_text_of_the_paste(app):
    body, content_type = multipart(("content", None, b"from a form\r\nline two"))
    paste_id = create(app, body=body, content_type=content_type)
    assert app.get(f"/{paste_id}", headers=CURL).body == b"from a form\r\nline two"


def test_form_fields_carry_the_options(app, clock):
    body, content_type = multipart(
        ("content", None, b"def f(): pass\n"),
        ("title", None, "Résumé".encode()),
        ("name", None, b"f.txt"),
        ("lang", None, b"python"),
        ("ttl", None, b"1h"),
        ("exposure", None, b"public"),
    )
    paste_id = create(app, body=body, content_type=content_type)
    paste = api(app, paste_id)
    assert paste["title"] == "Résumé"
    assert paste["files"][0]["name"] == "f.txt"
    assert paste["syntax"] == "python"
    assert paste["exposure"] == "public"
    assert paste["expiresAt"] == iso(clock() + HOUR)


def test_a_form_field_overrides_the_same_option_in_the_query(app):
    body, content_type = multipart(("content", None, b"x\n"), ("title", None, b"from the form"))
    paste_id = create(app, path="/?title=from+the+query", body=body, content_type=content_type)
    assert api(app, paste_id)["title"] == "from the form"


def test_options_in_the_query_string_apply_to_a_raw_body(app, clock):
    paste_id = create(
        app, path="/?title=My%20title&lang=rust&name=main.rs&exposure=public&ttl=1d", body=b"x\n"
    )
    paste = api(app, paste_id)
    assert (paste["title"], paste["syntax"], paste["exposure"]) == ("My title", "rust", "public")
    assert paste["files"][0]["name"] == "main.rs"
    assert paste["expiresAt"] == iso(clock() + DAY)


def test_a_browser_form_post_is_redirected_to_the_new_paste(app):
    body, content_type = multipart(("content", None, b"from the page\n"), ("ttl", None, b"never"))
    res = send(app, body=body, content_type=content_type, headers=BROWSER, status=303)
    match = re.fullmatch(r"http://localhost:80/([A-Za-z0-9]{8,32})", res.headers["Location"])
    assert match
    assert app.get(f"/raw/{match.group(1)}", headers=CURL).body == b"from the page\n"


# -- options: ttl, burn, lang, exposure ------------------------------------------------------


@pytest.mark.parametrize(
    ("ttl", "seconds"),
    [("600", 600), ("10m", 10 * MINUTE), ("1h", HOUR), ("1d", DAY), ("1w", WEEK),
     ("1m", MONTH), ("1y", YEAR), ("90s", 90), ("30min", 30 * MINUTE)],
)  # fmt: skip
def test_ttl_takes_seconds_and_presets(app, clock, ttl, seconds):
    paste_id = create(app, path=f"/?ttl={ttl}", body=b"x\n")
    assert api(app, paste_id)["expiresAt"] == iso(clock() + seconds)


def test_ttl_never_keeps_the_paste_until_deleted(app, clock):
    paste_id = create(app, path="/?ttl=never", body=b"x\n")
    assert api(app, paste_id)["expiresAt"] is None
    clock.advance(10 * YEAR)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"x\n"


def test_a_paste_lives_exactly_its_ttl(app, clock):
    paste_id = create(app, path="/?ttl=10m", body=b"short-lived\n")
    clock.advance(10 * MINUTE - 1)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"short-lived\n"
    clock.advance(1)
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "expired")


@pytest.mark.parametrize("ttl", ["bogus", "-1", "1.5h", "", "1e9", "10 parsecs", "２h"])
def test_a_bad_ttl_is_400_naming_the_field(app, ttl):
    res = send(app, path=f"/?ttl={quote(ttl)}", status=400)
    assert assert_json_error(res, 400)["field"] == "ttl"


def test_a_ttl_over_the_maximum_is_400(make_app):
    app = make_app(max_ttl=DAY)
    assert_json_error(send(app, path="/?ttl=1w", status=400), 400)
    create(app, path="/?ttl=1d")


@pytest.mark.parametrize("word", ["1", "true", "yes", "on"])
def test_burn_takes_the_usual_true_words(app, word):
    paste_id = create(app, path=f"/?burn={word}", body=b"x\n")
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"x\n"
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "burned")


def test_burn_as_a_form_field_makes_a_burn_paste(app):
    body, content_type = multipart(("content", None, b"once\n"), ("burn", None, b"1"))
    paste_id = create(app, body=body, content_type=content_type)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"once\n"
    app.get(f"/{paste_id}", headers=CURL, status=410)


def test_burn_0_makes_an_ordinary_paste(app):
    paste_id = create(app, path="/?burn=0", body=b"x\n")
    app.get(f"/{paste_id}", headers=CURL, status=200)
    app.get(f"/{paste_id}", headers=CURL, status=200)


def test_a_burn_value_that_is_not_a_yes_or_no_is_400(app):
    assert assert_json_error(send(app, path="/?burn=maybe", status=400), 400)["field"] == "burn"


def test_lang_sets_the_language_and_accepts_aliases(app):
    paste_id = create(app, path="/?lang=py", body=b"x = 1\n")
    assert api(app, paste_id)["syntax"] == "python"


def test_an_unknown_lang_is_400(app):
    res = send(app, path="/?lang=no-such-language", status=400)
    assert assert_json_error(res, 400)["field"] == "language"


def test_a_public_paste_is_found_by_search_and_an_unlisted_one_is_not(app):
    public = create(app, path="/?exposure=public", body=b"zanzibar public\n")
    create(app, path="/?exposure=unlisted", body=b"zanzibar unlisted\n")
    hits = app.get("/api/v1/search", params={"q": "zanzibar"}, status=200).json["results"]
    assert [h["publicId"] for h in hits] == [public]


def test_a_private_paste_is_only_raw_to_its_manage_token_holder(app):
    res = send(app, path="/?exposure=private", body=b"mine\n", status=201)
    paste_id = URL_RE.fullmatch(res.text).group(2)
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=404), 404)
    token = {"X-Manage-Token": res.headers["X-Manage-Token"]}
    mine = app.get(f"/raw/{paste_id}", headers={**CURL, **token}, status=200)
    assert mine.body == b"mine\n"
    assert mine.headers["Cache-Control"] == "no-store"


def test_an_unknown_exposure_is_400(app):
    res = send(app, path="/?exposure=everyone", status=400)
    assert assert_json_error(res, 400)["field"] == "exposure"


# -- GET /: the manual -----------------------------------------------------------------------


@pytest.mark.parametrize("accept", [CURL, {}], ids=["accept-any", "no-accept"])
def test_root_for_curl_is_the_plain_text_manual_with_the_one_liners(app, accept):
    res = app.get("/", headers=accept, status=200)
    assert res.headers["Content-Type"] == TEXT_TYPE
    base = "http://localhost:80"
    for line in (
        f"curl --data-binary @file.py {base}",
        f"some-command | curl --data-binary @- {base}",
        f"curl -T file.py {base}/",
        f"curl -F file=@a.py -F file=@b.txt {base}",
        f"curl {base}/ID",
        f"curl {base}/raw/ID/a.py",
        "X-Manage-Token",
    ):
        assert line in res.text
    assert "<" not in res.text


def test_root_for_a_browser_is_the_html_new_paste_page(app):
    res = app.get("/", headers=BROWSER, status=200)
    assert res.content_type == "text/html"
    assert '<form class="paste-form" method="post" action="/new"' in res.text


def test_the_manual_uses_the_configured_base_url(make_app):
    app = make_app(base_url="https://paste.example.org/")
    res = app.get("/", headers=CURL, status=200)
    assert "curl --data-binary @file.py https://paste.example.org\n" in res.text
    assert "localhost" not in res.text
    url = send(app, body=b"x\n", status=201).text
    assert re.fullmatch(r"https://paste\.example\.org/[A-Za-z0-9]{8,32}\n", url)


# -- GET /ID: raw for curl, HTML for browsers ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"windows\r\nline ends\r\n",
        b"\ttabs\tinside\t\n",
        b"trailing newlines\n\n\n",
        b"no trailing newline",
        "multi-byte: é ß 漢字 🙂\n".encode(),
        b"NUL \x00 inside\x00",
        b"\xef\xbb\xbfBOM first\n",
        b"lone\rCR",
        b"   \n",
        b"\n",
    ],
    ids=["crlf", "tabs", "trailing-newlines", "no-final-newline", "utf8", "nul", "bom", "cr",
         "spaces", "one-newline"],
)  # fmt: skip
def test_curl_gets_the_raw_text_back_byte_exact(app, body):
    paste_id = create(app, body=body)
    res = app.get(f"/{paste_id}", headers=CURL, status=200)
    assert res.body == body
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_a_request_without_accept_gets_the_raw_text(app):
    paste_id = create(app, body=b"raw\n")
    assert app.get(f"/{paste_id}", status=200).body == b"raw\n"


def test_accept_json_on_a_paste_url_gets_the_raw_text_not_html(app):
    paste_id = create(app, body=b"raw\n")
    res = app.get(f"/{paste_id}", headers=JSON, status=200)
    assert res.body == b"raw\n"
    assert res.headers["Content-Type"] == TEXT_TYPE


def test_a_browser_gets_the_rendered_page(app):
    paste_id = create(app, path="/app.py", method="PUT", body=b"import os\n")
    res = app.get(f"/{paste_id}", headers=BROWSER, status=200)
    assert res.content_type == "text/html"
    assert '<pre class="code">' in res.text
    assert "app.py" in res.text


def test_a_body_that_is_not_utf8_comes_back_byte_exact_as_an_octet_stream_download(app):
    body = b"\xff\xfe\x00binary\x80\n"
    paste_id = create(app, body=body)
    res = app.get(f"/{paste_id}", headers=CURL, status=200)
    assert res.body == body
    assert res.headers["Content-Type"] == "application/octet-stream"
    assert res.headers["Content-Disposition"].startswith("attachment;")


# -- /raw ------------------------------------------------------------------------------------


def test_raw_is_raw_even_for_a_browser(app):
    paste_id = create(app, body=b"<b>not html</b>\n")
    res = app.get(f"/raw/{paste_id}", headers=BROWSER, status=200)
    assert res.body == b"<b>not html</b>\n"
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_raw_with_a_file_name_gives_that_file_of_a_multi_file_paste(app):
    body, content_type = multipart(("file", "a.py", b"A\n"), ("file", "b.txt", b"B\r\n"))
    paste_id = create(app, body=body, content_type=content_type)
    assert app.get(f"/raw/{paste_id}/a.py", headers=BROWSER, status=200).body == b"A\n"
    res = app.get(f"/raw/{paste_id}/b.txt", headers=CURL, status=200)
    assert res.body == b"B\r\n"
    assert res.headers["Content-Disposition"] == "inline; filename*=UTF-8''b.txt"


def test_raw_of_a_multi_file_paste_without_a_name_gives_every_file_under_a_header(app):
    body, content_type = multipart(("file", "a.py", b"A\n"), ("file", "b.txt", b"B\n"))
    paste_id = create(app, body=body, content_type=content_type)
    res = app.get(f"/raw/{paste_id}", headers=CURL, status=200)
    assert res.body == b"==> a.py <==\nA\n\n==> b.txt <==\nB\n"
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == res.body


def test_raw_of_an_unknown_file_name_is_404(app):
    paste_id = create(app, path="/a.py", method="PUT", body=b"A\n")
    res = app.get(f"/raw/{paste_id}/b.py", headers=CURL, status=404)
    assert_json_error(res, 404, "not_found")


def test_raw_download_asks_the_browser_to_save_the_file(app):
    paste_id = create(app, path="/a.py", method="PUT", body=b"A\n")
    res = app.get(f"/raw/{paste_id}/a.py?download=1", headers=BROWSER, status=200)
    assert res.headers["Content-Disposition"] == "attachment; filename*=UTF-8''a.py"
    assert res.body == b"A\n"


def test_raw_of_an_unknown_paste_is_404(app):
    assert_json_error(app.get("/raw/AAAAAAAAAA", headers=CURL, status=404), 404, "not_found")


# -- HEAD and burn-after-read ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/{id}", "/raw/{id}", "/raw/{id}/paste.txt"])
@pytest.mark.parametrize("accept", [CURL, BROWSER], ids=["curl", "browser"])
def test_head_never_burns(app, path, accept):
    paste_id = create(app, path="/?burn=1", body=b"secret\n")
    for _ in range(3):
        app.head(path.format(id=paste_id), headers=accept, status=200)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"secret\n"


def test_head_of_a_raw_paste_gives_its_length_and_no_body(app):
    paste_id = create(app, body=b"12345\n")
    res = app.head(f"/{paste_id}", headers=CURL, status=200)
    assert res.body == b""
    assert res.headers["Content-Length"] == "6"


@pytest.mark.parametrize("path", ["/{id}", "/raw/{id}", "/raw/{id}/paste.txt"])
def test_curl_gets_a_burn_paste_exactly_once_then_410(app, path):
    paste_id = create(app, path="/?burn=1", body=b"secret\n")
    res = app.get(path.format(id=paste_id), headers=CURL, status=200)
    assert res.body == b"secret\n"
    assert res.headers["Cache-Control"] == "no-store"
    for again in ("/{id}", "/raw/{id}", "/raw/{id}/paste.txt"):
        gone = app.get(again.format(id=paste_id), headers=CURL, status=410)
        assert assert_json_error(gone, 410, "burned")
        assert b"secret" not in gone.body


def test_a_browser_get_of_a_burn_paste_shows_an_interstitial_without_the_content(app):
    paste_id = create(app, path="/?burn=1&title=Top%20secret", body=b"the secret words\n")
    for _ in range(2):  # link previews and reloads do not burn it
        res = app.get(f"/{paste_id}", headers=BROWSER, status=200)
        assert res.content_type == "text/html"
        assert "the secret words" not in res.text
        assert "Top secret" not in res.text
        assert f'<form method="post" action="/{paste_id}">' in res.text
        assert res.headers["Cache-Control"] == "no-store"


def test_posting_the_interstitial_reveals_the_burn_paste_once(app):
    paste_id = create(app, path="/?burn=1", body=b"the secret words\n")
    app.get(f"/{paste_id}", headers=BROWSER, status=200)
    res = reveal(app, paste_id, status=200)
    assert "the secret words" in res.text
    assert res.headers["Cache-Control"] == "no-store"
    second = reveal(app, paste_id, status=410)
    assert "the secret words" not in assert_html_error(second, 410)
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "burned")


def test_a_burn_paste_read_by_curl_cannot_be_revealed_in_a_browser(app):
    paste_id = create(app, path="/?burn=1", body=b"secret\n")
    app.get(f"/raw/{paste_id}", headers=CURL, status=200)
    page = app.get(f"/{paste_id}", headers=BROWSER, status=410)
    assert "secret" not in assert_html_error(page, 410)
    assert_html_error(reveal(app, paste_id, status=410), 410)


def test_posting_to_an_ordinary_paste_shows_it_without_consuming_it(app):
    paste_id = create(app, body=b"plain\n")
    assert "plain" in reveal(app, paste_id, status=200).text
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == b"plain\n"


# -- expiry ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "accept"),
    [
        ("GET", "/{id}", CURL),
        ("GET", "/{id}", BROWSER),
        ("GET", "/raw/{id}", CURL),
        ("GET", "/raw/{id}/paste.txt", BROWSER),
        ("HEAD", "/{id}", CURL),
        ("HEAD", "/{id}", BROWSER),
        ("POST", "/{id}", BROWSER),
        ("GET", "/api/v1/pastes/{id}", JSON),
    ],
    ids=["curl", "browser", "raw", "raw-file", "head", "head-browser", "reveal", "api"],
)
def test_an_expired_paste_is_never_served(app, clock, method, path, accept):
    paste_id = create(app, path="/?ttl=1h", body=b"ephemeral words\n")
    clock.advance(HOUR)
    if method == "POST":  # the interstitial's button, with the form's token as a browser sends it
        res = reveal(app, paste_id, status=410)
    else:
        res = app.request(path.format(id=paste_id), method=method, headers=accept, status=410)
    assert b"ephemeral words" not in res.body


def test_an_expired_burn_paste_is_not_served_even_once(app, clock):
    paste_id = create(app, path="/?ttl=10m&burn=1", body=b"ephemeral words\n")
    clock.advance(11 * MINUTE)
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "expired")
    assert_html_error(reveal(app, paste_id, status=410), 410)


# -- negotiated errors -----------------------------------------------------------------------


def test_a_missing_paste_is_an_html_page_for_a_browser(app):
    text = assert_html_error(app.get("/AAAAAAAAAA", headers=BROWSER, status=404), 404)
    assert "No such paste" in text


@pytest.mark.parametrize("accept", [CURL, JSON, {}], ids=["curl", "json", "no-accept"])
def test_a_missing_paste_is_json_for_everyone_else(app, accept):
    assert_json_error(app.get("/AAAAAAAAAA", headers=accept, status=404), 404, "not_found")


def test_a_bad_option_from_a_browser_is_an_html_error_page(app):
    res = send(app, path="/?ttl=bogus", headers=BROWSER, status=400)
    assert "not a duration" in assert_html_error(res, 400)


def test_a_bad_option_from_curl_is_a_json_error(app):
    res = send(app, path="/?ttl=bogus", status=400)
    assert assert_json_error(res, 400)["message"].startswith("not a duration")


@pytest.mark.parametrize("accept", [CURL, BROWSER], ids=["curl", "browser"])
def test_an_unsupported_method_is_405_in_the_negotiated_shape(app, accept):
    res = app.request("/", method="DELETE", headers=accept, status=405)
    if accept is BROWSER:
        assert_html_error(res, 405)
    else:
        assert_json_error(res, 405, "method_not_allowed")


def test_an_empty_body_is_400_a_paste_needs_content(app):
    res = send(app, body=b"", status=400)
    assert assert_json_error(res, 400)["field"] == "content"
