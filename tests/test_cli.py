"""The command line as a contract: `python -m pastebox …` in a subprocess, its output, its exit
status, and the API keys it issues working against a live server."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import CLI_TIMEOUT, LISTEN_RE, ROOT, SERVER_START_TIMEOUT, fetch

from pastebox.config import settings
from pastebox.core import pastes
from pastebox.core.context import Core
from pastebox.core.model import NewFile, NewPaste
from pastebox.store import open_store
from pastebox.version import __version__

STOP_TIMEOUT = 20


API_KEY = r"[A-Za-z0-9_-]{43}"


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without PASTEBOX_* settings or PYTHONPATH, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASTEBOX_", "PYTHONPATH"))}
    return {**env, **extra}


@pytest.fixture
def run(tmp_path: Path):
    """`python -m pastebox ARGS` with cwd a temporary directory; returns the finished process."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pastebox", *args],
            cwd=tmp_path,
            env=clean_environment(PYTHONPATH=str(ROOT), **(env or {})),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
        )

    return run


@pytest.fixture
def add_user(run, db_path: str):
    """`user add NAME --db DB`, checked; returns the API key (the last line of stdout)."""

    def add(name: str) -> str:
        result = run("user", "add", name, "--db", db_path)
        assert result.returncode == 0, result.stderr
        return last_line(result.stdout)

    return add


def last_line(text: str) -> str:
    return text.rstrip("\n").splitlines()[-1]


def my_pastes(url: str, headers: dict[str, str]) -> int:
    return fetch(f"{url}/api/v1/pastes", headers=headers).status


# -- users and keys ------------------------------------------------------------------------


def test_user_add_prints_the_api_key_as_the_last_line(add_user):
    assert re.fullmatch(API_KEY, add_user("alice"))


def test_an_issued_key_works_as_x_api_key_and_as_bearer(add_user, live_server):
    key = add_user("alice")
    assert my_pastes(live_server.url, {"X-Api-Key": key}) == 200
    assert my_pastes(live_server.url, {"Authorization": f"Bearer {key}"}) == 200


def test_a_bad_key_is_refused_with_401(add_user, live_server):
    add_user("alice")
    assert my_pastes(live_server.url, {"X-Api-Key": "not-a-key"}) == 401
    assert my_pastes(live_server.url, {"Authorization": "Bearer not-a-key"}) == 401


def test_adding_an_existing_user_fails_with_one_line(run, add_user, db_path):
    add_user("alice")
    result = run("user", "add", "alice", "--db", db_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "alice" in result.stderr


def test_user_list_shows_each_user_with_key_and_paste_counts(run, add_user, db_path, live_server):
    key = add_user("bob")
    add_user("alice")
    created = fetch(
        f"{live_server.url}/api/v1/pastes", "POST", {"content": "x"}, {"X-Api-Key": key}
    )
    assert created.status == 201
    result = run("user", "list", "--db", db_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t")[:3] for line in result.stdout.splitlines()]
    assert rows == [["alice", "keys=1", "pastes=0"], ["bob", "keys=1", "pastes=1"]]


def test_user_key_issues_another_key_and_both_work(run, add_user, db_path, live_server):
    first = add_user("alice")
    result = run("user", "key", "alice", "--db", db_path)
    assert result.returncode == 0, result.stderr
    second = last_line(result.stdout)
    assert re.fullmatch(API_KEY, second) and second != first
    assert my_pastes(live_server.url, {"X-Api-Key": first}) == 200
    assert my_pastes(live_server.url, {"X-Api-Key": second}) == 200


def test_user_revoke_makes_every_key_of_the_user_fail(run, add_user, db_path, live_server):
    first = add_user("alice")
    second = last_line(run("user", "key", "alice", "--db", db_path).stdout)
    other = add_user("bob")
    result = run("user", "revoke", "alice", "--db", db_path)
    assert result.returncode == 0, result.stderr
    assert my_pastes(live_server.url, {"X-Api-Key": first}) == 401
    assert my_pastes(live_server.url, {"X-Api-Key": second}) == 401
    assert my_pastes(live_server.url, {"X-Api-Key": other}) == 200


def test_user_remove_deletes_the_user_their_keys_and_their_pastes(
    run, add_user, db_path, live_server
):
    key = add_user("alice")
    created = fetch(
        f"{live_server.url}/api/v1/pastes", "POST", {"content": "mine"}, {"X-Api-Key": key}
    )
    pid = created.json()["publicId"]
    result = run("user", "remove", "alice", "--db", db_path)
    assert result.returncode == 0, result.stderr
    assert my_pastes(live_server.url, {"X-Api-Key": key}) == 401
    assert fetch(f"{live_server.url}/raw/{pid}").status in (404, 410)
    assert run("user", "list", "--db", db_path).stdout == ""


def test_a_user_command_for_an_unknown_user_fails_with_one_line(run, add_user, db_path):
    add_user("alice")  # an existing database: a new one logs its creation first
    result = run("user", "key", "nobody", "--db", db_path)
    assert result.returncode == 2
    assert result.stderr == "pastebox: no user named 'nobody'\n"


def test_purge_exits_0(run, db_path):
    result = run("purge", "--db", db_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("purged 0 expired")


def test_purge_runs_one_sweep_that_deletes_expired_pastes_and_keeps_the_rest(
    run, db_path, make_config, start_server
):
    store = open_store(db_path)
    try:
        an_hour_ago = time.time() - 3600
        core = Core(store, make_config(), lambda: an_hour_ago)
        expired = pastes.create(core, NewPaste(files=(NewFile("", b"old"),), ttl=60)).paste.id
        kept = pastes.create(core, NewPaste(files=(NewFile("", b"kept"),))).paste.id
    finally:
        store.close()
    first = run("purge", "--db", db_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("purged 1 expired paste(s)")
    assert run("purge", "--db", db_path).stdout.startswith("purged 0 expired")
    server = start_server()
    assert fetch(f"{server.url}/raw/{kept}").body == b"kept"
    assert fetch(f"{server.url}/raw/{expired}").status == 410


def test_the_database_may_come_from_the_environment(run, tmp_path, start_server):
    db = str(tmp_path / "named-in-the-environment.db")  # not the default ./pastebox.db
    result = run("user", "add", "alice", env={"PASTEBOX_DB": db})
    assert result.returncode == 0, result.stderr
    server = start_server(db=db)
    assert my_pastes(server.url, {"X-Api-Key": last_line(result.stdout)}) == 200


# -- configuration errors ------------------------------------------------------------------

# A database that cannot be opened: a bad setting wrongly accepted then fails fast, with another
# message, instead of starting a server.
UNOPENABLE_DB = "/nonexistent-directory/pastebox.db"


BAD_SETTINGS = {
    "unknown-env-setting": ((), {"PASTEBOX_NOPE": "1"}, "", "PASTEBOX_NOPE"),
    "bad-flag-value": (("--port", "x"), {}, "", "port"),
    "flag-port-out-of-range": (("--port", "70000"), {}, "", "port"),
    "env-port-out-of-range": ((), {"PASTEBOX_PORT": "65536"}, "", "port"),
    "negative-rate-limit": ((), {"PASTEBOX_RATE_LIMIT": "-1"}, "", "rate_limit"),
    "unknown-file-key": ((), {}, "colour = 'blue'\n", "colour"),
    "bad-file-value": ((), {}, "port = 'http'\n", "port"),
}


@pytest.mark.parametrize(
    ("args", "env", "toml", "needle"), BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys()
)
def test_a_bad_setting_stops_the_server_with_exit_2_and_one_line(
    run, tmp_path, args, env, toml, needle
):
    config = []
    if toml:
        (tmp_path / "pastebox.toml").write_text(toml)
        config = ["--config", "pastebox.toml"]
    result = run("serve", "--db", UNOPENABLE_DB, *config, *args, env=env)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert needle in result.stderr


def test_an_unknown_flag_is_refused_with_exit_2_naming_it(run, db_path):
    result = run("serve", "--db", db_path, "--colour", "blue")
    assert result.returncode == 2
    assert "--colour" in last_line(result.stderr)
    assert not Path(db_path).exists()  # refused before anything was opened


def test_a_bad_setting_stops_a_user_command_too(run, db_path):
    result = run("user", "list", "--db", db_path, env={"PASTEBOX_NOPE": "1"})
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1


def test_flags_beat_environment_beat_file_beat_defaults(start_server, tmp_path):
    """max_paste_bytes is set in all three layers, max_files in the file and the environment,
    max_ttl in the file only; the server's limits show which layer won each."""
    toml = tmp_path / "layers.toml"
    toml.write_text("max_paste_bytes = 1000\nmax_files = 2\nmax_ttl = 100\n")
    server = start_server(
        "--config", str(toml), "--max-paste-bytes", "3000",
        env={"PASTEBOX_MAX_PASTE_BYTES": "2000", "PASTEBOX_MAX_FILES": "3"},
    )  # fmt: skip

    def status(**fields) -> int:
        return fetch(f"{server.url}/api/v1/pastes", "POST", fields).status

    def files(n: int) -> list[dict]:
        return [{"name": f"f{i}.txt", "content": "x"} for i in range(n)]

    assert (status(content="x" * 3000), status(content="x" * 3001)) == (201, 413)  # flag
    assert (status(files=files(3)), status(files=files(4))) == (201, 400)  # environment
    assert (status(content="x", ttlSeconds=100), status(content="x", ttlSeconds=101)) == (201, 400)


# -- serve: the default command and its flags ----------------------------------------------


class BareServer:
    """`python -m pastebox ARGS` exactly as given (no `serve` added), its output collected."""

    def __init__(self, *args: str, cwd: Path):
        env = clean_environment(PYTHONPATH=str(ROOT), PASTEBOX_RATE_LIMIT="0")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pastebox", *args],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self.url = ""
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line)
            match = LISTEN_RE.search(line)
            if match and not self.url:
                self.url = match.group(1)
                self._ready.set()
        self._ready.set()

    def wait_listening(self) -> str:
        assert self._ready.wait(SERVER_START_TIMEOUT) and self.url, "".join(self.lines)
        return self.url

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(STOP_TIMEOUT)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def bare_server(tmp_path: Path):
    servers: list[BareServer] = []

    def start(*args: str) -> BareServer:
        servers.append(BareServer(*args, cwd=tmp_path))
        return servers[-1]

    yield start
    for server in servers:
        server.kill()


@pytest.mark.server
def test_no_command_means_serve(bare_server, db_path):
    server = bare_server("--port", "0", "--db", db_path)
    url = server.wait_listening()
    created = fetch(f"{url}/api/v1/pastes", "POST", {"content": "served\n"})
    assert created.status == 201
    assert fetch(f"{url}/raw/{created.json()['publicId']}").body == b"served\n"
    assert server.stop() == 0
    assert f"with database {db_path}" in "".join(server.lines)


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_host_sets_the_listening_address(start_server, how):
    if how == "flag":
        server = start_server("--host", "127.0.0.2")
    else:
        server = start_server(env={"PASTEBOX_HOST": "127.0.0.2"})
    assert server.url.startswith("http://127.0.0.2:")
    assert fetch(f"{server.url}/api/health").status == 200


def test_base_url_prefixes_the_links_the_server_hands_out(start_server):
    server = start_server("--base-url", "https://paste.example.org")
    reply = fetch(server.url, "POST", b"linked\n")
    assert reply.status == 201, reply.body
    link = reply.body.decode()
    assert re.fullmatch(r"https://paste\.example\.org/[A-Za-z0-9]+\n", link), link
    pid = link.rstrip("\n").rsplit("/", 1)[1]
    assert fetch(f"{server.url}/raw/{pid}").body == b"linked\n"


# -- launcher, help and version --------------------------------------------------------------


def test_the_checkout_launcher_prints_help_from_the_repository_root():
    result = subprocess.run(
        [sys.executable, "pastebox.py", "--help"],
        cwd=ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: pastebox")
    for command in ("serve", "user", "purge"):
        assert command in result.stdout


def test_serve_help_lists_a_flag_for_every_setting(run):
    result = run("serve", "--help")
    assert result.returncode == 0, result.stderr
    missing = [f.name for f in settings() if "--" + f.name.replace("_", "-") not in result.stdout]
    assert missing == []


def test_version_prints_the_package_version(run):
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout == f"pastebox {__version__}\n"
