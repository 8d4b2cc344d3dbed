"""A paste page that shows a file in part, in a real browser: the note says which lines it shows
and links to the whole file, and line links, ranges and shortcuts work on the lines shown."""

import pytest
from helpers import LiveServer, fetch

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

SHOWN = 30
TEXT = "".join(f"line {n}\n" for n in range(1, 101))
SERVER_FLAGS = ("--render-timeout", "30", "--cpu-pin", "off", "--page-max-lines", str(SHOWN))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A server whose pages show at most SHOWN lines."""
    live = LiveServer(str(tmp_path_factory.mktemp("cut") / "pastebox.db"), *SERVER_FLAGS)
    yield live.start()
    live.kill()


@pytest.fixture(scope="module")
def cut(server) -> str:
    """A paste of a short file, then one longer than a page shows; its id."""
    body = {"files": [{"name": "short.txt", "content": "a\nb\n"},
                      {"name": "long.txt", "content": TEXT}]}  # fmt: skip
    reply = fetch(f"{server.url}/api/v1/pastes", "POST", body)
    assert reply.status == 201, reply.body
    return reply.json()["publicId"]


def lit_lines(page) -> list[str]:
    return page.eval_on_selector_all(".line.hl", "lines => lines.map(l => l.id)")


def test_the_note_says_which_lines_are_shown_and_links_to_the_whole_file(page, cut):
    page.goto(f"/{cut}")
    note = page.locator("#file-2-cut")
    expect(note).to_contain_text(f"showing lines 1–{SHOWN - 2} of 100 lines")
    assert page.locator("#file-2 .line").count() == SHOWN - 2  # the page's budget, shared
    note.get_by_role("link", name="Raw").click()
    assert page.evaluate("document.body.textContent") == TEXT


def test_line_links_and_ranges_work_on_the_lines_shown(page, cut):
    page.goto(f"/{cut}#f2-L20-L22")
    assert lit_lines(page) == ["f2-L20", "f2-L21", "f2-L22"]
    page.click("#f2-L3 a.ln")
    page.click(f"#f2-L{SHOWN - 2} a.ln", modifiers=["Shift"])
    assert page.url.endswith(f"#f2-L3-L{SHOWN - 2}")
    assert len(lit_lines(page)) == SHOWN - 4


def test_a_link_past_the_cut_lights_only_the_lines_shown(page, cut):
    page.goto(f"/{cut}#f2-L50")
    assert lit_lines(page) == []
    page.goto(f"/{cut}#f2-L{SHOWN - 3}-L60")
    assert lit_lines(page) == [f"f2-L{SHOWN - 3}", f"f2-L{SHOWN - 2}"]


def test_a_file_shown_in_part_offers_no_copy_button(page, cut):
    """A copy would silently miss the rest of the file; the note points to Raw instead."""
    page.goto(f"/{cut}")
    assert page.locator("#file-2 button.copy").count() == 0
    assert page.locator("#file-1 button.copy").count() == 1
