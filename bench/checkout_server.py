"""Starting a checkout's server for a bench script, and reading a process's memory.

Shared by the scripts that measure one checkout against another (`--source`/`--root`: this one,
or an older commit unpacked elsewhere), so each starts the server the same way.
"""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

LISTEN_RE = re.compile(r"serving on (http://\S+) with database")


def start_server(
    source: Path, db: str, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """`python -m pastebox serve` of the checkout at `source` on a free port, rate limit off;
    the process and its URL once it serves. Its log is drained in the background."""
    environ = {**os.environ, "PYTHONPATH": str(source), "PASTEBOX_RATE_LIMIT": "0", **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pastebox", "serve", "--port", "0", "--db", db, *args],
        cwd=source, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        match = LISTEN_RE.search(line)
        if match:
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, match.group(1)
    raise SystemExit("server did not start")


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in bytes."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) * 1024
    return found


def reset_peak(pid: int) -> None:
    """Start VmHWM again from the current RSS (Linux)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
