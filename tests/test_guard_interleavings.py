"""The guard's server and channel objects (pastebox/guard.py) driven directly, with the test as
the loop thread and as a worker: each spec forces one order in which waitress's threads can
meet, without sleeps, and checks that no response, charge or connection count is lost in it."""

import json
import socket
from collections.abc import Callable, Iterator

import pytest
from conftest import http_replies
from waitress.adjustments import Adjustments
from waitress.task import ThreadedTaskDispatcher

from pastebox.guard import GuardedChannel, GuardedServer, Limits

MIB = 1024 * 1024
LIMITS = Limits(
    connection_limit=100,
    connections_per_client=32,
    idle_timeout=60,
    header_timeout=10,
    request_timeout=60,
    upload_buffer_bytes=64 * MIB,
)
PATIENCE = 10.0  # seconds a step on another thread may take before the spec gives up


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
