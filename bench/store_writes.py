"""Paste creates straight into the store (no HTTP), with and without group commit.

    python bench/store_writes.py [--threads 8] [--creates 6000]

Pinned to one CPU like the server. "single" commits every create on its own (what the store
did before `write_grouped`); "grouped" is the store as it is.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time

from pastebox import pastes
from pastebox.config import load_config
from pastebox.model import NewFile, NewPaste
from pastebox.store import Store, open_store


def one_commit_each(store: Store, apply):
    with store.write() as conn:
        return apply(conn)


def run(mode: str, threads: int, creates: int) -> float:
    tmp = tempfile.mkdtemp(prefix="pastebox-store-bench-")
    cfg = load_config(env={}, flags={"db": os.path.join(tmp, "bench.db")})
    store = open_store(cfg.db)
    if mode == "single":
        store.write_grouped = lambda apply: one_commit_each(store, apply)
    new = NewPaste(
        files=(NewFile(name="", content=b'def hello():\n    return "world"\n', language="python"),)
    )

    def work() -> None:
        for _ in range(creates // threads):
            pastes.create(store, cfg, new, time.time())

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    store.close()
    return creates // threads * threads / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--creates", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    results: dict[str, list[float]] = {"single": [], "grouped": []}
    for _ in range(args.rounds):
        for mode in results:
            results[mode].append(run(mode, args.threads, args.creates))
    for mode, rates in results.items():
        print(f"{mode:>8}: {statistics.median(rates):7.0f} creates/s (median of {args.rounds})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
