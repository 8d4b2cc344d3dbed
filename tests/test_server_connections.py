"""A real server under hostile connections: hundreds of idle, slowloris and slow-POST sockets do
not lock other clients out, one client address has a cap, and a request that trickles is cut at
its deadline."""

import http.client
import json
import resource
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from helpers import ROOT, TRICKLE_SECONDS, Crowd, closed_reply, fetch, server_address, status_line

from pastebox.server.guard import FD_HEADROOM, FD_PER_THREAD, MAX_HEADER_BYTES

HOSTILE_SOCKETS = 300


HEALTH_CHECKS = 10


PROMPT_SECONDS = 1.0  # "well under a second": a held-off client waits until a timeout instead


CUT_PATIENCE = 8.0  # deadlines in these specs are 1-2 s; the check runs once a second


def health_seconds(url: str) -> float:
    """Seconds one fresh client (from 127.0.0.1) waits for /api/health; inf if it never came."""
    started = time.monotonic()
    try:
        reply = fetch(url + "/api/health", timeout=3 * PROMPT_SECONDS)
    except OSError:
        return float("inf")
    assert reply.status == 200
    return time.monotonic() - started


def surround(crowd: Crowd, sources: list[str], count: int) -> None:
    """`count` hostile sockets spread over `sources`: a third idle, a third slowloris headers, a
    third slow POST bodies."""
    kinds = (crowd.idle, crowd.slow_headers, crowd.slow_body)
    for n in range(count):
        kinds[n % 3](sources[n % len(sources)])


def assert_answers_promptly(url: str) -> None:
    waits = [health_seconds(url) for _ in range(HEALTH_CHECKS)]
    assert max(waits) < PROMPT_SECONDS, waits
    assert statistics.median(waits) < PROMPT_SECONDS / 4, waits


def test_hundreds_of_hostile_sockets_from_one_address_do_not_lock_others_out(start_server):
    server = start_server()
    with Crowd(server.url) as crowd:
        surround(crowd, ["127.0.0.2"], HOSTILE_SOCKETS)
        time.sleep(3 * TRICKLE_SECONDS)  # a few trickles, so the hostile requests are under way
        assert_answers_promptly(server.url)


def test_hundreds_of_hostile_sockets_from_many_addresses_do_not_lock_others_out(start_server):
    server = start_server()
    sources = [f"127.0.0.{n}" for n in range(2, 12)]  # 30 each: under the per-client cap
    with Crowd(server.url) as crowd:
        surround(crowd, sources, HOSTILE_SOCKETS)
        time.sleep(3 * TRICKLE_SECONDS)
        assert_answers_promptly(server.url)


def test_connections_past_the_per_client_cap_are_refused_with_503(start_server):
    server = start_server("--connections-per-client", "4")
    with Crowd(server.url) as crowd:
        for _ in range(4):
            crowd.idle("127.0.0.2")
        refused = crowd.connect("127.0.0.2")
        reply = closed_reply(refused, CUT_PATIENCE)
        assert status_line(reply) == "HTTP/1.1 503 Service Unavailable"
        assert b'"error": "too_many_connections"' in reply


def test_the_per_client_cap_leaves_other_addresses_alone(start_server):
    server = start_server("--connections-per-client", "4")
    with Crowd(server.url) as crowd:
        for _ in range(4):
            crowd.idle("127.0.0.2")
        assert health_seconds(server.url) < PROMPT_SECONDS


def test_headers_that_trickle_past_the_header_timeout_are_cut_with_408(start_server):
    server = start_server("--header-timeout", "1")
    with Crowd(server.url) as crowd:
        started = time.monotonic()
        sock = crowd.slow_headers("127.0.0.2")
        reply = closed_reply(sock, CUT_PATIENCE)
        assert status_line(reply) == "HTTP/1.1 408 Request Timeout"
        assert time.monotonic() - started >= 1.0


def test_a_body_that_trickles_past_the_request_timeout_is_cut_with_408(start_server):
    server = start_server("--header-timeout", "1", "--request-timeout", "2")
    with Crowd(server.url) as crowd:
        started = time.monotonic()
        sock = crowd.slow_body("127.0.0.2")
        reply = closed_reply(sock, CUT_PATIENCE)
        assert status_line(reply) == "HTTP/1.1 408 Request Timeout"
        assert time.monotonic() - started >= 2.0


BIG_PASTE = 9 * 1024 * 1024


# Enough 9 MiB replies that a client reading none leaves over waitress's 16 MiB outbuf high
# watermark unsent beyond what the kernel's socket buffers take: the worker waits mid-queue.
BIG_READS = 4


def next_reply(stream) -> tuple[str, bytes]:
    """The status line and body of the next reply on a socket's file (Content-Length framed);
    ("", b"") when the server has closed."""
    status = stream.readline().decode("latin-1").strip()
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, stream.read(length)


def test_a_request_begun_behind_replies_the_client_reads_late_gets_its_whole_header_timeout(
    start_server,
):
    # Reads pipelined with the first line of one more request, all in one packet: waitress reads
    # nothing more until the replies are sent, so that request's header clock must not run until
    # then, and the replies must not be cut when it does.
    server = start_server("--header-timeout", "2")
    created = fetch(server.url + "/api/v1/pastes", "POST", {"content": "x" * BIG_PASTE})
    read = f"GET /raw/{created.json()['publicId']} HTTP/1.1\r\nHost: a\r\n\r\n"
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.settimeout(CUT_PATIENCE)
        sock.connect(server_address(server.url))
        sock.sendall((read * BIG_READS + "GET /api/health HTTP/1.1\r\nHost: a\r\n").encode())
        time.sleep(5)  # past the header timeout and the next check of it; nothing read
        stream = sock.makefile("rb")
        replies = [next_reply(stream) for _ in range(BIG_READS)]
        assert [(s, len(b)) for s, b in replies] == [("HTTP/1.1 200 OK", BIG_PASTE)] * BIG_READS
        sock.sendall(b"\r\n")  # the last request's head ends, long after its first byte came
        assert next_reply(stream)[0] == "HTTP/1.1 200 OK"


def test_a_request_head_over_32_kib_is_refused_with_431(live_server):
    # The parser searches the whole head again on every read: a trickled 256 KiB head (waitress's
    # default limit) costs the loop a thousand times what a browser's few KiB do.
    reply = fetch(live_server.url + "/api/health", headers={"X-Big": "a" * (MAX_HEADER_BYTES + 1)})
    assert reply.status == 431


def test_requests_waitress_refuses_itself_get_the_json_error_shape(live_server):
    """A head over the cap, a malformed header line, an unknown transfer coding: refused before
    the app runs, and still answered as every other 4xx is."""
    host = urlsplit(live_server.url)
    heads = {
        431: f"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * (MAX_HEADER_BYTES + 1)}\r\n\r\n",
        400: "GET /api/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        501: "POST /api/v1/pastes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
    }
    for status, head in heads.items():
        with socket.create_connection((host.hostname, host.port), timeout=10) as sock:
            sock.sendall(head.encode())
            reply = http.client.HTTPResponse(sock)
            reply.begin()
            body = json.loads(reply.read())
        assert reply.status == status, body
        assert reply.getheader("Content-Type") == "application/json"
        assert body["error"] and body["message"]


def test_a_request_head_of_16_kib_is_served(live_server):
    reply = fetch(live_server.url + "/api/health", headers={"X-Big": "a" * 16 * 1024})
    assert reply.status == 200


def test_an_idle_connection_is_closed_after_the_idle_timeout(start_server):
    server = start_server("--idle-timeout", "1")
    with Crowd(server.url) as crowd:
        sock = crowd.idle("127.0.0.2")
        assert closed_reply(sock, CUT_PATIENCE) == b""


def fit_with_hard_limit(hard: int) -> tuple[int, int]:
    """fit_descriptor_limit(1000 connections, 8 threads) in a child whose soft open-file limit is
    256 and hard limit `hard` (the limit is the whole process's, and lowering a hard one is final):
    the connections that fit and the soft limit after."""
    probe = (
        "import resource\n"
        "from pastebox.server.guard import fit_descriptor_limit\n"
        f"resource.setrlimit(resource.RLIMIT_NOFILE, (256, {hard}))\n"
        "print(fit_descriptor_limit(1000, 8), resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    fitted, soft = out.stdout.split()
    return int(fitted), int(soft)


NEEDED_FDS = 1000 + FD_HEADROOM + FD_PER_THREAD * 8


def test_the_open_file_limit_is_raised_to_hold_the_connection_limit():
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < NEEDED_FDS:
        pytest.skip(f"this machine's hard open-file limit is {hard}")
    assert fit_with_hard_limit(hard) == (1000, NEEDED_FDS)


def test_a_low_hard_open_file_limit_lowers_the_connection_limit_to_fit():
    fitted, soft = fit_with_hard_limit(400)
    assert soft == 400
    assert fitted == 400 - (NEEDED_FDS - 1000)
