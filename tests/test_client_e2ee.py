"""The command-line client's end-to-end encrypted pastes against a real server: text and
title never reach the server in the clear, the link opens them, a wrong key fails."""

import re

from helpers import URL_RE, fetch, one_line

from pastebox.core import crypto

KEY_RE = r"[A-Za-z0-9_-]{43}"


# -- end-to-end encrypted pastes -------------------------------------------------------------


def test_e2ee_paste_keeps_text_and_title_from_the_server_and_opens_with_the_link(
    pastebox, live_server
):
    marker = "the-marker-4f1c ✓"
    result = pastebox(
        "paste", "--e2ee", "--title", "Secret title", "--lang", "python",
        "--server", live_server.url, input=marker.encode(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(URL_RE + "#(" + KEY_RE + r")\n", result.text)
    assert match, result.text
    pid, key = match.groups()
    stored = fetch(f"{live_server.url}/raw/{pid}").body
    assert b"marker" not in stored and b"Secret" not in stored
    paste = fetch(f"{live_server.url}/api/v1/pastes/{pid}").json()
    assert (paste["isE2ee"], paste["title"]) == (True, "")
    # The browser's wire format, so a link made here opens in a browser and the other way round.
    record = crypto.e2ee_open(crypto.b64url_decode(key), stored.decode())
    assert record == {
        "v": 1,
        "title": "Secret title",
        "files": [{"name": "", "language": "python", "content": marker}],
    }
    got = pastebox("get", result.text.strip())
    assert (got.returncode, got.stdout, got.stderr) == (0, marker.encode(), "")


def test_e2ee_paste_of_several_files_prints_each_under_its_name(pastebox, live_server, tmp_path):
    (tmp_path / "a.txt").write_text("alpha\n")
    (tmp_path / "b.txt").write_text("beta\n")
    result = pastebox("paste", "--e2ee", "a.txt", "b.txt", "--server", live_server.url)
    assert result.returncode == 0, result.stderr
    got = pastebox("get", result.text.strip())
    assert got.stdout == b"==> a.txt <==\nalpha\n\n==> b.txt <==\nbeta\n", got.stderr


def test_a_wrong_key_fails_with_exit_1(pastebox, live_server):
    result = pastebox("paste", "--e2ee", "--server", live_server.url, input=b"sealed text")
    assert result.returncode == 0, result.stderr
    link = result.text.strip().split("#")[0]
    other = crypto.b64url(crypto.new_e2ee_key())
    got = pastebox("get", f"{link}#{other}")
    assert (got.returncode, got.stdout) == (1, b"")
    assert one_line(got.stderr) == "pastebox: the key in this link does not open this paste"
    keyless = pastebox("get", link)
    assert keyless.returncode == 1 and "#key" in one_line(keyless.stderr)


def test_e2ee_and_password_together_are_refused_before_anything_is_sent(pastebox, dead_url):
    result = pastebox("paste", "--e2ee", "--password", "pw", "--server", dead_url, input=b"x")
    assert (result.returncode, result.stdout) == (2, b"")
    assert "pick one" in one_line(result.stderr)
