"""Work per request through the WSGI app in-process, for this checkout and others.

    python bench/cpu_per_request.py /tmp/old                  # CPU µs, beside an older checkout
    python bench/cpu_per_request.py --instructions /tmp/old   # instructions (valgrind)

No sockets, no waitress, no wrk: each request is a WebTest call into the app. It answers "does
this code do more work per request than that code?", which wrk's req/s on a noisy 2-core VM
answers only to ~15%. Each checkout runs in its own interpreter (its own pastebox on sys.path).

By default a request is timed with the process's CPU clock; rounds alternate between the
checkouts and the report quotes medians. On this VM other tenants still move CPU time by tens
of percent between runs, so `--instructions` counts instructions instead, with valgrind's
callgrind (Debian: apt-get install valgrind): the same code and inputs give the same count
whatever else the machine does. Each scenario runs in two processes, WARM requests then COUNT
more, and WARM alone; the difference over COUNT is one request's instructions, start-up and
first-request costs (imports, template compiles, render cache fill) excluded.
Scenarios as bench/run.py's: raw GET of a 4 KiB paste, API GET of it, a browser's page view of
bench/page_sample.py (render-cached), a JSON create of 4 KiB.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Run inside each checkout's interpreter: prints one JSON object of microseconds per request.
MEASURE = r"""
import json, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
try:
    from pastebox.web.app import create_app
except ImportError:  # a checkout from before pastebox/web/app.py
    from pastebox.app import create_app
from pastebox.config import load_config
from pastebox.store import open_store
import webtest

cfg = load_config(env={}, flags={"db": tempfile.mkdtemp() + "/cpu.db", "rate_limit": 0})
app = webtest.TestApp(create_app(cfg, open_store(cfg.db)))
content = ("x" * 63 + "\n") * 64
paste = app.post_json("/api/v1/pastes", {"content": content}).json["publicId"]
sample = open(sys.argv[2], encoding="utf-8").read()
files = [{"name": "sample.py", "content": sample, "language": "python"}]
page = app.post_json("/api/v1/pastes", {"files": files}).json["publicId"]
browser = {"Accept": "text/html"}
scenarios = {
    "raw GET 4 KB": lambda: app.get(f"/raw/{paste}"),
    "API GET": lambda: app.get(f"/api/v1/pastes/{paste}"),
    "page view 4 KB": lambda: app.get(f"/{page}", headers=browser),
    "JSON create": lambda: app.post_json("/api/v1/pastes", {"content": content}),
}
count, only = int(sys.argv[3]), sys.argv[4:]
if only:  # instructions: WARM then COUNT requests of one scenario, nothing timed
    for _ in range(int(only[1]) + count):
        scenarios[only[0]]()
    raise SystemExit(0)
result = {}
for name, call in scenarios.items():
    for _ in range(100):
        call()
    start = time.process_time()
    for _ in range(count):
        call()
    result[name] = (time.process_time() - start) / count * 1e6
print(json.dumps(result))
"""
SCENARIOS = ("raw GET 4 KB", "API GET", "page view 4 KB", "JSON create")
WARM = 50
COLLECTED_RE = re.compile(r"Collected : (\d+)")


def measure(checkout: Path, count: int) -> dict[str, float]:
    """One round in a fresh interpreter started in a neutral folder (no stray pastebox on path)."""
    argv = [sys.executable, "-c", MEASURE, str(checkout), str(HERE / "page_sample.py"), str(count)]
    done = subprocess.run(argv, capture_output=True, text=True, cwd="/", check=True)
    return json.loads(done.stdout)


def instructions(checkout: Path, scenario: str, count: int) -> int:
    """Instructions of WARM + `count` requests of `scenario`, start-up included."""
    argv = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-c", MEASURE, str(checkout), str(HERE / "page_sample.py"), str(count),
        scenario, str(WARM),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(argv, capture_output=True, text=True, cwd="/", env=env, check=True)
    return int(COLLECTED_RE.search(done.stderr).group(1))


def per_request(checkout: Path, scenario: str, count: int) -> float:
    with ThreadPoolExecutor(2) as pool:  # the two runs of one scenario side by side
        more, base = pool.map(lambda n: instructions(checkout, scenario, n), (count, 0))
    return (more - base) / count


def report_instructions(checkouts: list[tuple[str, Path]], count: int) -> None:
    print(f"\ninstructions per request (callgrind), {count} requests after {WARM} warm ones\n")
    print("| scenario | " + " | ".join(name for name, _ in checkouts) + " |")
    print("|---|" + "---:|" * len(checkouts))
    for scenario in SCENARIOS:
        cells = [per_request(path, scenario, count) for _, path in checkouts]
        print(f"| {scenario} | " + " | ".join(f"{c / 1000:,.0f} k" for c in cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("others", nargs="*", help="other checkouts to measure beside this one")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=500, help="per scenario per round")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions with valgrind instead"
    )
    args = parser.parse_args()
    checkouts = [("this", ROOT)] + [(str(p), Path(p).resolve()) for p in args.others]
    if args.instructions:
        report_instructions(checkouts, min(args.requests, 100))
        return 0
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _ in checkouts}
    for number in range(1, args.rounds + 1):
        for name, path in checkouts:
            rounds[name].append(measure(path, args.requests))
            print(f"round {number} {name}: done", file=sys.stderr)
    scenarios = list(rounds["this"][0])
    print(f"\nCPU µs per request, medians of {args.rounds} rounds of {args.requests}\n")
    print("| scenario | " + " | ".join(name for name, _ in checkouts) + " |")
    print("|---|" + "---:|" * len(checkouts))
    for scenario in scenarios:
        cells = [statistics.median(r[scenario] for r in rounds[name]) for name, _ in checkouts]
        print(f"| {scenario} | " + " | ".join(f"{c:,.0f}" for c in cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
