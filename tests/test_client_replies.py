"""Whatever a server (or anything posing as one) answers, the command-line client fails with
exactly one line on stderr and exit 1, never a traceback; and whatever it prints that came from
the server (messages, file names, the link, the token) is shown with control and bidi
characters escaped. Only the paste content `get` was asked for is written as it is."""

import json
import socket
from collections.abc import Callable

import nacl.secret
import pytest
from helpers import one_line, serve

from pastebox import client
from pastebox.core import crypto

ID = "ABCDEFGHIJ"


ESC = "\x1b"


Handler = Callable[[object], None]


def reply(body: bytes, status: int = 200, content_type: str = "application/json") -> Handler:
    """A server that answers every request with `body`, framed by its Content-Length."""

    def answer(handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def raw_bytes(data: bytes) -> Handler:
    """A server that writes `data` on the socket instead of an HTTP reply, then hangs up."""

    def answer(handler) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.close_connection = True

    return answer


def paste_json(**fields) -> bytes:
    files = fields.pop("files", [{"name": "a.txt", "content": "text\n"}])
    return json.dumps({"publicId": ID, "url": f"http://x/{ID}", "files": files, **fields}).encode()


NESTED = b"[" * 100_000 + b"]" * 100_000


# Each a reply to `pastebox get ID`: every one must end in one line and exit 1.
MALFORMED = {
    "not-json": reply(b"<html>hello</html>", content_type="text/html"),
    "json-not-an-object": reply(b"[1, 2]"),
    "deeply-nested-json": reply(NESTED),
    "deeply-nested-error": reply(NESTED, status=500),
    "not-utf8": reply(b'{"files": [{"content": "\xff\xfe"}]}'),
    "json-as-text-plain": reply(paste_json(), content_type="text/plain"),
    "bad-base64": reply(paste_json(files=[{"content": "!!!!", "encoding": "base64"}])),
    "files-not-a-list": reply(paste_json(files={"a": 1})),
    "file-without-content": reply(paste_json(files=[{"name": "a.txt", "content": 5}])),
    "e2ee-box-not-base64": reply(paste_json(isE2ee=True, files=[{"content": "%%%"}])),
    "truncated": raw_bytes(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    ),
    "truncated-chunked": raw_bytes(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n100\r\n{"
    ),
    "not-http": raw_bytes(b"SSH-2.0-OpenSSH_9.2\r\n"),
    "hang-up": raw_bytes(b""),
    "header-line-too-long": raw_bytes(b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000 + b"\r\n\r\n"),
}


@pytest.mark.parametrize("answer", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_reply_to_get_is_one_line_and_exit_1(pastebox, answer):  # noqa: F811
    with serve(answer) as url:
        result = pastebox("get", ID, "--server", url)
    assert (result.returncode, result.stdout) == (1, b"")
    assert one_line(result.stderr).startswith("pastebox: ")


@pytest.mark.parametrize(
    "answer",
    [MALFORMED["deeply-nested-json"], MALFORMED["truncated"], reply(b'{"url": 5}', status=201)],
    ids=["deeply-nested", "truncated", "url-not-a-string"],
)
def test_a_malformed_reply_to_paste_is_one_line_and_exit_1(pastebox, answer):  # noqa: F811
    with serve(answer) as url:
        result = pastebox("paste", "--server", url, input=b"x")
    assert (result.returncode, result.stdout) == (1, b"")
    assert one_line(result.stderr).startswith("pastebox: ")


def test_an_e2ee_record_nested_past_the_parsers_depth_is_one_line(pastebox):  # noqa: F811
    key = bytes(range(32))
    record = b'{"v": 1, "files": ' + NESTED + b"}"
    content = crypto.b64url(bytes(nacl.secret.SecretBox(key).encrypt(record)))
    answer = reply(paste_json(isE2ee=True, files=[{"content": content}]))
    with serve(answer) as url:
        result = pastebox("get", f"{url}/{ID}#{crypto.b64url(key)}")
    assert (result.returncode, result.stdout) == (1, b"")
    assert one_line(result.stderr) == "pastebox: the key in this link does not open this paste"


def test_a_connection_refused_is_one_line(pastebox):  # noqa: F811
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening
        result = pastebox("get", ID, "--server", f"http://127.0.0.1:{sock.getsockname()[1]}")
    assert result.returncode == 1
    assert "connection refused" in one_line(result.stderr)


def test_a_reply_over_the_cap_is_refused_unread_when_declared():
    answer = reply(b'{"files": []}' + b" " * 10_000)
    with serve(answer) as url, pytest.raises(client.ClientError, match="over 1000 bytes"):
        client.request_json(url, "GET", "/", max_reply_bytes=1000)


def test_a_reply_over_the_cap_is_refused_as_it_is_read_when_chunked():
    chunk = b" " * 4096
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8)) + b"0\r\n\r\n"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    answer = raw_bytes(head + b"\r\n" + body)
    with serve(answer) as url, pytest.raises(client.ClientError, match="over 10000 bytes"):
        client.request_json(url, "GET", "/", max_reply_bytes=10_000)


# -- what came from the server is shown escaped ----------------------------------------------

HOSTILE = f"{ESC}]0;owned{ESC}\\{ESC}[2J\u202egnp.exe\nsecond line\x07"


def test_a_servers_error_message_is_one_line_with_controls_escaped(pastebox):  # noqa: F811
    body = json.dumps({"error": "x", "message": HOSTILE}).encode()
    with serve(reply(body, status=400)) as url:
        result = pastebox("get", ID, "--server", url)
    line = one_line(result.stderr)
    assert ESC not in line and "\u202e" not in line and "\x07" not in line
    assert line == "pastebox: " + client.printable(HOSTILE)
    assert "\\x1b[2J" in line and "\\u202e" in line and "\\nsecond line" in line


def test_file_names_are_shown_escaped_and_the_content_as_it_is(pastebox):  # noqa: F811
    files = [{"name": HOSTILE, "content": f"{ESC}[1mbold\n"}, {"name": "b", "content": "b\n"}]
    with serve(reply(paste_json(files=files))) as url:
        result = pastebox("get", ID, "--server", url)
    assert result.returncode == 0, result.stderr
    heading = result.stdout.split(b"\n", 1)[0].decode()
    assert heading == f"==> {client.printable(HOSTILE)} <=="
    assert f"{ESC}[1mbold\n".encode() in result.stdout  # the asked-for data, byte for byte


def test_the_link_and_token_a_server_hands_back_are_shown_escaped(pastebox):  # noqa: F811
    body = json.dumps({"url": f"http://x/{ID}{ESC}[2J", "manageToken": HOSTILE}).encode()
    with serve(reply(body, status=201)) as url:
        result = pastebox("paste", "--server", url, input=b"x")
    assert result.returncode == 0, result.stderr
    assert result.text == f"http://x/{ID}\\x1b[2J\n"
    assert ESC not in result.stderr and "\u202e" not in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain é ✓ text", "plain é ✓ text"),
        ("tab\tstays", "tab\tstays"),
        ("a\nb\r", "a\\nb\\r"),
        (f"{ESC}[31m", "\\x1b[31m"),
        ("\u202e\u2066\u200f\u061c", "\\u202e\\u2066\\u200f\\u061c"),
        ("\ud800", "\\ud800"),
        ("\u2028\x85", "\\u2028\\x85"),
    ],
    ids=repr,
)
def test_printable_escapes_what_a_terminal_would_act_on(text, shown):
    assert client.printable(text) == shown
