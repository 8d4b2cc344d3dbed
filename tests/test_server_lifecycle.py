"""A real server's life: one startup line, a graceful stop on SIGTERM or SIGINT that finishes what
is in flight, and no acknowledged paste lost or database damaged by SIGKILL mid-write."""

import fcntl
import http.client
import json
import os
import signal
import socket
import sqlite3
import struct
import termios
import threading
import uuid
from contextlib import closing

import pytest
from helpers import LISTEN_RE, ROOT, fetch, server_address, wait_until

STOP_TIMEOUT = 15.0


WRITERS = 4


MAX_WRITES_PER_WRITER = 5000


ACKED_BEFORE_KILL = 200


BIG_PASTE_BYTES = 8 * 1024 * 1024  # more than the kernel buffers between server and client hold


SMALL_RECEIVE_BUFFER = 4096


def refuses_connections(url: str) -> bool:
    try:
        socket.create_connection(server_address(url), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:
        # Caught in the listening socket's backlog as it closed: reset, never accepted.
        return True
    return False


def accepted_connection(url: str) -> http.client.HTTPConnection:
    """A keep-alive connection the server has certainly accepted: one request has been answered."""
    conn = http.client.HTTPConnection(*server_address(url), timeout=10)
    conn.request("GET", "/api/health")
    assert conn.getresponse().read()
    return conn


def unacknowledged_bytes(sock: socket.socket) -> int:
    """Bytes sent on `sock` that the peer's kernel has not acknowledged yet (Linux SIOCOUTQ)."""
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]


def create(url: str, content: str) -> str:
    reply = fetch(f"{url}/api/v1/pastes", "POST", {"content": content}, timeout=30)
    assert reply.status == 201, reply.body
    return reply.json()["publicId"]


# -- startup -------------------------------------------------------------------------------


def test_startup_logs_one_line_with_the_url_and_the_absolute_database_path(start_server, db_path):
    server = start_server(db=os.path.relpath(db_path, ROOT))  # relative to the server's cwd
    create(server.url, "some traffic\n")
    assert server.stop() == 0
    lines = [line for line in server.output.splitlines() if LISTEN_RE.search(line)]
    assert len(lines) == 1, server.output
    assert f"serving on {server.url} with database {db_path}" in lines[0]
    assert server.url.startswith("http://127.0.0.1:")


# -- graceful stop -------------------------------------------------------------------------

STOP_SIGNALS = pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"]
)


@STOP_SIGNALS
def test_stop_signal_exits_0_without_a_traceback(live_server, signum):
    pid = create(live_server.url, "some traffic first\n")
    assert fetch(f"{live_server.url}/raw/{pid}").status == 200
    live_server.signal(signum)
    assert live_server.wait(STOP_TIMEOUT) == 0
    assert "Traceback" not in live_server.output
    assert "stopped" in live_server.output.splitlines()[-1]


@STOP_SIGNALS
def test_a_stop_signal_lets_an_upload_in_flight_finish(live_server, start_server, signum):
    content = "uploaded across the stop\n" * 100
    body = json.dumps({"content": content}).encode()
    conn = accepted_connection(live_server.url)
    conn.putrequest("POST", "/api/v1/pastes")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    conn.send(body[: len(body) // 2])
    # In flight means at the server: its kernel holds the first half before the signal goes.
    assert wait_until(lambda: unacknowledged_bytes(conn.sock) == 0, STOP_TIMEOUT)
    live_server.signal(signum)
    # Only once the stop has taken effect does the rest go out.
    assert wait_until(lambda: refuses_connections(live_server.url), STOP_TIMEOUT)
    try:
        conn.send(body[len(body) // 2 :])
        reply = conn.getresponse()
        status, answer = reply.status, reply.read()
    except (OSError, http.client.HTTPException) as exc:
        pytest.fail(f"the upload in flight was cut off by the stop signal: {exc!r}")
    assert status == 201, answer
    assert live_server.wait(STOP_TIMEOUT) == 0
    pid = json.loads(answer)["publicId"]
    restarted = start_server()
    assert fetch(f"{restarted.url}/raw/{pid}").body == content.encode()


def start_slow_download(url: str, pid: str) -> socket.socket:
    """Ask for a big paste and read none of it: the rest waits in the server's output buffer."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_RECEIVE_BUFFER)
    sock.settimeout(10)
    sock.connect(server_address(url))
    sock.sendall(f"GET /raw/{pid} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".encode())
    assert sock.recv(1, socket.MSG_PEEK)  # the response has started
    return sock


def read_to_end(sock: socket.socket) -> bytes:
    """Everything until the server closes the connection (each wait bounded by the timeout)."""
    chunks = []
    while chunk := sock.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


@STOP_SIGNALS
def test_a_stopping_server_accepts_no_new_connections(live_server, signum):
    pid = create(live_server.url, "x" * BIG_PASTE_BYTES)
    with start_slow_download(live_server.url, pid) as sock:
        live_server.signal(signum)
        assert wait_until(lambda: refuses_connections(live_server.url), STOP_TIMEOUT)
        assert live_server.proc.poll() is None  # still draining: it refuses because it stopped
        read_to_end(sock)
    assert live_server.wait(STOP_TIMEOUT) == 0


@STOP_SIGNALS
def test_a_stop_signal_delivers_a_response_in_flight_completely(live_server, signum):
    content = b"y" * BIG_PASTE_BYTES
    pid = create(live_server.url, content.decode())
    with start_slow_download(live_server.url, pid) as sock:
        live_server.signal(signum)
        assert wait_until(lambda: refuses_connections(live_server.url), STOP_TIMEOUT)
        response = read_to_end(sock)
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert body == content
    assert live_server.wait(STOP_TIMEOUT) == 0


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                children.append(int(entry))
    return children


def test_ctrl_c_in_a_terminal_stops_the_server_and_its_render_worker_quietly(live_server):
    """A terminal's Ctrl-C signals the whole process group: the render worker as well as the
    server. The worker leaves its end to the server rather than dying with a traceback."""
    pid = create(live_server.url, "x = 1\n")
    page = fetch(f"{live_server.url}/{pid}", headers={"Accept": "text/html"})
    assert page.status == 200 and b'id="L1"' in page.body  # a render started the worker
    workers = child_pids(live_server.proc.pid)
    assert workers, "no render worker process"
    for worker in workers:
        os.kill(worker, signal.SIGINT)
    live_server.signal(signal.SIGINT)
    assert live_server.wait(STOP_TIMEOUT) == 0
    assert "Traceback" not in live_server.output, live_server.output
    assert "KeyboardInterrupt" not in live_server.output
    assert wait_until(lambda: not any(os.path.exists(f"/proc/{w}") for w in workers), 10)


def test_an_idle_keep_alive_connection_does_not_hold_up_the_stop(live_server):
    conn = accepted_connection(live_server.url)
    live_server.signal(signal.SIGTERM)
    assert live_server.wait(STOP_TIMEOUT) == 0
    conn.close()


# -- crash ---------------------------------------------------------------------------------


def test_sigkill_mid_write_loses_no_acknowledged_paste_and_leaves_a_sound_database(
    start_server, db_path
):
    server = start_server()
    acknowledged: list[tuple[str, bytes]] = []
    killed = threading.Event()

    def write(writer: int) -> None:
        for i in range(MAX_WRITES_PER_WRITER):
            content = f"writer {writer} paste {i} {uuid.uuid4().hex}\r\n\ttab\n"
            try:
                reply = fetch(
                    f"{server.url}/api/v1/pastes", "POST", {"content": content}, timeout=5
                )
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            if reply.status == 201:
                acknowledged.append((reply.json()["publicId"], content.encode()))
            if killed.is_set():
                return

    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in writers:
        t.start()
    assert wait_until(lambda: len(acknowledged) >= ACKED_BEFORE_KILL, 30)
    server.signal(signal.SIGKILL)
    assert server.wait(STOP_TIMEOUT) == -signal.SIGKILL
    killed.set()
    for t in writers:
        t.join(30)

    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    restarted = start_server()
    lost = [
        pid for pid, content in acknowledged if fetch(f"{restarted.url}/raw/{pid}").body != content
    ]
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged pastes are lost"
