"""The request body cap, over HTTP in process: content over the paste limit is a 413 (UTF-8
bytes, all files together, edits too), declared and chunked bodies over the cap are refused
unread or cut off, and a 413 loses nothing stored."""

import json

import pytest
import webtest
from helpers import PASTES, assert_json_error, listed

from pastebox.limits import READ_CHUNK
from pastebox.web.app import services_of

PASTE_CAP = 1000  # max_paste_bytes for the body-size tests


# -- helpers ---------------------------------------------------------------------------------


class Stream:
    """A wsgi.input that serves `data`, then (if `endless`) filler bytes forever; counts reads."""

    def __init__(self, data: bytes = b"", *, endless: bool = False):
        self.data = data
        self.endless = endless
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            assert not self.endless, "the server tried to read an endless body to its end"
            size = len(self.data) - self.bytes_read
        start = self.bytes_read
        chunk = self.data[start : start + size]
        if self.endless:
            chunk += b"x" * (size - len(chunk))
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, *args) -> bytes:
        raise AssertionError("the body is read in chunks, never by lines")

    def readlines(self, *args) -> list[bytes]:
        raise AssertionError("the body is read in chunks, never by lines")

    def __iter__(self):
        raise AssertionError("the body is read in chunks, never by iteration")


def send(
    app: webtest.TestApp,
    stream: Stream,
    *,
    path: str = PASTES,
    content_length: str | None = None,
    chunked: bool = False,
    content_type: str = "application/json",
    lint: bool = True,
):
    """A POST whose wsgi.input is `stream`, with the declared Content-Length (or none).

    lint=False lets a malformed Content-Length through WebTest's own WSGI checks."""
    req = webtest.TestRequest.blank(path, method="POST")
    env = req.environ
    env["wsgi.input"] = stream
    env["webob.is_body_seekable"] = False
    env["CONTENT_TYPE"] = content_type
    env.pop("CONTENT_LENGTH", None)
    if content_length is not None:
        env["CONTENT_LENGTH"] = content_length
    if chunked:
        env["wsgi.input_terminated"] = True
        env["HTTP_TRANSFER_ENCODING"] = "chunked"
    if not lint:
        app = webtest.TestApp(app.app, lint=False)
    return app.do_request(req, status="*", expect_errors=True)


# -- the body size limit ---------------------------------------------------------------------


@pytest.fixture
def small_app(make_app) -> webtest.TestApp:
    return make_app(max_paste_bytes=PASTE_CAP)


@pytest.fixture
def body_cap(small_app) -> int:
    """The read cap: the paste limit plus room for JSON or multipart framing."""
    return services_of(small_app.app).cfg.max_body_bytes


def test_content_of_exactly_the_limit_is_accepted(small_app):
    small_app.post_json(PASTES, {"content": "x" * PASTE_CAP}, status=201)


def test_content_over_the_limit_is_a_413_json_error(small_app):
    res = small_app.post_json(PASTES, {"content": "x" * (PASTE_CAP + 1)}, status=413)
    assert_json_error(res, 413, "too_large")


def test_the_limit_counts_utf8_bytes_not_characters(small_app):
    res = small_app.post_json(PASTES, {"content": "é" * (PASTE_CAP // 2 + 1)}, status=413)
    assert_json_error(res, 413, "too_large")


def test_the_limit_counts_all_files_together(small_app):
    files = [{"name": f"f{i}.txt", "content": "x" * (PASTE_CAP // 2)} for i in range(3)]
    assert_json_error(small_app.post_json(PASTES, {"files": files}, status=413), 413, "too_large")


def test_an_edit_over_the_limit_is_a_413_and_keeps_the_paste(small_app):
    created = small_app.post_json(PASTES, {"content": "keep"}, status=201).json
    url = f"{PASTES}/{created['publicId']}"
    res = small_app.patch_json(
        url,
        {"content": "x" * (PASTE_CAP + 1)},
        headers={"X-Manage-Token": created["manageToken"]},
        status=413,
    )
    assert_json_error(res, 413, "too_large")
    assert small_app.get(url).json["content"] == "keep"


def test_a_curl_paste_over_the_limit_is_a_413_json_error(small_app):
    assert_json_error(small_app.post("/", b"x" * (PASTE_CAP + 1), status=413), 413, "too_large")


def test_a_declared_length_over_the_cap_is_refused_without_reading_the_body(small_app, body_cap):
    stream = Stream(endless=True)
    res = send(small_app, stream, content_length=str(body_cap + 1))
    assert_json_error(res, 413, "too_large")
    assert stream.bytes_read == 0


def test_a_huge_declared_length_is_refused_without_reading_the_body(small_app):
    stream = Stream(endless=True)
    assert_json_error(send(small_app, stream, content_length="9" * 30), 413, "too_large")
    assert stream.bytes_read == 0


def test_the_curl_surface_refuses_a_declared_length_over_the_cap_unread(small_app, body_cap):
    stream = Stream(endless=True)
    res = send(small_app, stream, path="/", content_length=str(body_cap + 1), content_type="")
    assert_json_error(res, 413, "too_large")
    assert stream.bytes_read == 0


@pytest.mark.parametrize("declared", ["-1", "1e3", "0x10", " 10", "١٠"], ids=repr)
def test_a_content_length_that_is_not_a_number_is_a_400(small_app, declared):
    stream = Stream(b'{"content": "x"}')
    assert_json_error(
        send(small_app, stream, content_length=declared, lint=False), 400, "bad_content_length"
    )


def test_a_chunked_body_over_the_cap_is_cut_off_while_reading(small_app, body_cap):
    stream = Stream(endless=True)
    assert_json_error(send(small_app, stream, chunked=True), 413, "too_large")
    assert body_cap < stream.bytes_read <= body_cap + 1


def test_a_chunked_curl_body_over_the_cap_is_cut_off_while_reading(small_app, body_cap):
    stream = Stream(endless=True)
    res = send(small_app, stream, path="/", chunked=True, content_type="text/plain")
    assert_json_error(res, 413, "too_large")
    assert stream.bytes_read <= body_cap + 1


def test_a_chunked_body_within_the_cap_is_read_to_its_end(small_app):
    body = json.dumps({"content": "y" * (READ_CHUNK // 100)}).encode()
    res = send(small_app, Stream(body), chunked=True)
    assert res.status_int == 201, res.text
    assert small_app.get(f"{PASTES}/{res.json['publicId']}").json["content"] == "y" * (
        READ_CHUNK // 100
    )


def test_a_body_longer_than_its_content_length_is_read_only_that_far(small_app):
    body = json.dumps({"content": "declared"}).encode()
    stream = Stream(body + b"trailing bytes the client did not declare")
    res = send(small_app, stream, content_length=str(len(body)))
    assert res.status_int == 201, res.text
    assert stream.bytes_read == len(body)
    assert small_app.get(f"{PASTES}/{res.json['publicId']}").json["content"] == "declared"


def test_a_body_cut_short_by_its_content_length_is_invalid_json(small_app):
    body = json.dumps({"content": "cut here"}).encode()
    res = send(small_app, Stream(body), content_length=str(len(body) - 5))
    assert_json_error(res, 400, "invalid_json")


# -- nothing stored is lost ------------------------------------------------------------------


def oversize_json(app, cap, paste_id, headers):
    return app.post_json(PASTES, {"content": "x" * (PASTE_CAP + 1)}, expect_errors=True)


def oversize_declared(app, cap, paste_id, headers):
    return send(app, Stream(endless=True), content_length=str(cap + 1))


def oversize_chunked(app, cap, paste_id, headers):
    return send(app, Stream(endless=True), chunked=True)


def oversize_curl(app, cap, paste_id, headers):
    return send(app, Stream(endless=True), path="/", chunked=True, content_type="text/plain")


def oversize_edit(app, cap, paste_id, headers):
    body = {"content": "x" * (PASTE_CAP + 1)}
    return app.patch_json(f"{PASTES}/{paste_id}", body, headers=headers, expect_errors=True)


def oversize_edit_declared(app, cap, paste_id, headers):
    req = webtest.TestRequest.blank(f"{PASTES}/{paste_id}", method="PATCH", headers=headers)
    req.environ.update(
        {"wsgi.input": Stream(endless=True), "webob.is_body_seekable": False,
         "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(cap + 1)}
    )  # fmt: skip
    return app.do_request(req, status="*", expect_errors=True)


@pytest.mark.parametrize(
    "refused",
    [oversize_json, oversize_declared, oversize_chunked, oversize_curl, oversize_edit,
     oversize_edit_declared],
)  # fmt: skip
def test_a_413_loses_nothing_already_stored(small_app, body_cap, olive_key, refused):
    headers = {"X-Api-Key": olive_key}
    files = [{"name": "a.txt", "content": "first\n"}, {"name": "b.txt", "content": "second\n"}]
    paste_id = small_app.post_json(
        PASTES, {"files": files, "title": "kept"}, headers=headers, status=201
    ).json["publicId"]
    before = small_app.get(f"{PASTES}/{paste_id}", headers=headers).json

    assert refused(small_app, body_cap, paste_id, headers).status_int == 413

    after = small_app.get(f"{PASTES}/{paste_id}", headers=headers).json
    assert after["files"] == before["files"]
    assert after["title"] == "kept"
    assert after["revision"] == 1
    assert listed(small_app, olive_key) == [paste_id]
    revisions = small_app.get(f"{PASTES}/{paste_id}/revisions").json["revisions"]
    assert len(revisions) == 1
