"""An uploaded file's media type is read from its bytes (puremagic, core/media.py), never taken
from the client; which types a browser may show in place; file names cleaned but kept."""

import io
import os

import pytest
from helpers import multipart, png_image

from pastebox.core import media
from pastebox.web.uploads import read_form

TEXT = "text/plain; charset=utf-8"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xc8" * 64
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04" + b"\x00" * 16
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x000\x01\x00\x9d\x01\x2a" + b"\x01\x00" * 8
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.domain)</script></body></html>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>\n'

SNIFFED = {
    "png": (png_image(), "image/png"),
    "jpeg": (JPEG, "image/jpeg"),
    "gif": (GIF, "image/gif"),
    "webp": (WEBP, "image/webp"),
    "pdf": (PDF, "application/pdf"),
    "html": (HTML, "text/html"),
    "html-upper-case": (b"  <HTML><BODY onload=alert(1)>", "text/html"),
    "html-after-a-bom": (b"\xef\xbb\xbf<script>alert(1)</script>", "text/html"),
    "svg": (SVG, "image/svg+xml"),
    "svg-with-xml-declaration": (b'<?xml version="1.0"?>\n' + SVG, "image/svg+xml"),
    "xml": (b'<?xml version="1.0"?>\n<note>hi</note>\n', "application/xml"),
    "plain-text": (b"def main():\n    return 0\n", TEXT),
    "utf8-text": ("héllo wörld ✓\n".encode(), TEXT),
    "json-is-text": (b'{"a": [1, 2]}\n', TEXT),
    "text-opening-like-a-bitmap": (b"BMW and Audi\n", TEXT),
    "empty": (b"", TEXT),
    "random-bytes": (bytes(range(256)) * 4, "application/octet-stream"),
    "utf16-bom-then-binary": (b"\xff\xfe\x00binary\x80\n", "application/octet-stream"),
}


@pytest.mark.parametrize(("data", "expected"), SNIFFED.values(), ids=SNIFFED.keys())
def test_the_media_type_is_read_from_the_bytes(data, expected):
    assert media.sniff(data) == expected


def test_utf8_text_cut_inside_a_character_at_64_kib_is_still_text():
    data = b"a" * (media.SNIFF_BYTES - 1) + "é".encode() * 10
    assert media.sniff(data) == TEXT


def test_a_view_is_sniffed_like_its_bytes():
    buffer = bytearray(b"xx" + png_image())
    assert media.sniff(memoryview(buffer)[2:]) == "image/png"


def test_html_bytes_named_png_and_sent_as_image_png_are_never_an_image():
    body, content_type = multipart(("file", "photo.png", HTML, "image/png"))
    environ = {
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    (upload,) = read_form(environ, 1024).files
    assert upload.name == "photo.png"
    assert upload.media_type in ("text/html", TEXT)
    assert not media.is_image(upload.media_type)
    assert not media.inline_safe(upload.media_type)


INLINE = {
    "image/png": True,
    "image/jpeg": True,
    "image/gif": True,
    "image/webp": True,
    "image/avif": True,
    "image/x-icon": True,
    "application/pdf": True,
    "audio/mpeg": True,
    "video/mp4": True,
    "video/webm": True,
    TEXT: True,
    "TEXT/PLAIN": True,
    "text/html": False,
    "image/svg+xml": False,
    "application/xml": False,
    "text/xml": False,
    "application/xhtml+xml": False,
    "application/javascript": False,
    "application/octet-stream": False,
    "application/zip": False,
    "video/x-unknown": False,
}


@pytest.mark.parametrize(("media_type", "inline"), INLINE.items(), ids=INLINE.keys())
def test_only_the_allowlisted_types_are_safe_inline(media_type, inline):
    assert media.inline_safe(media_type) is inline


@pytest.mark.parametrize(
    ("media_type", "image"),
    [("image/png", True), ("image/webp", True), ("image/svg+xml", False), (TEXT, False)],
)
def test_an_image_is_a_raster_image_never_svg(media_type, image):
    assert media.is_image(media_type) is image


NAMES = {
    "plain": ("shot.png", "shot.png"),
    "spaces-and-accents-kept": ("Café menu (1).pdf", "Café menu (1).pdf"),
    "unix-path": ("../../etc/passwd", "passwd"),
    "windows-path": ("C:\\Users\\me\\shot.png", "shot.png"),
    "control-characters": ("a\x00b\x1bc\x7f.txt", "abc.txt"),
    "newline": ("evil\r\nSet-Cookie: x.txt", "evilSet-Cookie: x.txt"),
    "bidi-override": ("invoice\u202egnp.exe", "invoicegnp.exe"),
    "dot-dot": ("..", ""),
    "only-a-path": ("a/b/", ""),
}


@pytest.mark.parametrize(("sent", "kept"), NAMES.values(), ids=NAMES.keys())
def test_a_file_name_loses_its_path_and_control_characters_only(sent, kept):
    assert media.clean_name(sent) == kept


def test_an_empty_name_takes_the_default():
    assert media.clean_name("/", default="file") == "file"


def test_a_long_name_is_cut_to_255_characters_keeping_its_extension():
    cleaned = media.clean_name("x" * 400 + ".png")
    assert len(cleaned) == 255 and cleaned.endswith("x.png")


def test_sniffing_reads_only_the_first_64_kib():
    data = b"plain text\n" * (media.SNIFF_BYTES // 10) + os.urandom(media.SNIFF_BYTES)
    assert media.sniff(data) == TEXT
