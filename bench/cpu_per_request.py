"""CPU time per request through the WSGI app in-process, for this checkout and others.

    python bench/cpu_per_request.py                   # this checkout
    python bench/cpu_per_request.py /tmp/old          # and an older one (git archive REV | tar -x)

No sockets, no waitress, no wrk: each request is a WebTest call into the app, timed with the
process's CPU clock, so what another process does to this shared machine moves it little. It
answers "does this code do more work per request than that code?", which wrk's req/s on a
noisy 2-core VM answers only to ~15%. Each checkout runs in its own interpreter (its own
pastebox on sys.path); rounds alternate between them and the report quotes medians.
Scenarios as bench/run.py's: raw GET of a 4 KiB paste, API GET of it, a browser's page view of
bench/page_sample.py (render-cached), a JSON create of 4 KiB.
"""

import argparse
import json
import statistics
import subprocess
import sys
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
result = {}
for name, call in scenarios.items():
    for _ in range(100):
        call()
    count = int(sys.argv[3])
    start = time.process_time()
    for _ in range(count):
        call()
    result[name] = (time.process_time() - start) / count * 1e6
print(json.dumps(result))
"""


def measure(checkout: Path, count: int) -> dict[str, float]:
    """One round in a fresh interpreter started in a neutral folder (no stray pastebox on path)."""
    argv = [sys.executable, "-c", MEASURE, str(checkout), str(HERE / "page_sample.py"), str(count)]
    done = subprocess.run(argv, capture_output=True, text=True, cwd="/", check=True)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("others", nargs="*", help="other checkouts to measure beside this one")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=500, help="per scenario per round")
    args = parser.parse_args()
    checkouts = [("this", ROOT)] + [(str(p), Path(p).resolve()) for p in args.others]
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
