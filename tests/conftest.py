"""Shared fixtures: a fake clock, a config and store on a temporary database, the in-process app,
and a real `python -m pastebox` server on a free port."""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import webtest

from pastebox.app import create_app
from pastebox.config import Config, load_config
from pastebox.render import Renderer
from pastebox.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
START = 1_800_000_000.0  # 2027-01-15: a fixed "now" so timestamps in tests are predictable
SERVER_START_TIMEOUT = 20.0
LISTEN_RE = re.compile(r"serving on (http://\S+) with database")


class FakeClock:
    """A settable clock: tests move time instead of sleeping."""

    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "pastebox.db")


@pytest.fixture
def make_config(db_path: str):
    """Config for tests: rate limiting off unless a test turns it on."""

    def make(**overrides) -> Config:
        flags = {"db": db_path, "rate_limit": 0, **overrides}
        return load_config(env={}, flags=flags)

    return make


@pytest.fixture
def cfg(make_config) -> Config:
    return make_config()


@pytest.fixture
def store(cfg: Config) -> Iterator[Store]:
    s = open_store(cfg.db, synchronous=cfg.synchronous)
    yield s
    s.close()


@pytest.fixture(scope="session")
def renderer() -> Iterator[Renderer]:
    r = Renderer(timeout=5.0)
    yield r
    r.close()


@pytest.fixture
def make_app(store: Store, clock: FakeClock, renderer: Renderer, make_config):
    """An in-process app over the test store; keyword overrides change the config (and
    `renderer=` the renderer)."""
    shared = renderer

    def make(*, renderer: Renderer = shared, **overrides) -> webtest.TestApp:
        config = make_config(**overrides)
        return webtest.TestApp(create_app(config, store, now=clock, renderer=renderer))

    return make


@pytest.fixture
def app(make_app) -> webtest.TestApp:
    return make_app()


# -- a real server -------------------------------------------------------------------------


class LiveServer:
    """`python -m pastebox serve` in a subprocess on a free port, its stderr collected."""

    def __init__(self, db: str, *args: str, env: dict[str, str] | None = None):
        self.db = db
        self.args = args
        self.env = {**os.environ, "PASTEBOX_RATE_LIMIT": "0", **(env or {})}
        self.env["PYTHONPATH"] = str(ROOT)
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.lines: list[str] = []
        self._reader: threading.Thread | None = None

    def start(self) -> "LiveServer":
        self.lines = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pastebox", "serve", "--port", "0", "--db", self.db, *self.args],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()

        def read() -> None:
            assert self.proc and self.proc.stdout
            for line in self.proc.stdout:
                self.lines.append(line)
                match = LISTEN_RE.search(line)
                if match and not ready.is_set():
                    self.url = match.group(1)
                    ready.set()
            ready.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not ready.wait(SERVER_START_TIMEOUT) or not self.url:
            self.kill()
            raise RuntimeError("server did not start:\n" + self.output)
        return self

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def signal(self, signum: int) -> None:
        assert self.proc
        self.proc.send_signal(signum)

    def wait(self, timeout: float = 20.0) -> int:
        assert self.proc
        code = self.proc.wait(timeout)
        if self._reader:
            self._reader.join(5)
        return code

    def stop(self) -> int:
        """SIGTERM and wait: the graceful path."""
        if self.proc and self.proc.poll() is None:
            self.signal(signal.SIGTERM)
        return self.wait()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def live_server(db_path: str) -> Iterator[LiveServer]:
    server = LiveServer(db_path).start()
    yield server
    server.kill()


@pytest.fixture
def start_server(db_path: str):
    """Factory for tests that need flags, environment or several starts on one database."""
    servers: list[LiveServer] = []

    def start(*args: str, env: dict[str, str] | None = None, db: str | None = None) -> LiveServer:
        server = LiveServer(db or db_path, *args, env=env).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.kill()


def in_bursts(attempt, bursts: int, size: int) -> list[int]:
    """Run `attempt()` (returning a status) `size` at a time from as many threads released
    together by a barrier, `bursts` times; every status, in the order they came."""
    statuses: list[int] = []
    barrier = threading.Barrier(size)

    def run() -> None:
        barrier.wait(10)
        statuses.append(attempt())

    for _ in range(bursts):
        threads = [threading.Thread(target=run) for _ in range(size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        barrier.reset()
    return statuses


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll for an outside process (a real server) to reach a state; never for in-process time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def _memory_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in bytes, from /proc."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) * 1024
    return found


def reset_peak_memory(pid: int) -> int:
    """Start a process's peak RSS again from its current RSS (Linux); that RSS, in bytes."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return _memory_status(pid)["VmRSS"]


def peak_memory(pid: int) -> int:
    """A process's peak RSS since it started or since reset_peak_memory, in bytes."""
    return _memory_status(pid)["VmHWM"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start a real server are marked `server` (make test-fast skips them)."""
    for item in items:
        if {"live_server", "start_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(
    url: str,
    method: str = "GET",
    body: bytes | dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Reply:
    """One request to a real server; every status comes back as a Reply, none raises.

    A dict body is sent as JSON.
    """
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers)
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()
