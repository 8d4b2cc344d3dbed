"""Syntax highlighting: choosing a language, and rendering in worker processes with a time limit.

Some pygments lexers have regexes that backtrack catastrophically on crafted input, so a render
runs in a separate process that is killed when it overruns; the page then shows escaped plain
text. Choosing a language at create time is cheap (name, shebang, modeline); the expensive
content guess runs in the worker, under the same limit.
"""

import atexit
import contextlib
import functools
import html
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

log = logging.getLogger(__name__)

PLAIN = "text"
GUESS_BYTES = 32 * 1024  # content heuristics only need the start of a file
MAX_HIGHLIGHT_CHARS = 2 * 1024 * 1024  # larger files are shown plain rather than timed out
WORKER_START_SECONDS = 60.0  # importing every lexer in a fresh process, on a loaded machine
PLAIN_NAMES = frozenset({"text", "plain", "plaintext", "txt", "none", "raw"})
MAX_LANGUAGE_CHARS = 64  # longer language names, aliases and extensions are unknown
MAX_FILENAME_CHARS = 255  # as pastes.MAX_NAME_CHARS: longer file names decide nothing
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


ANCHOR = "L"  # line ids of a page's first file: #L5; the others are prefixed: #f2-L5
ANCHOR_RE = re.compile(r"(?:f[0-9]+-)?L")
FALLBACK_TIMEOUT, FALLBACK_BUSY = "timeout", "busy"


@dataclass(frozen=True)
class Highlighted:
    html: str  # <pre class="code"> with one <span class="line" id="Ln"> per source line
    language: str  # the language actually used (PLAIN on fallback)
    lines: int
    # Why a render fell back to plain text ("" when it did not): a timeout says something
    # about the input, a busy pool only about this moment (so callers cache them differently).
    fallback: str = field(default="", compare=False)

    @functools.cached_property
    def html_bytes(self) -> bytes:
        """The markup as UTF-8, encoded once however often a cached render is served."""
        return self.html.encode("utf-8")


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


def _wrap_lines(lines: list[str], anchor: str = ANCHOR) -> str:
    if not ANCHOR_RE.fullmatch(anchor):  # ids are markup: only our own shapes get in
        raise ValueError(f"bad line anchor prefix {anchor!r}")
    # A blank line holds a <br>: the browser copies a selection one line per block, and a block
    # with nothing selectable in it (the number is not) would otherwise be left out.
    body = "".join(
        f'<span class="line" id="{anchor}{n}"><a class="ln" href="#{anchor}{n}"'
        f' aria-hidden="true">{n}</a><span class="lc">{line or "<br>"}</span></span>\n'
        for n, line in enumerate(lines, start=1)
    )
    return f'<pre class="code">{body}</pre>'


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


def highlight_plain(text: str, anchor: str = ANCHOR, *, fallback: str = "") -> Highlighted:
    """Escaped text in the same markup as a highlighted render."""
    lines = [html.escape(line, quote=False) for line in _split_lines(text)]
    return Highlighted(_wrap_lines(lines, anchor), PLAIN, len(lines), fallback)


def _guess(text: str, floor: float):
    """The lexer whose analyse_text scores highest, if it scores at least `floor`."""
    from pygments.lexers import _iter_lexerclasses

    sample = text[:GUESS_BYTES]
    best, best_score = None, 0.0
    for cls in _iter_lexerclasses():
        score = cls.analyse_text(sample)
        if score > best_score:
            best, best_score = cls, score
            if score >= 1.0:
                break
    return best if best is not None and best_score >= floor else None


def _highlight(text: str, language: str | None, anchor: str, guess_floor: float) -> Highlighted:
    """Highlight in this process (the worker): tokens split at line ends into closed spans."""
    if language is None:
        cls = _guess(text, guess_floor)
        language = cls.aliases[0] if cls is not None and cls.aliases else PLAIN
    if language == PLAIN:
        return highlight_plain(text, anchor)
    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False, tabsize=0)
    lines: list[str] = []
    current: list[str] = []
    for ttype, value in lexer.get_tokens(text):
        css = _get_ttype_class(ttype)
        pieces = value.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                lines.append("".join(current))
                current = []
            if piece:
                escaped = html.escape(piece, quote=False)
                current.append(f'<span class="{css}">{escaped}</span>' if css else escaped)
    if current:
        lines.append("".join(current))
    expected = len(_split_lines(text))
    del lines[expected:]  # lexers may add a final newline token of their own
    lines.extend([""] * (expected - len(lines)))
    return Highlighted(_wrap_lines(lines, anchor), language, len(lines))


def _worker_main(conn: Connection, guess_floor: float) -> None:
    """A render worker: answer (text, language) requests until the pipe closes."""
    if hasattr(os, "sched_setaffinity"):  # the server may pin itself; renders use any core
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, range(os.cpu_count() or 1))
    _guess("import os\n", guess_floor)  # import every lexer now, not during a timed render
    conn.send("ready")
    while True:
        try:
            text, language, anchor = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = _highlight(text, language, anchor, guess_floor)
        except Exception:  # noqa: BLE001 - any lexer failure means plain text
            result = highlight_plain(text, anchor)
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
        self, text: str, language: str | None, anchor: str, timeout: float
    ) -> Highlighted | None:
        """The result, or None after killing the process when it overran or failed."""
        if not self.ensure_started():
            return None
        assert self.conn is not None
        try:
            self.conn.send((text, language, anchor))
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

    def highlight(self, text: str, language: str | None, anchor: str = ANCHOR) -> Highlighted:
        """Highlighted HTML; plain text when the language is plain, the text is huge, the
        render overran `timeout`, or no worker came free in time."""
        if language == PLAIN or len(text) > MAX_HIGHLIGHT_CHARS:
            return highlight_plain(text, anchor)
        if self._closed.is_set():
            return highlight_plain(text, anchor, fallback=FALLBACK_BUSY)
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            log.warning("no render worker free within %.1f s; serving plain text", self.timeout)
            return highlight_plain(text, anchor, fallback=FALLBACK_BUSY)
        try:
            result = worker.render(text, language, anchor, self.timeout)
        finally:
            self._idle.put(worker)
        if result is None:
            log.warning("render overran %.1f s or failed; serving plain text", self.timeout)
            return highlight_plain(text, anchor, fallback=FALLBACK_TIMEOUT)
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
