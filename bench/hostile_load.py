"""Issue 10's hostile-load scenario at 100,000 pastes: costly searches and a big janitor sweep.

    python bench/hostile_load.py [--duration 5] [--label after]

Against a real server (`python -m pastebox`, rate limits off) on a copy of a database filled by
bench/fill.py (made once and cached under bench/results/, which git ignores):

1. searches: a rare word, a common word (`self`, in ~99% of pastes), a prefix (`ret*`) and a
   qualifier-only query (`lang:python`), each alone (one at a time) and then with 8 in flight
   while one client reads a small paste (raw GET) and another creates pastes, one at a time;
2. the sweep: the server is restarted with half the pastes (50,000) expired and a janitor
   interval of 5 s; 8 clients create pastes and 2 read while the janitor purges them.

Reports p50/p99 (and max during the sweep) in ms of the requests answered 2xx, and the status
codes seen (503: refused at once by a gate, with Retry-After; these clients do not wait). Python threads are
the clients (http.client, one keep-alive connection each), so the client shares the 2 CPUs.
The sweep window runs from the janitor's first scheduled sweep (the server's "serving" line plus
the interval) to its "purged" log line.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "results" / "fill-100000-seed10.db"
QUERIES = (("rare word", "quokka"), ("common word", "self"), ("prefix", "ret*"),
           ("qualifier only", "lang:python"))  # fmt: skip
IN_FLIGHT = 8
SWEEP_INTERVAL = 5
SMALL = json.dumps({"content": "def hello():\n    return 'world'\n", "syntax": "python"})


@dataclass
class Samples:
    """(start time, latency ms, status) of each request of one kind."""

    rows: list[tuple[float, float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, start: float, ms: float, status: int) -> None:
        with self.lock:
            self.rows.append((start, ms, status))

    def between(self, start: float, end: float) -> "Samples":
        """The requests in flight at some moment of [start, end]."""
        return Samples([r for r in self.rows if r[0] <= end and r[0] + r[1] / 1000 >= start])

    def within(self, start: float, end: float) -> "Samples":
        """The requests that started and ended in [start, end]."""
        return Samples([r for r in self.rows if r[0] >= start and r[0] + r[1] / 1000 <= end])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(samples: Samples, with_max: bool = False) -> str:
    """Latencies of the answered requests (2xx; a 503 refusal is fast and says nothing of the
    work), and every status seen."""
    ms = [r[1] for r in samples.rows if 200 <= r[2] < 300]
    statuses = Counter(r[2] for r in samples.rows)
    codes = " ".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
    text = f"p50 {percentile(ms, 0.5):8.1f} | p99 {percentile(ms, 0.99):8.1f}"
    if with_max:
        text += f" | max {max(ms) if ms else float('nan'):8.1f}"
    return f"{text} | {codes}"


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Content-Type": "application/json"} if body else {}
        try:
            self.conn.request(method, path, body=body, headers=headers)
            reply = self.conn.getresponse()
            data = reply.read()
            if reply.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return reply.status, data
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            return 0, b""

    def timed(self, method: str, path: str, samples: Samples, body: str | None = None) -> bytes:
        start = time.monotonic()
        status, data = self.request(method, path, body)
        samples.add(start, (time.monotonic() - start) * 1000, status)
        return data


def loop(url: str, method: str, path: str, samples: Samples, stop: threading.Event,
         body: str | None = None) -> threading.Thread:  # fmt: skip
    def run() -> None:
        client = Client(url)
        while not stop.is_set():
            client.timed(method, path, samples, body)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


class Server:
    """`python -m pastebox` on a database; keeps its output lines with their arrival times."""

    def __init__(self, db: str, *extra: str):
        argv = [sys.executable, "-m", "pastebox", "--port", "0", "--rate-limit", "0", "--db", db]
        # The per-client search rate would answer these clients 429; the gates are measured here.
        if "search_rate_limit" in (ROOT / "pastebox" / "config.py").read_text():
            argv += ["--search-rate-limit", "0"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env = {k: v for k, v in env.items() if not k.startswith("PASTEBOX_")}
        self.proc = subprocess.Popen([*argv, *extra], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
        self.lines: list[tuple[float, str]] = []
        self.url = ""
        self.started = 0.0
        ready = threading.Event()

        def read() -> None:
            for line in self.proc.stdout:
                self.lines.append((time.monotonic(), line))
                match = re.search(r"serving on (http://\S+) with database", line)
                if match:
                    self.url, self.started = match.group(1), time.monotonic()
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(120):
            self.proc.kill()
            raise SystemExit("server did not start:\n" + "".join(line for _, line in self.lines))

    def first_line_after(self, pattern: str, after: float) -> float | None:
        return next((t for t, line in self.lines if t >= after and re.search(pattern, line)), None)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def sequential(url: str, path: str, count: int) -> Samples:
    samples, client = Samples(), Client(url)
    client.request("GET", path)  # warm up (caches, this thread's read connection)
    for _ in range(count):
        client.timed("GET", path, samples)
    return samples


def search_phase(db: str, args: argparse.Namespace) -> list[str]:
    server = Server(db, "--janitor-interval", "3600")
    report = []
    try:
        small = json.loads(Client(server.url).request("POST", "/api/v1/pastes", SMALL)[1])
        raw = f"/raw/{small['publicId']}"
        report.append(f"| raw GET, alone | {summary(sequential(server.url, raw, 300))} |")
        for label, query in QUERIES:
            path = "/api/v1/search?" + urllib.parse.urlencode({"q": query, "limit": 20})
            alone = sequential(server.url, path, args.alone)
            report.append(f"| search {label} `{query}`, alone | {summary(alone)} |")
            stop = threading.Event()
            searches, reads, creates = Samples(), Samples(), Samples()
            threads = [loop(server.url, "GET", path, searches, stop) for _ in range(IN_FLIGHT)]
            threads.append(loop(server.url, "GET", raw, reads, stop))
            threads.append(loop(server.url, "POST", "/api/v1/pastes", creates, stop, SMALL))
            time.sleep(args.duration)
            stop.set()
            for thread in threads:
                thread.join(60)
            report.append(f"| search {label}, {IN_FLIGHT} in flight | {summary(searches)} |")
            report.append(f"| raw GET meanwhile | {summary(reads)} |")
            report.append(f"| create meanwhile | {summary(creates)} |")
            print("\n".join(report[-4:]), file=sys.stderr)
    finally:
        server.stop()
    return report


def expire_share(db: str) -> int:
    """Move every expiry of the fill into the past (server stopped); returns how many."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            cursor = conn.execute(
                "UPDATE pastes SET expires_at = ? WHERE expires_at IS NOT NULL", (time.time() - 60,)
            )
        return cursor.rowcount
    finally:
        conn.close()


def sweep_phase(db: str, args: argparse.Namespace) -> list[str]:
    expired = expire_share(db)
    server = Server(db, "--janitor-interval", str(SWEEP_INTERVAL))
    try:
        small = json.loads(Client(server.url).request("POST", "/api/v1/pastes", SMALL)[1])
        raw = f"/raw/{small['publicId']}"
        stop = threading.Event()
        reads, creates = Samples(), Samples()
        threads = [loop(server.url, "POST", "/api/v1/pastes", creates, stop, SMALL)
                   for _ in range(IN_FLIGHT)]  # fmt: skip
        threads += [loop(server.url, "GET", raw, reads, stop) for _ in range(2)]
        sweep_start = server.started + SWEEP_INTERVAL
        deadline = time.monotonic() + 180
        sweep_end = None
        while sweep_end is None and time.monotonic() < deadline:
            time.sleep(0.1)
            sweep_end = server.first_line_after(r"janitor: purged", sweep_start - 1)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(60)
    finally:
        server.stop()
    if sweep_end is None:
        raise SystemExit("the sweep did not finish in 180 s")
    before = (server.started, sweep_start)
    return [
        f"| sweep of {expired:,} expired pastes under load | {sweep_end - sweep_start:.2f} s"
        f" (janitor schedule to its log line) |",
        f"| create, {IN_FLIGHT} writers, before the sweep | {summary(creates.within(*before), True)} |",
        f"| create during the sweep | {summary(creates.between(sweep_start, sweep_end), True)} |",
        f"| raw GET, 2 readers, before the sweep | {summary(reads.within(*before), True)} |",
        f"| raw GET during the sweep | {summary(reads.between(sweep_start, sweep_end), True)} |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per in-flight run")
    parser.add_argument("--alone", type=int, default=20, help="searches per alone run")
    parser.add_argument("--label", default="", help="a name for this run in the report")
    parser.add_argument("--only", default="search,sweep", help="phases: search,sweep")
    args = parser.parse_args()
    if not CACHE.exists():
        CACHE.parent.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "fill.py"), str(CACHE)], check=True)
    tmp = tempfile.mkdtemp(prefix="pastebox-hostile-")
    report = []
    try:
        phases = args.only.split(",")
        if "search" in phases:
            shutil.copy(CACHE, f"{tmp}/search.db")
            report += search_phase(f"{tmp}/search.db", args)
        if "sweep" in phases:
            shutil.copy(CACHE, f"{tmp}/sweep.db")
            report += sweep_phase(f"{tmp}/sweep.db", args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                          capture_output=True).stdout.strip()  # fmt: skip
    print(f"\n{args.label or 'run'} at {head}, {os.cpu_count()} CPUs, latencies in ms\n")
    print("| scenario | result |\n|---|---|")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
