"""What one paste page may cost: a render shows at most a budget of lines and markup bytes of
each file and of the whole page, whatever the shape of the text, says what it left out (with the
link to all of it) and when highlighting fell back to plain text, and a view's memory is freed
as soon as it is served, without waiting for the cyclic garbage collector."""

import gc
import re
import tracemalloc
from html.parser import HTMLParser

import pytest
from helpers import BROWSER, Document, block, create, page, post_form, reveal

from pastebox.render import Bounds, Renderer, page_part

SMALL = Bounds(lines=200, markup_bytes=20_000)


LINE_ID = re.compile(r"(?:f[0-9]+-)?L([0-9]+)")


CODE = "def f(x):\n    return {'a': [x, 1.5, \"s\"]}  # c\n"


# Every shape of text that makes markup grow: per line (empty, tiny), per token (dense code),
# per character (escaped, non-ASCII, astral), and lines far longer than a page.
SHAPES = {
    "newlines": "\n" * 300_000,
    "tiny-lines": "a\n" * 150_000,
    "code": CODE * 5_000,
    "crlf": "x = 1\r\n" * 50_000,
    "lone-cr": "x = 1\r" * 50_000,
    "one-line": "x" * 300_000,
    "one-line-escaped": "<&>" * 100_000,
    "one-line-non-ascii": "é𝄞€" * 100_000,
    "long-lines": ("<" * 30_000 + "\n") * 10,
    "tokens-one-line": "(1)," * 100_000,
    "short": "one\ntwo\n",
}


class Lines(HTMLParser):
    """The lines of a render as a browser shows them: each line's id and its code's text."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.texts: list[str] = []
        self._depth = 0  # inside <span class="lc">: nesting depth, else 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._depth:
            self._depth += tag == "span"
        elif attrs.get("class") == "line":
            self.ids.append(attrs["id"])
        elif attrs.get("class") == "lc":
            self._depth = 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if self._depth and tag == "span":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.texts[-1] += data


def source_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").splitlines()


# -- a render within its bounds --------------------------------------------------------------


@pytest.mark.parametrize("language", [None, "python", "text"])
@pytest.mark.parametrize("shape", SHAPES)
def test_a_render_stays_within_its_line_and_byte_bounds_for_every_text_shape(
    renderer, shape, language
):
    text = SHAPES[shape]
    rendered = renderer.highlight(text.encode(), language, bounds=SMALL)
    assert len(rendered.html_bytes) <= SMALL.markup_bytes
    assert rendered.lines <= SMALL.lines
    assert rendered.total_lines == len(source_lines(text))
    assert rendered.cut == (len(text.encode()) > len(rendered.html_bytes) or rendered.lines
                            < rendered.total_lines)  # fmt: skip
    assert rendered.lines > 0  # something of every file is shown, if only part of one line


@pytest.mark.parametrize("shape", SHAPES)
def test_a_cut_render_shows_the_first_lines_exactly_as_they_are(renderer, shape):
    text = SHAPES[shape]
    rendered = renderer.highlight(text.encode(), "python", bounds=SMALL)
    lines = Lines(rendered.html)
    wanted = source_lines(text)[: rendered.lines]
    assert lines.ids == [f"L{n}" for n in range(1, rendered.lines + 1)]
    if rendered.cut and rendered.lines == 1 and len(wanted[0]) > SMALL.markup_bytes:
        assert wanted[0].startswith(lines.texts[0]) and lines.texts[0]  # cut inside the line
    else:
        assert lines.texts == wanted


def test_only_the_part_shown_is_sent_to_a_render_worker():
    part = page_part(b"line\n" * 1_000_000, SMALL)
    assert part.text == "line\n" * SMALL.lines
    assert (part.total_lines, part.cut) == (1_000_000, True)


def test_a_first_line_longer_than_the_bounds_is_sent_only_in_part():
    part = page_part("é".encode() * 1_000_000, SMALL)
    assert part.text == "é" * (SMALL.markup_bytes // 2)
    assert (part.total_lines, part.cut) == (1, True)


def test_a_file_within_the_bounds_is_shown_whole(renderer):
    rendered = renderer.highlight(b"a\nb\n", "python", bounds=SMALL)
    assert (rendered.lines, rendered.total_lines, rendered.cut) == (2, 2, False)


# -- the page --------------------------------------------------------------------------------


def lines_on(res) -> list[str]:
    return [value for name, value in Document(res.text).attributes
            if name == "id" and value and LINE_ID.fullmatch(value)]  # fmt: skip


def test_a_long_file_shows_its_first_lines_and_links_to_the_whole_file_in_raw(make_app):
    app = make_app(page_max_lines=5)
    paste_id = create(app, files=[{"name": "log.txt", "content": "line\n" * 20}])
    res = page(app, paste_id)
    assert lines_on(res) == [f"L{n}" for n in range(1, 6)]
    note = res.html.find(id="file-1-cut")
    assert "showing lines 1–5 of 20 lines" in note.text
    assert note.find("a")["href"] == f"/raw/{paste_id}/log.txt"
    assert "20 lines" in res.html.find(id="file-1").header.text


def test_a_file_shown_whole_has_no_cut_note(app):
    paste_id = create(app, content="a\nb\n")
    assert page(app, paste_id).html.find(id="file-1-cut") is None


def test_the_page_budget_is_shared_by_its_files_in_order(make_app):
    app = make_app(page_max_lines=250)
    files = [{"name": f"f{i}.txt", "content": "x\n" * 100} for i in range(1, 5)]
    res = page(app, create(app, files=files))
    shown = lines_on(res)
    assert len(shown) == 250
    assert shown[199:201] == ["f2-L100", "f3-L1"] and shown[-1] == "f3-L50"
    assert res.html.find(id="file-2-cut") is None
    assert "showing lines 1–50 of 100" in res.html.find(id="file-3-cut").text
    assert "Not shown" in res.html.find(id="file-4-cut").text
    assert res.html.find(id="file-4").find(class_="code-wrap") is None


@pytest.mark.parametrize("shape", ["newlines", "tiny-lines", "one-line-escaped", "code"])
def test_a_page_is_never_larger_than_its_markup_budget_and_the_chrome(make_app, shape):
    app = make_app(page_max_bytes=64 * 1024)
    text = SHAPES[shape] * 3
    res = page(app, create(app, files=[{"name": "a", "content": text}, {"name": "b",
                                                                         "content": text}]))  # fmt: skip
    assert len(res.body) <= 64 * 1024 + 16 * 1024
    assert res.html.find(id="file-1-cut") and res.html.find(id="file-2-cut")


def test_a_huge_paste_of_newlines_makes_a_page_of_bounded_size(app):
    res = page(app, create(app, content="\n" * 1_500_000))
    assert len(res.body) < 3 * 1024 * 1024  # 182 MB before pages were bounded
    assert "of 1,500,000 lines" in res.html.find(id="file-1-cut").text


def test_a_cut_burn_paste_says_the_rest_is_gone_with_it(make_app):
    app = make_app(page_max_lines=3)
    paste_id = create(app, content="line\n" * 10, burnAfterRead=True)
    note = reveal(app, paste_id).html.find(id="file-1-cut")
    assert "now gone from the server" in note.text and note.find("a") is None


def test_the_burn_warning_of_a_paste_longer_than_a_page_offers_it_whole_as_a_download(make_app):
    app = make_app(page_max_lines=3)
    paste_id = create(app, content="line\n" * 10, burnAfterRead=True)
    note = page(app, paste_id).html.find(id="longer-than-a-page")
    assert note.find("a")["href"] == f"/zip/{paste_id}"
    assert page(app, create(app, content="short\n", burnAfterRead=True)).html.find(
        id="longer-than-a-page") is None  # fmt: skip


# -- the form pages -------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["fork", "edit"])
def test_a_paste_larger_than_a_page_is_not_put_whole_into_a_form(make_app, action):
    app = make_app(page_max_bytes=64 * 1024)
    paste_id = create(app, content="<" * 100_000)
    res = app.get(f"/{paste_id}/{action}", headers=BROWSER, status=400)
    assert "too large to" in res.text and len(res.body) < 64 * 1024
    app.get(f"/{create(app, content='<' * 60_000)}/{action}", headers=BROWSER, status=200)


def test_a_refused_form_larger_than_a_page_comes_back_without_its_text(make_app):
    app = make_app(page_max_bytes=64 * 1024)
    res = post_form(app, "/new", [*block("a.txt", "<" * 100_000), ("ttl", "nonsense")], 400)
    assert len(res.body) < 64 * 1024
    assert "paste or upload it again" in res.html.find(id="form-dropped").text
    assert res.html.find("input", attrs={"name": "name"})["value"] == "a.txt"  # the rest is kept


# -- highlighting that fell back -------------------------------------------------------------


@pytest.fixture
def impatient():
    """A real renderer that gives a worker no time at all: every render times out."""
    r = Renderer(timeout=0.001)
    yield r
    r.close()


def test_a_render_that_timed_out_says_so_on_the_page(make_app, impatient):
    app = make_app(renderer=impatient)
    res = page(app, create(app, content=CODE * 2_000, syntax="python"))
    note = res.html.find(id="file-1-plain")
    assert "Highlighting took too long" in note.text
    assert res.html.find(id="file-1").find(class_="lang").text == "Plain text"


def test_a_render_refused_by_a_busy_pool_says_so_on_the_page(make_app):
    closed = Renderer()
    closed.close()  # a closed pool takes no work: the same answer as one with no worker free
    app = make_app(renderer=closed)
    res = page(app, create(app, content=CODE, syntax="python"))
    assert "too busy to highlight" in res.html.find(id="file-1-plain").text


# -- memory ----------------------------------------------------------------------------------


@pytest.fixture
def no_cyclic_gc():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


@pytest.mark.parametrize("path", ["/{id}", "/{id}.py", "/{id}/fork"])
def test_views_free_their_memory_without_the_cyclic_gc(make_app, no_cyclic_gc, path):
    app = make_app(render_cache_mb=0)  # every view renders anew: nothing is kept on purpose
    paste_id = create(app, content=CODE * 20_000)  # 1 MB
    url = path.format(id=paste_id)
    app.get(url, headers=BROWSER, status=200)  # warm: compiled templates, imports
    tracemalloc.start()
    try:
        # bottle keeps the last response of a thread until its next request: count from there
        app.get(url, headers=BROWSER, status=200)
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5):
            app.get(url, headers=BROWSER, status=200)
        left = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert left < 1024 * 1024, f"{left / 1e6:.1f} MB left behind by 5 views"
