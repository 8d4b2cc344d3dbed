"""The guard's server and channel objects (pastebox/server/guard.py) driven directly, with the test as
the loop thread and as a worker: each spec forces one order in which waitress's threads can
meet, without sleeps, and checks that no response, charge or connection count is lost in it."""

import json
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import MIB, http_replies
from waitress.adjustments import Adjustments
from waitress.task import ThreadedTaskDispatcher

from pastebox.server.guard import TOO_SLOW, GuardedChannel, GuardedServer, Limits

CHUNK = 20_000  # over waitress's send_bytes: each chunk goes to the socket as it is written


LIMITS = Limits(
    connection_limit=100,
    connections_per_client=32,
    idle_timeout=60,
    header_timeout=10,
    request_timeout=60,
    upload_buffer_bytes=64 * MIB,
)


PATIENCE = 10.0  # seconds a step on another thread may take before the spec gives up


def upload(size: int) -> bytes:
    return f"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: {size}\r\n\r\n".encode() + b"x" * size


class ProbedLock:
    """A lock that calls `on_wait()` when a thread has to wait for it, and `detour()` once,
    before its next acquire: the hooks that put another thread's step at this point."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.on_wait: Callable[[], Any] = lambda: None
        self.detour: Callable[[], Any] | None = None

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        detour, self.detour = self.detour, None
        if detour:
            detour()
        if self._lock.acquire(False):
            return True
        if not blocking:
            return False
        self.on_wait()
        return self._lock.acquire(True, timeout)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


class DetourDict(dict):
    """A dict that runs `detour()` once, before its next item is set."""

    detour: Callable[[], Any] | None = None

    def __setitem__(self, key: Any, value: Any) -> None:
        detour, self.detour = self.detour, None
        if detour:
            detour()
        super().__setitem__(key, value)


class Worker:
    """A step run on another thread until it ends or waits for one of `locks`."""

    def __init__(self, step: Callable[[], Any], *locks: ProbedLock):
        moved = threading.Event()
        for lock in locks:
            lock.on_wait = moved.set

        def run() -> None:
            try:
                step()
            finally:
                moved.set()

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert moved.wait(PATIENCE)

    def finish(self) -> None:
        self.thread.join(PATIENCE)
        assert not self.thread.is_alive()


class Harness:
    """A GuardedServer listening on loopback with no loop and no worker threads: requests
    queued for a worker wait until the test serves them."""

    def __init__(self, app: Callable, host: str = "127.0.0.1"):
        adj = Adjustments(host=host, port=0)
        self.server = GuardedServer(
            app,
            map={},
            dispatcher=ThreadedTaskDispatcher(),
            adj=adj,
            sockinfo=adj.listen[0],
            limits=LIMITS,
        )
        self.clients: list[socket.socket] = []

    def connect(self) -> tuple[socket.socket, GuardedChannel]:
        """A client socket and the channel the server accepted it as (the loop's step)."""
        client = socket.socket(self.server.socket.family, socket.SOCK_STREAM)
        self.clients.append(client)
        client.settimeout(PATIENCE)
        client.connect(self.server.socket.getsockname())
        before = set(self.server.active_channels)
        self.server.handle_accept()
        (fd,) = set(self.server.active_channels) - before
        return client, self.server.active_channels[fd]

    def flush(self, channel: GuardedChannel) -> None:
        """The loop's writes to `channel` until it has nothing to write or has closed."""
        while channel.connected and channel.writable():
            channel.handle_write()

    def close(self) -> None:
        for channel in list(self.server.active_channels.values()):
            channel.close()
        self.server.close()
        for client in self.clients:
            client.close()


@pytest.fixture
def harness() -> Iterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(app: Callable, host: str = "127.0.0.1") -> Harness:
        made.append(Harness(app, host))
        return made[-1]

    yield make
    for h in made:
        h.close()


def read_to_close(client: socket.socket) -> bytes:
    received = b""
    while chunk := client.recv(65536):
        received += chunk
    return received


def ok(environ: dict, start_response: Callable) -> list[bytes]:
    start_response("200 OK", [("Content-Length", "2")])
    return [b"ok"]


def test_a_channel_cut_while_serving_finishes_the_response_then_sends_the_refusal(harness):
    # A deadline or the upload budget cuts a channel whose next request began in the packet
    # that completed the one being served; the loop then gets to write while the app answers.
    cut: list[GuardedChannel] = []

    def app(environ: dict, start_response: Callable) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Length", str(2 * CHUNK))])
        yield b"a" * CHUNK
        cut[0].abort(TOO_SLOW)
        h.flush(cut[0])
        yield b"b" * CHUNK

    h = harness(app)
    client, channel = h.connect()
    cut.append(channel)
    channel.received(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n")
    channel.service()
    h.flush(channel)
    replies = http_replies(read_to_close(client))
    assert replies[0] == ("HTTP/1.1 200 OK", b"a" * CHUNK + b"b" * CHUNK)
    assert [status for status, _ in replies[1:]] == ["HTTP/1.1 408 Request Timeout"]


def test_a_served_body_is_not_charged_again_by_a_measurement_taken_before_it_was_served(harness):
    # The loop measures the upload it just completed; before it commits that, a worker serves
    # the upload and commits what is left, nothing.
    h = harness(ok)
    _, channel = h.connect()
    body = upload(MIB)
    channel.received(body[:-1])
    channel.requests_lock = ProbedLock()
    h.server.budget_lock = budget = ProbedLock()
    workers: list[Worker] = []
    budget.detour = lambda: workers.append(Worker(channel.service, channel.requests_lock))
    channel.received(body[-1:])
    workers[0].finish()
    assert (h.server.held, channel.charged) == (0, 0)


def test_a_worker_closing_a_channel_while_the_loop_accepts_another_loses_no_count(harness):
    # A worker closes a channel when a 100 Continue fails to send; meanwhile the loop accepts
    # another connection from the same address and counts it.
    h = harness(ok)
    _, first = h.connect()
    h.server.clients_lock = clients_lock = ProbedLock()
    h.server.clients = counts = DetourDict(h.server.clients)
    workers: list[Worker] = []
    counts.detour = lambda: workers.append(Worker(first.handle_close, clients_lock))
    h.connect()
    workers[0].finish()
    assert h.server.clients == {"127.0.0.1": 1}


def test_waitress_own_500_has_the_apps_internal_error_shape(harness):
    def failing(environ: dict, start_response: Callable) -> list[bytes]:
        raise RuntimeError("the app failed before its reply began")

    h = harness(failing)
    client, channel = h.connect()
    channel.received(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    channel.service()
    h.flush(channel)
    ((status, body),) = http_replies(read_to_close(client))
    assert status == "HTTP/1.1 500 Internal Server Error"
    assert json.loads(body)["error"] == "internal_error"


def test_connections_from_one_ipv6_64_count_as_one_client(harness):
    h = harness(ok)
    assert h.server.counted_as("2001:db8:1:2::1") == h.server.counted_as("2001:db8:1:2:ffff::9")
    assert h.server.counted_as("2001:db8:1:2::1") != h.server.counted_as("2001:db8:1:3::1")


def test_an_ipv6_connection_is_counted_under_its_64(harness):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        h = harness(ok, host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    h.connect()
    assert h.server.clients == {"::/64": 1}
