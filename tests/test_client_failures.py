"""The command-line client's failures: one line and the right exit status for an error reply,
an unreachable server, redirects (never followed), binary and empty input."""

import contextlib
import http.server
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from helpers import fetch, one_line, serve

# -- failures: one line, the right exit status ----------------------------------------------

REDIRECTED_KEY = "my-secret-api-key"


REDIRECTED_PASSWORD = "my secret password"


def test_an_error_reply_prints_the_servers_message_and_exits_1(pastebox, live_server):
    result = pastebox("paste", "--ttl", "fortnight", "--server", live_server.url, input=b"x")
    direct = fetch(
        f"{live_server.url}/api/v1/pastes", "POST", {"content": "x", "expiresIn": "fortnight"}
    )
    assert direct.status == 400
    assert (result.returncode, result.stdout) == (1, b"")
    assert one_line(result.stderr) == f"pastebox: {direct.json()['message']}"
    bad_key = pastebox("paste", "--api-key", "nope", "--server", live_server.url, input=b"x")
    assert bad_key.returncode == 1
    assert one_line(bad_key.stderr) == "pastebox: invalid API key"
    missing = pastebox("get", "ABCDEFGHIJ", "--server", live_server.url)
    assert missing.returncode == 1
    assert one_line(missing.stderr) == "pastebox: no such paste"


@pytest.mark.parametrize("command", [("paste",), ("get", "ABCDEFGHIJ")])
def test_an_unreachable_server_exits_1_with_one_line(pastebox, dead_url, command):
    result = pastebox(*command, "--server", dead_url, input=b"x")
    assert (result.returncode, result.stdout) == (1, b"")
    assert one_line(result.stderr) == f"pastebox: cannot reach {dead_url}: connection refused"


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[Received]]]:
    """Another host, which records every request it gets and answers it as a server would (a
    client that followed a redirect here would think it had succeeded)."""
    received: list[Received] = []

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        received.append(Received(handler.command, handler.path, dict(handler.headers), body))
        reply = json.dumps(
            {
                "url": "http://127.0.0.1:9/ABCDEFGHIJ",
                "files": [{"name": "a.txt", "content": "followed\n"}],
            }
        ).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(reply)))
        handler.end_headers()
        handler.wfile.write(reply)

    with serve(answer) as url:
        yield url, received


def redirecting(status: int, location: str) -> contextlib.AbstractContextManager[str]:
    """A server that answers every request with `status` and `Location: location`."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return serve(answer)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("command", ["paste", "get"])
def test_a_redirect_is_never_followed_and_nothing_reaches_the_host_it_names(
    pastebox, elsewhere, status, command
):
    other_url, received = elsewhere
    target = f"{other_url}/api/v1/pastes"
    with redirecting(status, target) as server:
        args = ["--server", server, "--api-key", REDIRECTED_KEY, "--password", REDIRECTED_PASSWORD]
        if command == "get":
            result = pastebox("get", "ABCDEFGHIJ", *args)
        else:
            result = pastebox("paste", *args, input=b"secret text\n")
    sent = repr(received)
    assert REDIRECTED_KEY not in sent and REDIRECTED_PASSWORD not in sent
    assert received == []  # not even asked: the API never redirects, so neither does its client
    assert (result.returncode, result.stdout) == (1, b"")
    assert one_line(result.stderr) == (
        f"pastebox: the server answered with a redirect to {target}; give that URL as --server"
    )


def test_a_relative_redirect_is_named_in_full_and_not_followed(pastebox):
    with redirecting(302, "/pastebox/api/v1/pastes/ABCDEFGHIJ") as server:
        result = pastebox("get", "ABCDEFGHIJ", "--server", server, "--api-key", REDIRECTED_KEY)
    assert (result.returncode, result.stdout) == (1, b"")
    assert one_line(result.stderr) == (
        f"pastebox: the server answered with a redirect to "
        f"{server}/pastebox/api/v1/pastes/ABCDEFGHIJ; give that URL as --server"
    )


def test_a_binary_file_is_refused_before_anything_is_sent(pastebox, dead_url, tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\x00")
    result = pastebox("paste", "image.png", "--server", dead_url)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "image.png" in line and "not UTF-8 text" in line


def test_empty_input_and_missing_files_are_refused(pastebox, dead_url):
    empty = pastebox("paste", "--server", dead_url, input=b"")
    assert empty.returncode == 1 and "empty" in one_line(empty.stderr)
    missing = pastebox("paste", "no-such-file.txt", "--server", dead_url)
    assert missing.returncode == 1 and "no-such-file.txt" in one_line(missing.stderr)
