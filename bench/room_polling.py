"""What idle room devices cost everyone else: 100 devices polling one room's feed, and the
latency of other requests beside them.

A room page polls `GET /api/rooms/ID/feed` with `If-None-Match` (about once a second while
visible); when nothing changed the answer is a bodiless 304. Each device here is one keep-alive
connection from its own loopback address (127.0.0.2, .3, …: a device is an address, as on a LAN,
so the per-client connection cap applies as it would), polling every `--interval` seconds with a
random phase. Beside them a probe sends one request at a time (`GET /raw/ID` of a 4 KiB paste,
then the JSON read of it), pausing `--probe-gap` between requests, and records every latency.

Each round measures the probe alone, then with the devices polling, in the same server, so the
comparison is within one run; the report quotes medians over the rounds.

    python bench/room_polling.py                   # 100 devices, 1 s, 3 rounds of 20 s
    python bench/room_polling.py --devices 300 --interval 0.5
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
START_TIMEOUT = 30.0
LISTEN_RE = re.compile(r"serving on (http://\S+) with database")
SAMPLE = (HERE / "page_sample.py").read_text()
TARGET_P99_MS = 50.0  # the bound for other requests beside 100 idle devices


def start_server(db: str) -> tuple[subprocess.Popen, str]:
    argv = [sys.executable, "-m", "pastebox", "serve", "--host", "127.0.0.1", "--port", "0"]
    argv += ["--db", db, "--rate-limit", "0"]
    proc = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        match = LISTEN_RE.search(line)
        if match:
            subprocess.Popen(["cat"], stdin=proc.stdout, stdout=subprocess.DEVNULL)
            return proc, match.group(1)
        if not line:
            break
    proc.kill()
    raise SystemExit("the server did not start")


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


# -- the devices -----------------------------------------------------------------------------


class Devices:
    """`count` pollers on one event loop in a thread; each is one keep-alive connection."""

    def __init__(self, url: str, room: str, count: int, interval: float):
        self.host, self.port = url.removeprefix("http://").split(":")
        self.path = f"/api/rooms/{room}/feed"
        self.count, self.interval = count, interval
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def __enter__(self) -> "Devices":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 10)

    async def _main(self) -> None:
        await asyncio.gather(*(self._device(n) for n in range(self.count)))

    async def _device(self, n: int) -> None:
        source = f"127.0.0.{2 + n % 250}"  # one address per device, as on a LAN
        await asyncio.sleep(self.interval * n / self.count)  # spread the phases
        etag = ""
        try:
            reader, writer = await asyncio.open_connection(
                self.host, int(self.port), local_addr=(source, 0)
            )
        except OSError:
            self.failures += 1
            return
        while not self._stop.is_set():
            head = f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\n"
            head += f"If-None-Match: {etag}\r\n" if etag else ""
            began = time.perf_counter()
            writer.write((head + "\r\n").encode())
            try:
                status, headers = await self._reply(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.failures += 1
                return
            self.latencies.append((time.perf_counter() - began) * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            etag = headers.get("etag", etag)
            await asyncio.sleep(self.interval)
        writer.close()

    @staticmethod
    async def _reply(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
        status_line = await reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        await reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers


# -- the probe -------------------------------------------------------------------------------


def probe(url: str, paths: list[str], seconds: float, gap: float) -> list[float]:
    """Latencies (ms) of one request at a time over one keep-alive connection."""
    import http.client

    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    latencies, deadline, n = [], time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        began = time.perf_counter()
        conn.request("GET", paths[n % len(paths)])
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"probe: {paths[n % len(paths)]} answered {response.status}")
        latencies.append((time.perf_counter() - began) * 1000)
        n += 1
        time.sleep(gap)
    conn.close()
    return latencies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    parser.add_argument("--seconds", type=float, default=20.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--probe-gap", type=float, default=0.01)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if p99 > {TARGET_P99_MS}")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(str(Path(tmp) / "bench.db"))
        try:
            paste = post_json(url + "/api/v1/pastes", {"content": SAMPLE, "syntax": "python"})
            room = post_json(url + "/api/rooms", {})["roomId"]
            post_json(url + f"/api/rooms/{room}/content", {"content": "hello from the bench"})
            paths = [f"/raw/{paste['publicId']}", f"/api/v1/pastes/{paste['publicId']}"]
            probe(url, paths, 2.0, args.probe_gap)  # warm up
            alone, beside, polls, statuses, failures = [], [], [], {}, 0
            for _ in range(args.rounds):
                alone.append(probe(url, paths, args.seconds, args.probe_gap))
                with Devices(url, room, args.devices, args.interval) as devices:
                    time.sleep(args.interval)  # every device has connected and polled once
                    beside.append(probe(url, paths, args.seconds, args.probe_gap))
                polls += devices.latencies
                failures += devices.failures
                for status, n in devices.statuses.items():
                    statuses[status] = statuses.get(status, 0) + n
        finally:
            proc.terminate()
            proc.wait(timeout=20)

    def summary(runs: list[list[float]]) -> str:
        p50 = statistics.median(percentile(r, 0.50) for r in runs)
        p99 = statistics.median(percentile(r, 0.99) for r in runs)
        n = statistics.median(len(r) / args.seconds for r in runs)
        return f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   ({n:.0f} req/s)"

    p99_beside = statistics.median(percentile(r, 0.99) for r in beside)
    print(f"room polling: {args.devices} devices, a poll every {args.interval:g} s each, "
          f"{args.rounds} rounds of {args.seconds:g} s (medians over rounds)")  # fmt: skip
    print(f"  other requests alone:          {summary(alone)}")
    print(f"  other requests beside devices: {summary(beside)}")
    print(
        f"  the polls themselves:          p50 {percentile(polls, 0.5):6.2f} ms   "
        f"p99 {percentile(polls, 0.99):6.2f} ms   ({len(polls)} polls: "
        + ", ".join(f"{n} × {s}" for s, n in sorted(statuses.items()))
        + f"; {failures} devices failed)"
    )
    if args.check and (p99_beside > TARGET_P99_MS or failures):
        raise SystemExit(f"p99 beside the devices {p99_beside:.1f} ms > {TARGET_P99_MS} ms")


if __name__ == "__main__":
    main()
