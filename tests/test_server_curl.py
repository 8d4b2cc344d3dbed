"""The curl surface, driven by the real /usr/bin/curl against a real server: every one-liner of the
manual does what it says, and the bytes come back exactly as they went in."""

import json
import random
import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from helpers import fetch, wait_until

# curl's own --max-time bounds each call; the subprocess timeout is the backstop.
CURL = ("/usr/bin/curl", "--silent", "--show-error", "--max-time", "15")


SUBPROCESS_TIMEOUT = 30


PASTE_ID = r"[A-Za-z0-9]{8,32}"


SHORT_TTL = 3  # seconds: long enough to read it back on a loaded machine, short to wait out


EXPIRY_WAIT = 20.0


def run_curl(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CURL, *args], input=stdin, capture_output=True, check=True, timeout=SUBPROCESS_TIMEOUT
    )


def curl(*args: str, stdin: bytes | None = None) -> bytes:
    """Run curl as a user would; an HTTP error status fails the call (with its body kept)."""
    return run_curl("--fail-with-body", *args, stdin=stdin).stdout


def curl_reply(*args: str, stdin: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one curl call, whatever the status."""
    out = run_curl("--dump-header", "-", *args, stdin=stdin).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    while head.startswith(b"HTTP/1.1 100"):  # an interim 100 Continue precedes the real reply
        head, _, body = body.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def paste_id(url_line: bytes, base: str) -> str:
    """The id in a reply of the form `BASE/ID\\n`, which is the whole reply."""
    match = re.fullmatch(re.escape(base) + rf"/({PASTE_ID})\n", url_line.decode())
    assert match, f"expected {base}/ID and a newline, got {url_line!r}"
    return match.group(1)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def api_paste(base: str, pid: str) -> dict:
    return json.loads(curl(f"{base}/api/v1/pastes/{pid}"))


# -- creating and reading back -------------------------------------------------------------


def test_posting_a_file_prints_its_url_and_a_newline(live_server, tmp_path):
    f = write(tmp_path, "f.txt", b"hello\n")
    out = curl("--data-binary", f"@{f}", live_server.url)
    paste_id(out, live_server.url)


ROUND_TRIPS = {
    "crlf": b"first line\r\nsecond line\r\n",
    "tabs": b"\tindented\n\t\ttwice\tand inside\n",
    "no-trailing-newline": b"the last line has no newline",
    "trailing-newlines": b"three newlines follow\n\n\n",
    "utf8-multibyte": "grüße, 日本語, emoji 🎉 and a combining é\n".encode(),
    "leading-blank-lines": b"\n\n  starts with blank lines\n",
}


@pytest.mark.parametrize("content", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_curl_round_trip_is_byte_exact(live_server, tmp_path, content):
    f = write(tmp_path, "f.txt", content)
    pid = paste_id(curl("--data-binary", f"@{f}", live_server.url), live_server.url)
    assert curl(f"{live_server.url}/{pid}") == content
    assert curl(f"{live_server.url}/raw/{pid}") == content


def test_a_one_megabyte_file_round_trips_byte_exact(live_server, tmp_path):
    content = random.Random(1).randbytes(1 << 20)  # every byte value, NUL and CR included
    f = write(tmp_path, "big.bin", content)
    pid = paste_id(curl("--data-binary", f"@{f}", live_server.url), live_server.url)
    assert curl(f"{live_server.url}/{pid}") == content


@pytest.mark.parametrize("name", ["f.py", "naïve file.py"])
def test_put_upload_keeps_the_file_name(live_server, tmp_path, name):
    f = write(tmp_path, name, b"print('hi')\n")
    pid = paste_id(curl("-T", str(f), f"{live_server.url}/"), live_server.url)
    (file,) = api_paste(live_server.url, pid)["files"]
    assert file["name"] == name
    assert curl(file["rawUrl"]) == b"print('hi')\n"


def test_piped_stdin_becomes_a_paste(live_server):
    pid = paste_id(curl("--data-binary", "@-", live_server.url, stdin=b"hi\n"), live_server.url)
    assert curl(f"{live_server.url}/{pid}") == b"hi\n"


def test_put_from_stdin_is_sent_chunked_and_stored_exactly(live_server):
    content = b"from a pipe\r\nwith\ttabs\n" * 2000
    result = run_curl(
        "--fail-with-body", "--verbose", "-T", "-", f"{live_server.url}/", stdin=content
    )
    assert b"Transfer-Encoding: chunked" in result.stderr  # the case under test really happened
    pid = paste_id(result.stdout, live_server.url)
    assert curl(f"{live_server.url}/{pid}") == content


def test_form_upload_of_two_files_makes_one_paste_with_both(live_server, tmp_path):
    a = write(tmp_path, "a.py", b"import os\r\n")
    b = write(tmp_path, "b.txt", b"no newline")
    pid = paste_id(curl("-F", f"file=@{a}", "-F", f"file=@{b}", live_server.url), live_server.url)
    assert [f["name"] for f in api_paste(live_server.url, pid)["files"]] == ["a.py", "b.txt"]
    assert curl(f"{live_server.url}/raw/{pid}/a.py") == b"import os\r\n"
    assert curl(f"{live_server.url}/raw/{pid}/b.txt") == b"no newline"


def test_form_content_field_becomes_a_paste(live_server):
    pid = paste_id(curl("-F", "content=some text", live_server.url), live_server.url)
    assert curl(f"{live_server.url}/{pid}") == b"some text"


# -- options -------------------------------------------------------------------------------


def assert_options_applied(base: str, reply: bytes) -> None:
    """The reply and the first (burning) read both show ttl=1h, burn, python and title x."""
    created = json.loads(reply)
    pid = created["publicId"]
    paste = api_paste(base, pid)
    for seen in (created, paste):
        assert (seen["title"], seen["syntax"], seen["burnAfterRead"]) == ("x", "python", True)
    assert seconds_between(paste["createdAt"], paste["expiresAt"]) == 3600
    assert fetch(f"{base}/api/v1/pastes/{pid}").status == 410  # burned by the read above


def seconds_between(start: str, end: str) -> float:
    """Seconds from one of the API's ISO-8601 UTC timestamps to another."""
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def test_query_string_options_are_applied(live_server, tmp_path):
    f = write(tmp_path, "f", b"x = 1\n")
    reply = curl(
        "--data-binary", f"@{f}", "-H", "Accept: application/json",
        f"{live_server.url}/?ttl=1h&burn=1&lang=python&title=x",
    )  # fmt: skip
    assert_options_applied(live_server.url, reply)


def test_form_field_options_are_applied(live_server):
    reply = curl(
        "-F", "content=x = 1", "-F", "ttl=1h", "-F", "burn=1", "-F", "lang=python",
        "-F", "title=x", "-H", "Accept: application/json", live_server.url,
    )  # fmt: skip
    assert_options_applied(live_server.url, reply)


def test_a_burn_paste_posted_with_curl_is_served_to_curl_once(live_server, tmp_path):
    content = b"read me once\r\n\tthen never\n"
    f = write(tmp_path, "secret.txt", content)
    pid = paste_id(curl("--data-binary", f"@{f}", f"{live_server.url}/?burn=1"), live_server.url)
    assert curl(f"{live_server.url}/{pid}") == content
    status, _, body = curl_reply(f"{live_server.url}/{pid}")
    assert status == 410
    assert content not in body


def test_a_paste_posted_with_a_short_ttl_is_served_until_it_expires(live_server, tmp_path):
    f = write(tmp_path, "brief.txt", b"here for a moment\n")
    pid = paste_id(
        curl("--data-binary", f"@{f}", f"{live_server.url}/?ttl={SHORT_TTL}"), live_server.url
    )
    assert curl(f"{live_server.url}/{pid}") == b"here for a moment\n"
    assert curl(f"{live_server.url}/{pid}") == b"here for a moment\n"  # reading does not burn
    assert wait_until(
        lambda: curl_reply(f"{live_server.url}/{pid}")[0] == 410, EXPIRY_WAIT, interval=0.25
    )
    assert json.loads(curl_reply(f"{live_server.url}/{pid}")[2])["error"] == "expired"


def test_accept_json_replies_with_id_and_manage_token(live_server):
    reply = json.loads(
        curl("--data-binary", "@-", "-H", "Accept: application/json", live_server.url, stdin=b"x")
    )
    assert re.fullmatch(PASTE_ID, reply["publicId"])
    assert reply["url"] == f"{live_server.url}/{reply['publicId']}"
    assert len(reply["manageToken"]) >= 32


def test_manage_token_header_lets_curl_delete_the_paste(live_server):
    status, headers, body = curl_reply("--data-binary", "@-", live_server.url, stdin=b"bye")
    assert status == 201
    pid, token = paste_id(body, live_server.url), headers["x-manage-token"]
    deleted = curl(
        "-X", "DELETE", "-H", f"X-Manage-Token: {token}", f"{live_server.url}/api/v1/pastes/{pid}"
    )
    assert json.loads(deleted) == {"deleted": True}
    assert fetch(f"{live_server.url}/{pid}").status == 410


def test_a_wrong_manage_token_deletes_nothing(live_server):
    pid = paste_id(curl("--data-binary", "@-", live_server.url, stdin=b"keep"), live_server.url)
    status, _, _ = curl_reply(
        "-X", "DELETE", "-H", "X-Manage-Token: wrong", f"{live_server.url}/api/v1/pastes/{pid}"
    )
    assert status == 403
    assert curl(f"{live_server.url}/{pid}") == b"keep"


# -- what curl sees ------------------------------------------------------------------------


def test_index_is_the_plain_text_manual(live_server):
    status, headers, body = curl_reply(f"{live_server.url}/")
    assert status == 200
    assert headers["content-type"] == "text/plain; charset=utf-8"
    manual = body.decode()
    assert f"curl --data-binary @file.py {live_server.url}" in manual
    assert "X-Manage-Token" in manual


@pytest.mark.parametrize("path", ["/{id}", "/raw/{id}", "/raw/{id}/f.txt"])
def test_raw_is_utf8_plain_text_that_is_never_sniffed(live_server, tmp_path, path):
    f = write(tmp_path, "f.txt", b"<html><script>alert(1)</script>")
    pid = paste_id(curl("-T", str(f), f"{live_server.url}/"), live_server.url)
    status, headers, body = curl_reply(live_server.url + path.format(id=pid))
    assert status == 200
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    assert body == b"<html><script>alert(1)</script>"


# With --max-paste-bytes 1000 the body read cap is about 65 KiB: 1001 bytes are read and refused,
# 300 000 are refused from Content-Length alone, and a chunked body is cut off at the cap.
OVERSIZE = {
    "read-then-refused": (1001, False),
    "refused-by-content-length": (300_000, False),
    "chunked-cut-off": (300_000, True),
}


@pytest.mark.parametrize(("size", "chunked"), OVERSIZE.values(), ids=OVERSIZE.keys())
def test_oversize_body_gets_a_json_413_and_the_server_keeps_serving(
    start_server, tmp_path, size, chunked
):
    server = start_server("--max-paste-bytes", "1000")
    f = write(tmp_path, "big.txt", b"y" * size)
    if chunked:
        status, headers, body = curl_reply("-T", "-", f"{server.url}/", stdin=f.read_bytes())
    else:
        status, headers, body = curl_reply("--data-binary", f"@{f}", server.url)
    assert status == 413
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"] == "too_large"
    pid = paste_id(curl("--data-binary", "@-", server.url, stdin=b"small"), server.url)
    assert curl(f"{server.url}/{pid}") == b"small"


def test_a_body_far_over_the_limit_is_refused_unread_and_the_server_keeps_serving(
    start_server, tmp_path
):
    """Past the limit plus 1 MiB, waitress answers 413 itself, before the body is read (its answer
    is plain text: the README documents this)."""
    server = start_server("--max-paste-bytes", "1000")
    f = write(tmp_path, "huge.bin", b"z" * (3 * 1024 * 1024))
    status, _, _ = curl_reply("--data-binary", f"@{f}", server.url)
    assert status == 413
    pid = paste_id(curl("--data-binary", "@-", server.url, stdin=b"small"), server.url)
    assert curl(f"{server.url}/{pid}") == b"small"
