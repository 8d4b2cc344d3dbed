"""Lines of source as page markup within a budget: the head of a file a page shows, and the
markup of its lines, neither larger than `Bounds` allows whatever the shape of the text.

Markup grows per line (~100 bytes of anchors for an empty one) and per token, so both are
bounded; what does not fit is cut at a line end, and the page links to the whole file.
"""

import html
import re
from dataclasses import dataclass

ANCHOR = "L"  # line ids of a page's first file: #L5; the others are prefixed: #f2-L5
ANCHOR_RE = re.compile(r"(?:f[0-9]+-)?L")
# What one page renders at most, whatever the shape of the text: markup grows per line (~100
# bytes of anchors for an empty one) and per token, so both are bounded; the rest is in Raw.
PAGE_LINES = 5_000
PAGE_MARKUP_BYTES = 2 * 1024 * 1024
PRE_OPEN, PRE_CLOSE = '<pre class="code">', "</pre>"


@dataclass(frozen=True)
class Bounds:
    """How much of a file one render may show: source lines, and bytes of markup (which also
    bounds the source sent to a worker, since markup is never shorter than its text)."""

    lines: int = PAGE_LINES
    markup_bytes: int = PAGE_MARKUP_BYTES


@dataclass(frozen=True)
class PagePart:
    """The head of a file that a render shows, cut at a line end, and what it leaves out."""

    text: str
    total_lines: int
    cut: bool


def count_lines(source: str | bytes) -> int:
    """Source lines the way pygments sees them: CRLF and CR are line ends, and a final line
    end does not start another line."""
    nl, cr = ("\n", "\r") if isinstance(source, str) else (b"\n", b"\r")
    ends = source.count(nl) + source.count(cr) - source.count(cr + nl)
    return ends + (1 if source and not source.endswith((nl, cr)) else 0)


def page_part(source: str | bytes, bounds: Bounds) -> PagePart:
    """The head of `source` (bytes are UTF-8) that a render within `bounds` may show, with LF
    line ends, cut at a line end; only a first line too long on its own is cut inside."""
    total = count_lines(source)
    if bounds.lines <= 0 or bounds.markup_bytes <= 0:
        return PagePart("", total, total > 0)
    limit = bounds.markup_bytes  # markup is never shorter than the text it shows
    if isinstance(source, bytes):
        end = min(len(source), limit)
        while 0 < end < len(source) and source[end] & 0xC0 == 0x80:
            end -= 1  # not inside a UTF-8 sequence
        head, whole = source[:end].decode("utf-8", "replace"), end == len(source)
    else:
        head, whole = source[:limit], len(source) <= limit
    head = head.replace("\r\n", "\n").replace("\r", "\n")
    pieces = head.split("\n", bounds.lines)
    if len(pieces) > bounds.lines and (pieces[-1] or not whole):
        keep = sum(len(piece) + 1 for piece in pieces[:-1])  # through the last line end kept
        return PagePart(head[:keep], total, True)
    if not whole and "\n" in head:
        return PagePart(head[: head.rindex("\n") + 1], total, True)
    return PagePart(head, total, not whole)


def utf8_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class Markup:
    """The lines of a render, built piece by piece within a budget of lines and bytes.

    What does not fit is cut at a line end; only a first line that does not fit on its own is
    cut inside, between or within pieces of source text (never inside a tag or an entity).
    """

    def __init__(self, anchor: str, bounds: Bounds):
        if not ANCHOR_RE.fullmatch(anchor):  # ids are markup: only our own shapes get in
            raise ValueError(f"bad line anchor prefix {anchor!r}")
        self.anchor = anchor
        self.max_lines = bounds.lines
        self.room = bounds.markup_bytes - len(PRE_OPEN) - len(PRE_CLOSE)
        self.done: list[str] = []
        self.used = 0
        self.full = False  # something did not fit: the render is cut
        self._start_line()

    def _frame(self) -> tuple[str, str]:
        a, n = self.anchor, len(self.done) + 1
        return (f'<span class="line" id="{a}{n}"><a class="ln" href="#{a}{n}"'
                f' aria-hidden="true">{n}</a><span class="lc">', "</span></span>\n")  # fmt: skip

    def _start_line(self) -> None:
        """Open the next line: its frame, and the bytes left for its content (-1 past the
        last line allowed)."""
        self.frame = self._frame()
        frame_size = len(self.frame[0]) + len(self.frame[1])
        over = len(self.done) >= self.max_lines
        self.free = -1 if over else self.room - self.used - frame_size
        self.current, self.current_size = [], 0

    def add(self, text: str, css: str = "") -> bool:
        """Add source text to the current line (in a token span when `css` is given); False
        once the budget is spent, and from then on."""
        if self.full or not text:
            return not self.full
        wrap = (f'<span class="{css}">', "</span>") if css else ("", "")
        escaped = html.escape(text, quote=False)
        size = utf8_length(escaped) + len(wrap[0]) + len(wrap[1])
        free = self.free - self.current_size
        if size > free:
            if not self.done:  # a first line longer than the whole budget: keep what fits
                room = free - len(wrap[0]) - len(wrap[1])
                head = html.escape(prefix_within(text, room), quote=False)
                if head:
                    self.current.append(wrap[0] + head + wrap[1])
                    self.current_size += utf8_length(self.current[-1])
                if self.current:
                    self.end_line()
            self.full = True
            return False
        self.current.append(wrap[0] + escaped + wrap[1])
        self.current_size += size
        return True

    def end_line(self) -> bool:
        """Close the current line; False once the budget is spent."""
        # A blank line holds a <br>: the browser copies a selection one line per block, and a
        # block with nothing selectable in it (the number is not) would otherwise be left out.
        if self.full or self.free < max(self.current_size, 4):
            self.full = True
            return False
        head, tail = self.frame
        self.done.append(head + ("".join(self.current) or "<br>") + tail)
        self.used += len(head) + len(tail) + max(self.current_size, 4)
        self._start_line()
        return True

    def html(self) -> str:
        return PRE_OPEN + "".join(self.done) + PRE_CLOSE


def prefix_within(text: str, room: int) -> str:
    """The longest start of `text` (roughly) whose escaped UTF-8 fits in `room` bytes."""
    k = min(len(text), max(room, 0))
    while k > 0:
        size = utf8_length(html.escape(text[:k], quote=False))
        if size <= room:
            return text[:k]
        k = min(k - 1, k * room // size)
    return ""
