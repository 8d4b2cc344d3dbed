"""What the paste page shows, in process: line anchors, the title, language, size, creation
and expiry, raw and download links, binary files described, views counted."""

import html
import re

import pytest
from helpers import BROWSER, CURL, PASTES, create, element_text, page, reveal

# -- helpers ---------------------------------------------------------------------------------


def line_ids(text: str) -> list[str]:
    return re.findall(r'<span class="line" id="(L\d+)">', text)


# -- line anchors ----------------------------------------------------------------------------


def test_every_line_has_an_anchor_and_a_link_to_itself(app):
    text = page(app, create(app, content="one\ntwo\nthree\n", syntax="text")).text
    assert line_ids(text) == ["L1", "L2", "L3"]
    for n in (1, 2, 3):
        assert f'href="#L{n}"' in text


@pytest.mark.parametrize(
    ("content", "lines"),
    [("a\r\nb\r\n", 2), ("a\nb", 2), ("a\n\n\n", 3), ("only", 1), ("a\rb\rc", 3)],
    ids=["crlf", "no-final-newline", "blank-lines", "one-line", "cr"],
)
def test_lines_are_counted_as_an_editor_counts_them(app, content, lines):
    text = page(app, create(app, content=content, syntax="python")).text
    assert line_ids(text) == [f"L{n}" for n in range(1, lines + 1)]


def test_each_file_of_a_paste_has_its_own_section_anchor(app):
    paste_id = create(
        app, files=[{"name": "a.py", "content": "a\n"}, {"name": "b.py", "content": "b\n"}]
    )
    text = page(app, paste_id).text
    assert 'id="file-1"' in text and 'id="file-2"' in text


def test_line_anchors_are_unique_on_a_several_file_page(app):
    paste_id = create(
        app, files=[{"name": "a.txt", "content": "a\n"}, {"name": "b.txt", "content": "b\n"}]
    )
    ids = re.findall(r'\sid="([^"]+)"', page(app, paste_id).text)
    assert len(ids) == len(set(ids))


# -- what the view page shows ----------------------------------------------------------------


def test_the_title_is_the_heading_and_the_window_title(app):
    text = page(app, create(app, title="Deploy notes")).text
    assert "<h1>Deploy notes</h1>" in text
    assert "<title>Deploy notes · pastebox</title>" in text


def test_an_untitled_paste_is_headed_by_its_id(app):
    paste_id = create(app)
    text = page(app, paste_id).text
    assert f"<h1>{paste_id}</h1>" in text
    assert f"<title>{paste_id} · pastebox</title>" in text


@pytest.mark.parametrize(
    ("fields", "language"),
    [({"files": [{"name": "main.py", "content": "import os\n"}]}, "Python"),
     ({"content": "fn main() {}\n", "syntax": "rust"}, "Rust"),
     ({"content": "just words\n", "syntax": "text"}, "Plain text")],
    ids=["from-name", "chosen", "plain"],
)  # fmt: skip
def test_the_language_is_shown_beside_the_file_name(app, fields, language):
    text = page(app, create(app, **fields)).text
    assert f'<span class="lang">{language}</span>' in text


def test_a_binary_file_is_described_not_dumped(app):
    res = app.put("/blob.bin", b"\xff\xfe\x00\x01binary", headers=CURL, status=201)
    paste_id = res.text.strip().rsplit("/", 1)[1]
    text = page(app, paste_id).text
    assert "Binary file, 10 bytes." in text
    assert '<span class="lang">binary</span>' in text
    assert "<pre" not in text


def test_the_meta_line_gives_files_size_creation_and_expiry(app):
    paste_id = create(app, content="hello\n", expiresIn="1h")
    text = page(app, paste_id).text
    meta = [html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<span[^>]*>(.*?)</span>", element_text(text, 'p class="meta"'))]  # fmt: skip
    assert meta == ["1 file", "Plain text", "6 bytes", "created just now", "expires in 1 hour"]
    assert 'datetime="2027-01-15T08:00:00Z" title="2027-01-15 08:00 UTC"' in text


def test_a_paste_without_expiry_says_it_never_expires(app):
    assert "never expires" in page(app, create(app)).text


def test_the_revealed_burn_paste_says_it_is_deleted(app):
    paste_id = create(app, content="once\n", burnAfterRead=True)
    text = reveal(app, paste_id).text
    assert "deleted from the server now that you have read it" in text
    assert "once" in text


def test_every_file_links_to_its_raw_bytes_and_a_download(app):
    paste_id = create(app, files=[{"name": "a b.txt", "content": "x\n"}])
    text = page(app, paste_id).text
    assert f'<a href="/raw/{paste_id}/a%20b.txt">Raw</a>' in text
    assert f'<a href="/raw/{paste_id}/a%20b.txt?download=1">Download</a>' in text


def test_a_page_view_counts_and_a_head_does_not(app):
    paste_id = create(app)
    for _ in range(3):
        app.head(f"/{paste_id}", headers=BROWSER, status=200)
    page(app, paste_id)
    assert app.get(f"{PASTES}/{paste_id}", status=200).json["viewCount"] == 2  # page + this read


# -- search snippets and big pastes --------------------------------------------------------------


def test_a_paste_with_a_thousand_files_renders_with_unique_line_ids(make_app):
    app = make_app(max_files=1200)
    files = [{"name": f"f{n}.txt", "content": "x\n", "language": "text"} for n in range(1001)]
    text = page(app, create(app, files=files)).text
    assert 'id="f1001-L1"' in text and 'id="L1"' in text
