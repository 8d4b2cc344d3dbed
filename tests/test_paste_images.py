"""Images show as images on a paste page: a paste made with `curl -F file=@shot.png host` shows
the picture (an <img> of its raw file), not "Binary file"; text, SVG, other binaries and
password pastes (whose raw bytes need the password header) are shown as before."""

from helpers import (
    BROWSER,
    CURL,
    PASSWORD,
    Document,
    curl_create,
    multipart,
    page,
    png_image,
    reveal,
)

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>\n'


def curl_form(app, *parts, headers: dict[str, str] | None = None) -> str:
    """`curl -F ...`: a multipart paste."""
    body, content_type = multipart(*parts)
    return curl_create(app, body=body, headers={"Content-Type": content_type, **(headers or {})})


def images(text: str) -> list[dict[str, str | None]]:
    return [dict(attrs) for tag, attrs in Document(text).elements if tag == "img"]


def test_a_png_sent_with_curl_F_shows_as_an_image_of_its_raw_file(app):
    paste_id = curl_form(app, ("file", "shot.png", png_image()))
    res = page(app, paste_id)
    assert images(res.text) == [{"src": f"/raw/{paste_id}/shot.png", "alt": "shot.png"}]
    assert "Binary file" not in res.text
    raw = app.get(f"/raw/{paste_id}/shot.png", headers=BROWSER, status=200)
    assert raw.content_type == "image/png" and raw.body == png_image()


def test_an_image_beside_a_text_file_shows_both(app):
    paste_id = curl_form(app, ("file", "a.py", b"print(1)\n"), ("file", "my shot.png", png_image()))
    text = page(app, paste_id).text
    assert images(text) == [{"src": f"/raw/{paste_id}/my%20shot.png", "alt": "my shot.png"}]
    assert '<pre class="code">' in text


def test_an_image_sent_as_the_whole_body_shows_too(app):
    paste_id = curl_create(app, body=png_image(), headers={"Content-Type": "image/png"})
    assert len(images(page(app, paste_id).text)) == 1


def test_a_text_paste_page_has_no_image(app):
    paste_id = curl_create(app, body=b"def f():\n    return 1\n")
    text = page(app, paste_id).text
    assert images(text) == []
    assert '<pre class="code">' in text


def test_an_svg_is_text_not_an_image(app):
    paste_id = curl_form(app, ("file", "logo.svg", SVG))
    assert images(page(app, paste_id).text) == []


def test_a_binary_that_is_no_image_is_still_a_binary_file(app):
    paste_id = curl_form(app, ("file", "blob.bin", bytes(range(256))))
    text = page(app, paste_id).text
    assert images(text) == []
    assert "Binary file, 256 bytes." in text


def test_a_file_named_png_that_is_not_one_is_no_image(app):
    paste_id = curl_form(app, ("file", "fake.png", b"\x00\x01" + bytes(range(256)), "image/png"))
    assert images(page(app, paste_id).text) == []


def test_a_password_paste_shows_no_image_its_raw_needs_the_password(app):
    paste_id = curl_form(
        app, ("file", "shot.png", png_image()), headers={"Paste-Authorization": PASSWORD}
    )
    text = reveal(app, paste_id, password=PASSWORD).text
    assert images(text) == []
    assert "Binary file" in text
    app.get(f"/raw/{paste_id}/shot.png", headers=CURL, status=401)
