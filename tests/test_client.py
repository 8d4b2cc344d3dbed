"""The command-line client as a contract: `python -m pastebox paste|get …` in a subprocess against
a real server, its output and exit status; plus its link parsing and settings in-process."""

import contextlib
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from conftest import ROOT, fetch

from pastebox import client
from pastebox.core import crypto

CLI_TIMEOUT = 30
URL_RE = r"http://127\.0\.0\.1:\d+/([A-Za-z0-9]{8,32})"
KEY_RE = r"[A-Za-z0-9_-]{43}"
# Variables that would let this machine's settings or proxies leak into a test's client.
LEAKY_ENV = ("PASTEBOX_", "PYTHONPATH", "XDG_CONFIG_HOME", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: bytes
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def pastebox(tmp_path: Path, home: Path):
    """`python -m pastebox ARGS` with HOME a temporary directory and no PASTEBOX_* settings but
    `env`; stdin is `input` (bytes)."""

    def run(*args: str, input: bytes = b"", env: dict[str, str] | None = None) -> Ran:
        base = {k: v for k, v in os.environ.items() if not k.upper().startswith(LEAKY_ENV)}
        full = {**base, "HOME": str(home), "PYTHONPATH": str(ROOT), **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "pastebox", *args],
            cwd=tmp_path,
            env=full,
            input=input,
            capture_output=True,
            timeout=CLI_TIMEOUT,
        )
        return Ran(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))

    return run


@pytest.fixture
def dead_url() -> Iterator[str]:
    """A local port that is bound but not listening: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def add_user(pastebox, db_path: str):
    """`user add NAME --db DB` (the live server's database); returns the API key."""

    def add(name: str) -> str:
        result = pastebox("user", "add", name, "--db", db_path)
        assert result.returncode == 0, result.stderr
        return result.text.rstrip("\n").splitlines()[-1]

    return add


def pasted_id(result: Ran) -> str:
    """The id in a successful `paste`'s one line of output."""
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(URL_RE + r"\n", result.text)
    assert match, result.text
    return match.group(1)


def seconds(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()


def one_line(stderr: str) -> str:
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    return stderr.rstrip("\n")


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


# -- password pastes -------------------------------------------------------------------------


def test_a_password_paste_opens_with_its_password_only(pastebox, live_server):
    password = "correct horse ✓"  # not latin-1: the header carries UTF-8
    created = pastebox(
        "paste", "--password", password, "--server", live_server.url, input=b"behind a password\n"
    )
    pid = pasted_id(created)
    assert b"behind" not in fetch(f"{live_server.url}/api/v1/pastes/{pid}").body
    right = pastebox("get", created.text.strip(), "--password", password)
    assert (right.returncode, right.stdout) == (0, b"behind a password\n"), right.stderr
    piped = pastebox("get", pid, "--password-stdin", "--server", live_server.url,
                     input=password.encode() + b"\n")  # fmt: skip
    assert (piped.returncode, piped.stdout) == (0, b"behind a password\n"), piped.stderr
    wrong = pastebox("get", created.text.strip(), "--password", "battery staple")
    assert (wrong.returncode, wrong.stdout) == (1, b"")
    assert "wrong password" in one_line(wrong.stderr)
    missing = pastebox("get", created.text.strip())
    assert missing.returncode == 1
    assert "--password" in one_line(missing.stderr)


def test_password_stdin_with_the_paste_from_files(pastebox, live_server, tmp_path):
    (tmp_path / "note.txt").write_text("filed\n")
    created = pastebox(
        "paste", "note.txt", "--password-stdin", "--server", live_server.url, input=b"s3cret\n"
    )
    got = pastebox("get", created.text.strip(), "--password", "s3cret")
    assert (got.returncode, got.stdout) == (0, b"filed\n"), created.stderr + got.stderr


# -- settings: flag > environment > file > default -----------------------------------------


def write_config(path: Path, server: str, api_key: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f'server = "{server}"'] + ([f'api_key = "{api_key}"'] if api_key else [])
    path.write_text("\n".join(lines) + "\n")


PRECEDENCE = {
    "file": ("live", None, None, "live"),
    "env-beats-file": ("dead", "live", None, "live"),
    "env-beats-file-2": ("live", "dead", None, "dead"),
    "flag-beats-env-and-file": ("dead", "dead", "live", "live"),
    "flag-beats-env": (None, "live", "dead", "dead"),
}


@pytest.mark.parametrize(
    ("in_file", "in_env", "in_flag", "used"), PRECEDENCE.values(), ids=PRECEDENCE.keys()
)
def test_the_server_comes_from_flag_then_environment_then_file(
    pastebox, live_server, dead_url, home, in_file, in_env, in_flag, used
):
    urls = {"live": live_server.url, "dead": dead_url}
    if in_file:
        write_config(home / ".config" / "pastebox" / "client.toml", urls[in_file])
    env = {"PASTEBOX_SERVER": urls[in_env]} if in_env else {}
    flags = ("--server", urls[in_flag]) if in_flag else ()
    result = pastebox("paste", *flags, input=b"which server?", env=env)
    if used == "live":
        assert fetch(f"{live_server.url}/raw/{pasted_id(result)}").body == b"which server?"
    else:
        assert result.returncode == 1
        assert one_line(result.stderr) == f"pastebox: cannot reach {dead_url}: connection refused"


@pytest.mark.parametrize("where", ["xdg", "named"])
def test_the_config_file_follows_xdg_config_home_and_pastebox_config(
    pastebox, live_server, dead_url, home, tmp_path, where
):
    write_config(home / ".config" / "pastebox" / "client.toml", dead_url)  # must not be read
    if where == "xdg":
        write_config(tmp_path / "xdg" / "pastebox" / "client.toml", live_server.url)
        env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    else:
        write_config(tmp_path / "elsewhere.toml", live_server.url)
        env = {"PASTEBOX_CONFIG": str(tmp_path / "elsewhere.toml")}
    pasted_id(pastebox("paste", input=b"x", env=env))


@pytest.mark.parametrize("source", ["environment", "file", "flag"])
def test_an_api_key_makes_the_paste_owned(pastebox, live_server, add_user, home, source):
    key = add_user("alice")
    env, flags = {"PASTEBOX_SERVER": live_server.url}, ()
    if source == "environment":
        env["PASTEBOX_API_KEY"] = key
    elif source == "file":
        write_config(home / ".config" / "pastebox" / "client.toml", live_server.url, key)
    else:
        flags = ("--api-key", key)
    result = pastebox("paste", *flags, input=b"mine", env=env)
    pid = pasted_id(result)
    assert result.stderr == ""  # an owned paste needs no manage token
    listed = fetch(f"{live_server.url}/api/v1/pastes", headers={"X-Api-Key": key}).json()
    assert [p["publicId"] for p in listed["pastes"]] == [pid]


def test_the_api_key_is_not_sent_to_a_server_a_link_names(
    pastebox, live_server, add_user, dead_url
):
    key = add_user("alice")
    env = {"PASTEBOX_API_KEY": key}
    created = pastebox("paste", "--private", "--server", live_server.url, input=b"p", env=env)
    link = created.text.strip()
    elsewhere = pastebox("get", link, env={**env, "PASTEBOX_SERVER": dead_url})
    assert elsewhere.returncode == 1
    assert one_line(elsewhere.stderr) == "pastebox: no such paste"
    home_server = pastebox("get", link, env={**env, "PASTEBOX_SERVER": live_server.url})
    assert (home_server.returncode, home_server.stdout) == (0, b"p"), home_server.stderr


# -- failures: one line, the right exit status ----------------------------------------------


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


@contextlib.contextmanager
def serve(answer: Callable[[http.server.BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """A tiny HTTP server on a free local port, in a thread; `answer` replies to each request."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def reply(self) -> None:
            answer(self)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = reply

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


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


REDIRECTED_KEY, REDIRECTED_PASSWORD = "my-secret-api-key", "my secret password"


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


def test_help_lists_the_client_commands(pastebox):
    result = pastebox("--help")
    assert result.returncode == 0
    assert re.search(r"^\s+paste\s", result.text, re.M) and re.search(
        r"^\s+get\s", result.text, re.M
    )


# -- in-process: link parsing and settings ---------------------------------------------------

LINKS = {
    "paste-url": ("http://h:1/AbCdEfGh12", ("http://h:1", "AbCdEfGh12", "", None)),
    "with-key": ("https://h/AbCdEfGh12#" + "k" * 43, ("https://h", "AbCdEfGh12", "k" * 43, None)),
    "behind-a-prefix": ("https://h/paste/AbCdEfGh12", ("https://h/paste", "AbCdEfGh12", "", None)),
    "raw": ("http://h/raw/AbCdEfGh12", ("http://h", "AbCdEfGh12", "", None)),
    "raw-file": ("http://h/raw/AbCdEfGh12/a%20b.py", ("http://h", "AbCdEfGh12", "", "a b.py")),
    "language": ("http://h/AbCdEfGh12.py#L5", ("http://h", "AbCdEfGh12", "L5", None)),
    "bare-id": ("AbCdEfGh12", ("http://default:9", "AbCdEfGh12", "", None)),
    "bare-id-key": ("AbCdEfGh12#xyz", ("http://default:9", "AbCdEfGh12", "xyz", None)),
}


@pytest.mark.parametrize(("link", "expected"), LINKS.values(), ids=LINKS.keys())
def test_parse_link(link, expected):
    target = client.parse_link(link, "http://default:9")
    assert (target.server, target.paste_id, target.fragment, target.file_name) == expected


@pytest.mark.parametrize("link", ["", "x", "ftp://h/AbCdEfGh12", "http://h/", "http://h/a/b!c"])
def test_parse_link_refuses_what_is_not_a_paste(link):
    with pytest.raises(client.ClientError):
        client.parse_link(link, "http://default:9")


def test_settings_default_when_nothing_is_configured(tmp_path):
    assert client.load_settings(env={"HOME": str(tmp_path)}) == client.ClientSettings(
        "http://127.0.0.1:8080", None
    )


def test_settings_take_each_key_from_the_first_layer_that_has_it(tmp_path):
    write_config(tmp_path / ".config" / "pastebox" / "client.toml", "http://file/", "file-key")
    env = {"HOME": str(tmp_path)}
    assert client.load_settings(env=env) == client.ClientSettings("http://file", "file-key")
    env["PASTEBOX_SERVER"] = "http://env"
    assert client.load_settings(env=env) == client.ClientSettings("http://env", "file-key")
    env["PASTEBOX_API_KEY"] = "env-key"
    assert client.load_settings(env=env) == client.ClientSettings("http://env", "env-key")
    assert client.load_settings("http://flag", "flag-key", env=env) == client.ClientSettings(
        "http://flag", "flag-key"
    )


@pytest.mark.parametrize(
    ("toml", "needle"),
    [("colour = 'blue'\n", "colour"), ("server = 8080\n", "string"), ("server = \n", "client.toml"),
     ("server = 'gopher://x'\n", "http")],
)  # fmt: skip
def test_a_bad_config_file_is_a_usage_error(tmp_path, toml, needle):
    path = tmp_path / ".config" / "pastebox" / "client.toml"
    path.parent.mkdir(parents=True)
    path.write_text(toml)
    with pytest.raises(client.ClientError) as caught:
        client.load_settings(env={"HOME": str(tmp_path)})
    assert caught.value.status == 2 and needle in caught.value.message


def test_a_named_config_file_must_exist(tmp_path):
    with pytest.raises(client.ClientError, match="not found"):
        client.load_settings(env={"HOME": str(tmp_path), "PASTEBOX_CONFIG": str(tmp_path / "no")})
