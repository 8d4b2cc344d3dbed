"""Language detection (file name, shebang, vim/emacs modelines) costs little whatever the text:
lines built to make a backtracking regex run for seconds are answered within a CPU budget, and
honest modelines are read exactly as before."""

import random
import re
import threading
import time

import pytest
from helpers import KB, MB, assert_cheap, cpu_seconds, fetch

from pastebox import render
from pastebox.render import GUESS_BYTES, _emacs_mode, _vim_filetype, language_for


def repeat(unit: str, size: int, prefix: str = "", suffix: str = "") -> str:
    """`prefix`, then `unit` repeated to about `size` characters, then `suffix`."""
    return prefix + unit * max(1, (size - len(prefix) - len(suffix)) // len(unit)) + suffix


def half(opener: str, word: str, size: int) -> str:
    """A line of openers, then unclosed words: what every opener's lazy scan reads to the end."""
    return repeat(opener, size // 2) + repeat(word, size // 2)


# One line each, as a paste's first (or only) line; sizes from a 4 KB line (the old code took
# 3.8 s for the first) to 2 MB (detection reads at most GUESS_BYTES of it).
HOSTILE_LINES = {
    "emacs openers then unclosed mode words": lambda n: half("-*-", " mode:xxxx", n),
    "emacs openers then unclosed bare words": lambda n: half("-*-", " xxxx", n),
    "emacs opener then many mode words": lambda n: repeat(" mode: x", n, prefix="-*-"),
    "emacs openers with spaces": lambda n: repeat("-*-   ", n),
    "emacs opener then a dashed word": lambda n: repeat("a-", n, prefix="-*- "),
    "emacs opener then blanks": lambda n: repeat(" ", n, prefix="-*-", suffix="x"),
    "emacs near-miss closers": lambda n: repeat("-*- mode: c -* ", n),
    "vim markers without a filetype": lambda n: repeat(" vim:", n),
    "vi markers then bare ft": lambda n: repeat(" vi: ft=", n),
    "ex markers with digits": lambda n: repeat(" ex>12345:", n),
    "vim marker then near-miss filetypes": lambda n: repeat(" filetyp= synta= f t=", n, " vim:"),
    "vim digits without a colon": lambda n: repeat("1", n, prefix=" vim"),
    "vim and emacs interleaved": lambda n: repeat(" vim: -*- mode:", n),
    "long shebang of blanks": lambda n: repeat(" ", n, prefix="#!", suffix="/usr/bin/python"),
    "long shebang of env flags": lambda n: repeat(" -x", n, prefix="#!/usr/bin/env"),
    "long shebang of version digits": lambda n: repeat(
        "3.", n, prefix="#!/usr/bin/python", suffix="x"
    ),
    "long shebang of slashes": lambda n: repeat("/", n, prefix="#!"),
}


SIZES = [4 * KB, 32 * KB, 2 * MB]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s // KB}KB")
@pytest.mark.parametrize("kind", HOSTILE_LINES)
def test_a_hostile_first_line_is_detected_within_the_budget(kind, size):
    text = HOSTILE_LINES[kind](size) + "\nputs 1\n"
    assert_cheap(language_for, None, text)


@pytest.mark.parametrize("kind", HOSTILE_LINES)
def test_a_hostile_last_line_is_detected_within_the_budget(kind):
    text = "x = 1\n" * 40 + HOSTILE_LINES[kind](2 * KB)
    assert_cheap(language_for, "notes.txt", text)


@pytest.mark.parametrize(
    "text",
    [repeat("\n", 2 * MB), repeat("-*-\n", 2 * MB), repeat(" vim:\n", 2 * MB),
     repeat("-*- mode:x\n", 2 * MB), repeat("#!\n", 2 * MB), repeat("\r", 2 * MB)],
    ids=["newlines", "emacs openers", "vim markers", "unclosed modes", "shebangs", "CRs"],
)  # fmt: skip
def test_many_short_lines_are_detected_within_the_budget(text):
    assert_cheap(language_for, None, text)


@pytest.mark.parametrize(
    "kind", ["emacs openers then unclosed mode words", "vim markers without a filetype"]
)
def test_a_hostile_modeline_at_the_most_detection_reads_is_scanned_within_the_budget(kind):
    line = HOSTILE_LINES[kind](GUESS_BYTES)
    assert_cheap(_emacs_mode, line)
    assert_cheap(_vim_filetype, line)


@pytest.mark.parametrize("name", ["x" * 4 * KB + ".py", "." * 2 * MB, "a." * MB])
def test_a_hostile_file_name_is_decided_within_the_budget(name):
    assert_cheap(language_for, name, "x\n")


# -- honest modelines are read as the old single regexes read them ---------------------------

# The patterns detection used before it scanned: right on every line, but backtracking for
# seconds on crafted ones. They are the reference here, on lines too short for that to matter.
OLD_VIM_RE = re.compile(
    r"(?:^|\s)(?:vi|vim|ex)(?:[<=>]?\d*)?:.*?(?:ft|filetype|syn|syntax)=([\w+#-]+)"
)


OLD_EMACS_RE = re.compile(r"-\*-\s*(?:.*?mode:\s*([\w+#-]+).*?|([\w+#-]+)\s*)-\*-", re.IGNORECASE)


# Pieces that make modelines, near-misses and their edges, joined at random into short lines.
PIECES = [
    "-*-", "-*- ", " -*-", "-", "*", "-*", "*-", "mode:", "Mode:", "MODE: ", "mode", ":", " ",
    "\t", "c", "c-", "py", "ruby", "x+", "#", ";", "coding: utf-8;", "vi:", "vim:", " vim:",
    " vi:", " ex:", "vim600:", "vim<700:", "vim>=8:", "ex", "set ", "ft=", "filetype=", "syn=",
    "syntax=", "ft", "=", "=lua", "lua", "é", "ſ", "K", "_", "1", ".",
]  # fmt: skip


def old_modeline(line: str) -> str | None:
    match = OLD_VIM_RE.search(line) or OLD_EMACS_RE.search(line)
    return next(g for g in match.groups() if g) if match else None


def new_modeline(line: str) -> str | None:
    return _vim_filetype(line) or _emacs_mode(line)


def test_the_modeline_scanners_find_what_the_old_regexes_found_on_short_lines():
    rng = random.Random(10)
    lines = ["".join(rng.choices(PIECES, k=rng.randint(1, 14))) for _ in range(60_000)]
    answers = [(line, old_modeline(line), new_modeline(line)) for line in lines]
    assert [a for a in answers if a[1] != a[2]] == []
    # ...and the lines hold enough of every kind for that to mean something.
    vim = sum(1 for line in lines if OLD_VIM_RE.search(line))
    emacs_mode = sum(1 for line in lines if (m := OLD_EMACS_RE.search(line)) and m.group(1))
    emacs_bare = sum(1 for line in lines if (m := OLD_EMACS_RE.search(line)) and m.group(2))
    misses = sum(1 for _, old, _ in answers if old is None)
    assert min(vim, emacs_mode, emacs_bare, misses) > 300, (vim, emacs_mode, emacs_bare, misses)


# -- the server keeps answering while a hostile paste is created -------------------------------


def test_health_answers_at_once_while_pastes_with_hostile_modelines_are_created(live_server):
    """Detection runs in the request thread; it must never hold the others up."""
    hostile = half("-*-", " mode:xxxx", 4000) + "\n"  # the API detects from the first 4 KB
    statuses: list[int] = []

    def create_three() -> None:
        for _ in range(3):
            reply = fetch(
                f"{live_server.url}/api/v1/pastes", "POST", {"content": hostile}, timeout=60
            )
            statuses.append(reply.status)

    creator = threading.Thread(target=create_three)
    creator.start()
    waits = []
    while creator.is_alive() or not waits:
        start = time.monotonic()
        assert fetch(f"{live_server.url}/api/health", timeout=60).status == 200
        waits.append(time.monotonic() - start)
        time.sleep(0.02)  # pace the probes; the wait measured is the request's own
    creator.join()
    assert statuses == [201, 201, 201]
    assert max(waits) < 1.0, f"health took {max(waits):.1f} s while a paste was created"


GUESS_BUDGET_SECONDS = 0.5  # a render worker's guess: ~50 ms for its 1,000 lines


@pytest.mark.parametrize("unit", ["\n", "\r\n", " \n", "#\n", "<\n"])
def test_the_content_guess_of_a_file_of_short_lines_is_bounded(unit):
    render._guess("import os\n", 0.3)  # every lexer imported before the clock starts
    text = unit * (render.GUESS_BYTES // len(unit))
    spent = cpu_seconds(render._guess, text, 0.3)
    assert spent < GUESS_BUDGET_SECONDS, f"{spent * 1000:.0f} ms"
