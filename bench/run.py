"""pastebox throughput benchmark: wrk against the bare waitress ceiling and a real pastebox.

Everything is measured in one run so the ratios mean something on a shared, noisy machine:
the servers start side by side (unpinned, as users run them: `python -m pastebox`), then each
round runs every scenario once, interleaved, and the report quotes medians over the rounds.

    python bench/run.py                       # the default server
    python bench/run.py --variant pin-off="--cpu-pin off" --variant no-gate=--no-write-gate
    python bench/run.py --check               # exit 1 when a target is missed
    python bench/run.py --baseline /tmp/old   # beside another checkout (git archive REV | tar -x)

Needs `wrk` (Debian: apt-get install wrk). Rate limiting is switched off in the benchmarked
servers (`--rate-limit 0`): one client hammering creates is exactly what it is there to stop.
So is the cap on one client's connections (`--connections-per-client 0`): wrk is one address,
and between two scenarios its new connections may arrive before the server has seen the old
ones close.

The page scenario is a browser's view of a 4 KiB Python paste (bench/page_sample.py): `GET /ID`
with Accept: text/html. It is requested once before the rounds, so it is measured from the
render cache (store read + cache lookup + template), and that first answer must be the
highlighted page, or the run stops instead of measuring an error page.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
START_TIMEOUT = 30.0
TARGETS = {"raw_ratio": 0.50, "page_ratio": 0.50, "create_rps": 1000.0, "rss_mb": 100.0}
PAGE_SAMPLE = HERE / "page_sample.py"  # 4 KiB of Python: the page scenario's paste
BROWSER_ACCEPT = "text/html,application/xhtml+xml"
BENCH_PASSWORD = "bench password 1"  # of the password paste
# Checkouts from before the cap existed (to compare against) do not know the flag.
UNCAPPED = (
    ["--connections-per-client", "0"]
    if "connections_per_client" in (ROOT / "pastebox" / "config.py").read_text()
    else []
)


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    url: str
    paste_id: str = ""
    page_id: str = ""
    sealed_id: str = ""  # a password paste
    session: str = ""  # the signed-in browser's cookie
    results: dict[str, list[Result]] = field(default_factory=dict)


def start(
    name: str, argv: list[str], pattern: str, env: dict[str, str], cwd: Path = ROOT
) -> Server:
    """Start a server and wait for the line announcing its URL."""
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + START_TIMEOUT
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        match = re.search(pattern, line)
        if match:
            # Keep draining output so the server never blocks on a full pipe.
            subprocess.Popen(["cat"], stdin=proc.stdout, stdout=subprocess.DEVNULL)
            return Server(name, proc, match.group(1))
    proc.kill()
    raise SystemExit(f"{name}: did not start: {argv}")


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def check_page(url: str) -> int:
    """GET the page as a browser; stop unless it is the highlighted HTML view. Returns its size.

    This first request is also the one that renders the paste and fills the render cache.
    """
    request = urllib.request.Request(url, headers={"Accept": BROWSER_ACCEPT})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, content_type = response.status, response.headers.get("Content-Type", "")
            body = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"page view {url}: HTTP {exc.code}, not the page") from None
    problems = []
    if status != 200:
        problems.append(f"status {status}")
    if not content_type.startswith("text/html"):
        problems.append(f"Content-Type {content_type!r}")
    if 'class="line"' not in body:
        problems.append('no class="line" in the body')
    if '<span class="k">' not in body:  # a Python keyword token: highlighted, not plain text
        problems.append("not highlighted as Python (render fallback?)")
    if problems:
        raise SystemExit(f"page view {url}: not the highlighted page: {', '.join(problems)}")
    return len(body.encode())


def sign_in(db: str) -> str:
    """A user and a session made in the database, as a log-in would make them; returns the
    cookies ("pastebox_session=…; pastebox_csrf=…") of a signed-in browser. Made here rather than by
    POST /login so that the server's peak RSS measures serving, not one 64 MiB argon2 run.
    Written with plain SQL, not through this checkout's store: opening the baseline's database
    with it would migrate that database to this checkout's schema under the baseline server."""
    sys.path.insert(0, str(ROOT))
    from pastebox.core import ids
    from pastebox.core.accounts import SESSION_SECONDS

    token, now = ids.new_token(), time.time()
    conn = sqlite3.connect(db, timeout=10)
    try:
        with conn:
            user_id = conn.execute(
                "INSERT INTO users (name, created_at) VALUES ('bench', ?)", (now,)
            ).lastrowid
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (ids.hash_token(token), user_id, now, now + SESSION_SECONDS),
            )
    finally:
        conn.close()
    # A browser holds the form token's cookie from its first page on, as it holds the session's.
    return f"pastebox_session={token}; pastebox_csrf={ids.new_token()}"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(
    url: str, args: argparse.Namespace, script: str | None = None, headers: tuple[str, ...] = ()
) -> Result:
    argv = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    argv += ["--latency", "--timeout", "10s"]
    if script:
        argv += ["-s", str(HERE / script)]
    for header in headers:
        argv += ["-H", header]
    out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?timeout (\d+)"):
        match = re.search(pattern, out)
        errors += int(match.group(1)) if match else 0
    return Result(rps, p50, p99, errors)


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS of the main process + current RSS of its children) in KiB."""

    def status(p: int) -> dict[str, str]:
        try:
            text = Path(f"/proc/{p}/status").read_text()
        except OSError:
            return {}
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)

    def kb(value: str) -> int:
        return int(value.split()[0]) if value else 0

    main = status(pid)
    children = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = status(int(entry.name))
            if st.get("PPid", "").strip() == str(pid):
                children += kb(st.get("VmRSS", ""))
    return kb(main.get("VmRSS", "")) + children, kb(main.get("VmHWM", "")) + children


def start_baseline(checkout: Path, db: str, env: dict[str, str]) -> Server:
    """Another checkout's pastebox, started from its own tree with the flags it knows."""
    knows_cap = "connections_per_client" in (checkout / "pastebox" / "config.py").read_text()
    argv = [sys.executable, "-m", "pastebox", "--port", "0", "--rate-limit", "0", "--db", db]
    argv += ["--connections-per-client", "0"] if knows_cap else []
    env = {**env, "PYTHONPATH": str(checkout)}
    return start("baseline", argv, r"serving on (http://\S+) with database", env, cwd=checkout)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=ARGS",
        help="also benchmark pastebox started with these extra arguments",
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        default="raw,api,create,page,signed-in",
        help="scenarios: raw,api,create,page,signed-in,password (password is not a default: its"
        " argon2 runs take 64 MiB each, by design over the RSS target)",
    )
    parser.add_argument(
        "--baseline",
        metavar="CHECKOUT",
        help="also benchmark the pastebox of another checkout (e.g. an older commit unpacked"
        " with `git archive REV | tar -x -C DIR`), as users start it, in the same run",
    )
    parser.add_argument("--json", metavar="FILE", help="write the medians as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found (apt-get install wrk)")

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PASTEBOX_CPU_PIN", None)
    tmp = tempfile.mkdtemp(prefix="pastebox-bench-")
    py = sys.executable
    variants = [("pastebox", [])] + [
        (name, shlex.split(extra)) for name, extra in (v.split("=", 1) for v in args.variant)
    ]
    ceiling = start("ceiling", [py, str(HERE / "ceiling.py")], r"listening on (http://\S+)", env)
    servers: list[Server] = []
    try:
        for index, (name, extra) in enumerate(variants):
            # The default server runs exactly as users run it; variants may undo a measure.
            launcher = ["-m", "pastebox"] if index == 0 else [str(HERE / "variant.py")]
            argv = [py, *launcher, "--port", "0", "--rate-limit", "0", *UNCAPPED]
            argv += ["--db", f"{tmp}/bench{index}.db", *extra]
            servers.append(start(name, argv, r"serving on (http://\S+) with database", env))
        if args.baseline:
            # Named as the next variant would be: sign_in finds its database by position.
            db = f"{tmp}/bench{len(variants)}.db"
            servers.append(start_baseline(Path(args.baseline).resolve(), db, env))
        content = ("x" * 63 + "\n") * 64  # 4 KiB
        sample = PAGE_SAMPLE.read_text(encoding="utf-8")
        wanted = set(args.only.split(","))
        for index, server in enumerate(servers):
            server.paste_id = post(f"{server.url}/api/v1/pastes", {"content": content})["publicId"]
            if "password" in wanted:
                body = {"content": content, "password": BENCH_PASSWORD}
                server.sealed_id = post(f"{server.url}/api/v1/pastes", body)["publicId"]
            if "signed-in" in wanted:
                server.session = sign_in(f"{tmp}/bench{index}.db")
            if "page" in wanted or "signed-in" in wanted:
                page_file = {"name": "sample.py", "content": sample, "language": "python"}
                body = {"title": "bench page", "files": [page_file]}
                server.page_id = post(f"{server.url}/api/v1/pastes", body)["publicId"]
                size = check_page(f"{server.url}/{server.page_id}")
                print(f"{server.name}: page view ok, {size:,} bytes of HTML", file=sys.stderr)

        scenarios = [("ceiling", ceiling, "/", None, ())]
        for server in servers:
            browser = (f"Accept: {BROWSER_ACCEPT}",)
            scenarios += [
                (label, server, path, script, headers)
                for key, label, path, script, headers in (
                    ("raw", "raw GET 4 KB", f"/raw/{server.paste_id}", None, ()),
                    ("api", "API GET", f"/api/v1/pastes/{server.paste_id}", None, ()),
                    ("create", "JSON create", "/api/v1/pastes", "create.lua", ()),
                    ("page", "page view 4 KB", f"/{server.page_id}", None, browser),
                    (
                        "signed-in",
                        "signed-in page",
                        f"/{server.page_id}",
                        None,
                        (*browser, f"Cookie: {server.session}"),
                    ),
                    (
                        "password",
                        "password raw GET",
                        f"/raw/{server.sealed_id}",
                        None,
                        (f"Paste-Authorization: {BENCH_PASSWORD}",),
                    ),
                )  # fmt: skip
                if key in wanted
            ]
        for round_number in range(1, args.rounds + 1):
            for label, server, path, script, headers in scenarios:
                result = wrk(server.url + path, args, script, headers)
                server.results.setdefault(label, []).append(result)
                print(
                    f"round {round_number} {server.name:>10} {label:<14}"
                    f" {result.rps:9.0f} req/s p50 {result.p50_ms:6.2f} ms"
                    f" p99 {result.p99_ms:7.2f} ms errors {result.errors}",
                    file=sys.stderr,
                )
        rss = {s.name: tree_rss_kb(s.proc.pid) for s in servers}
    finally:
        for server in [ceiling, *servers]:
            server.proc.terminate()
        for server in [ceiling, *servers]:
            try:
                server.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    def median(results: list[Result]) -> Result:
        return Result(
            statistics.median(r.rps for r in results),
            statistics.median(r.p50_ms for r in results),
            statistics.median(r.p99_ms for r in results),
            sum(r.errors for r in results),
        )

    ceiling_rps = median(ceiling.results["ceiling"]).rps
    report: dict[str, dict] = {}
    print(
        f"\nmedians of {args.rounds} rounds, wrk -t{args.wrk_threads} -c{args.connections}"
        f" -d{args.duration}s, {os.cpu_count()} CPUs\n"
    )
    print("| server | scenario | req/s | p50 ms | p99 ms | vs ceiling | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for server in [ceiling, *servers]:
        for label, results in server.results.items():
            m = median(results)
            report.setdefault(server.name, {})[label] = {
                "rps": round(m.rps, 1),
                "p50_ms": m.p50_ms,
                "p99_ms": m.p99_ms,
                "ratio": round(m.rps / ceiling_rps, 3),
                "errors": m.errors,
            }
            print(
                f"| {server.name} | {label} | {m.rps:,.0f} | {m.p50_ms:.2f} | {m.p99_ms:.2f} |"
                f" {m.rps / ceiling_rps:.0%} | {m.errors} |"
            )
    print()
    for name, (now_kb, peak_kb) in rss.items():
        report[name]["rss_mb"] = round(now_kb / 1024, 1)
        report[name]["peak_rss_mb"] = round(peak_kb / 1024, 1)
        print(
            f"{name}: RSS {now_kb / 1024:.1f} MB now, {peak_kb / 1024:.1f} MB peak (with children)"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")

    default = report["pastebox"]
    missed = []
    raw, create = default.get("raw GET 4 KB"), default.get("JSON create")
    page_view = default.get("page view 4 KB")
    signed_in = default.get("signed-in page")
    if signed_in and signed_in["ratio"] < TARGETS["page_ratio"]:
        missed.append(f"signed-in page view at {signed_in['ratio']:.0%} of the ceiling (< 50%)")
    if raw and raw["ratio"] < TARGETS["raw_ratio"]:
        missed.append(f"raw GET at {raw['ratio']:.0%} of the ceiling (< 50%)")
    if page_view and page_view["ratio"] < TARGETS["page_ratio"]:
        missed.append(f"page view at {page_view['ratio']:.0%} of the ceiling (< 50%)")
    if create and create["rps"] < TARGETS["create_rps"]:
        missed.append(f"JSON create at {create['rps']:.0f}/s (< 1,000/s)")
    if default["peak_rss_mb"] >= TARGETS["rss_mb"]:
        missed.append(f"peak RSS {default['peak_rss_mb']} MB (>= 100 MB)")
    if any(v["errors"] for s in report.values() for v in s.values() if isinstance(v, dict)):
        missed.append("some requests failed (see the errors column)")
    for line in missed:
        print(f"MISSED: {line}")
    if not missed:
        print(
            "all targets met: raw GET and page view >= 50% of ceiling, JSON create >= 1,000/s,"
            " RSS < 100 MB"
        )
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
