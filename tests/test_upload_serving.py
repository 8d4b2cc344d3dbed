"""Served files (responses.file_response, and a paste's raw files): their sniffed type, never
sniffed again by the browser (nosniff), sandboxed (CSP sandbox), and shown in place only when
the type is safe inline; HTML and SVG uploads come back as sandboxed attachments."""

import pytest
from helpers import CURL, TEXT_TYPE, curl_create, multipart, png_image

from pastebox.core import media
from pastebox.web.responses import file_response

HTML = b"<!doctype html><script>alert(document.cookie)</script>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"

SERVED = {
    "png": ("shot.png", png_image(), "image/png", "inline"),
    "pdf": ("doc.pdf", PDF, "application/pdf", "inline"),
    "text": ("notes.txt", b"hello\n", TEXT_TYPE, "inline"),
    "html": ("page.html", HTML, "text/html", "attachment"),
    "svg": ("logo.svg", SVG, "image/svg+xml", "attachment"),
    "binary": ("blob.bin", bytes(range(256)), "application/octet-stream", "attachment"),
}


@pytest.mark.parametrize(("name", "data", "kind", "disposition"), SERVED.values(), ids=SERVED)
def test_a_file_is_served_with_its_sniffed_type_nosniff_a_sandbox_and_its_disposition(
    name, data, kind, disposition
):
    res = file_response(name, media.sniff(data), data)
    assert res.status_code == 200 and res.body == data
    assert res.headers["Content-Type"] == kind
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Content-Security-Policy"] == "sandbox"
    assert res.headers["Content-Disposition"] == f"{disposition}; filename*=UTF-8''{name}"


def test_a_download_is_an_attachment_even_when_safe_inline():
    res = file_response("shot.png", "image/png", png_image(), download=True)
    assert res.headers["Content-Disposition"].startswith("attachment;")


def test_a_private_file_is_kept_by_no_cache():
    assert file_response("a.txt", TEXT_TYPE, b"x", private=True).headers["Cache-Control"] == (
        "no-store"
    )
    assert "Cache-Control" not in file_response("a.txt", TEXT_TYPE, b"x").headers


def test_a_file_name_is_percent_encoded_in_the_header():
    res = file_response('Café "menu"; x.pdf', "application/pdf", PDF)
    assert res.headers["Content-Disposition"] == (
        "inline; filename*=UTF-8''Caf%C3%A9%20%22menu%22%3B%20x.pdf"
    )


def test_a_view_into_a_buffer_is_served_as_its_bytes():
    buffer = bytearray(b"--" + png_image())
    assert file_response("a.png", "image/png", memoryview(buffer)[2:]).body == png_image()


# -- a paste's files -------------------------------------------------------------------------


def upload_paste(app, name: str, data: bytes, client_type: str = "application/octet-stream"):
    body, content_type = multipart(("file", name, data, client_type))
    return curl_create(app, body=body, headers={"Content-Type": content_type})


@pytest.mark.parametrize(("name", "data"), [("page.html", HTML), ("logo.svg", SVG)])
def test_an_html_or_svg_upload_in_a_paste_is_a_sandboxed_plain_text_attachment(app, name, data):
    paste_id = upload_paste(app, name, data, client_type="text/html")
    res = app.get(f"/raw/{paste_id}/{name}", headers=CURL, status=200)
    assert res.body == data
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Content-Security-Policy"] == "sandbox"
    assert res.headers["Content-Disposition"].startswith("attachment;")


def test_a_png_in_a_paste_is_served_inline_as_an_image(app):
    paste_id = upload_paste(app, "shot.png", png_image(), client_type="text/html")
    res = app.get(f"/raw/{paste_id}/shot.png", headers=CURL, status=200)
    assert res.body == png_image()
    assert res.headers["Content-Type"] == "image/png"
    assert res.headers["Content-Security-Policy"] == "sandbox"
    assert res.headers["Content-Disposition"] == "inline; filename*=UTF-8''shot.png"


def test_html_bytes_named_png_in_a_paste_are_never_served_as_an_image(app):
    paste_id = upload_paste(app, "shot.png", HTML, client_type="image/png")
    res = app.get(f"/raw/{paste_id}/shot.png", headers=CURL, status=200)
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert res.headers["Content-Disposition"].startswith("attachment;")


def test_a_text_paste_is_still_plain_text_inline_in_a_sandbox(app):
    paste_id = curl_create(app, body=b"print('hi')\n")
    res = app.get(f"/raw/{paste_id}", headers=CURL, status=200)
    assert res.headers["Content-Type"] == TEXT_TYPE
    assert res.headers["Content-Security-Policy"] == "sandbox"
    assert res.headers["Content-Disposition"].startswith("inline;")


def test_a_several_file_raw_reply_is_sandboxed_too(app):
    body, content_type = multipart(("file", "a.txt", b"A\n"), ("file", "b.txt", b"B\n"))
    paste_id = curl_create(app, body=body, headers={"Content-Type": content_type})
    res = app.get(f"/raw/{paste_id}", headers=CURL, status=200)
    assert res.headers["Content-Security-Policy"] == "sandbox"
