"""The command-line client's `paste` and `get` against a real server: plain pastes round
trip exactly, several files make one paste, the options reach the server, and its help."""

import re
from datetime import datetime

import pytest
from helpers import fetch, one_line, pasted_id


def seconds(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()


# -- paste and get: plain pastes -----------------------------------------------------------


def test_stdin_paste_round_trips_exactly_and_prints_the_url_and_manage_token(pastebox, live_server):
    text = "naïve ✓ ünïcode\r\nCRLF kept\n\n  last line without a newline".encode()
    result = pastebox("paste", "--server", live_server.url, input=text)
    pid = pasted_id(result)
    assert fetch(f"{live_server.url}/raw/{pid}").body == text
    token = re.fullmatch(r"manage token: ([A-Za-z0-9_-]{43})\n", result.stderr)
    assert token, result.stderr
    got = pastebox("get", result.text.strip())
    assert (got.returncode, got.stdout, got.stderr) == (0, text, "")
    deleted = fetch(
        f"{live_server.url}/api/v1/pastes/{pid}", "DELETE", headers={"X-Manage-Token": token[1]}
    )
    assert deleted.status == 200  # the printed token is the paste's real manage token


def test_several_files_make_one_paste_named_by_their_basenames(pastebox, live_server, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "src" / "a.py").write_bytes(b"print('a')\n")
    (tmp_path / "docs" / "b.txt").write_bytes("bé\n".encode())
    result = pastebox(
        "paste", "src/a.py", str(tmp_path / "docs" / "b.txt"), "--server", live_server.url
    )
    pid = pasted_id(result)
    files = fetch(f"{live_server.url}/api/v1/pastes/{pid}").json()["files"]
    assert [(f["name"], f["content"]) for f in files] == [
        ("a.py", "print('a')\n"),
        ("b.txt", "bé\n"),
    ]
    expected = "==> a.py <==\nprint('a')\n\n==> b.txt <==\nbé\n".encode()
    assert fetch(f"{live_server.url}/raw/{pid}").body == expected  # as the curl surface joins them
    for link in (result.text.strip(), result.text.strip() + "#f2-L1", pid):
        got = pastebox("get", link, "--server", live_server.url)
        assert (got.returncode, got.stdout) == (0, expected), got.stderr
    one = pastebox("get", f"{live_server.url}/raw/{pid}/b.txt")
    assert (one.returncode, one.stdout) == (0, "bé\n".encode()), one.stderr


def test_stdin_may_be_one_of_several_files(pastebox, live_server, tmp_path):
    (tmp_path / "a.py").write_text("a = 1\n")
    pid = pasted_id(pastebox("paste", "a.py", "-", "--server", live_server.url, input=b"piped\n"))
    files = fetch(f"{live_server.url}/api/v1/pastes/{pid}").json()["files"]
    assert [(f["name"], f["content"]) for f in files] == [
        ("a.py", "a = 1\n"),
        ("file2.txt", "piped\n"),
    ]


def test_title_language_ttl_burn_and_private_reach_the_server(pastebox, live_server, add_user):
    key = add_user("alice")
    url = live_server.url
    result = pastebox(
        "paste", "--server", url, "--api-key", key, "--title", "Notes ✓", "--lang", "rust",
        "--ttl", "1h", "--burn", "--private", input=b"fn main() {}\n",
    )  # fmt: skip
    pid = pasted_id(result)
    [row] = fetch(f"{url}/api/v1/pastes", headers={"X-Api-Key": key}).json()["pastes"]
    assert (row["publicId"], row["title"], row["syntax"]) == (pid, "Notes ✓", "rust")
    assert (row["exposure"], row["burnAfterRead"]) == ("private", True)
    assert seconds(row["expiresAt"]) - seconds(row["createdAt"]) == 3600
    assert fetch(f"{url}/api/v1/pastes/{pid}").status == 404  # private: not without the key
    first = pastebox("get", result.text.strip(), "--api-key", key, "--server", url)
    assert (first.returncode, first.stdout) == (0, b"fn main() {}\n"), first.stderr
    second = pastebox("get", result.text.strip(), "--api-key", key, "--server", url)
    assert second.returncode == 1
    gone = fetch(f"{url}/api/v1/pastes/{pid}", headers={"X-Api-Key": key})
    assert gone.status == 410
    assert one_line(second.stderr) == f"pastebox: {gone.json()['message']}"


@pytest.mark.parametrize(
    ("flags", "exposure"),
    [((), "unlisted"), (("--public",), "public"), (("--unlisted",), "unlisted"),
     (("--private",), "private")],
)  # fmt: skip
def test_exposure_flags_reach_the_server(pastebox, live_server, add_user, flags, exposure):
    key = add_user("alice")
    pid = pasted_id(
        pastebox("paste", *flags, "--server", live_server.url, "--api-key", key, input=b"x")
    )
    reply = fetch(f"{live_server.url}/api/v1/pastes/{pid}", headers={"X-Api-Key": key})
    assert reply.json()["exposure"] == exposure


@pytest.mark.parametrize(
    ("ttl", "lives"), [("600", 600), ("10m", 600), ("1d", 86400), ("never", None)]
)
def test_ttl_is_sent_as_seconds_or_as_a_preset(pastebox, live_server, ttl, lives):
    pid = pasted_id(pastebox("paste", "--ttl", ttl, "--server", live_server.url, input=b"x"))
    paste = fetch(f"{live_server.url}/api/v1/pastes/{pid}").json()
    if lives is None:
        assert paste["expiresAt"] is None
    else:
        assert seconds(paste["expiresAt"]) - seconds(paste["createdAt"]) == lives


def test_client_commands_ignore_the_servers_settings(pastebox, live_server):
    """A shell with server settings in its environment (even bad ones) can still paste."""
    env = {"PASTEBOX_PORT": "not-a-port", "PASTEBOX_DB": "/nonexistent/x.db"}
    pid = pasted_id(pastebox("paste", "--server", live_server.url, input=b"ok", env=env))
    assert fetch(f"{live_server.url}/raw/{pid}").body == b"ok"


# -- failures: one line, the right exit status ----------------------------------------------


def test_help_lists_the_client_commands(pastebox):
    result = pastebox("--help")
    assert result.returncode == 0
    assert re.search(r"^\s+paste\s", result.text, re.M) and re.search(
        r"^\s+get\s", result.text, re.M
    )
