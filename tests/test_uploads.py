"""The one upload path (web/uploads.py): the body read once into one buffer with its cap enforced
before and while reading, multipart files as views into that buffer (zero-copy), text fields
small and UTF-8, and 10 MiB held about once in memory (tracemalloc)."""

import io
import os
import tracemalloc

import pytest
from helpers import CURL, MIB, assert_json_error, listed, multipart, png_image

from pastebox.core import pastes
from pastebox.core.errors import Invalid, TooLarge, UnsupportedMedia
from pastebox.core.model import NewFile, NewPaste
from pastebox.web.payload import parse_multipart
from pastebox.web.uploads import FORM_SLACK, MAX_FIELD_BYTES, read_form, read_raw

CAP = 4096


class Stream:
    """A wsgi.input serving `data` then (if `endless`) filler forever; counts the bytes read.
    It has no readinto, as a wrapped input (wsgiref, WebTest's lint) may not."""

    def __init__(self, data: bytes = b"", *, endless: bool = False):
        self.data, self.endless, self.bytes_read = data, endless, 0

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size >= 0, "the reader asked for the whole stream"
        chunk = self.data[self.bytes_read : self.bytes_read + size]
        if self.endless:
            chunk += b"x" * (size - len(chunk))
        self.bytes_read += len(chunk)
        return chunk


def environ(body: bytes | Stream, content_type: str = "", *, chunked: bool = False) -> dict:
    stream = body if isinstance(body, Stream) else io.BytesIO(body)
    env = {"CONTENT_TYPE": content_type, "wsgi.input": stream}
    if chunked:
        env["wsgi.input_terminated"] = True
    else:
        env["CONTENT_LENGTH"] = str(len(body.data if isinstance(body, Stream) else body))
    return env


def form_environ(*parts, chunked: bool = False) -> dict:
    body, content_type = multipart(*parts)
    return environ(body, content_type, chunked=chunked)


# -- read_raw --------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [io.BytesIO, Stream], ids=["readinto", "read-only"])
def test_read_raw_gives_the_body_in_one_bytearray(stream):
    data = os.urandom(200_000)
    body = read_raw({"CONTENT_LENGTH": str(len(data)), "wsgi.input": stream(data)}, len(data))
    assert type(body) is bytearray and body == data


def test_read_raw_refuses_a_declared_length_over_the_cap_before_reading():
    stream = Stream(endless=True)
    env = {"CONTENT_LENGTH": str(CAP + 1), "wsgi.input": stream}
    with pytest.raises(TooLarge):
        read_raw(env, CAP)
    assert stream.bytes_read == 0


def test_read_raw_takes_a_body_of_exactly_the_cap():
    assert len(read_raw(environ(b"y" * CAP), CAP)) == CAP


def test_read_raw_stops_a_chunked_body_one_byte_past_the_cap():
    stream = Stream(endless=True)
    with pytest.raises(TooLarge):
        read_raw(environ(stream, chunked=True), CAP)
    assert stream.bytes_read == CAP + 1


def test_read_raw_reads_a_chunked_body_within_the_cap_to_its_end():
    assert read_raw(environ(Stream(b"z" * CAP), chunked=True), CAP) == b"z" * CAP


def test_read_raw_of_a_body_shorter_than_declared_gives_what_came():
    env = {"CONTENT_LENGTH": "100", "wsgi.input": Stream(b"short")}
    assert read_raw(env, CAP) == b"short"


# -- read_form -------------------------------------------------------------------------------


def test_read_form_gives_text_fields_and_files_with_sniffed_types():
    png = png_image()
    form = read_form(
        form_environ(("device", "Firefox on Android"), ("file", "shot.png", png, "text/html")),
        CAP,
    )
    assert form.fields == {"device": "Firefox on Android"}
    (upload,) = form.files
    assert (upload.field, upload.name, upload.media_type) == ("file", "shot.png", "image/png")
    assert upload.data == png and upload.size == len(png)


def test_files_are_views_into_the_one_body_buffer():
    form = read_form(form_environ(("file", "a.bin", b"\x00a"), ("file", "b.bin", b"\x00b")), CAP)
    first, second = form.files
    assert isinstance(first.data, memoryview)
    assert type(first.data.obj) is bytearray and first.data.obj is second.data.obj


def test_a_file_over_the_file_cap_is_too_large_even_within_the_body_cap():
    with pytest.raises(TooLarge):
        read_form(form_environ(("file", "big.bin", b"\x00" * (CAP + 1))), CAP)


def test_a_file_of_exactly_the_file_cap_is_taken():
    (upload,) = read_form(form_environ(("file", "big.bin", b"\x00" * CAP)), CAP).files
    assert upload.size == CAP


def test_a_body_over_the_file_cap_and_the_slack_is_refused_before_reading():
    stream = Stream(endless=True)
    env = {
        "CONTENT_TYPE": "multipart/form-data; boundary=b",
        "CONTENT_LENGTH": str(CAP + FORM_SLACK + 1),
        "wsgi.input": stream,
    }
    with pytest.raises(TooLarge):
        read_form(env, CAP)
    assert stream.bytes_read == 0


def test_a_chunked_form_is_cut_off_past_the_file_cap_and_the_slack():
    stream = Stream(endless=True)
    env = {
        "CONTENT_TYPE": "multipart/form-data; boundary=b",
        "wsgi.input_terminated": True,
        "wsgi.input": stream,
    }
    with pytest.raises(TooLarge):
        read_form(env, CAP)
    assert stream.bytes_read == CAP + FORM_SLACK + 1


@pytest.mark.parametrize("content_type", ["application/octet-stream", "application/json", ""])
def test_a_body_that_is_not_multipart_form_data_is_unsupported(content_type):
    with pytest.raises(UnsupportedMedia):
        read_form(environ(b"hello", content_type), CAP)


def test_a_file_name_is_cleaned_but_kept_as_sent():
    (upload,) = read_form(
        form_environ(("file", "../../x/Ünïcode\x1b shot.png", b"\x00")), CAP
    ).files
    assert upload.name == "Ünïcode shot.png"


def test_a_file_name_with_nothing_left_is_named_file():
    (upload,) = read_form(form_environ(("file", "../", b"\x00")), CAP).files
    assert upload.name == "file"


def test_an_empty_file_chooser_is_no_file():
    assert read_form(form_environ(("file", "", b"", "application/octet-stream")), CAP).files == []


def test_a_text_field_over_64_kib_is_too_large():
    with pytest.raises(TooLarge):
        read_form(form_environ(("device", "d" * (MAX_FIELD_BYTES + 1))), MAX_FIELD_BYTES * 2)


def test_a_text_field_sent_twice_is_refused():
    with pytest.raises(Invalid):
        read_form(form_environ(("device", "a"), ("device", "b")), CAP)


def test_a_text_field_that_is_not_utf8_is_refused():
    with pytest.raises(Invalid):
        read_form(form_environ(("device", b"\xff\xfe")), CAP)


def test_the_parser_takes_bytes_as_well_as_a_bytearray():
    body, content_type = multipart(("a", "1"), ("f", "f.txt", b"two"))
    for buffer in (body, bytearray(body)):
        parts = parse_multipart(buffer, content_type)
        assert [(p.name, p.filename, bytes(p.data)) for p in parts] == [
            ("a", None, b"1"),
            ("f", "f.txt", b"two"),
        ]


# -- memory ----------------------------------------------------------------------------------

UPLOAD = 10 * MIB


def test_a_10_mib_upload_is_held_once(tmp_path):
    """Peak Python allocation while reading and parsing a 10 MiB multipart upload, read from a
    file as waitress hands a large body over (a BytesIO would share its bytes): about 1x, where
    reading in chunks, joining them and splitting the body held 4x."""
    body, content_type = multipart(("file", "big.bin", b"\x00" + os.urandom(UPLOAD - 1)))
    path = tmp_path / "body"
    path.write_bytes(body)
    with path.open("rb") as stream:
        env = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)), "wsgi.input": stream}
        tracemalloc.start()
        try:
            form = read_form(env, UPLOAD)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert form.files[0].size == UPLOAD
    assert peak <= 1.3 * UPLOAD, f"peak {peak / UPLOAD:.2f}x the upload"


# -- the paste path --------------------------------------------------------------------------

PASTE_CAP = 1000


def test_a_paste_upload_over_the_cap_is_a_413_and_makes_no_paste(make_app, olive_key):
    app = make_app(max_paste_bytes=PASTE_CAP)
    headers = {**CURL, "X-Api-Key": olive_key}
    for size in (PASTE_CAP, PASTE_CAP + 1):
        body, content_type = multipart(("file", "big.bin", b"\x00" * size))
        status = 201 if size == PASTE_CAP else 413
        res = app.post("/", body, headers={**headers, "Content-Type": content_type}, status=status)
    assert_json_error(res, 413, "too_large")
    assert len(listed(app, olive_key)) == 1  # the one at the cap


def test_a_binary_paste_costs_the_core_no_copy_of_its_bytes(core):
    """The core asks whether a file is UTF-8 a slice at a time: a failed decode of 10 MiB of
    binary allocated 20 MiB before it raised (a whole curl -F request held 3x its upload)."""
    data = b"\xff" + os.urandom(UPLOAD - 1)
    tracemalloc.start()
    try:
        pastes.create(core, NewPaste(files=(NewFile("big.bin", data),)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 0.2 * UPLOAD, f"peak {peak / UPLOAD:.2f}x the upload"


def test_a_whole_curl_upload_of_a_binary_paste_holds_its_body_once(app, tmp_path):
    """Through the app, from a body as waitress hands it over (a file) to the 201: the file's
    bytes go to the store as a view of the one body buffer, never copied out of it."""
    body, content_type = multipart(("file", "big.bin", b"\xff" + os.urandom(UPLOAD - 1)))
    path = tmp_path / "body"
    path.write_bytes(body)
    del body
    replies = []
    with path.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/", "SERVER_NAME": "localhost",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "REMOTE_ADDR": "10.1.2.3", "HTTP_ACCEPT": "*/*", "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(path.stat().st_size), "wsgi.input": stream,
            "wsgi.errors": io.StringIO(),
        }  # fmt: skip
        tracemalloc.start()
        try:
            b"".join(app.app(environ, lambda status, headers, *_: replies.append(status)))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert replies == ["201 Created"]
    assert peak <= 1.3 * UPLOAD, f"peak {peak / UPLOAD:.2f}x the upload"
