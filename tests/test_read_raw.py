"""Reading a paste's bytes, in process: GET /ID gives curl the raw text byte-exact and a browser
the page; /raw/ID (and /raw/ID/name) is raw for everyone, downloads on request."""

import pytest
from helpers import BROWSER, CURL, JSON, TEXT_TYPE, assert_json_error, curl_create, multipart

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
    paste_id = curl_create(app, body=body)
    res = app.get(f"/{paste_id}", headers=CURL, status=200)
    assert res.body == body
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_a_request_without_accept_gets_the_raw_text(app):
    paste_id = curl_create(app, body=b"raw\n")
    assert app.get(f"/{paste_id}", status=200).body == b"raw\n"


def test_accept_json_on_a_paste_url_gets_the_raw_text_not_html(app):
    paste_id = curl_create(app, body=b"raw\n")
    res = app.get(f"/{paste_id}", headers=JSON, status=200)
    assert res.body == b"raw\n"
    assert res.headers["Content-Type"] == TEXT_TYPE


def test_a_browser_gets_the_rendered_page(app):
    paste_id = curl_create(app, path="/app.py", method="PUT", body=b"import os\n")
    res = app.get(f"/{paste_id}", headers=BROWSER, status=200)
    assert res.content_type == "text/html"
    assert '<pre class="code">' in res.text
    assert "app.py" in res.text


def test_a_body_that_is_not_utf8_comes_back_byte_exact_as_an_octet_stream_download(app):
    body = b"\xff\xfe\x00binary\x80\n"
    paste_id = curl_create(app, body=body)
    res = app.get(f"/{paste_id}", headers=CURL, status=200)
    assert res.body == body
    assert res.headers["Content-Type"] == "application/octet-stream"
    assert res.headers["Content-Disposition"].startswith("attachment;")


# -- /raw ------------------------------------------------------------------------------------


def test_raw_is_raw_even_for_a_browser(app):
    paste_id = curl_create(app, body=b"<b>not html</b>\n")
    res = app.get(f"/raw/{paste_id}", headers=BROWSER, status=200)
    assert res.body == b"<b>not html</b>\n"
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_raw_with_a_file_name_gives_that_file_of_a_multi_file_paste(app):
    body, content_type = multipart(
        ("file", "a.py", b"A\n", None), ("file", "b.txt", b"B\r\n", None)
    )
    paste_id = curl_create(app, body=body, content_type=content_type)
    assert app.get(f"/raw/{paste_id}/a.py", headers=BROWSER, status=200).body == b"A\n"
    res = app.get(f"/raw/{paste_id}/b.txt", headers=CURL, status=200)
    assert res.body == b"B\r\n"
    assert res.headers["Content-Disposition"] == "inline; filename*=UTF-8''b.txt"


def test_raw_of_a_multi_file_paste_without_a_name_gives_every_file_under_a_header(app):
    body, content_type = multipart(("file", "a.py", b"A\n", None), ("file", "b.txt", b"B\n", None))
    paste_id = curl_create(app, body=body, content_type=content_type)
    res = app.get(f"/raw/{paste_id}", headers=CURL, status=200)
    assert res.body == b"==> a.py <==\nA\n\n==> b.txt <==\nB\n"
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == res.body


def test_raw_of_an_unknown_file_name_is_404(app):
    paste_id = curl_create(app, path="/a.py", method="PUT", body=b"A\n")
    res = app.get(f"/raw/{paste_id}/b.py", headers=CURL, status=404)
    assert_json_error(res, 404, "not_found")


def test_raw_download_asks_the_browser_to_save_the_file(app):
    paste_id = curl_create(app, path="/a.py", method="PUT", body=b"A\n")
    res = app.get(f"/raw/{paste_id}/a.py?download=1", headers=BROWSER, status=200)
    assert res.headers["Content-Disposition"] == "attachment; filename*=UTF-8''a.py"
    assert res.body == b"A\n"


def test_raw_of_an_unknown_paste_is_404(app):
    assert_json_error(app.get("/raw/AAAAAAAAAA", headers=CURL, status=404), 404, "not_found")
