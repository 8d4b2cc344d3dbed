"""Issue 10, classes 1 and 4: what hostile language input costs, in-process and in a real server.

    python bench/hostile_detection.py              # this tree's pastebox
    python bench/hostile_detection.py --repeat 5   # more runs of each in-process case

Run it from a checkout of another commit (e.g. `git archive 8d3d701 | tar -x -C /tmp/old`)
to measure that code: it imports and starts the pastebox next to it.

1. CPU milliseconds (median of --repeat, thread time) of the worst inputs for detection, for
   multipart header parameters and for the JSON nesting pre-check, called in-process
   (`--in-process` stops there).
2. A real server (`python -m pastebox serve`, rate limit off): /api/health latency while three
   pastes with a hostile 4 KB first line are created, and the server's RSS before and after
   30 creates refused with 400 for an 8 MB `syntax` (each a different string), and after 30
   more: kept keys grow with every batch, the allocator's high-water mark for the bodies
   does not. Then 200 GETs with distinct 250 KB request targets (waitress's urlsplit cache).
"""

import argparse
import contextlib
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pastebox.render import _guess, language_for  # noqa: E402
from pastebox.web.payload import _nesting, header_params  # noqa: E402

KB = 1024
MB = 1024 * KB
CODE_AS_JSON = '{"content": ' + json.dumps("f(x)[0] = {1: [2]}\n" * (10 * MB // 20)) + "}"
EMACS_4KB = "-*-" * 666 + " mode:xxxx" * 200  # openers, then unclosed mode words
CASES = {
    "emacs modeline, 4 KB line": lambda: language_for(None, EMACS_4KB + "\n"),
    "vim markers, 4 KB line (the API detects from 4 KB)": lambda: language_for(None, " vim:" * 819),
    "vim markers, 32 KB line (all detection reads)": lambda: language_for(None, " vim:" * 6553),
    "multipart part header, 300 KB of '; a=b'": lambda: _refused(
        header_params, "form-data" + "; a=b" * 60_000
    ),
    "JSON nesting pre-check, 10 MB of code as a JSON body": lambda: _nesting(CODE_AS_JSON),
    "content guess (render worker), 32 KB of newlines": lambda: _guess("\n" * 32 * KB, 0.3),
}


def _refused(fn, *args) -> None:
    with contextlib.suppress(Exception):  # a refusal is an answer too
        fn(*args)


def cpu_ms(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.thread_time()
        fn()
        runs.append((time.thread_time() - start) * 1000)
    return statistics.median(runs)


def start_server(db: str) -> tuple[subprocess.Popen, str]:
    argv = [sys.executable, "-m", "pastebox", "serve", "--port", "0", "--db", db]
    env = {"PASTEBOX_RATE_LIMIT": "0", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        match = re.search(r"serving on (http://\S+) with database", line)
        if match:
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain
            return proc, match.group(1)
    raise SystemExit("the server did not start")


def request(url: str, body: dict | None = None, timeout: float = 120) -> int:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def health_while_hostile_creates(url: str) -> tuple[list[float], list[float]]:
    """Health latencies (s) while three hostile pastes are created one after another, and the
    creates' own durations."""
    creates: list[float] = []

    def create() -> None:
        for _ in range(3):
            start = time.monotonic()
            request(f"{url}/api/v1/pastes", {"content": EMACS_4KB + "\n"})
            creates.append(time.monotonic() - start)

    creator = threading.Thread(target=create)
    creator.start()
    waits: list[float] = []
    while creator.is_alive() or not waits:
        start = time.monotonic()
        request(f"{url}/api/health")
        waits.append(time.monotonic() - start)
        time.sleep(0.02)
    creator.join()
    return waits, creates


def rss_after_huge_syntax(url: str, pid: int, first: int = 0) -> tuple[float, float, list[int]]:
    """RSS (MB) before and after 30 creates, each with a new 8 MB syntax; their statuses."""
    request(f"{url}/api/v1/pastes", {"content": "x\n", "syntax": "python"})  # warm
    before = rss_mb(pid)
    statuses = []
    for i in range(first, first + 30):
        syntax = f"{i:03d}" + "x" * (8 * 1024 * 1024)
        statuses.append(request(f"{url}/api/v1/pastes", {"content": "x\n", "syntax": syntax}))
    request(f"{url}/api/health")
    return before, rss_mb(pid), sorted(set(statuses))


def rss_after_long_targets(url: str, pid: int) -> tuple[float, float, list[int]]:
    """RSS (MB) before and after 200 GETs of /api/health with distinct 250 KB query strings:
    waitress splits every request target with urllib's urlsplit, whose lru_cache keeps 128."""
    before = rss_mb(pid)
    statuses = [request(f"{url}/api/health?{i:03d}=" + "x" * 250_000) for i in range(200)]
    return before, rss_mb(pid), sorted(set(statuses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each in-process case")
    parser.add_argument("--in-process", action="store_true", help="skip the real server")
    args = parser.parse_args()
    print(f"pastebox at {ROOT}", flush=True)
    print(f"in-process, CPU ms (median of {args.repeat}):")
    for name, fn in CASES.items():
        print(f"  {name:55s} {cpu_ms(fn, args.repeat):10.1f}")
    if args.in_process:
        return
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(str(Path(tmp) / "bench.db"))
        try:
            waits, creates = health_while_hostile_creates(url)
            print("real server:")
            print(
                f"  /api/health during 3 hostile creates: p50 {statistics.median(waits) * 1000:.0f}"
                f" ms, max {max(waits) * 1000:.0f} ms ({len(waits)} probes);"
                f" create median {statistics.median(creates) * 1000:.0f} ms"
            )
            before, after, statuses = rss_after_huge_syntax(url, proc.pid)
            _, again, _ = rss_after_huge_syntax(url, proc.pid, first=30)
            print(
                f"  RSS around 30 creates with an 8 MB syntax (statuses {statuses}):"
                f" {before:.0f} MB -> {after:.0f} MB (+{after - before:.0f} MB);"
                f" after 30 more {again:.0f} MB"
            )
            before, after, statuses = rss_after_long_targets(url, proc.pid)
            print(
                f"  RSS around 200 GETs with 250 KB targets (statuses {statuses}):"
                f" {before:.0f} MB -> {after:.0f} MB (+{after - before:.0f} MB)"
            )
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
