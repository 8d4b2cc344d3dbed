"""Fill a pastebox database with realistic pastes, fast: the 100,000-paste bench of issue 10.

    python bench/fill.py DB [--pastes 100000] [--expiring 0.5] [--seed 10]

The schema comes from the pastebox this script sits in (its store runs the migrations); the rows
go in through the same SQL the store uses (pastes, revisions, files; the schema's triggers feed
the search index from them), in big transactions. Deterministic for a seed, so two checkouts fill the same data.

What is in it: mixed languages (python 40%, javascript 20%, text 15%, go 10%, rust 10%, c 5%),
code made of common words (`self` in ~99% of pastes, `return` in most: the common-word and
prefix searches), one rare word (`quokka`) in one paste in 10,000; 90% public, 5% unlisted, 5%
private; a share (`--expiring`) has an expiry 30 days out, which the sweep scenario moves into
the past to have that many expired pastes to purge.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pastebox.store import open_store  # noqa: E402

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
LANGUAGES = (("python", 40), ("javascript", 20), ("text", 15), ("go", 10), ("rust", 10), ("c", 5))
EXTENSIONS = {"python": "py", "javascript": "js", "text": "txt", "go": "go", "rust": "rs", "c": "c"}
RARE_WORD = "quokka"
RARE_EVERY = 10_000
BATCH = 10_000
DAY = 86400.0

WORDS = [
    "value",
    "item",
    "result",
    "count",
    "index",
    "total",
    "buffer",
    "config",
    "request",
    "response",
    "handler",
    "user",
    "name",
    "path",
    "data",
    "cache",
    "key",
    "token",
    "session",
    "record",
    "entry",
    "field",
    "parse",
    "render",
    "update",
    "create",
    "delete",
    "list",
    "table",
    "query",
    "search",
    "limit",
    "offset",
    "start",
    "stop",
    "timer",
    "event",
    "queue",
    "worker",
    "thread",
    "lock",
    "stream",
    "reader",
    "writer",
    "header",
    "status",
    "error",
    "message",
    "format",
    "number",
    "string",
    "bytes",
    "payload",
]
PROSE = [
    "the",
    "server",
    "restarted",
    "after",
    "the",
    "deploy",
    "and",
    "the",
    "logs",
    "show",
    "a",
    "timeout",
    "while",
    "reading",
    "the",
    "request",
    "body",
    "from",
    "the",
    "proxy",
    "we",
    "should",
    "check",
    "the",
    "retry",
    "settings",
    "and",
    "the",
    "health",
    "probe",
    "before",
    "the",
    "next",
    "release",
    "because",
    "the",
    "queue",
    "grew",
    "quickly",
    "during",
    "the",
    "spike",
]


def _name(rng: random.Random) -> str:
    return rng.choice(WORDS) + "_" + rng.choice(WORDS)


def _python(rng: random.Random) -> list[str]:
    cls = rng.choice(WORDS).title() + rng.choice(WORDS).title()
    lines = [f"class {cls}:", "    def __init__(self, config):", "        self.config = config"]
    for _ in range(rng.randint(3, 8)):
        fn, arg = _name(rng), rng.choice(WORDS)
        lines += [
            f"    def {fn}(self, {arg}):",
            f"        if {arg} is None:",
            "            return None",
            f"        self.{rng.choice(WORDS)} = {arg}",
            f"        return self.{rng.choice(WORDS)}({arg})",
        ]
    return lines


def _javascript(rng: random.Random) -> list[str]:
    lines = ["const self = this;"]
    for _ in range(rng.randint(3, 8)):
        fn, arg = _name(rng), rng.choice(WORDS)
        lines += [
            f"function {fn}({arg}) {{",
            f"  if (!{arg}) return null;",
            f"  self.{rng.choice(WORDS)} = {arg};",
            f"  return {arg}.{rng.choice(WORDS)};",
            "}",
        ]
    return lines


def _go(rng: random.Random) -> list[str]:
    typ = rng.choice(WORDS).title()
    lines = ["package main", "", f"type {typ} struct {{ {rng.choice(WORDS)} int }}"]
    for _ in range(rng.randint(3, 8)):
        fn = rng.choice(WORDS).title() + rng.choice(WORDS).title()
        lines += [
            f"func (self *{typ}) {fn}({rng.choice(WORDS)} int) int {{",
            f"\treturn self.{rng.choice(WORDS)} + 1",
            "}",
        ]
    return lines


def _rust(rng: random.Random) -> list[str]:
    typ = rng.choice(WORDS).title()
    lines = [f"impl {typ} {{"]
    for _ in range(rng.randint(3, 8)):
        fn = _name(rng)
        lines += [
            f"    pub fn {fn}(&self, {rng.choice(WORDS)}: usize) -> usize {{",
            f"        return self.{rng.choice(WORDS)};",
            "    }",
        ]
    return lines + ["}"]


def _c(rng: random.Random) -> list[str]:
    lines = ["#include <stdio.h>", "/* self-contained */"]
    for _ in range(rng.randint(3, 8)):
        fn = _name(rng)
        lines += [f"int {fn}(int {rng.choice(WORDS)}) {{", f"    return {rng.randint(0, 99)};", "}"]
    return lines


def _text(rng: random.Random) -> list[str]:
    lines = []
    for _ in range(rng.randint(4, 12)):
        words = rng.sample(PROSE, rng.randint(8, 16))
        lines.append(" ".join(words))
    if rng.random() < 0.95:
        lines.append("note to self: " + " ".join(rng.sample(PROSE, 6)))
    return lines


MAKERS = {"python": _python, "javascript": _javascript, "go": _go, "rust": _rust, "c": _c,
          "text": _text}  # fmt: skip


def paste_rows(rng: random.Random, number: int, total: int, now: float, expiring: float):
    """(paste row, file row) of paste `number` of `total`, oldest first over 60 days."""
    language = rng.choices([n for n, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
    lines = MAKERS[language](rng)
    if number % RARE_EVERY == RARE_EVERY // 2:
        lines.insert(1, f"# a {RARE_WORD} was here")
    content = ("\n".join(lines) + "\n").encode()
    created = now - 60 * DAY + 60 * DAY * number / total
    paste_id = "".join(rng.choice(ALPHABET) for _ in range(10))
    exposure = rng.choices(("public", "unlisted", "private"), (90, 5, 5))[0]
    expires = now + 30 * DAY if rng.random() < expiring else None
    title = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
    name = f"{_name(rng)}.{EXTENSIONS[language]}"
    # pastes: id, title, created_at, updated_at, expires_at, exposure, manage_hash
    paste = (paste_id, title, created, created, expires, exposure, rng.randbytes(32))
    return paste, (paste_id, name, language, content)


def fill(path: str, total: int, expiring: float, seed: int) -> None:
    store = open_store(path, synchronous="normal")
    rng = random.Random(seed)
    now = time.time()
    try:
        for start in range(0, total, BATCH):
            rows = [
                paste_rows(rng, n, total, now, expiring)
                for n in range(start, min(total, start + BATCH))
            ]
            with store.write() as conn:
                conn.executemany(
                    "INSERT INTO pastes (id, title, created_at, updated_at, expires_at, burn,"
                    " exposure, is_e2ee, owner_id, manage_hash, revision, indexed)"
                    " VALUES (?, ?, ?, ?, ?, 0, ?, 0, NULL, ?, 1, 1)",
                    [p for p, _ in rows],
                )
                conn.executemany(
                    "INSERT INTO revisions (paste_id, number, title, created_at) VALUES (?, 1, ?, ?)",
                    [(p[0], p[1], p[2]) for p, _ in rows],
                )
                # The search index follows by itself (the schema's triggers).
                conn.executemany(
                    "INSERT INTO files (paste_id, revision, position, name, language, content)"
                    " VALUES (?, 1, 0, ?, ?, ?)",
                    [f for _, f in rows],
                )
            print(f"{min(total, start + BATCH):,} pastes", file=sys.stderr)
        with store.write() as conn:  # as a long-running server's index would be: merged
            conn.execute("INSERT INTO file_search (file_search) VALUES ('optimize')")
        store.checkpoint()
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db")
    parser.add_argument("--pastes", type=int, default=100_000)
    parser.add_argument("--expiring", type=float, default=0.5, help="share with an expiry")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    if Path(args.db).exists():
        raise SystemExit(f"{args.db} exists; fill makes a new database")
    started = time.monotonic()
    fill(args.db, args.pastes, args.expiring, args.seed)
    print(f"filled {args.db} with {args.pastes:,} pastes in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
