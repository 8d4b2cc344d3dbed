"""Guards around waitress's connections: a cap per client address, deadlines for reading a
request, and one memory budget for the request bytes held before the app has answered them.

Waitress alone closes only idle connections, so a client that trickles a byte now and then keeps
its connection (and the body it buffered) for ever; and every connection may buffer a whole body
in memory, which this server wants (a password paste's plaintext never goes to a temp file).
"""

import json
import logging
import resource
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask

from pastebox.config import Config
from pastebox.limits import client_key

log = logging.getLogger(__name__)
MIB = 1024 * 1024
# File descriptors kept free beyond the connections: the database (file, WAL, shared memory) and
# one read connection per thread, the render workers' pipes, the trigger, logs.
FD_HEADROOM = 64
FD_PER_THREAD = 3
MAINTENANCE_SECONDS = 1  # how often deadlines and idle connections are checked
# The largest request head (request line and headers) read; a larger one gets 431. waitress's
# 256 KiB makes a slowloris costly: the parser copies and searches the whole head again on each
# read, and 300 sockets trickling into 200 KiB heads kept the loop from answering anyone.
# Browsers send a few KiB (nginx's default limit is 8 KiB a line, 32 KiB in all).
MAX_HEADER_BYTES = 32 * 1024
REFUSAL_DRAIN_BYTES = 65536  # read before closing a refused socket, so the client sees the 503
ACCEPTS_PER_PASS = 64


@dataclass(frozen=True)
class Limits:
    """What one server allows; built from the settings by `limits_of`."""

    connection_limit: int
    connections_per_client: int  # 0: no cap
    idle_timeout: int
    header_timeout: float
    request_timeout: float
    upload_buffer_bytes: int


def limits_of(cfg: Config) -> Limits:
    return Limits(
        connection_limit=cfg.connection_limit,
        connections_per_client=cfg.connections_per_client,
        idle_timeout=cfg.idle_timeout,
        header_timeout=cfg.header_timeout,
        request_timeout=cfg.request_timeout,
        upload_buffer_bytes=cfg.upload_buffer_mb * MIB,
    )


def fit_descriptor_limit(connections: int, threads: int) -> int:
    """Raise the soft open-file limit to hold `connections`; the connections that fit.

    Distributions start services with a soft limit of 1024; the hard limit is usually far higher.
    When even the hard limit is too low, serve fewer connections rather than fail on accept().
    """
    needed = connections + FD_HEADROOM + FD_PER_THREAD * threads
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < needed:
        fitted = max(1, soft - FD_HEADROOM - FD_PER_THREAD * threads)
        log.warning(
            "open-file limit %d holds %d connections, not connection_limit %d",
            soft,
            fitted,
            connections,
        )
        return fitted
    return connections


def create_server(app: Any, limits: Limits, **adjustments: Any) -> "GuardedServer":
    """`waitress.create_server` for one TCP address, with the guards; `adjustments` as waitress's."""
    connections = fit_descriptor_limit(limits.connection_limit, adjustments.get("threads", 4))
    adj = Adjustments(
        **adjustments,
        # The listener and the trigger are in waitress's count too.
        connection_limit=connections + 2,
        channel_timeout=limits.idle_timeout,
        cleanup_interval=MAINTENANCE_SECONDS,
        max_request_header_size=MAX_HEADER_BYTES,
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    return GuardedServer(
        app, map={}, dispatcher=dispatcher, adj=adj, sockinfo=adj.listen[0], limits=limits
    )


def held_by(request: Any) -> int:
    """Bytes a waitress request parser holds: its unparsed header and its body so far."""
    if request is None:
        return 0
    body = request.body_rcv
    return len(request.header_plus) + (body.__len__() if body is not None else 0)


def unfinished(request: Any) -> bool:
    return request is not None and not request.completed


def short_reply(status: str, code: str, message: str, retry_after: int | None = None) -> bytes:
    """A complete HTTP/1.1 reply in the API's error shape that closes the connection."""
    body = json.dumps({"error": code, "message": message}).encode()
    retry = f"Retry-After: {retry_after}\r\n" if retry_after is not None else ""
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"{retry}Connection: close\r\nServer: pastebox\r\n\r\n"
    )
    return head.encode() + body


TOO_MANY_CONNECTIONS = short_reply(
    "503 Service Unavailable", "too_many_connections", "too many connections from you", 5
)
UPLOADS_BUSY = short_reply(
    "503 Service Unavailable", "busy", "too many uploads in progress; try again", 5
)
TOO_SLOW = short_reply("408 Request Timeout", "timeout", "the request took too long to arrive")


# waitress refuses some requests itself, before the app sees them: a malformed request line or
# header, a head over MAX_HEADER_BYTES, a body over its own cap, an unknown transfer coding; and
# answers 500 itself when the app fails before its reply began (the app's own code for it).
WAITRESS_ERROR_CODES = {400: "bad_request", 413: "too_large", 431: "headers_too_large",
                        500: "internal_error", 501: "not_implemented"}  # fmt: skip
MAX_WAITRESS_MESSAGE = 200


class JsonErrorTask(ErrorTask):
    """waitress's own refusals in the API's error shape, as every other 4xx, instead of its
    plain-text page."""

    def execute(self) -> None:
        error = self.request.error
        code = WAITRESS_ERROR_CODES.get(
            error.code, "internal_error" if error.code >= 500 else "bad_request"
        )
        message = str(error.body)[:MAX_WAITRESS_MESSAGE] or error.reason
        body = json.dumps({"error": code, "message": message}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class KeepAliveTask(WSGITask):
    """waitress 3 closes an HTTP/1.1 connection after every reply without a Content-Length, even
    one that has no body by definition (204, 304), which bottle sends without one: a room page
    polling its feed every second opened a new connection for every 304. Such a reply ends with
    its headers, so the connection stays open (unless the client asked to close it)."""

    _keeping = False

    def build_response_header(self) -> bytes:
        asked_to_close = self.request.headers.get("CONNECTION", "").lower() == "close"
        if self.has_body or self.version != "1.1" or asked_to_close:
            return super().build_response_header()
        self._keeping = True
        try:
            return super().build_response_header()
        finally:
            self._keeping = False

    def set_close_on_finish(self) -> None:
        if not self._keeping:
            super().set_close_on_finish()


class GuardedChannel(HTTPChannel):
    """One connection: it tells its server what it holds and when its request began."""

    task_class = KeepAliveTask
    error_task_class = JsonErrorTask

    started = 0.0  # monotonic time of the first byte of the request being received
    reading = True  # whether waitress reads from it (the last time readable() was asked)
    charged = 0  # bytes this channel counts in the server's budget
    client = ""  # the key its per-client count is kept under
    forgotten = False  # closed: holds nothing from now on
    # Cut while a request was being served: the reply to send, and close, once that is done.
    parting: bytes | None = None

    def readable(self) -> bool:
        # waitress reads nothing while a request is queued or its reply is unsent, so a request
        # begun in the packet that completed the one before cannot arrive meanwhile: its clock
        # starts again when reading resumes. Asked on the loop thread only.
        reading = super().readable() and self.parting is None
        if reading and not self.reading:
            self.started = time.monotonic()
        self.reading = reading
        return reading

    def received(self, data: bytes) -> bool:
        if self.parting is not None:
            return False  # cut in this loop pass, after readable() said yes
        before = self.request
        result = super().received(data)
        if self.request is not None and self.request is not before:
            self.started = time.monotonic()
        if self.server.recharge(self):
            self.server.shed()  # here, on the loop thread, never on a worker
        return result

    def service(self) -> None:
        super().service()
        with self.requests_lock:
            done = self.parting is not None and not self.requests
            if done and not self.close_when_flushed:  # not closing after this reply already
                self.send_last(self.parting)
        if done:
            self.server.pull_trigger()  # the loop may be asleep with nothing left to write
        self.server.recharge(self)  # the served request's body is gone

    def held(self) -> int:
        """Bytes of requests received here and not yet answered: in progress or queued. The
        caller holds requests_lock."""
        return held_by(self.request) + sum(held_by(r) for r in self.requests)

    def abort(self, reply: bytes) -> None:
        """Drop the request being received, answer `reply` and close (on the loop thread).

        A response in progress is not cut: `reply` follows it, and service() sends it."""
        with self.requests_lock:
            request, self.request = self.request, None
            serving = bool(self.requests)
            if serving:
                self.parting = reply
                for queued in self.requests[1:]:  # not started: they would only wait longer
                    queued.close()
                del self.requests[1:]
        if request is not None:
            request.close()
        if not serving:
            self.send_last(reply)
        self.server.recharge(self)

    def send_last(self, reply: bytes) -> None:
        """Queue `reply` and close once everything queued is sent."""
        with self.outbuf_lock:
            if not self.connected:  # closed meanwhile, its buffers with it: nobody to tell
                self.close_when_flushed = True
                return
            self.outbufs[-1].append(reply)
            self.total_outbufs_len += len(reply)
            self.current_outbuf_count += len(reply)
        self.close_when_flushed = True

    def del_channel(self, map: Any = None) -> None:
        super().del_channel(map)
        self.server.forget(self)


class GuardedServer(TcpWSGIServer):
    """waitress's TCP server with the per-client cap, the deadlines and the body budget."""

    channel_class = GuardedChannel

    def __init__(self, *args: Any, limits: Limits, **kwargs: Any):
        self.limits = limits
        # Open connections per client key: the loop adds, and a worker may remove (a worker
        # closes a channel when sending fails), so both change it under clients_lock.
        self.clients: dict[str, int] = {}
        self.clients_lock = threading.Lock()
        self.held = 0  # bytes charged by all channels; changed on the loop and worker threads
        # Taken after a channel's requests_lock, never before: waitress closes a channel (and
        # forget() takes budget_lock) with requests_lock held when a 100 Continue fails to send.
        self.budget_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def handle_accept(self) -> None:
        # waitress accepts one connection a loop pass; while hostile clients keep every socket
        # readable a pass is slow, and a newcomer waited in the backlog behind hundreds of them.
        for _ in range(ACCEPTS_PER_PASS):
            if len(self._map) >= self.adj.connection_limit or not self.accept_one():
                break

    def accept_one(self) -> bool:
        """Accept one pending connection; False when none was waiting."""
        try:
            pair = self.accept()
            if pair is None:
                return False
            conn, addr = pair
            self.set_socket_options(conn)
        except OSError:
            return True  # the peer left before we got to it; waitress logs and goes on likewise
        client = self.counted_as(str(addr[0]))
        if client and self.clients.get(client, 0) >= self.limits.connections_per_client:
            refuse(conn)
            return True
        channel = self.channel_class(self, conn, addr, self.adj, map=self._map)
        if client:
            with self.clients_lock:
                channel.client = client
                self.clients[client] = self.clients.get(client, 0) + 1
        return True

    def counted_as(self, address: str) -> str:
        """The key a connection from `address` counts under for the per-client cap; "" when
        uncounted (no cap, or the trusted proxy, which carries every client's connections)."""
        if not self.limits.connections_per_client or self.adj.trusted_proxy in ("*", address):
            return ""
        return client_key(address)  # an IPv6 host holds a whole /64: it is one client

    def forget(self, channel: GuardedChannel) -> None:
        """A channel closed: its connection and its bytes no longer count."""
        with self.clients_lock:
            if channel.client:
                left = self.clients.get(channel.client, 0) - 1
                if left > 0:
                    self.clients[channel.client] = left
                else:
                    self.clients.pop(channel.client, None)
                channel.client = ""
        with self.budget_lock:
            self.held -= channel.charged
            channel.charged = 0
            channel.forgotten = True

    def recharge(self, channel: GuardedChannel) -> bool:
        """Count what `channel` holds now; whether all channels together hold over the budget."""
        # The loop and a worker both recharge a channel: measuring and committing under its
        # requests_lock keeps an older measurement from being committed after a newer one.
        with channel.requests_lock:
            now_held = channel.held()
            with self.budget_lock:
                if channel.forgotten:  # closed on the loop thread while a worker measured it
                    now_held = 0
                self.held += now_held - channel.charged
                channel.charged = now_held
                return self.held > self.limits.upload_buffer_bytes

    def shed(self) -> None:
        """Abort the largest uploads still arriving until the rest fit in the budget."""
        receiving = [c for c in self.active_channels.values() if unfinished(c.request)]
        receiving.sort(key=lambda c: held_by(c.request), reverse=True)
        for channel in receiving:
            if self.held <= self.limits.upload_buffer_bytes:
                break
            log.warning("upload buffer full: shedding an upload of %d bytes", channel.charged)
            channel.abort(UPLOADS_BUSY)

    def maintenance(self, now: float) -> None:
        """waitress's idle rule, and a deadline for every request still arriving."""
        super().maintenance(now)
        clock = time.monotonic()
        for channel in list(self.active_channels.values()):
            request = channel.request
            # Not while it reads nothing (closing, or serving an earlier request).
            if not unfinished(request) or not channel.readable():
                continue
            limit = (
                self.limits.request_timeout
                if request.headers_finished
                else min(self.limits.header_timeout, self.limits.request_timeout)
            )
            if clock - channel.started > limit:
                channel.abort(TOO_SLOW)


def refuse(conn: socket.socket) -> None:
    """Answer 503 on a connection never handed to waitress, and close it."""
    try:
        conn.setblocking(False)
        conn.send(TOO_MANY_CONNECTIONS)
        # Closing with unread bytes makes the kernel reset the connection, and a reset can
        # destroy the reply before the client reads it; take what has arrived first.
        conn.recv(REFUSAL_DRAIN_BYTES)
    except OSError:
        pass
    finally:
        conn.close()
