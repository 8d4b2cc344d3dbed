"""Syntax highlighting: choosing a language, and rendering in worker processes with a time limit.

Some pygments lexers have regexes that backtrack catastrophically on crafted input, so a render
runs in a separate process that is killed when it overruns; the page then shows escaped plain
text. Choosing a language at create time is cheap (name, shebang, modeline); the expensive
content guess runs in the worker, under the same limit.
"""

import atexit
import contextlib
import dataclasses
import functools
import logging
import multiprocessing
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from pygments.formatters.html import HtmlFormatter, _get_ttype_class
from pygments.lexers import find_lexer_class_for_filename, get_lexer_by_name
from pygments.util import ClassNotFound

from pastebox.markup import (  # noqa: F401 - re-exported: a render's bounds and anchors
    ANCHOR,
    ANCHOR_RE,
    PAGE_LINES,
    PAGE_MARKUP_BYTES,
    PRE_CLOSE,
    PRE_OPEN,
    Bounds,
    Markup,
    PagePart,
    count_lines,
    page_part,
)

log = logging.getLogger(__name__)

PLAIN = "text"
GUESS_BYTES = 32 * 1024  # content heuristics only need the start of a file
# ... and its first lines: some lexers' analyse_text is quadratic in the number of lines (32 KB
# of newlines took seconds of a render worker; 1,000 lines take ~50 ms).
GUESS_LINES = 1000
MAX_HIGHLIGHT_CHARS = 2 * 1024 * 1024  # larger files are shown plain rather than timed out
WORKER_START_SECONDS = 60.0  # importing every lexer in a fresh process, on a loaded machine
PLAIN_NAMES = frozenset({"text", "plain", "plaintext", "txt", "none", "raw"})
MAX_LANGUAGE_CHARS = 64  # longer language names, aliases and extensions are unknown
MAX_FILENAME_CHARS = 255  # as validation.MAX_NAME_CHARS: longer file names decide nothing
SHEBANG_CHARS = 200  # of the first line
MODELINE_LINES = 5  # looked at from the top and from the end, as vim does
MODELINE_TAIL_CHARS = 2048
# Every pattern below sees user text in the request thread, so each is linear-time: no lazy
# `.*?` between two alternatives (the old one-regex modelines backtracked for seconds on one
# 4 KB line); the scanners that use them take the first marker and look forward once.
SHEBANG_RE = re.compile(r"#!\s*(\S+)(?:\s+(.*))?")
VIM_MARK_RE = re.compile(r"(?:^|\s)(?:vi|vim|ex)[<=>]?\d*:")
VIM_TYPE_RE = re.compile(r"(?:ft|filetype|syn|syntax)=([\w+#-]+)")
EMACS_OPENER = "-*-"
EMACS_MODE_RE = re.compile(r"mode:\s*([\w+#-]+)", re.IGNORECASE)
EMACS_WORD_RE = re.compile(r"-\*-\s*([\w+#-]+)\s*-\*-")
INTERPRETERS = {"sh": "bash", "zsh": "bash", "ksh": "bash", "dash": "bash", "node": "javascript",
                "nodejs": "javascript", "deno": "javascript", "tclsh": "tcl", "rscript": "r",
                "runghc": "haskell", "osascript": "applescript"}  # fmt: skip


FALLBACK_TIMEOUT, FALLBACK_BUSY = "timeout", "busy"


@dataclass(frozen=True)
class Highlighted:
    html: str  # <pre class="code"> with one <span class="line" id="Ln"> per source line shown
    language: str  # the language actually used (PLAIN on fallback)
    lines: int  # lines shown
    # Why a render fell back to plain text ("" when it did not): a timeout says something
    # about the input, a busy pool only about this moment (so callers cache them differently).
    fallback: str = field(default="", compare=False)
    total_lines: int = -1  # lines in the whole file (-1: the same as `lines`)
    cut: bool = False  # the file goes on past what is shown (the last line shown may be partial)

    @functools.cached_property
    def html_bytes(self) -> bytes:
        """The markup as UTF-8, encoded once however often a cached render is served."""
        return self.html.encode("utf-8")

    @property
    def all_lines(self) -> int:
        return self.lines if self.total_lines < 0 else self.total_lines


def cached_size(rendered: Highlighted) -> int:
    """Memory a kept render holds: its markup as str and as UTF-8."""
    return sys.getsizeof(rendered.html) + len(rendered.html_bytes)


def file_anchor(position: int) -> str:
    """The line-id prefix of the file at `position` on a page: L, f2-L, f3-L, …"""
    return ANCHOR if position == 0 else f"f{position + 1}-{ANCHOR}"


# -- choosing a language (in-process, cheap) ------------------------------------------------


def normalize_language(name: str) -> str | None:
    """A user's language name, alias or extension -> the canonical pygments alias, or None."""
    # Checked before the cache: a refused name, however long, must never become a cache key
    # (and is not copied again: lower() runs only on what could be a name).
    key = name.strip()
    if len(key) > MAX_LANGUAGE_CHARS:
        return None
    key = key.lower()  # never shorter; U+0130 even becomes two characters
    if not key or len(key) > MAX_LANGUAGE_CHARS or not key.isprintable():
        return None
    return _normalize_language(key)


@functools.lru_cache(maxsize=2048)
def _normalize_language(key: str) -> str | None:
    if key in PLAIN_NAMES:
        return PLAIN
    try:
        return get_lexer_by_name(key).aliases[0]
    except ClassNotFound:
        pass
    return _language_for_filename("x." + key.lstrip("."))


def _language_for_filename(filename: str) -> str | None:
    """The language a file name implies, or None; a name no file may have decides nothing."""
    if len(filename) > MAX_FILENAME_CHARS:  # checked before the cache: never a key
        return None
    return _lexer_for_filename(filename)


@functools.lru_cache(maxsize=4096)
def _lexer_for_filename(filename: str) -> str | None:
    try:
        cls = find_lexer_class_for_filename(filename)  # no code: ranks by priority, no guessing
    except ClassNotFound:
        return None
    if cls is None or not cls.aliases:
        return None
    return cls.aliases[0]


def _strip_version(program: str) -> str:
    """'python3.11' -> 'python': trailing digits and dots go (scanned from the end: an
    end-anchored regex search would restart at every digit)."""
    end = len(program)
    while end and (program[end - 1] == "." or program[end - 1].isdecimal()):
        end -= 1
    return program[:end]


def _language_for_shebang(first_line: str) -> str | None:
    match = SHEBANG_RE.match(first_line[:SHEBANG_CHARS])
    if not match:
        return None
    program = os.path.basename(match.group(1))
    if program == "env":  # #!/usr/bin/env [-S] python3 -u
        words = [w for w in (match.group(2) or "").split() if not w.startswith("-")]
        program = words[0] if words else ""
    program = _strip_version(program.lower())
    return normalize_language(INTERPRETERS.get(program, program)) if program else None


def _vim_filetype(line: str) -> str | None:
    """`ft=` (filetype, syn, syntax) after the line's first `vi:`/`vim:`/`ex:` marker.

    Only the first marker matters: any later one ends further right, so sees a subset of what
    follows it."""
    mark = VIM_MARK_RE.search(line)
    if mark is None:
        return None
    found = VIM_TYPE_RE.search(line, mark.end())
    return found.group(1) if found else None


def _emacs_mode(line: str) -> str | None:
    """`-*- mode: NAME -*-` (among other variables) or `-*- NAME -*-` on the line, or None.

    Answers as the old single regex (opener, lazy `.*?mode: NAME.*?` or ` NAME `, closer) did,
    in linear time instead of cubic: the first `mode: NAME` after the first opener counts if
    a closer follows it (a later one could only end further right); else the first
    `-*- NAME -*-` on the line."""
    opener = line.find(EMACS_OPENER)
    if opener < 0:
        return None
    mode = EMACS_MODE_RE.search(line, opener + len(EMACS_OPENER))
    if mode is not None:
        name, end = mode.group(1), mode.end()
        if line.find(EMACS_OPENER, end) >= 0:
            return name
        if len(name) > 1 and line.startswith(EMACS_OPENER, end - 1):  # `mode: c-*-`
            return name[:-1]
    found = EMACS_WORD_RE.search(line, opener)
    return found.group(1) if found else None


def _language_for_modeline(lines: list[str]) -> str | None:
    for line in lines:
        name = _vim_filetype(line) or _emacs_mode(line)
        if name:
            language = normalize_language(name)
            if language:
                return language
    return None


def language_for(filename: str | None, text: str) -> str | None:
    """Cheap detection from the file name, a shebang or a vim/emacs modeline; None if undecided.

    Bounded whatever the text: at most GUESS_BYTES are split, a few lines looked at, each by
    linear-time scans."""
    if filename and not filename.lower().endswith(".txt"):
        language = _language_for_filename(filename)
        if language:
            return language
    head = text[:GUESS_BYTES].splitlines()
    if head and head[0].startswith("#!"):
        language = _language_for_shebang(head[0])
        if language:
            return language
    tail = text[-MODELINE_TAIL_CHARS:].splitlines()[-MODELINE_LINES:]
    return _language_for_modeline(head[:MODELINE_LINES] + tail)


# -- rendering ------------------------------------------------------------------------------


def _split_lines(text: str) -> list[str]:
    """Source lines the way pygments sees them (CRLF and CR are line ends); a final newline
    does not start another line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def highlight_plain(
    text: str, anchor: str = ANCHOR, *, fallback: str = "", bounds: Bounds | None = None
) -> Highlighted:
    """Escaped text in the same markup as a highlighted render, within `bounds`."""
    part = page_part(text, bounds or Bounds())
    markup = Markup(anchor, bounds or Bounds())
    for line in _split_lines(part.text):
        if not (markup.add(line) and markup.end_line()):
            break
    shown = len(markup.done)
    return Highlighted(markup.html(), PLAIN, shown, fallback, part.total_lines,
                       part.cut or markup.full)  # fmt: skip


def _first_lines(text: str, count: int) -> str:
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[: end + 1]


def _guess(text: str, floor: float):
    """The lexer whose analyse_text scores highest, if it scores at least `floor`."""
    from pygments.lexers import _iter_lexerclasses

    sample = _first_lines(text[:GUESS_BYTES], GUESS_LINES)
    best, best_score = None, 0.0
    for cls in _iter_lexerclasses():
        score = cls.analyse_text(sample)
        if score > best_score:
            best, best_score = cls, score
            if score >= 1.0:
                break
    return best if best is not None and best_score >= floor else None


def _highlight(text: str, language: str | None, anchor: str, guess_floor: float,
               bounds: Bounds | None = None) -> Highlighted:  # fmt: skip
    """Highlight in this process (the worker): tokens split at line ends into closed spans, and
    no more of them than `bounds` allows (the lexer is not even asked for the rest)."""
    bounds = bounds or Bounds()
    if language is None:
        cls = _guess(text, guess_floor)
        language = cls.aliases[0] if cls is not None and cls.aliases else PLAIN
    if language == PLAIN:
        return highlight_plain(text, anchor, bounds=bounds)
    part = page_part(text, bounds)
    expected = count_lines(part.text)
    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False, tabsize=0)
    markup = Markup(anchor, bounds)
    for ttype, value in lexer.get_tokens(part.text):
        css = _get_ttype_class(ttype)
        pieces = value.split("\n")
        for i, piece in enumerate(pieces):
            if len(markup.done) >= expected:  # lexers may add a final newline token of their own
                break
            if (i and not markup.end_line()) or not markup.add(piece, css):
                break
        if markup.full or len(markup.done) >= expected:
            break
    if markup.current and not markup.full:
        markup.end_line()
    while len(markup.done) < expected and markup.end_line():
        pass
    return Highlighted(markup.html(), language, len(markup.done), "", part.total_lines,
                       part.cut or markup.full)  # fmt: skip


def _worker_main(conn: Connection, guess_floor: float) -> None:
    """A render worker: answer (text, language, anchor, bounds) requests until the pipe
    closes."""
    if hasattr(os, "sched_setaffinity"):  # the server may pin itself; renders use any core
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, range(os.cpu_count() or 1))
    _guess("import os\n", guess_floor)  # import every lexer now, not during a timed render
    conn.send("ready")
    while True:
        try:
            text, language, anchor, bounds = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = _highlight(text, language, anchor, guess_floor, bounds)
        except Exception:  # noqa: BLE001 - any lexer failure means plain text
            result = highlight_plain(text, anchor, bounds=bounds)
        conn.send(result)


def worker_entry() -> None:
    """Entry point of a render process: `python -c ... FD GUESS_FLOOR`."""
    # Ctrl-C in a terminal (or a service manager stopping the whole group) signals this process
    # too; the server owns its end: it kills the worker, or the closed pipe ends the loop.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    _worker_main(Connection(int(sys.argv[1])), float(sys.argv[2]))


class _Worker:
    """One render process and its socket; started lazily, replaced when killed."""

    def __init__(self, guess_floor: float):
        self.guess_floor = guess_floor
        self.process: subprocess.Popen | None = None
        self.conn: Connection | None = None

    def ensure_started(self) -> bool:
        if self.process is not None and self.process.poll() is None:
            return True
        self.stop()
        # A plain subprocess rather than multiprocessing: nothing of the server's __main__ is
        # re-imported, and nothing is forked from a threaded process.
        parent, child = multiprocessing.Pipe()
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [package_root, os.environ.get("PYTHONPATH")])
            ),
        }
        process = subprocess.Popen(
            [sys.executable, "-c", "from pastebox.render import worker_entry; worker_entry()",
             str(child.fileno()), repr(self.guess_floor)],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        child.close()
        try:
            ready = parent.poll(WORKER_START_SECONDS) and parent.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            log.error("a render worker did not start; serving plain text")
            process.kill()
            process.wait()
            parent.close()
            return False
        self.process, self.conn = process, parent
        return True

    def render(
        self, text: str, language: str | None, anchor: str, bounds: Bounds, timeout: float
    ) -> Highlighted | None:
        """The result, or None after killing the process when it overran or failed."""
        if not self.ensure_started():
            return None
        assert self.conn is not None
        try:
            self.conn.send((text, language, anchor, bounds))
            if self.conn.poll(timeout):
                result = self.conn.recv()
                if isinstance(result, Highlighted):
                    return result
        except (EOFError, OSError):
            pass
        self.stop()
        return None

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        if self.conn is not None:
            self.conn.close()
        self.process, self.conn = None, None


class Renderer:
    """A small pool of render processes; thread-safe; `highlight` never raises."""

    def __init__(self, timeout: float = 2.0, workers: int = 1, guess_floor: float = 0.3):
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(max(1, workers)):
            self._idle.put(_Worker(guess_floor))
        self._closed = threading.Event()
        atexit.register(self.close)

    def highlight(
        self,
        text: str | bytes,
        language: str | None,
        anchor: str = ANCHOR,
        bounds: Bounds | None = None,
    ) -> Highlighted:
        """Highlighted HTML of as much of `text` (bytes are UTF-8) as `bounds` allows, and no
        more is sent to a worker; plain text when the language is plain, the part shown is
        huge, the render overran `timeout`, or no worker came free in time."""
        bounds = bounds or Bounds()
        part = page_part(text, bounds)
        rendered = self._highlight(part.text, language, anchor, bounds)
        return dataclasses.replace(
            rendered, total_lines=part.total_lines, cut=part.cut or rendered.cut
        )

    def _highlight(
        self, text: str, language: str | None, anchor: str, bounds: Bounds
    ) -> Highlighted:
        if not text:  # nothing to show (an empty file, or no room left on the page)
            return Highlighted(PRE_OPEN + PRE_CLOSE, language or PLAIN, 0)
        if language == PLAIN or len(text) > MAX_HIGHLIGHT_CHARS:
            return highlight_plain(text, anchor, bounds=bounds)
        if self._closed.is_set():
            return highlight_plain(text, anchor, fallback=FALLBACK_BUSY, bounds=bounds)
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            log.warning("no render worker free within %.1f s; serving plain text", self.timeout)
            return highlight_plain(text, anchor, fallback=FALLBACK_BUSY, bounds=bounds)
        try:
            result = worker.render(text, language, anchor, bounds, self.timeout)
        finally:
            self._idle.put(worker)
        if result is None:
            log.warning("render overran %.1f s or failed; serving plain text", self.timeout)
            return highlight_plain(text, anchor, fallback=FALLBACK_TIMEOUT, bounds=bounds)
        return result

    def close(self) -> None:
        """Stop every worker; idempotent."""
        if self._closed.is_set():
            return
        self._closed.set()
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break


def stylesheet(style: str = "default", dark_style: str = "monokai") -> str:
    """Token colours for `.code`: the light style, and the dark one when the system prefers it."""
    light = HtmlFormatter(style=style).get_style_defs(".code")
    dark = HtmlFormatter(style=dark_style).get_style_defs(".code")
    indented = "\n".join("  " + line for line in dark.splitlines())
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"
