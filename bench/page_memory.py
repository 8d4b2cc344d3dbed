"""What paste pages cost a real server: peak RSS, page bytes and ms per view of pathological
pastes (issue 10, class 3).

Starts `python -m pastebox serve` from --root (a checkout: this one, or an old commit's
worktree) on a temporary database, creates each paste through the curl surface, views each
--views times as a browser would (sequentially, then --concurrent at once), and reports per
paste the server's peak RSS (VmHWM, reset between pastes through /proc/PID/clear_refs) over
its resident size once the pastes were made (before any view), the page size and the median
ms per view.

    .venv/bin/python bench/page_memory.py                 # this checkout
    .venv/bin/python bench/page_memory.py --root /tmp/old # another one
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from checkout_server import memory, reset_peak, start_server

ROOT = Path(__file__).resolve().parent.parent
BROWSER = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
MB = 1024 * 1024
CODE_LINE = "    total = compute(value, 'label', 42)  # keep the running sum\n"


def shapes() -> dict[str, tuple[list[tuple[str, bytes]], str]]:
    """name -> ([(file name, content)], lang): the pastes the issue measured, and their kin."""
    ten = 10_000_000
    return {
        "newlines-1.5MB": ([("nl.txt", b"\n" * 1_500_000)], ""),
        "code-10MB": ([("big.py", (CODE_LINE * (ten // len(CODE_LINE))).encode())], "python"),
        "tiny-lines-10MB": ([("tiny.txt", b"a\n" * (ten // 2))], ""),
        "one-line-10MB": ([("line.txt", b"<" * ten)], ""),
        "multi-file-20x500KB": (
            [(f"f{i}.py", (CODE_LINE * (500_000 // len(CODE_LINE))).encode()) for i in range(20)],
            "python",
        ),
    }


def request(url: str, method: str = "GET", body: bytes | None = None, headers=None):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def create(base: str, files: list[tuple[str, bytes]], lang: str) -> str:
    """A paste through the curl surface (multipart for several files); its id."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, content in files:
        chunks += [f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                   f"filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n".encode(),
                   content, b"\r\n"]  # fmt: skip
    chunks.append(f"--{boundary}--\r\n".encode())
    query = f"?lang={lang}" if lang else ""
    headers = {"Accept": "application/json",
               "Content-Type": f"multipart/form-data; boundary={boundary}"}  # fmt: skip
    status, body = request(base + "/" + query, "POST", b"".join(chunks), headers)
    if status != 201:
        raise SystemExit(f"create failed: {status} {body[:200]!r}")
    return json.loads(body)["publicId"]


def view(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    status, body = request(url, headers=BROWSER)
    if status >= 500:
        raise SystemExit(f"view failed: {status}")
    return (time.perf_counter() - started) * 1000, len(body)


def measure(root: Path, views: int, concurrent: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(
            root, os.path.join(tmp, "bench.db"), "--max-paste-bytes", str(12 * MB)
        )
        try:
            made = {name: create(base, files, lang) for name, (files, lang) in shapes().items()}
            request(base + "/" + create(base, [("warm.py", b"x = 1\n")], "python"),
                    headers=BROWSER)  # start the render worker  # fmt: skip
            time.sleep(0.5)
            baseline = memory(proc.pid)["VmRSS"]  # after the creates, before any view
            pages = [(name, f"{base}/{paste_id}") for name, paste_id in made.items()]
            # The fork form holds the whole text (a 400 once it is bounded).
            pages.append(("fork of one-line-10MB", f"{base}/{made['one-line-10MB']}/fork"))
            for name, url in pages:
                time.sleep(0.5)  # let the last views' memory go back
                before = memory(proc.pid)["VmRSS"]
                reset_peak(proc.pid)
                timings = [view(url) for _ in range(views)]
                sequential_peak = memory(proc.pid)["VmHWM"]
                reset_peak(proc.pid)
                threads = [threading.Thread(target=view, args=(url,)) for _ in range(concurrent)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                rows.append({
                    "paste": name,
                    "baseline_mb": baseline / MB,
                    "rss_before_mb": before / MB,
                    "peak_growth_mb": (sequential_peak - baseline) / MB,
                    "peak_growth_concurrent_mb": (memory(proc.pid)["VmHWM"] - baseline) / MB,
                    "page_mb": timings[0][1] / MB,
                    "first_ms": timings[0][0],
                    "median_ms": statistics.median(t for t, _ in timings),
                })  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--views", type=int, default=5, help="sequential views of each paste")
    parser.add_argument("--concurrent", type=int, default=4, help="views at once, after those")
    args = parser.parse_args()
    commit = subprocess.run(["git", "-C", str(args.root), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    print(f"# {args.root} at {commit}: {args.views} views each, then {args.concurrent} at once")
    print(f"{'paste':24} {'base MB':>7} {'peak+ MB':>9} {'peak+ x' + str(args.concurrent):>9}"
          f" {'page MB':>8} {'1st ms':>7} {'p50 ms':>7}")  # fmt: skip
    for row in measure(args.root, args.views, args.concurrent):
        print(f"{row['paste']:24} {row['baseline_mb']:7.0f} {row['peak_growth_mb']:9.0f}"
              f" {row['peak_growth_concurrent_mb']:9.0f} {row['page_mb']:8.2f}"
              f" {row['first_ms']:7.0f} {row['median_ms']:7.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
