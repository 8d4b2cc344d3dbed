"""Every helper the spec files share: constants, request builders, parsers of pages, assertions,
a fake clock, a real server in a subprocess, hostile clients. Fixtures live in conftest.py."""

import contextlib
import dataclasses
import html
import http.client
import http.server
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import webtest

from pastebox.web.csrf import CSRF_COOKIE
from pastebox.web.requests import SESSION_COOKIE, TOKEN_COOKIE
from pastebox.web.vendor import E2EE_SCRIPT_PATH, TWEETNACL_PATH, TWEETNACL_SRI

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


# -- assertions several spec files share -----------------------------------------------------


def assert_json_error(res, status: int, code: str | None = None) -> dict:
    """A JSON error of the native shape: {"error": code, "message": text}; returns the body."""
    assert res.status_int == status, res.text
    assert res.content_type == "application/json"
    body = res.json
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["error"] == code
    return body


def assert_rate_limited(res, code: str = "rate_limited") -> int:
    """A 429 in the native JSON shape with a whole, positive Retry-After; returns its seconds."""
    assert res.status_int == 429, res.text
    assert res.content_type == "application/json"
    assert res.json["error"] == code
    assert isinstance(res.json["message"], str) and res.json["message"]
    retry_after = res.headers["Retry-After"]
    assert retry_after.isdigit(), retry_after
    assert int(retry_after) >= 1
    return int(retry_after)


# A call that must be cheap whatever its input (a parser or detector of user text) gets this
# much CPU: hundreds of times what the linear-time code needs, so a loaded machine cannot fail
# it, and a hundredth of what the old backtracking regexes took on the same input.
CPU_BUDGET_SECONDS = 0.05


RUNAWAY_SECONDS = 5.0  # wall time after which a call is killed and counted as over budget


def cpu_seconds(fn: Callable[..., object], *args: object) -> float:
    """CPU time `fn(*args)` takes (raising counts too), measured in a forked child so a runaway
    call is killed after RUNAWAY_SECONDS (then: infinity) instead of hanging the suite.

    Thread CPU time, not wall time: other processes on a busy machine do not add to it."""
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)

    def child() -> None:
        start = time.thread_time()
        with contextlib.suppress(Exception):
            fn(*args)
        sender.send(time.thread_time() - start)

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    try:
        return receiver.recv() if receiver.poll(RUNAWAY_SECONDS) else math.inf
    finally:
        process.kill()
        process.join()
        receiver.close()
        sender.close()


def assert_cheap(fn: Callable[..., object], *args: object) -> None:
    """`fn(*args)` stays within CPU_BUDGET_SECONDS of CPU time."""
    spent = cpu_seconds(fn, *args)
    assert spent < CPU_BUDGET_SECONDS, f"{fn.__name__} took {spent * 1000:.0f} ms of CPU"


# -- the pages: a browser's requests and what it builds from a page --------------------------

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


CURL = {"Accept": "*/*"}


PASTES = "/api/v1/pastes"


STATIC = Path(__file__).resolve().parent.parent / "pastebox" / "static"


HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</pre></span><iframe srcdoc=x>",
)


ACTIVE_TAGS = frozenset({"script", "img", "svg", "iframe", "object", "embed", "base"})


OUR_SCRIPT = ("script", [("src", "/static/pastebox.js"), ("defer", None)])  # on every page


# The only others allowed, in this order: on the new-paste form and the pages of an end-to-end
# encrypted paste (tweetnacl under its SRI hash, then the code that seals and opens).
E2EE_SCRIPTS = [
    ("script", [("src", TWEETNACL_PATH), ("integrity", TWEETNACL_SRI), ("defer", None)]),
    ("script", [("src", E2EE_SCRIPT_PATH), ("defer", None)]),
]


SEALED = "A" * 60  # base64url long enough to be a sealed record


def create(app, **fields) -> str:
    body = fields if ("content" in fields or "files" in fields) else {"content": "x\n", **fields}
    return app.post_json(PASTES, body, status=201).json["publicId"]


def page(app, paste_id: str, status: int = 200):
    return app.get(f"/{paste_id}", headers=BROWSER, status=status)


def csrf(app) -> str:
    """This browser's anti-forgery token, as a page with a form would hand it out."""
    if CSRF_COOKIE not in app.cookies:
        app.get("/new", headers=BROWSER, status=200)
    return app.cookies[CSRF_COOKIE]


def reveal(app, paste_id: str, status: int = 200, **fields: str):
    """The burn interstitial's (or the password form's) POST, as the browser sends it."""
    body = urlencode({"csrf": csrf(app), **fields})
    headers = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    return app.post(f"/{paste_id}", body, headers=headers, status=status)


class Document(HTMLParser):
    """What a browser would build from a page: its elements, their attributes, its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.data: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.elements.append((tag, attrs))
        self.attributes.extend(attrs)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.data.append(data)

    @property
    def text(self) -> str:
        return "".join(self.data)


def assert_no_active_markup(text: str) -> Document:
    """None of HOSTILE got through as markup: no script-capable element, no on* handler."""
    for payload in HOSTILE:
        assert payload not in text
    doc = Document(text)
    active = [(tag, attrs) for tag, attrs in doc.elements if tag in ACTIVE_TAGS]
    assert active in ([OUR_SCRIPT], [OUR_SCRIPT, *E2EE_SCRIPTS]), active
    handlers = [name for name, _ in doc.attributes if name.startswith("on")]
    assert not handlers, handlers
    return doc


def assert_html_security_headers(res) -> None:
    headers = res.headers
    assert headers["Content-Type"].lower() == "text/html; charset=utf-8"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"


def element_text(text: str, opening: str) -> str:
    """The text of the first element opened by `<opening>`, unescaped as a browser shows it."""
    tag = opening.split()[0]
    match = re.search(rf"<{opening}>(.*?)</{tag}>", text, re.DOTALL)
    assert match, f"no <{opening}> in the page"
    return html.unescape(match.group(1))


# -- the browser's forms: multipart bodies, form posts, token cookies ------------------------

BOUNDARY = "pasteboxSpecBoundary7MA4YWxkTrZu0gW"


MISSING_ID = "AAAAAAAAAA"


def multipart(*parts, boundary: str = BOUNDARY) -> tuple[bytes, str]:
    """A multipart/form-data body, parts in order, and its Content-Type header.

    A part is one of:
    - (name, value): a field; a str value is sent as UTF-8, bytes exactly as given;
    - (name, filename, data): a chosen file as a browser sends it (with Content-Type:
      application/octet-stream); a filename of None makes it a plain field of `data`;
    - (name, filename, data, content_type): a file with that Content-Type line (None: no line);
    - bytes: a raw section (header lines, a blank line, the data), sent exactly as given, so a
      spec can send sections no browser would.
    """
    chunks = []
    for part in parts:
        if isinstance(part, bytes):
            section = part
        else:
            if len(part) == 2:
                (name, data), filename, content_type = part, None, None
            elif len(part) == 3:
                name, filename, data = part
                content_type = "application/octet-stream"
            else:
                name, filename, data, content_type = part
            head = f'Content-Disposition: form-data; name="{name}"'
            if filename is not None:
                head += f'; filename="{filename}"'
                if content_type is not None:
                    head += f"\r\nContent-Type: {content_type}"
            data = data.encode() if isinstance(data, str) else data
            section = f"{head}\r\n\r\n".encode() + data
        chunks.append(f"--{boundary}\r\n".encode() + section + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def post_form(app, path: str, fields: list[tuple], status: int | str = 303):
    """POST the form as the browser that loaded it would (with its CSRF token first, unless
    `fields` brings one)."""
    if not any(f[0] == "csrf" for f in fields):
        fields = [("csrf", csrf(app)), *fields]
    body, content_type = multipart(*fields)
    return app.post(path, body, headers={**BROWSER, "Content-Type": content_type}, status=status)


def block(name: str = "", content: str = "", lang: str = "") -> list[tuple[str, str]]:
    """One file block of the form, in the order the page lays its fields out."""
    return [("name", name), ("lang", lang), ("content", content)]


def paste_id_of(res) -> str:
    location = res.headers["Location"]
    assert re.fullmatch(r"(?:http://localhost(?::80)?)?/[A-Za-z0-9]{10}", location), location
    return location.rsplit("/", 1)[1]


def new_paste(app, *files: list[tuple[str, str]], **options: str) -> str:
    """Create a paste through the form; `files` are blocks, `options` the other fields."""
    fields = [field for b in files for field in b] + list(options.items()) + [("submit", "1")]
    return paste_id_of(post_form(app, "/new", fields))


def api_paste(app, paste_id: str, token: str = "") -> dict:
    headers = {"X-Manage-Token": token} if token else {}
    return app.get(f"{PASTES}/{paste_id}", headers=headers, status=200).json


def create_with_token(app, **fields) -> tuple[str, str]:
    body = fields if ("content" in fields or "files" in fields) else {"content": "x\n", **fields}
    reply = app.post_json(PASTES, body, status=201).json
    return reply["publicId"], reply["manageToken"]


def stranger(app) -> webtest.TestApp:
    """Another browser on the same server: no cookies."""
    return webtest.TestApp(app.app)


def token_cookies(res) -> list[dict[str, str]]:
    """The pastebox_token cookies a response sets: value and attributes (names lower-cased)."""
    cookies = []
    for header in res.headers.getall("Set-Cookie"):
        pairs = [p.strip() for p in header.split(";")]
        name, _, value = pairs[0].partition("=")
        if name == TOKEN_COOKIE:
            attrs = {k.lower(): v for k, _, v in (p.partition("=") for p in pairs[1:])}
            cookies.append({"value": value, **attrs})
    return cookies


def cookie_for_path(res, path: str) -> dict[str, str]:
    matching = [c for c in token_cookies(res) if c.get("path") == path]
    assert len(matching) == 1, token_cookies(res)
    return matching[0]


class FormPage(HTMLParser):
    """The paste form as the browser would submit it again: every field's current value."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.files: list[list[str]] = []  # [name, lang, content] per block
        self.ttl: str | None = None
        self.exposure: str | None = None
        self.burn = False
        self.token: str | None = None
        self.error: str | None = None  # the text of #form-error, None when hidden or absent
        self.form_action: str | None = None
        self._template = 0
        self._select: str | None = None
        self._capture: str | None = None
        self._text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "form" and "paste-form" in (a.get("class") or ""):
            self.form_action = a.get("action")
        elif tag == "input":
            name, value = a.get("name"), a.get("value") or ""
            if name == "title":
                self.title = value
            elif name == "name":
                self.files.append([value, "", ""])
            elif name == "token":
                self.token = value
            elif name == "burn":
                self.burn = "checked" in a
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and "selected" in a:
            value = a.get("value") or ""
            if self._select == "lang":
                self.files[-1][1] = value
            elif self._select == "ttl":
                self.ttl = value
            elif self._select == "exposure":
                self.exposure = value
        elif tag == "textarea" and a.get("name") == "content":
            self._capture, self._text = "content", []
        elif a.get("id") == "form-error" and "hidden" not in a:
            self._capture, self._text = "error", []

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        elif tag == "select":
            self._select = None
        elif self._capture == "content" and tag == "textarea":
            text = "".join(self._text)
            self.files[-1][2] = text[1:] if text.startswith("\n") else text  # as HTML drops it
            self._capture = None
        elif self._capture == "error" and tag == "p":
            self.error = "".join(self._text)
            self._capture = None

    def handle_data(self, data):
        if self._capture:
            self._text.append(data)


def hit_ids(text: str) -> list[str]:
    return re.findall(r'<p class="hit-head"><a href="/([A-Za-z0-9]{10})">', text)


def search_page(app, q: str, status: int = 200, **params):
    return app.get("/search?" + urlencode({"q": q, **params}), headers=BROWSER, status=status)


# -- the JSON API ----------------------------------------------------------------------------

HOUR = 3600


DAY = 86400


YEAR = 365 * 86400


SEARCH = "/api/v1/search"


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def key_header(key: str) -> dict[str, str]:
    return {"X-Api-Key": key}


def token_header(token: str) -> dict[str, str]:
    return {"X-Manage-Token": token}


def create_paste(app, headers: dict[str, str] | None = None, **fields) -> dict:
    """Create a paste (content "hello\\n" unless given) and return the 201 body."""
    body = (
        fields if ("content" in fields or "files" in fields) else {"content": "hello\n", **fields}
    )
    return app.post_json(PASTES, body, headers=headers or {}, status=201).json


def get_paste(app, paste_id: str, headers: dict[str, str] | None = None, status: int = 200):
    return app.get(f"{PASTES}/{paste_id}", headers=headers or {}, status=status)


# -- the curl surface ------------------------------------------------------------------------

MINUTE = 60


JSON = {"Accept": "application/json"}


TEXT_TYPE = "text/plain; charset=utf-8"


CURL_URL_RE = re.compile(r"(http://localhost:80)/([A-Za-z0-9]{8,32})\n")


def curl_send(app, path="/", body=b"hello\n", method="POST", content_type=None, headers=None, **kw):
    """One request with exactly these bytes and headers (no Content-Type unless given)."""
    headers = {**CURL, **(headers or {})}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return app.request(path, method=method, body=body, headers=headers, **kw)


def curl_create(app, body=b"hello\n", path="/", method="POST", **kw) -> str:
    """Paste `body` as curl would and return the new id from the `URL\\n` reply."""
    res = curl_send(app, path, body, method, status=201, **kw)
    match = CURL_URL_RE.fullmatch(res.text)
    assert match, res.text
    return match.group(2)


def api_json(app, paste_id: str, headers=None) -> dict:
    """The paste as the JSON API shows it (a read that counts, like any GET)."""
    return app.get(f"/api/v1/pastes/{paste_id}", headers=headers or {}, status=200).json


def assert_html_error(res, status: int) -> str:
    assert res.status_int == status, res.text
    assert res.content_type == "text/html"
    assert res.text.lstrip().startswith("<!doctype html>")
    assert '"error"' not in res.text
    return res.text


# -- accounts in the browser -----------------------------------------------------------------

PASSWORD = "correct horse battery"


OTHER_PASSWORD = "another good password"


FORM = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}


def send(app, path: str, fields: dict[str, str], status: int | str = 303):
    """A small form POST exactly as given (no CSRF token added)."""
    return app.post(path, urlencode(fields), headers=FORM, status=status)


def submit(app, path: str, status: int | str = 303, **fields: str):
    """A small form POST as the browser that loaded the page sends it, CSRF token included."""
    return send(app, path, {"csrf": csrf(app), **fields}, status)


def signup(app, name: str = "alice", password: str = PASSWORD, status: int | str = 303):
    return submit(app, "/signup", status, name=name, password=password, confirm=password)


def login(app, name: str = "alice", password: str = PASSWORD, status: int | str = 303, **extra):
    return submit(app, "/login", status, name=name, password=password, **extra)


def browser(app) -> webtest.TestApp:
    """Another browser on the same server: its own cookies."""
    return webtest.TestApp(app.app)


def set_cookies(res, name: str) -> list[dict[str, str]]:
    """The `name` cookies a response sets: value and attributes (attribute names lower-cased)."""
    found = []
    for header in res.headers.getall("Set-Cookie"):
        pairs = [p.strip() for p in header.split(";")]
        key, _, value = pairs[0].partition("=")
        if key == name:
            attrs = {k.lower(): v for k, _, v in (p.partition("=") for p in pairs[1:])}
            found.append({"value": value, **attrs})
    return found


def session_of(res) -> dict[str, str]:
    cookies = set_cookies(res, SESSION_COOKIE)
    assert len(cookies) == 1, res.headers.getall("Set-Cookie")
    return cookies[0]


def signed_in(app, path: str = "/me") -> bool:
    """Whether this browser's cookies open `path` (a page only a signed-in user sees)."""
    res = app.get(path, headers=BROWSER)
    assert res.status_int in (200, 303), res.status
    return res.status_int == 200


def error_text(res) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', res.text, re.DOTALL)
    assert match, "no error on the page"
    return match.group(1)


def create_key(app, label: str = "laptop") -> str:
    res = submit(app, "/settings/keys", 200, label=label)
    match = re.search(r'<code class="token">([A-Za-z0-9_-]{43})</code>', res.text)
    assert match, "the new key is not on the page"
    return match.group(1)


def key_ids(app) -> list[str]:
    res = app.get("/settings", headers=BROWSER, status=200)
    return re.findall(r'action="/settings/keys/(\d+)/revoke"', res.text)


def key_works(app, key: str) -> bool:
    res = app.get(PASTES, headers={"X-Api-Key": key}, expect_errors=True)
    assert res.status_int in (200, 401), res.status
    return res.status_int == 200


def form_paste(app, exposure: str = "unlisted", title: str = "mine") -> str:
    return paste_id_of(
        post_form(app, "/new", [("title", title), *block("a.txt", "x\n"), ("exposure", exposure)])
    )


# -- exposure: the URLs of a paste and who may see it ----------------------------------------

FILE = "notes.py"


FORM_TYPE = "application/x-www-form-urlencoded"


WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


# -- the URLs of a paste ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Url:
    """One request about a paste: `{id}` in `path` is its id; `body` is "reveal" (the burn
    interstitial's POST), "edit-form" or "delete-form" (the browser's forms), JSON text, or
    nothing."""

    method: str
    path: str
    browser: bool = False
    body: str = ""

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + (" as a browser" if self.browser else "")


VIEW = Url("GET", "/{id}")


VIEW_PAGE = Url("GET", "/{id}", browser=True)


API_GET = Url("GET", PASTES + "/{id}")


REVEAL = Url("POST", "/{id}", browser=True, body="reveal")


RAW = Url("GET", "/raw/{id}")


# Every URL that reads a paste (or a page made from it): the owner gets 200 and the content.
READ_URLS = (
    VIEW,
    VIEW_PAGE,
    Url("HEAD", "/{id}"),
    Url("HEAD", "/{id}", browser=True),
    Url("GET", "/{id}.py"),
    Url("GET", "/{id}.py", browser=True),
    RAW,
    Url("GET", "/raw/{id}/" + FILE),
    Url("GET", "/raw/{id}?download=1"),
    Url("GET", "/zip/{id}"),
    API_GET,
    Url("HEAD", PASTES + "/{id}"),
    Url("GET", PASTES + "/{id}/revisions"),
    Url("GET", "/{id}/fork", browser=True),
    Url("GET", "/new?from={id}", browser=True),
    Url("GET", "/{id}/edit", browser=True),
    Url("GET", "/{id}/delete", browser=True),
    REVEAL,
)


def new_marker() -> str:
    """A word found nowhere else: what every search and every body is checked for."""
    return "zq" + uuid.uuid4().hex


def key(api_key: str) -> dict[str, str]:
    return {"X-Api-Key": api_key}


def send_url(client, url: Url, paste_id: str, headers: dict[str, str] | None = None):
    """Make the request `url` describes, as `client`, with `headers` added; any status."""
    headers = {**(BROWSER if url.browser else CURL), **(headers or {})}
    body = b""
    if url.body == "reveal":
        body = urlencode({"csrf": csrf(client)}).encode()
        headers["Content-Type"] = FORM_TYPE
    elif url.body == "edit-form":
        fields = [("csrf", csrf(client)), ("title", "changed"), *block(FILE, "changed = 1\n")]
        body, headers["Content-Type"] = multipart(*fields, ("submit", "1"))
    elif url.body == "delete-form":
        body, headers["Content-Type"] = multipart(("csrf", csrf(client)))
    elif url.body:
        body = url.body.encode()
        headers["Content-Type"] = "application/json"
    extra = {"body": body} if url.method in WRITE_METHODS else {}
    path = url.path.format(id=paste_id)
    return client.request(path, method=url.method, headers=headers, status="*", **extra)


def shown_text(res, url: Url) -> str:
    if url.path.startswith("/zip/"):
        with zipfile.ZipFile(io.BytesIO(res.body)) as archive:
            return archive.read(FILE).decode()
    return res.body.decode()


def assert_shows(res, url: Url, marker: str) -> None:
    assert res.status_int == 200, f"{url}: {res.status} {res.text[:300]}"
    if url.method != "HEAD":
        assert marker in shown_text(res, url), f"{url}: the paste is not in the reply"


def answer(res) -> tuple:
    """Everything a client can tell a reply by, but the Set-Cookie of a first visit."""
    headers = sorted((k, v) for k, v in res.headerlist if k.lower() != "set-cookie")
    return res.status_int, headers, res.body


def make_paste(app, headers: dict[str, str], marker: str, **fields) -> dict:
    """A paste of one Python file holding `marker`, titled with it; the 201 body."""
    body = {
        "title": f"notes {marker}",
        "files": [{"name": FILE, "content": f"{marker} = 1\n"}],
        "ttlSeconds": HOUR,
        **fields,
    }
    return app.post_json(PASTES, body, headers=headers, status=201).json


@dataclasses.dataclass(frozen=True)
class Made:
    """A paste and what its owner sends to be known as such."""

    id: str
    marker: str
    owner: dict[str, str]
    expires_at: str


def make_owned(app, kind: str, owner_key: str, **fields) -> Made:
    """A paste with a fresh marker, owned by the user with `owner_key` (kind "user") or made
    anonymously and owned by whoever holds its manage token (kind "maker")."""
    marker = new_marker()
    if kind == "user":
        body = make_paste(app, key(owner_key), marker, **fields)
        return Made(body["publicId"], marker, key(owner_key), body["expiresAt"])
    body = make_paste(app, {}, marker, **fields)
    owner = {"X-Manage-Token": body["manageToken"]}
    return Made(body["publicId"], marker, owner, body["expiresAt"])


def non_owner(who: str, other_key: str) -> dict[str, str]:
    return {} if who == "a stranger" else key(other_key)


NON_OWNERS = ("a stranger", "another user")


# -- search and listings ---------------------------------------------------------------------


def found(client, surface: str, query: str, headers: dict[str, str]) -> set[str]:
    """The ids a search on the API or on the /search page shows."""
    if surface == "api":
        res = client.get(SEARCH, params={"q": query}, headers=headers, status=200)
        return {hit["publicId"] for hit in res.json["results"]}
    res = client.get("/search?" + urlencode({"q": query}), headers={**BROWSER, **headers})
    assert res.status_int == 200
    return set(hit_ids(res.text))


# -- limits ----------------------------------------------------------------------------------

GUESS_LIMIT = 10


def client_environ(addr: str, **environ: str) -> dict[str, str]:
    return {"REMOTE_ADDR": addr, **environ}


def listed(app, key: str) -> list[str]:
    return [p["publicId"] for p in app.get(PASTES, headers={"X-Api-Key": key}).json["pastes"]]


# -- the command-line client -----------------------------------------------------------------

CLI_TIMEOUT = 30


URL_RE = r"http://127\.0\.0\.1:\d+/([A-Za-z0-9]{8,32})"


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


def pasted_id(result: Ran) -> str:
    """The id in a successful `paste`'s one line of output."""
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(URL_RE + r"\n", result.text)
    assert match, result.text
    return match.group(1)


def one_line(stderr: str) -> str:
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    return stderr.rstrip("\n")


# -- failures: one line, the right exit status ----------------------------------------------


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


# -- constants several spec files define alike -----------------------------------------------

MIB = 1024 * 1024


KB = 1024


MB = 1024 * KB


READERS = 16


# -- real-browser specs (tests/browser) ------------------------------------------------------

# Highlighting falls back to plain text after render_timeout; a loaded machine must not turn
# the highlighted page these specs look at into that fallback. Not pinned: chromium and the
# server share the CPUs, and other pinned servers may crowd the first one.
SERVER_FLAGS = ("--render-timeout", "30", "--cpu-pin", "off")
# Where a browser spec's page problems (errors it threw or logged) are kept on its test item.
PROBLEMS = pytest.StashKey["PageProblems"]()


# -- rooms (the seed's API, curl, the CLI) ----------------------------------------------------

ROOMS = "/api/rooms"
PIN = "4711"
WRONG_PIN = "1234"
ROOM_ID_RE = re.compile(r"[23456789abcdefghjkmnpqrstuvwxyz]{10}")
ISO_Z_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
# A room id no room has: the right shape, drawn by no test.
NO_ROOM = "zzzzzzzzzz"


def new_room(app, pin: str | None = None, headers: dict[str, str] | None = None, **kw) -> dict:
    """POST /api/rooms (with a PIN if given); the 201 reply's JSON, plus `deviceToken` (the
    X-Device-Token header, or None)."""
    body = {"pin": pin} if pin is not None else {}
    res = app.post_json(ROOMS, body, headers=headers or {}, status=201, **kw)
    return {**res.json, "deviceToken": res.headers.get("X-Device-Token")}


def pin_header(pin: str) -> dict[str, str]:
    return {"X-Room-Pin": pin}


def device_header(token: str) -> dict[str, str]:
    return {"X-Device-Token": token}


def from_address(addr: str) -> dict[str, str]:
    """webtest extra_environ for a request from another client address."""
    return {"REMOTE_ADDR": addr}


def room_upload(app, room_id: str, name: str, data: bytes, headers=None, status: int | str = 200):
    """POST /api/rooms/ID/upload with one multipart `file`."""
    body, content_type = multipart(("file", name, data))
    return app.post(
        f"{ROOMS}/{room_id}/upload",
        body,
        headers={"Content-Type": content_type, **(headers or {})},
        status=status,
    )


# -- uploaded files ----------------------------------------------------------------------------


def png_image(width: int = 3, height: int = 2, rgb: tuple[int, int, int] = (200, 30, 60)) -> bytes:
    """A real PNG (8-bit RGB, one colour) that a browser can decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
