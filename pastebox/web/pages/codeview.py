"""The code on a paste page: each file's render within what is left of the page's budget
(kept in the render cache), the notes on what a page leaves out, and the page put together."""

from dataclasses import dataclass

from pastebox import render
from pastebox.config import Config
from pastebox.core import media
from pastebox.core.model import Paste, PasteFile
from pastebox.render import Highlighted
from pastebox.web.context import Services

# Where view.tpl puts a file's highlighted lines. Escaped template text cannot contain it (its
# "<" would be "&lt;"), so splitting the rendered page on it finds only these places.
CODE_MARK = "<!--pastebox:code-->"
# A render that overran its time limit is kept this long: long enough that a pathological paste
# costs one timed-out render per visitor burst, short enough to retry once the machine is idle.
TIMED_OUT_RENDER_SECONDS = 300.0


@dataclass(frozen=True)
class FileView:
    """One file as the view page shows it."""

    file: PasteFile
    number: int  # 1-based, for the section id file-N
    anchor: str  # line-id prefix: L, f2-L, …
    rendered: Highlighted | None  # None for a binary file
    ends_with_newline: bool
    image: bool = False  # a binary file whose bytes are a raster image (shown with <img>)

    @property
    def shows_code(self) -> bool:
        """Whether the page has lines of it (not when the page's budget ran out before it)."""
        return self.rendered is not None and not (self.rendered.cut and not self.rendered.lines)


def binary_is_image(f: PasteFile) -> bool:
    """Whether a file that is not text is an image a page may show (sniffed; never SVG)."""
    return not f.is_text and media.is_image(media.sniff(f.content))


def highlight_file(
    services: Services,
    paste: Paste,
    f: PasteFile,
    language: str | None,
    bounds: render.Bounds,
    *,
    cache: bool,
) -> Highlighted:
    """As much of the file as `bounds` allows, highlighted; from the render cache when `cache`
    allows it (a bounded render always fits in it)."""
    anchor = render.file_anchor(f.position)
    if not cache:
        return services.renderer.highlight(f.content, language, anchor, bounds)
    # created_at tells a paste from a later one that drew the same id after its tombstone went.
    key = (paste.id, paste.created_at, paste.revision, f.position, language, bounds)
    hit = services.render_cache.get(key)
    if hit is not None:
        return hit
    result = services.renderer.highlight(f.content, language, anchor, bounds)
    if result.fallback == render.FALLBACK_TIMEOUT:
        services.render_cache.put(key, result, lifetime=TIMED_OUT_RENDER_SECONDS)
    elif not result.fallback:  # a busy pool says nothing about the paste: try again next time
        services.render_cache.put(key, result)
    return result


def cut_note(rendered: Highlighted) -> str:
    """What a page leaves out of a file it shows in part ("" when it shows it all)."""
    if not rendered.cut:
        return ""
    total = f"{rendered.all_lines:,} line{'s' if rendered.all_lines != 1 else ''}"
    if rendered.lines == 0:
        return f"Not shown: this page already shows as much as one page can ({total})."
    shown = "line 1" if rendered.lines == 1 else f"lines 1–{rendered.lines:,}"
    partial = " (the last one in part)" if rendered.lines == rendered.all_lines else ""
    return f"Too long to show in full: showing {shown}{partial} of {total}."


def with_code(text: str, renders: list[Highlighted]) -> bytes:
    """The page as UTF-8 with each CODE_MARK replaced by a render's markup, which is already
    encoded (most of a page's bytes; one non-ASCII character would otherwise make encoding the
    whole page per request the slow path)."""
    pieces = text.split(CODE_MARK)
    if len(pieces) != len(renders) + 1:  # pragma: no cover - the template places one per render
        raise RuntimeError("view.tpl must place CODE_MARK once per rendered file")
    out = [pieces[0].encode("utf-8")]
    for rendered, piece in zip(renders, pieces[1:], strict=True):
        out += (rendered.html_bytes, piece.encode("utf-8"))
    return b"".join(out)


def longer_than_a_page(cfg: Config, paste: Paste) -> bool:
    """Whether the one showing of a burn paste may leave part of it out (its reader is told
    before, and offered the whole of it to download instead)."""
    if paste.is_e2ee:  # opened whole in the browser, never cut
        return False
    lines = sum(render.count_lines(f.content) for f in paste.files)
    return lines > cfg.page_max_lines or paste.size > cfg.page_max_bytes
