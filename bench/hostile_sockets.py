"""Hostile sockets against a real server, on loopback only (issue 10, classes 2 and 5).

Reports /api/health latency (p50/p99 of sequential requests from a fresh client on 127.0.0.1)
under N hostile sockets (a third idle, a third slowloris headers, a third slow POST bodies) from
one address (127.0.0.2) and from ten (127.0.0.2-11), under 300 slowloris sockets that sent
31 KiB of headers first, and the server's RSS with 30 stalled uploads of a 15 MB body (all but
the last KB sent). Each scenario gets a fresh server.

    python bench/hostile_sockets.py                       # this checkout
    git archive 8d3d701 | tar -x -C /tmp/old && python bench/hostile_sockets.py --source /tmp/old
"""

import argparse
import contextlib
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from checkout_server import memory, start_server

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent
HEALTH_SAMPLES = 100
HEALTH_TIMEOUT = 2.0
GIVE_UP_AFTER = 3  # timeouts in a row: the server is not answering
TRICKLE_SECONDS = 0.2
UPLOADS = 30
UPLOAD_DECLARED = 15_000_000  # under waitress's cap with the default max_paste_bytes
UPLOAD_SENT = UPLOAD_DECLARED - 1000


class Crowd:
    """Hostile sockets; one thread trickles a byte into each slow one every TRICKLE_SECONDS."""

    def __init__(self, address: tuple[str, int]):
        self.address = address
        self.sockets: list[socket.socket] = []
        self.trickling: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.trickle, daemon=True)
        self.thread.start()

    def connect(self, source: str) -> socket.socket:
        sock = socket.socket()
        self.sockets.append(sock)
        sock.settimeout(10)
        sock.bind((source, 0))
        sock.connect(self.address)
        return sock

    def hostile(self, n: int, source: str, head: int = 0) -> None:
        """Idle, slowloris (`head` bytes of header at once, then a byte a tick) or slow POST."""
        sock = self.connect(source)
        kind = 1 if head else n % 3
        if kind == 1:
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * head)
        elif kind == 2:
            sock.sendall(upload_head(10_000_000) + b'{"content": "')
        if kind:
            self.trickling.append(sock)

    def trickle(self) -> None:
        while not self.stop.wait(TRICKLE_SECONDS):
            for sock in list(self.trickling):
                try:
                    sock.send(b"x")
                except OSError:
                    self.trickling.remove(sock)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for sock in self.sockets:
            sock.close()


def upload_head(declared: int) -> bytes:
    return (
        f"POST /api/v1/pastes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()


def health_waits(url: str) -> list[float]:
    """Seconds of sequential /api/health requests; inf for one not answered in time."""
    waits: list[float] = []
    for _ in range(HEALTH_SAMPLES):
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=HEALTH_TIMEOUT) as reply:
                reply.read()
            waits.append(time.monotonic() - started)
        except OSError:
            waits.append(float("inf"))
            if waits[-GIVE_UP_AFTER:] == [float("inf")] * GIVE_UP_AFTER:
                break
    return waits


def ms(seconds: float) -> str:
    return f">{HEALTH_TIMEOUT:.0f} s" if seconds == float("inf") else f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def address_of(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def health_under(source: Path, hostile: int, sources: list[str], head: int = 0) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(source, str(Path(tmp) / "bench.db"))
        crowd = Crowd(address_of(url))
        try:
            for n in range(hostile):
                crowd.hostile(n, sources[n % len(sources)], head)
            time.sleep(1.0)  # a few trickles: every hostile request is under way
            waits = health_waits(url)
        finally:
            crowd.close()
            proc.kill()
            proc.wait()
    answered = [w for w in waits if w != float("inf")]
    return {
        "hostile": hostile,
        "addresses": len(sources),
        "kind": f"slowloris, {head // 1024} KiB heads" if head else "mixed",
        "answered": f"{len(answered)}/{len(waits)}",
        "p50": ms(statistics.median(waits)),
        "p99": ms(percentile(waits, 0.99)),
    }


def stalled_uploads(source: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(source, str(Path(tmp) / "bench.db"))
        crowd = Crowd(address_of(url))
        try:
            health_waits(url)  # warm: the first requests import and allocate
            before = memory(proc.pid)
            for n in range(UPLOADS):
                sock = crowd.connect(f"127.0.0.{2 + n % 10}")
                with contextlib.suppress(OSError):  # shed while sending
                    sock.sendall(upload_head(UPLOAD_DECLARED) + b"x" * UPLOAD_SENT)
            time.sleep(2.0)  # the server reads what was sent, or sheds it
            after = memory(proc.pid)
            kept = sum(1 for sock in crowd.sockets if still_open(sock))
            waits = health_waits(url)
        finally:
            crowd.close()
            proc.kill()
            proc.wait()
    return {
        "uploads": UPLOADS,
        "kept open": kept,
        "RSS before MB": round(before["VmRSS"] / MB),
        "RSS after MB": round(after["VmRSS"] / MB),
        "peak RSS MB": round(after["VmHWM"] / MB),
        "health p50": ms(statistics.median(waits)),
    }


def still_open(sock: socket.socket) -> bool:
    """Neither answered nor closed by the server."""
    sock.settimeout(0.01)
    try:
        sock.recv(1, socket.MSG_PEEK)
    except TimeoutError:
        return True
    except OSError:
        pass
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to serve from")
    parser.add_argument("--sockets", default="0,100,300", help="hostile socket counts")
    args = parser.parse_args()
    print(f"# source {args.source}", flush=True)
    many = [f"127.0.0.{n}" for n in range(2, 12)]
    for count in [int(c) for c in args.sockets.split(",")]:
        for sources in (["127.0.0.2"], many) if count else (["127.0.0.2"],):
            print(json.dumps(health_under(args.source, count, sources)), flush=True)
    # Heads just under pastebox's 32 KiB cap: the parser rescans the whole head on each read.
    print(json.dumps(health_under(args.source, 300, many, head=31 * 1024)), flush=True)
    print(json.dumps(stalled_uploads(args.source)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
