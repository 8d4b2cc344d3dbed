"""Secrets a client sends (the CSRF field and cookie, manage tokens, API keys, session cookies,
paste passwords) may hold any bytes: outside their shape they are refused with a 4xx in the
surface's own shape, never a 500, on a real server (where header bytes arrive as latin-1)."""

import json
from collections.abc import Iterator
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from helpers import FORM_TYPE, PASTES, LiveServer, Reply, fetch, multipart

from pastebox.web.csrf import CSRF_COOKIE

pytestmark = pytest.mark.server


BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


TRACEBACK_MARKS = (b"Traceback", b'File "', b"Internal Server Error")


# Not ASCII, in the three ways a client can send it: as UTF-8, as latin-1, and not UTF-8 at all.
NON_ASCII = {"utf8": "é" * 43, "latin1": "\xe9" * 43, "bidi": "\u202e" + "A" * 42}


RAW_BYTES = {"utf8": "é".encode() * 43, "latin1": b"\xe9" * 43, "invalid": b"\xff\xfe" * 20}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    db = str(tmp_path_factory.mktemp("secrets") / "pastebox.db")
    live = LiveServer(db, "--registration", "open").start()
    yield live
    live.kill()


@pytest.fixture(scope="module")
def paste(server: LiveServer) -> dict:
    reply = fetch(server.url + PASTES, "POST", {"content": "kept\n"})
    assert reply.status == 201
    return reply.json()


@pytest.fixture(scope="module")
def csrf_cookie(server: LiveServer) -> str:
    """A browser's real anti-forgery cookie, as the new-paste page hands it out."""
    reply = fetch(server.url + "/new", headers=BROWSER)
    cookie = SimpleCookie()
    for header in reply.headers.get_all("Set-Cookie"):
        cookie.load(header)
    return cookie[CSRF_COOKIE].value


def send(server: LiveServer, path: str, method: str = "GET", body=None, headers=None) -> Reply:
    """One request; it must not be answered with a 5xx nor log a traceback."""
    logged = len(server.lines)
    reply = fetch(server.url + path, method, body, headers)
    assert reply.status < 500, reply.body[:300]
    assert not any(mark in reply.body for mark in TRACEBACK_MARKS), reply.body[:300]
    assert "Traceback" not in "".join(server.lines[logged:])
    return reply


def form_body(kind: str, fields: dict[str, str]) -> tuple[bytes, str]:
    if kind == "multipart":
        return multipart(*fields.items())
    return urlencode(fields).encode(), FORM_TYPE


# Every browser form POST: (path, body kind, extra fields); {id} is a paste's id.
FORM_POSTS = [
    ("/new", "multipart", {"name": "a.txt", "lang": "", "content": "x", "submit": "1"}),
    ("/{id}/edit", "multipart", {"title": "t", "submit": "1"}),
    ("/{id}/delete", "multipart", {}),
    ("/{id}", "urlencoded", {}),  # the burn interstitial's and the password form's reveal
    ("/login", "urlencoded", {"name": "alice", "password": "p" * 8}),
    ("/signup", "urlencoded", {"name": "alice", "password": "p" * 8, "confirm": "p" * 8}),
    ("/logout", "urlencoded", {}),
    ("/settings/keys", "urlencoded", {"label": "k"}),
    ("/settings/keys/1/revoke", "urlencoded", {}),
    ("/settings/password", "urlencoded", {"current": "p" * 8, "new": "q" * 8, "confirm": "q" * 8}),
]


@pytest.mark.parametrize("value", NON_ASCII.values(), ids=NON_ASCII.keys())
@pytest.mark.parametrize(("path", "kind", "fields"), FORM_POSTS, ids=[p[0] for p in FORM_POSTS])
def test_a_form_post_with_a_non_ascii_csrf_value_is_a_403_page(
    server, paste, csrf_cookie, path, kind, fields, value
):
    body, content_type = form_body(kind, {"csrf": value, **fields})
    headers = {**BROWSER, "Content-Type": content_type, "Cookie": f"{CSRF_COOKIE}={csrf_cookie}"}
    reply = send(server, path.format(id=paste["publicId"]), "POST", body, headers)
    assert reply.status == 403, reply.body[:300]
    assert reply.headers.get_content_type() == "text/html"


@pytest.mark.parametrize("raw", RAW_BYTES.values(), ids=RAW_BYTES.keys())
def test_a_new_paste_script_post_with_a_non_ascii_csrf_cookie_is_a_403_json_error(server, raw):
    body, content_type = form_body("multipart", {"csrf": "A" * 43, "content": "x", "submit": "1"})
    headers = {"Accept": "application/json", "Content-Type": content_type,
               "Cookie": CSRF_COOKIE.encode() + b"=" + raw}  # fmt: skip
    reply = send(server, "/new", "POST", body, headers)
    assert reply.status == 403
    assert reply.json()["error"] == "csrf"


def api_call(server: LiveServer, paste: dict, method: str, headers: dict) -> Reply:
    body = json.dumps({"title": "changed"}).encode() if method == "PATCH" else None
    if body:
        headers = {**headers, "Content-Type": "application/json"}
    return send(server, f"{PASTES}/{paste['publicId']}", method, body, headers)


# (header, method, expected status): the API answers each in its JSON shape.
HEADER_SECRETS = [
    ("X-Api-Key", "GET", 401),
    ("Authorization", "GET", 401),  # sent as "Bearer <bytes>"
    ("X-Manage-Token", "PATCH", 403),
    ("X-Manage-Token", "DELETE", 403),
    ("Paste-Authorization", "GET", 200),  # a password for a paste without one: ignored
]


@pytest.mark.parametrize("raw", RAW_BYTES.values(), ids=RAW_BYTES.keys())
@pytest.mark.parametrize(("header", "method", "status"), HEADER_SECRETS, ids=str)
def test_a_non_ascii_secret_in_a_header_is_a_json_4xx(server, paste, header, method, status, raw):
    value = b"Bearer " + raw if header == "Authorization" else raw
    reply = api_call(server, paste, method, {header: value})
    if header == "Paste-Authorization" and raw != RAW_BYTES["utf8"]:
        status = 400  # not UTF-8: refused as such
    assert reply.status == status, reply.body[:300]
    if status != 200:
        assert reply.headers.get_content_type() == "application/json"
        assert reply.json()["message"]


COOKIE_SECRETS = {"pastebox_token": "/{id}", "pastebox_session": "/me"}


@pytest.mark.parametrize("raw", RAW_BYTES.values(), ids=RAW_BYTES.keys())
@pytest.mark.parametrize("cookie", COOKIE_SECRETS)
def test_a_non_ascii_secret_in_a_cookie_is_no_credential_and_no_error(server, paste, cookie, raw):
    path = COOKIE_SECRETS[cookie].format(id=paste["publicId"])
    headers = {**BROWSER, "Cookie": cookie.encode() + b"=" + raw}
    reply = send(server, path, headers=headers)
    assert reply.status in (200, 303)  # the page, or /me sending a signed-out browser to log in
