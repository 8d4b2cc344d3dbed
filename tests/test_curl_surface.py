"""The curl surface and the pages, in-process: create, negotiated reads, burn, raw, errors."""

import pytest

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
CURL = {"Accept": "*/*"}
FORM = "application/x-www-form-urlencoded"  # what curl --data-binary labels a body


def post_raw(app, body: bytes, query: str = "", content_type: str = FORM, **kwargs):
    return app.post(f"/{query}", body, headers={"Content-Type": content_type, **CURL}, **kwargs)


def paste_id_of(reply) -> str:
    return reply.text.strip().rsplit("/", 1)[1]


def test_a_raw_post_answers_the_url_and_a_newline_with_the_token_in_a_header(app):
    reply = post_raw(app, b"hello\n", status=201)
    assert reply.content_type == "text/plain"
    assert reply.text.startswith("http://") and reply.text.endswith("\n")
    assert reply.headers["X-Manage-Token"]
    assert reply.headers["Location"] == reply.text.strip()


@pytest.mark.parametrize(
    "content",
    [b"crlf\r\nlines\r\n", b"\ttabs\tand  spaces  \n", b"no trailing newline", b"\n\n\n",
     "utf-8: \u00e9\u4e2d\U0001f600\n".encode()],
)  # fmt: skip
def test_curl_reads_back_exactly_the_bytes_it_sent(app, content):
    paste_id = paste_id_of(post_raw(app, content, status=201))
    reply = app.get(f"/{paste_id}", headers=CURL, status=200)
    assert reply.body == content
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_a_urlencoded_looking_body_is_still_the_raw_text(app):
    paste_id = paste_id_of(post_raw(app, b"content=not+a+field%0A", status=201))
    assert app.get(f"/raw/{paste_id}").body == b"content=not+a+field%0A"


def test_any_content_type_is_taken_as_the_raw_text(app):
    paste_id = paste_id_of(post_raw(app, b"a=1&b=2", content_type="application/json", status=201))
    assert app.get(f"/raw/{paste_id}").body == b"a=1&b=2"


def test_put_with_a_file_name_names_the_file_and_picks_its_language(app):
    reply = app.put("/hello.py", b"print('hi')\n", headers=CURL, status=201)
    paste_id = paste_id_of(reply)
    body = app.get(f"/api/v1/pastes/{paste_id}").json
    assert body["syntax"] == "python"
    assert app.get(f"/raw/{paste_id}/hello.py").body == b"print('hi')\n"


def test_multipart_files_make_one_paste_with_several_files(app):
    reply = app.post(
        "/",
        upload_files=[("file", "a.py", b"x = 1\n"), ("file", "b.txt", b"plain\n")],
        headers=CURL,
        status=201,
    )
    paste_id = paste_id_of(reply)
    assert app.get(f"/raw/{paste_id}/a.py").body == b"x = 1\n"
    assert app.get(f"/raw/{paste_id}/b.txt").body == b"plain\n"
    app.get(f"/raw/{paste_id}/c.txt", status=404)


def test_a_content_field_of_a_multipart_form_is_the_text(app):
    reply = app.post(
        "/",
        {"content": "from a form\n"},
        content_type="multipart/form-data",
        headers=CURL,
        status=201,
    )
    assert app.get(f"/raw/{paste_id_of(reply)}").body == b"from a form\n"


def test_options_come_from_the_query(app, clock):
    reply = post_raw(app, b"short-lived\n", "?ttl=10m&title=Notes&lang=python", status=201)
    body = app.get(f"/api/v1/pastes/{paste_id_of(reply)}").json
    assert body["title"] == "Notes" and body["syntax"] == "python"
    clock.advance(601)
    app.get(f"/raw/{paste_id_of(reply)}", status=410)


@pytest.mark.parametrize("query", ["?ttl=soon", "?ttl=-5", "?burn=maybe", "?exposure=secret"])
def test_bad_options_are_refused_as_json(app, query):
    reply = post_raw(app, b"x", query, status=400)
    assert reply.json["error"]


def test_accept_json_gets_a_json_reply_with_the_token(app):
    reply = app.post(
        "/",
        b"json please",
        headers={"Content-Type": FORM, "Accept": "application/json"},
        status=201,
    )
    assert reply.json["publicId"] and reply.json["manageToken"]


def test_curl_gets_the_manual_at_the_root_and_browsers_get_the_page(app):
    manual = app.get("/", headers=CURL, status=200)
    assert manual.content_type == "text/plain"
    assert "curl --data-binary @" in manual.text
    page = app.get("/", headers=BROWSER, status=200)
    assert page.content_type == "text/html"


def test_a_browser_gets_the_rendered_page_with_security_headers(app):
    paste_id = paste_id_of(post_raw(app, b"<script>alert(1)</script>\n", status=201))
    page = app.get(f"/{paste_id}", headers=BROWSER, status=200)
    assert page.content_type == "text/html"
    assert "<script>alert(1)</script>" not in page.text
    assert "alert(1)" in page.text and "&lt;/script&gt;" in page.text  # shown, as text
    assert "default-src" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_a_hostile_title_is_escaped_on_the_page(app):
    title = '"><img src=x onerror=alert(1)>'
    created = app.post_json("/api/v1/pastes", {"content": "x", "title": title}).json
    page = app.get(f"/{created['publicId']}", headers=BROWSER, status=200)
    assert "<img src=x" not in page.text


def test_a_burn_paste_is_read_once_by_curl(app):
    paste_id = paste_id_of(post_raw(app, b"secret\n", "?burn=1", status=201))
    assert app.get(f"/{paste_id}", headers=CURL).body == b"secret\n"
    app.get(f"/{paste_id}", headers=CURL, status=410)


def test_a_browser_sees_the_interstitial_and_only_the_post_reveals(app):
    paste_id = paste_id_of(post_raw(app, b"for your eyes only\n", "?burn=1", status=201))
    for _ in range(3):  # link previews and reloads do not burn it
        page = app.get(f"/{paste_id}", headers=BROWSER, status=200)
        assert "for your eyes only" not in page.text
        assert page.headers["Cache-Control"] == "no-store"
    revealed = app.post(f"/{paste_id}", headers=BROWSER, status=200)
    assert "for your eyes only" in revealed.text
    app.post(f"/{paste_id}", headers=BROWSER, status=410)


def test_head_never_burns(app):
    paste_id = paste_id_of(post_raw(app, b"still here\n", "?burn=1", status=201))
    app.head(f"/raw/{paste_id}", status=200)
    app.head(f"/{paste_id}", headers=CURL, status=200)
    assert app.get(f"/raw/{paste_id}").body == b"still here\n"


def test_download_asks_for_an_attachment(app):
    reply = app.put("/notes.txt", b"keep\n", headers=CURL, status=201)
    raw = app.get(f"/raw/{paste_id_of(reply)}?download=1", status=200)
    assert raw.headers["Content-Disposition"].startswith("attachment")


def test_errors_are_html_for_browsers_and_json_for_curl(app):
    html = app.get("/NoSuchPaste1", headers=BROWSER, status=404)
    assert html.content_type == "text/html"
    plain = app.get("/NoSuchPaste1", headers=CURL, status=404)
    assert plain.json["error"] == "not_found"


@pytest.mark.parametrize(
    "path",
    ["/raw/..%2f..%2fetc%2fpasswd", "/raw/%00", "/" + "a" * 300, "/raw/caf%C3%A9", "/static/../app.py",
     "/static/%2e%2e/app.py"],
)  # fmt: skip
def test_path_tricks_are_404_never_a_file_or_a_crash(app, path):
    reply = app.get(path, headers=CURL, expect_errors=True)
    assert 400 <= reply.status_int < 500
    assert b"Traceback" not in reply.body and b"import " not in reply.body


def test_stylesheets_are_served_as_css(app):
    assert app.get("/static/pastebox.css").content_type == "text/css"
    assert app.get("/static/pygments.css").content_type == "text/css"
