"""The paste bench/run.py renders: 4 KiB of ordinary Python, so the page scenario highlights
real tokens (keywords, strings, numbers, comments, decorators), not one long run of text.

It is only ever read as text; nothing imports it.
"""

import argparse
import json
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_RATE = 60  # tokens a minute
MAX_ENTRIES = 1024  # clients remembered at once


@dataclass
class Bucket:
    """A token bucket: `rate` tokens a minute, at most `rate` saved up."""

    rate: float
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.rate, self.tokens + elapsed * self.rate / 60.0)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class Limiter:
    """One bucket per client, the least recently seen forgotten first."""

    def __init__(self, rate: float = DEFAULT_RATE, max_entries: int = MAX_ENTRIES):
        self.rate = rate
        self.max_entries = max_entries
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def allow(self, client: str, now: float | None = None) -> bool:
        bucket = self._buckets.pop(client, None)
        if bucket is None:
            bucket = Bucket(self.rate, tokens=self.rate)
        self._buckets[client] = bucket
        while len(self._buckets) > self.max_entries:
            self._buckets.popitem(last=False)
        return bucket.take(now)

    def forget(self, client: str) -> None:
        """Drop a client's bucket: an operator letting it in again."""
        self._buckets.pop(client, None)

    def __len__(self) -> int:
        return len(self._buckets)


def parse_line(line: str) -> tuple[float, str, int] | None:
    """'1700000000.25 10.0.0.7 200' -> (time, client, status); None for junk."""
    parts = line.split()
    if len(parts) != 3:
        return None
    stamp, client, status = parts
    try:
        return float(stamp), client, int(status)
    except ValueError:
        return None


def replay(path: Path, limiter: Limiter) -> dict[str, int]:
    """Feed a log through the limiter; count what it would have let in and refused."""
    counts = {"allowed": 0, "refused": 0, "junk": 0}
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if line.startswith("#") or not line.strip():
                continue
            parsed = parse_line(line)
            if parsed is None:
                counts["junk"] += 1
                if counts["junk"] <= 3:
                    print(f"{path}:{number}: cannot parse {line.rstrip()!r}", file=sys.stderr)
                continue
            stamp, client, _status = parsed
            key = "allowed" if limiter.allow(client, stamp) else "refused"
            counts[key] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Replay an access log through a rate limit.")
    parser.add_argument("log", type=Path, help="lines of 'TIME CLIENT STATUS'")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="tokens a minute")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args(argv)
    if args.rate <= 0:
        parser.error("--rate must be positive")
    limiter = Limiter(args.rate)
    counts = replay(args.log, limiter)
    if args.json:
        print(json.dumps({**counts, "clients": len(limiter)}, indent=2))
    else:
        total = counts["allowed"] + counts["refused"]
        share = counts["refused"] / total if total else 0.0
        print(f"{total} requests from {len(limiter)} clients: {share:.1%} refused")
    return 0 if counts["junk"] == 0 else 2


if __name__ == "__main__":
    sys.exit(main())
