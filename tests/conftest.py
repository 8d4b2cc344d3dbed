"""Shared fixtures: a fake clock, a config and store on a temporary database, the in-process app,
and a real `python -m pastebox` server on a free port."""

import contextlib
import getpass
import http.client
import json
import os
import re
import shutil
import signal
import socket
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

from pastebox.config import Config, load_config
from pastebox.core.context import Core
from pastebox.proxy import behind_proxy
from pastebox.render import Renderer
from pastebox.store import Store, open_store
from pastebox.web.app import create_app

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


@pytest.fixture
def core(store: Store, cfg: Config, clock: FakeClock) -> Core:
    """The domain over the test's store, settings and clock (as create_app builds it)."""
    return Core(store, cfg, clock)


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
        app = create_app(config, store, now=clock, renderer=renderer)
        # With a trusted proxy, its headers are translated as waitress does under the server;
        # without one the app reads no proxy header at all (waitress drops them anyway).
        return webtest.TestApp(behind_proxy(app, config) if config.trust_proxy else app)

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
        if {"live_server", "start_server", "start_nginx"} & set(getattr(item, "fixturenames", ())):
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
    source: str | None = None,
) -> Reply:
    """One request to a real server; every status comes back as a Reply, none raises.

    A dict body is sent as JSON; `source` is the local address to connect from (any of
    127.0.0.0/8 on loopback), so one test can be several clients.
    """
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    bind = (source, 0) if source else None
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=bind
    )
    try:
        conn.request(method, target, body=body, headers=headers)
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


# -- a real nginx in front -------------------------------------------------------------------

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
NGINX_CONF = """
worker_processes 1;
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 16m;
    proxy_http_version 1.1;
    # A block that sets any proxy_set_header inherits none from outside: each sets all three.
    server {{
        listen 127.0.0.1:{plain_port};
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
    # Stands in for a server block that terminates TLS: it tells the app the scheme was https.
    server {{
        listen 127.0.0.1:{tls_port};
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Nginx:
    """Debian's nginx in the foreground (`daemon off`), proxying to `upstream`."""

    proc: subprocess.Popen
    dir: Path
    url: str  # plain http: X-Forwarded-Proto $scheme
    tls_url: str  # as if TLS ended here: X-Forwarded-Proto https

    @property
    def error_log(self) -> str:
        log = self.dir / "error.log"
        return log.read_text() if log.exists() else ""


@pytest.fixture
def start_nginx(tmp_path: Path):
    """Factory: an nginx reverse proxy in front of `upstream` (a URL), with its config, pid,
    logs and temp files in a temporary directory; skipped when nginx is not installed."""
    if NGINX is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    started: list[Nginx] = []

    def start(upstream: str) -> Nginx:
        where = tmp_path / f"nginx{len(started)}"
        where.mkdir()
        plain, tls = free_port(), free_port()
        # As root, nginx's workers would run as nobody and could not use the temp paths.
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        conf = where / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user=user, dir=where, plain_port=plain, tls_port=tls, upstream=upstream
            )
        )
        proc = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(where), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        nginx = Nginx(proc, where, f"http://127.0.0.1:{plain}", f"http://127.0.0.1:{tls}")
        started.append(nginx)
        if not wait_until(lambda: proc.poll() is not None or _accepts(plain) and _accepts(tls)):
            raise RuntimeError("nginx did not start:\n" + nginx.error_log)
        if proc.poll() is not None:
            raise RuntimeError("nginx exited:\n" + nginx.error_log)
        return nginx

    yield start
    for nginx in started:
        nginx.proc.terminate()
        try:
            nginx.proc.wait(10)
        except subprocess.TimeoutExpired:
            nginx.proc.kill()
            nginx.proc.wait(10)


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


# -- hostile clients -----------------------------------------------------------------------

TRICKLE_SECONDS = 0.2


def server_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def upload_head(declared: int) -> bytes:
    """The head of a JSON create whose body will be `declared` bytes long."""
    return (
        f"POST /api/v1/pastes HTTP/1.1\r\nHost: hostile\r\nContent-Type: application/json\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()


class Crowd:
    """Hostile sockets against a real server: idle connections, headers that never end, bodies
    that never end. One thread sends every trickling socket a byte each TRICKLE_SECONDS, so none
    looks idle; every socket is closed when the crowd leaves its `with` block.

    `source` binds a socket to a loopback address (127.0.0.2, 127.0.0.3, ...): on Linux all of
    127/8 reaches the server, and each address is a different client to it.
    """

    def __init__(self, url: str):
        self.address = server_address(url)
        self.sockets: list[socket.socket] = []
        self.trickling: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> "Crowd":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)
        for sock in self.sockets:
            sock.close()

    def connect(self, source: str = "127.0.0.1") -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sockets.append(sock)
        sock.settimeout(10)
        sock.bind((source, 0))
        sock.connect(self.address)
        return sock

    def idle(self, source: str = "127.0.0.1") -> socket.socket:
        return self.connect(source)

    def slow_headers(self, source: str = "127.0.0.1") -> socket.socket:
        """A request line and headers that grow by a byte a tick and never end."""
        sock = self.connect(source)
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: hostile\r\nX-Slow: ")
        return self.keep_trickling(sock)

    def slow_body(self, source: str = "127.0.0.1", declared: int = 10_000_000) -> socket.socket:
        """A create whose body arrives a byte a tick and never ends."""
        sock = self.connect(source)
        sock.sendall(upload_head(declared) + b'{"content": "')
        return self.keep_trickling(sock)

    def stalled_upload(self, declared: int, sent: int, source: str = "127.0.0.1") -> socket.socket:
        """A create that sends `sent` bytes of a `declared`-byte body, then nothing."""
        sock = self.connect(source)
        # The server may shed it while it is sending; the caller sees it closed.
        with contextlib.suppress(OSError):
            sock.sendall(upload_head(declared) + b"x" * sent)
        return sock

    def keep_trickling(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self.trickling.append(sock)
        return sock

    def _trickle(self) -> None:
        while not self._stop.wait(TRICKLE_SECONDS):
            with self._lock:
                socks = list(self.trickling)
            for sock in socks:
                try:
                    sock.send(b"x")
                except OSError:
                    with self._lock:
                        self.trickling.remove(sock)


def closed_reply(sock: socket.socket, timeout: float) -> bytes | None:
    """What the server sent before closing `sock` (b"" for a bare close or a reset), or None
    if it still held the connection open after `timeout` seconds."""
    sock.settimeout(timeout)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        return None
    except OSError:
        pass  # reset: closed with the client's bytes unread
    return received


def status_line(reply: bytes | None) -> str:
    return reply.split(b"\r\n", 1)[0].decode("latin-1") if reply else ""


def http_replies(data: bytes) -> list[tuple[str, bytes]]:
    """The status line and body of each HTTP/1.1 reply in `data`, in order (framed by their
    Content-Length); a reply cut short keeps the body bytes that came."""
    replies = []
    while data:
        head, _, data = data.partition(b"\r\n\r\n")
        status, *fields = head.decode("latin-1").split("\r\n")
        length = next(
            (
                int(v)
                for k, _, v in (f.partition(":") for f in fields)
                if k.lower() == "content-length"
            ),
            0,
        )
        replies.append((status, data[:length]))
        data = data[length:]
    return replies
