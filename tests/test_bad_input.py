"""No request makes the server answer 5xx: a matrix of malformed, hostile and oversize input for the
JSON API and the curl surface, each refused with a 4xx in the surface's error shape, and a paste
stored before the matrix still intact after every request of it."""

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import webtest
from helpers import CURL, PASTES, FakeClock, multipart
from webtest import TestRequest

from pastebox.config import load_config
from pastebox.store import Store, open_store
from pastebox.web.app import create_app

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


JSON_TYPE = {"Content-Type": "application/json"}


MAX_PASTE_BYTES = 64 * 1024


SENTINEL = b"keep me \x00\r\n\tbyte-exact \xe2\x9c\x93\n"  # stored first, checked after every test


TARGET = "the target of PATCH and extend\n"


# What a Python traceback or bottle's debug page would put in a body.
TRACEBACK_MARKS = (b"Traceback", b'File "', b'.py", line', b"Internal Server Error", b"<pre>")


@dataclass
class Server:
    app: webtest.TestApp
    store: Store
    sentinel: str  # a curl paste that every test checks is still byte-exact
    target: str  # an API paste the PATCH and extend cases aim at (with its token)
    token: str

    @property
    def manage(self) -> dict[str, str]:
        return {"X-Manage-Token": self.token}


@pytest.fixture(scope="module")
def server(tmp_path_factory, renderer) -> Iterator[Server]:
    """One app and database for the whole matrix: refused requests leave nothing to reset."""
    db = tmp_path_factory.mktemp("bad-input") / "pastebox.db"
    cfg = load_config(
        env={}, flags={"db": str(db), "rate_limit": 0, "max_paste_bytes": MAX_PASTE_BYTES}
    )
    store = open_store(cfg.db, synchronous=cfg.synchronous)
    app = webtest.TestApp(create_app(cfg, store, now=FakeClock(), renderer=renderer))
    res = app.post("/?ttl=1d", SENTINEL, headers=CURL, status=201)
    target = app.post_json(PASTES, {"content": TARGET, "ttlSeconds": 3600}, status=201).json
    yield Server(
        app, store, res.text.strip().rsplit("/", 1)[1], target["publicId"], target["manageToken"]
    )
    store.close()


@pytest.fixture(autouse=True)
def intact(server: Server, caplog) -> Iterator[None]:
    """After every request of the matrix: the stored pastes are untouched and nothing was logged
    as an unexpected error."""
    caplog.set_level(logging.WARNING, logger="pastebox")
    yield
    assert server.app.get(f"/raw/{server.sentinel}", status=200).body == SENTINEL
    target = server.app.get(f"{PASTES}/{server.target}", status=200).json
    assert (target["content"], target["revision"], target["title"]) == (TARGET, 1, "")
    assert target["expiresAt"] == "2027-01-15T09:00:00.000Z"  # not extended
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


# -- helpers ---------------------------------------------------------------------------------


def assert_refused(res, *, json_shape: bool) -> None:
    """A 4xx with no traceback; in the JSON shape {"error", "message"} where the surface is JSON."""
    assert 400 <= res.status_int < 500, (res.status, res.body[:300])
    for mark in TRACEBACK_MARKS:
        assert mark not in res.body
    if json_shape:
        assert res.content_type == "application/json", res.body[:300]
        body = json.loads(res.body)
        assert isinstance(body, dict)
        assert isinstance(body["error"], str) and body["error"]
        assert isinstance(body["message"], str) and body["message"]
    else:
        assert res.content_type == "text/html"
        assert res.body.lstrip().startswith(b"<!doctype html>")


def file_part(filename: bytes, data: bytes = b"x\n", name: bytes = b"file") -> bytes:
    disposition = b'form-data; name="' + name + b'"; filename="' + filename + b'"'
    return b"Content-Disposition: " + disposition + b"\r\n\r\n" + data


def field_part(name: bytes, data: bytes) -> bytes:
    return b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n' + data


B0UNDARY = "b0undary"


MULTIPART = f"multipart/form-data; boundary={B0UNDARY}"


# -- the JSON API: bodies that are not a usable JSON object ----------------------------------

NOT_AN_OBJECT = {
    "invalid-json": b'{"content": "x"',
    "trailing-garbage": b'{"content": "x"} x',
    "single-quotes": b"{'content': 'x'}",
    "invalid-utf8": b'{"content": "\xff\xfe"}',
    "utf8-encoded-surrogate": b'{"content": "\xed\xa0\x80"}',
    "utf16-body": '{"content": "x"}'.encode("utf-16"),
    "deep-arrays": b"[" * 100_000 + b"]" * 100_000,
    "deep-objects": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "deep-inside-content": b'{"content": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "nan": b'{"content": "x", "ttlSeconds": NaN}',
    "infinity": b'{"content": "x", "ttlSeconds": Infinity}',
    "minus-infinity": b'{"content": "x", "ttlSeconds": -Infinity}',
    "duplicate-keys": b'{"content": "a", "content": "b"}',
    "lone-surrogate-value": b'{"content": "\\ud800"}',
    "lone-low-surrogate": b'{"content": "x\\udc00y"}',
    "lone-surrogate-key": b'{"\\ud800": "x"}',
    "lone-surrogate-title": b'{"content": "x", "title": "\\udfff"}',
    "empty-body": b"",
    "whitespace-body": b" \r\n\t ",
    "list": b'[{"content": "x"}]',
    "string": b'"content"',
    "number": b"42",
    "null": b"null",
    "true": b"true",
    "form-urlencoded": b"content=x&title=y",
    "multipart": multipart(field_part(b"content", b"x"), boundary=B0UNDARY)[0],
    "nul-bytes": b"\x00" * 64,
    "bom-then-json": b'\xef\xbb\xbf{"content": "x"}',
}


@pytest.mark.parametrize("body", NOT_AN_OBJECT.values(), ids=NOT_AN_OBJECT.keys())
@pytest.mark.parametrize("route", ["create", "patch", "extend"])
def test_a_body_that_is_not_a_json_object_is_refused(server, route, body):
    method, path, headers = {
        "create": ("POST", PASTES, {}),
        "patch": ("PATCH", f"{PASTES}/{server.target}", server.manage),
        "extend": ("POST", f"{PASTES}/{server.target}/extend", server.manage),
    }[route]
    res = server.app.request(
        path, method=method, body=body, headers={**JSON_TYPE, **headers}, expect_errors=True
    )
    assert_refused(res, json_shape=True)


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=b0undary", "text/plain",
     None],
)  # fmt: skip
def test_a_form_sent_to_the_json_api_is_refused(server, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    res = server.app.request(
        PASTES, method="POST", body=b"content=x&title=y", headers=headers, expect_errors=True
    )
    assert_refused(res, json_shape=True)


# -- the JSON API: fields of the wrong type or value -----------------------------------------

BAD_CREATE_FIELDS = {
    "content-number": {"content": 1},
    "content-float": {"content": 1.5},
    "content-list": {"content": ["x"]},
    "content-object": {"content": {"x": 1}},
    "content-null": {"content": None},
    "content-true": {"content": True},
    "content-empty": {"content": ""},
    "no-content": {"title": "only a title"},
    "empty-object": {},
    "content-and-files": {"content": "x", "files": [{"content": "y"}]},
    "files-string": {"files": "a.txt"},
    "files-object": {"files": {"name": "a", "content": "x"}},
    "files-empty": {"files": []},
    "files-item-number": {"files": [1]},
    "files-item-null": {"files": [None]},
    "files-item-without-content": {"files": [{"name": "a.txt"}]},
    "files-item-content-number": {"files": [{"name": "a.txt", "content": 5}]},
    "files-item-content-null": {"files": [{"name": "a.txt", "content": None}]},
    "files-item-unknown-field": {"files": [{"content": "x", "mode": "0755"}]},
    "files-item-name-number": {"files": [{"name": 7, "content": "x"}]},
    "name-crlf": {"files": [{"name": "a\r\nb.txt", "content": "x"}]},
    "name-lf": {"files": [{"name": "a\nSet-Cookie: x=1", "content": "x"}]},
    "name-nul": {"files": [{"name": "a\u0000.txt", "content": "x"}]},
    "name-slash": {"files": [{"name": "dir/a.txt", "content": "x"}]},
    "name-traversal": {"files": [{"name": "../../etc/passwd", "content": "x"}]},
    "name-dotdot": {"files": [{"name": "..", "content": "x"}]},
    "name-dot": {"files": [{"name": ".", "content": "x"}]},
    "name-backslash": {"files": [{"name": "C:\\x", "content": "x"}]},
    "name-too-long": {"files": [{"name": "a" * 256, "content": "x"}]},
    "names-twice": {"files": [{"name": "a", "content": "x"}, {"name": "a", "content": "y"}]},
    "top-level-name": {"content": "x", "name": "a.txt"},
    "language-unknown": {"content": "x", "syntax": "no-such-language"},
    "language-long": {"content": "x", "syntax": "py" * 1000},
    "language-number": {"content": "x", "syntax": 3},
    "file-language-unknown": {"files": [{"content": "x", "language": "klingon"}]},
    "title-number": {"content": "x", "title": 1},
    "title-list": {"content": "x", "title": ["t"]},
    "title-control": {"content": "x", "title": "a\u0007b"},
    "title-crlf": {"content": "x", "title": "a\r\nb"},
    "title-too-long": {"content": "x", "title": "t" * 256},
    "burn-string-yes": {"content": "x", "burnAfterRead": "yes"},
    "burn-number": {"content": "x", "burnAfterRead": 1},
    "burn-null": {"content": "x", "burnAfterRead": None},
    "e2ee-string": {"content": "x", "isE2ee": "true"},
    "e2ee-not-sealed": {"content": "plain text", "isE2ee": True},
    "exposure-number": {"content": "x", "exposure": 1},
    "exposure-unknown": {"content": "x", "exposure": "everyone"},
    "exposure-case": {"content": "x", "exposure": "PUBLIC"},
    "ttl-string": {"content": "x", "ttlSeconds": "3600"},
    "ttl-negative": {"content": "x", "ttlSeconds": -1},
    "ttl-zero": {"content": "x", "ttlSeconds": 0},
    "ttl-fraction": {"content": "x", "ttlSeconds": 1.5},
    "ttl-bool": {"content": "x", "ttlSeconds": True},
    "ttl-huge": {"content": "x", "ttlSeconds": 10**30},
    "ttl-over-max": {"content": "x", "ttlSeconds": 400 * 86400},
    "ttl-and-preset": {"content": "x", "ttlSeconds": 60, "expiresIn": "1h"},
    "preset-unknown": {"content": "x", "expiresIn": "soon"},
    "preset-number": {"content": "x", "expiresIn": 3600},
    "preset-nul": {"content": "x", "expiresIn": "1h\u0000"},
    "preset-huge": {"content": "x", "expiresIn": "9" * 40 + "y"},
    "unknown-field": {"content": "x", "colour": "red"},
}


@pytest.mark.parametrize("body", BAD_CREATE_FIELDS.values(), ids=BAD_CREATE_FIELDS.keys())
def test_a_create_with_a_field_of_the_wrong_type_or_value_is_refused(server, body):
    res = server.app.post(PASTES, json.dumps(body), headers=JSON_TYPE, expect_errors=True)
    assert_refused(res, json_shape=True)


BAD_EDITS = {
    k: v
    for k, v in BAD_CREATE_FIELDS.items()
    if not k.startswith(("burn", "e2ee", "exposure", "ttl", "preset", "no-content", "empty"))
}

BAD_EDITS.update(
    {
        "nothing-to-change": {},
        "only-nulls": {"title": None, "content": None},
        "read-only-field": {"burnAfterRead": True},
        "expiry-field": {"ttlSeconds": 60},
    }
)


@pytest.mark.parametrize("body", BAD_EDITS.values(), ids=BAD_EDITS.keys())
def test_an_edit_with_a_field_of_the_wrong_type_or_value_is_refused(server, body):
    res = server.app.request(
        f"{PASTES}/{server.target}",
        method="PATCH",
        body=json.dumps(body).encode(),
        headers={**JSON_TYPE, **server.manage},
        expect_errors=True,
    )
    assert_refused(res, json_shape=True)


BAD_EXTENDS = {
    "missing": {},
    "null": {"ttlSeconds": None},
    "string": {"ttlSeconds": "60"},
    "negative": {"ttlSeconds": -60},
    "zero": {"ttlSeconds": 0},
    "fraction": {"ttlSeconds": 0.5},
    "bool": {"ttlSeconds": True},
    "list": {"ttlSeconds": [60]},
    "object": {"ttlSeconds": {"s": 60}},
    "huge": {"ttlSeconds": 10**30},
    "beyond-max-ttl": {"ttlSeconds": 365 * 86400},
}


@pytest.mark.parametrize("body", BAD_EXTENDS.values(), ids=BAD_EXTENDS.keys())
def test_an_extend_with_a_bad_ttl_is_refused(server, body):
    res = server.app.post(
        f"{PASTES}/{server.target}/extend",
        json.dumps(body),
        headers={**JSON_TYPE, **server.manage},
        expect_errors=True,
    )
    assert_refused(res, json_shape=True)


# -- the curl surface: bodies, multipart, file names, options ---------------------------------

BAD_CURL_POSTS = {
    "empty-body": ("/", b"", None),
    "empty-text-body": ("/", b"", "text/plain"),
    "multipart-without-boundary": ("/", multipart(field_part(b"content", b"x"), boundary=B0UNDARY)[0],
                                   "multipart/form-data"),
    "multipart-empty-boundary": ("/", multipart(field_part(b"content", b"x"), boundary=B0UNDARY)[0],
                                 "multipart/form-data; boundary="),
    "multipart-huge-boundary": ("/", multipart(field_part(b"content", b"x"), boundary=B0UNDARY)[0],
                                "multipart/form-data; boundary=" + "b" * 201),
    "multipart-other-boundary": ("/", multipart(field_part(b"content", b"x"), boundary=B0UNDARY)[0],
                                 "multipart/form-data; boundary=other"),
    "multipart-not-closed": ("/", multipart(field_part(b"content", b"x"), boundary=B0UNDARY)[0][:-14], MULTIPART),
    "multipart-garbage": ("/", b"\x00\xff garbage \r\n\r\n", MULTIPART),
    "multipart-no-headers": ("/", b"--b0undary\r\n\r\n--b0undary--", MULTIPART),
    "multipart-no-blank-line": ("/", b"--b0undary\r\nContent-Disposition: form-data\r\n--b0undary--",
                                MULTIPART),
    "multipart-not-form-data": ("/", multipart(b"Content-Disposition: attachment\r\n\r\nx", boundary=B0UNDARY)[0],
                                MULTIPART),
    "multipart-only-closing": ("/", b"--b0undary--\r\n", MULTIPART),
    "multipart-unknown-field": ("/", multipart(field_part(b"colour", b"red"), boundary=B0UNDARY)[0], MULTIPART),
    "multipart-empty-content": ("/", multipart(field_part(b"content", b""), boundary=B0UNDARY)[0], MULTIPART),
    "multipart-empty-file": ("/", multipart(file_part(b"a.txt", b""), boundary=B0UNDARY)[0], MULTIPART),
    "multipart-title-not-utf8": ("/", multipart(field_part(b"content", b"x"),
                                                field_part(b"title", b"\xff\xfe"), boundary=B0UNDARY)[0], MULTIPART),
    "multipart-bad-burn": ("/", multipart(field_part(b"content", b"x"),
                                          field_part(b"burn", b"maybe"), boundary=B0UNDARY)[0], MULTIPART),
    "multipart-bad-ttl": ("/", multipart(field_part(b"content", b"x"),
                                         field_part(b"ttl", b"later"), boundary=B0UNDARY)[0], MULTIPART),
    "multipart-too-many-files": ("/", multipart(*(file_part(b"f%d" % i) for i in range(21)), boundary=B0UNDARY)[0],
                                 MULTIPART),
    "multipart-too-many-parts": ("/", multipart(*(field_part(b"title", b"t") for i in range(300)), boundary=B0UNDARY)[0],
                                 MULTIPART),
    "multipart-same-name-twice": ("/", multipart(file_part(b"a.py"), file_part(b"a.py"), boundary=B0UNDARY)[0],
                                  MULTIPART),
    "filename-traversal": ("/", multipart(file_part(b"../../etc/passwd"), boundary=B0UNDARY)[0], MULTIPART),
    "filename-absolute": ("/", multipart(file_part(b"/etc/passwd"), boundary=B0UNDARY)[0], MULTIPART),
    "filename-windows": ("/", multipart(file_part(b"C:\\\\x"), boundary=B0UNDARY)[0], MULTIPART),
    "filename-nul": ("/", multipart(file_part(b"a\x00b.txt"), boundary=B0UNDARY)[0], MULTIPART),
    "filename-cr": ("/", multipart(file_part(b"a\rb.txt"), boundary=B0UNDARY)[0], MULTIPART),
    "filename-lf": ("/", multipart(file_part(b"a\nb.txt"), boundary=B0UNDARY)[0], MULTIPART),
    "filename-crlf": ("/", multipart(file_part(b"a\r\nb.txt"), boundary=B0UNDARY)[0], MULTIPART),
    "filename-crlf-header": ("/", multipart(file_part(b"a\r\nContent-Type: text/html\r\n"), boundary=B0UNDARY)[0],
                             MULTIPART),
    "filename-unclosed-quote": ("/", multipart(b'Content-Disposition: form-data; name="file"; '
                                               b'filename="a.txt\r\n\r\nx', boundary=B0UNDARY)[0], MULTIPART),
    "filename-text-after-quote": ("/", multipart(file_part(b'"><img src=x>.html'), boundary=B0UNDARY)[0], MULTIPART),
    "filename-dotdot": ("/", multipart(file_part(b".."), boundary=B0UNDARY)[0], MULTIPART),
    "filename-too-long": ("/", multipart(file_part(b"a" * 256), boundary=B0UNDARY)[0], MULTIPART),
    "name-field-traversal": ("/", multipart(field_part(b"content", b"x"),
                                            field_part(b"name", b"../x"), boundary=B0UNDARY)[0], MULTIPART),
    "name-field-not-utf8": ("/", multipart(field_part(b"content", b"x"),
                                           field_part(b"name", b"\xff"), boundary=B0UNDARY)[0], MULTIPART),
    "query-title-not-utf8": ("/?title=%FF%FE", b"x", None),
    "query-title-crlf": ("/?title=a%0D%0Ab", b"x", None),
    "query-title-too-long": ("/?title=" + "t" * 256, b"x", None),
    "query-burn": ("/?burn=maybe", b"x", None),
    "query-exposure": ("/?exposure=everyone", b"x", None),
    "query-lang": ("/?lang=no-such-language", b"x", None),
    "query-lang-huge": ("/?lang=" + "a" * 10_000, b"x", None),
    "query-ttl-word": ("/?ttl=soon", b"x", None),
    "query-ttl-negative": ("/?ttl=-1", b"x", None),
    "query-ttl-float": ("/?ttl=1e9", b"x", None),
    "query-ttl-empty": ("/?ttl=", b"x", None),
    "query-ttl-fullwidth": ("/?ttl=" + quote("１h"), b"x", None),
    "query-ttl-huge": ("/?ttl=" + "9" * 40, b"x", None),
    "query-ttl-over-max": ("/?ttl=2y", b"x", None),
    "query-name-traversal": ("/?name=..%2F..%2Fetc%2Fpasswd", b"x", None),
    "query-name-dotdot": ("/?name=..", b"x", None),
    "query-name-nul": ("/?name=a%00.txt", b"x", None),
    "query-name-backslash": ("/?name=C:%5Cx", b"x", None),
    "put-name-crlf": ("/a%0D%0Ab.txt", b"x", None),
    "put-name-nul": ("/a%00b.txt", b"x", None),
    "put-name-dotdot": ("/..", b"x", None),
    "put-name-encoded-dotdot": ("/%2E%2E", b"x", None),
    "put-name-backslash": ("/C:%5Cx", b"x", None),
    "put-name-traversal": ("/..%2F..%2Fetc%2Fpasswd", b"x", None),
    "put-name-not-utf8": ("/%FF%FE.py", b"x", None),
    "put-name-too-long": ("/" + "a" * 256, b"x", None),
}  # fmt: skip


CURL_CASES = [
    pytest.param("PUT" if key.startswith("put-") else "POST", *case, id=key)
    for key, case in BAD_CURL_POSTS.items()
]


@pytest.mark.parametrize("accept", [CURL, BROWSER], ids=["curl", "browser"])
@pytest.mark.parametrize(("method", "path", "body", "content_type"), CURL_CASES)
def test_a_bad_paste_to_the_curl_surface_is_refused(
    server, method, path, body, content_type, accept
):
    headers = {**accept, **({"Content-Type": content_type} if content_type else {})}
    res = server.app.request(path, method=method, body=body, headers=headers, expect_errors=True)
    assert_refused(res, json_shape=accept is CURL)


def test_a_body_that_is_not_utf8_is_stored_byte_exact_and_served_as_bytes(server):
    """The decision for non-UTF-8 bodies on the curl surface: kept as sent, never re-encoded."""
    body = b"\xff\xfe\x00\x80 not utf-8 \xc3\x28\xed\xa0\x80\n"
    paste_id = server.app.post("/", body, headers=CURL, status=201).text.strip().rsplit("/", 1)[1]
    res = server.app.get(f"/raw/{paste_id}", status=200)
    assert res.body == body
    assert res.headers["Content-Type"] == "application/octet-stream"
    api = server.app.get(f"{PASTES}/{paste_id}", status=200).json
    assert api["files"][0]["encoding"] == "base64"
    assert server.app.get(f"/{paste_id}", headers=BROWSER, status=200).content_type == "text/html"


# -- ids and paths ---------------------------------------------------------------------------

BAD_PATHS = (
    "/raw/..%2f..%2fetc",
    "/raw/..%2F..%2Fetc%2Fpasswd",
    "/raw/%2e%2e/%2e%2e/etc/passwd",
    "/%00",
    "/raw/%00",
    "/raw/{sentinel}%00",
    "/raw/{sentinel}/%00",
    "/raw/{sentinel}/..%2F..%2Fapp.py",
    "/raw/{sentinel}/paste.txt%00.py",
    "/" + "A" * 5000,
    "/raw/" + "A" * 5000,
    "/" + "a" * 300,
    "/AAAAAAA",  # shorter than any id
    "/caf%C3%A9caf%C3%A9",
    "/raw/caf%C3%A9",
    "/" + quote("ＡＡＡＡＡＡＡＡＡＡ"),
    "/" + quote("١٢٣٤٥٦٧٨٩٠"),
    "/%FF%FF%FF%FF%FF%FF%FF%FF",
    "/{sentinel}%FF",
    "/raw/{sentinel}%FF",
    "/raw/{sentinel}/paste%FF.txt",
    "/%E2%80%AE{sentinel}",
    "/{sentinel}%20",
    "/%20{sentinel}",
    "/{sentinel}.",  # /ID.ext views a paste in another language; an empty extension is no id
    "/.{sentinel}",
    "/AAAAAAAAAA",
)


PATH_CASES = [
    pytest.param(path, method, id=f"{method}-{path[:60]}")
    for path in BAD_PATHS
    for method in ("GET", "HEAD", "POST")
    if not (method == "POST" and path.startswith("/raw/"))  # POST /ID is the burn reveal
]


@pytest.mark.parametrize("accept", [CURL, BROWSER], ids=["curl", "browser"])
@pytest.mark.parametrize(("path", "method"), PATH_CASES)
def test_a_paste_path_with_tricks_is_refused(server, path, method, accept):
    path = path.format(sentinel=server.sentinel)
    res = server.app.request(path, method=method, headers=accept, expect_errors=True)
    if method == "HEAD":
        assert 400 <= res.status_int < 500 and res.body == b""
    else:
        assert_refused(res, json_shape=accept is CURL)
    assert SENTINEL not in res.body


@pytest.mark.parametrize(
    "path",
    ["/api/v1/pastes/..%2f..%2fetc", "/api/v1/pastes/%00", "/api/v1/pastes/" + "A" * 5000,
     "/api/v1/pastes/caf%C3%A9caf%C3%A9", "/api/v1/pastes/{sentinel}%FF",
     "/api/v1/pastes/{sentinel}%00", "/api/v1/pastes/%FF/revisions"],
)  # fmt: skip
def test_an_api_path_with_tricks_is_refused_as_json(server, path):
    res = server.app.get(path.format(sentinel=server.sentinel), expect_errors=True)
    assert_refused(res, json_shape=True)
    assert SENTINEL not in res.body


# -- sizes and framing ---------------------------------------------------------------------------


def raw_request(server: Server, path: str, environ: dict, body: bytes = b"", **headers: str):
    """A request whose framing (Content-Length, chunking) webtest's own checks would refuse."""
    req = TestRequest.blank(path, method="POST", headers={**CURL, **headers})
    req.body = body
    req.environ.update(environ)
    return webtest.TestApp(server.app.app, lint=False).do_request(
        req, status=None, expect_errors=True
    )


@pytest.mark.parametrize("path", ["/", PASTES])
def test_a_body_over_the_read_cap_is_413(server, path):
    body = b'{"content": "' + b"x" * (2 * MAX_PASTE_BYTES) + b'"}'
    res = server.app.post(path, body, headers={**CURL, **JSON_TYPE}, status=413)
    assert_refused(res, json_shape=True)


@pytest.mark.parametrize("path", ["/", PASTES])
def test_a_paste_just_over_the_paste_limit_is_413(server, path):
    text = "x" * (MAX_PASTE_BYTES + 1)
    body = json.dumps({"content": text}).encode() if path == PASTES else text.encode()
    res = server.app.post(path, body, headers={**CURL, **JSON_TYPE}, status=413)
    assert_refused(res, json_shape=True)


def test_files_of_a_multipart_paste_together_over_the_limit_are_413(server):
    half = b"x" * (MAX_PASTE_BYTES // 2 + 1)
    body = multipart(file_part(b"a.txt", half), file_part(b"b.txt", half), boundary=B0UNDARY)[0]
    res = server.app.post("/", body, headers={**CURL, "Content-Type": MULTIPART}, status=413)
    assert_refused(res, json_shape=True)


def test_an_oversize_paste_from_a_browser_is_an_html_413(server):
    res = server.app.post("/", b"x" * (MAX_PASTE_BYTES + 1), headers=BROWSER, status=413)
    assert_refused(res, json_shape=False)


@pytest.mark.parametrize("path", ["/", PASTES, "/api/v1/pastes/{target}/extend"])
def test_a_declared_length_over_the_cap_is_413_before_the_body_is_read(server, path):
    path = path.format(target=server.target)
    res = raw_request(server, path, {"CONTENT_LENGTH": str(10**12)}, b"x")
    assert res.status_int == 413
    assert_refused(res, json_shape=True)


def test_a_chunked_body_over_the_cap_is_413(server):
    stream = io.BytesIO(b"y" * (3 * MAX_PASTE_BYTES))
    res = raw_request(
        server, "/", {"CONTENT_LENGTH": "", "wsgi.input_terminated": True, "wsgi.input": stream}
    )
    assert res.status_int == 413
    assert_refused(res, json_shape=True)


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "0x10", " 5", "５"])
@pytest.mark.parametrize("path", ["/", PASTES])
def test_a_content_length_that_is_not_a_number_is_400(server, path, length):
    res = raw_request(server, path, {"CONTENT_LENGTH": length}, b"hello")
    assert res.status_int == 400
    assert_refused(res, json_shape=True)
