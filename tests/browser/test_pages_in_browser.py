"""The web pages in a real browser: the form (file blocks, keys, drops, refusals), the view page
(line links, copy, raw, zip, shortcuts), burn-after-read, search, colour schemes and narrow
screens, all against a real server."""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from helpers import fetch

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

PASTES = "/api/v1/pastes"
PY_TEXT = (
    "import sys\n"
    "\n"
    "\n"
    "def main(argv: list[str]) -> int:\n"
    '    print("<b>hello</b> & bye", argv)\n'
    "    return 0\n"
    "\n"
    "\n"
    'if __name__ == "__main__":\n'
    "    sys.exit(main(sys.argv))\n"
)
MD_TEXT = (
    "# Notes\n"
    "\n"
    "- first <item>\n"
    "\tindented with a tab\n"
    "trailing spaces   \n"
    "émoji ✓ and no final newline"
)
NARROW = {"width": 360, "height": 740}
# For each line's code: how far (px) its first non-blank character sits from the code's start.
FIRST_CHARACTER_OFFSET = """codes => codes.map(code => {
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let offset = code.textContent.search(/\\S/), node;
    while ((node = walker.nextNode()) && offset >= node.length) offset -= node.length;
    const range = document.createRange();
    range.setStart(node, offset);
    range.setEnd(node, offset + 1);
    return Math.round(range.getBoundingClientRect().left - code.getBoundingClientRect().left);
})"""
VIEW_URL = re.compile(r"^http://[^/]+/[A-Za-z0-9_-]+$")  # /ID, where a created paste lands
LONG_LINE = "x = '" + "0123456789" * 300 + "'\n"


@dataclass(frozen=True)
class Made:
    id: str
    files: dict[str, str]  # name -> text, in order


def make_paste(url: str, files: dict[str, str], **fields) -> Made:
    body = {"files": [{"name": n, "content": c} for n, c in files.items()], **fields}
    reply = fetch(f"{url}{PASTES}", "POST", body)
    assert reply.status == 201, reply.body
    return Made(reply.json()["publicId"], files)


@pytest.fixture(scope="module")
def two_files(server) -> Made:
    """A Python file and a Markdown one, shared by the specs that only read it."""
    return make_paste(server.url, {"hello.py": PY_TEXT, "notes.md": MD_TEXT}, title="Two files")


def moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def lit_lines(page) -> list[str]:
    return page.eval_on_selector_all(".line.hl", "lines => lines.map(l => l.id)")


def values(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "fields => fields.map(f => f.value)")


def has_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def luminance(css_color: str) -> float:
    """0 (black) to 1 (white) for an rgb()/rgba() computed colour."""
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def drop_files(page, selector: str, files: dict[str, str]) -> None:
    """A drop event on `selector` whose DataTransfer holds these files, as a drag from the
    desktop would make it."""
    page.eval_on_selector(
        selector,
        """(target, files) => {
            const data = new DataTransfer();
            for (const [name, text] of Object.entries(files)) {
                data.items.add(new File([text], name, { type: "text/plain" }));
            }
            target.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: data }));
        }""",
        files,
    )


# -- the form --------------------------------------------------------------------------------


def test_form_creates_a_two_file_paste_and_shows_both_files_highlighted(page, server, screenshot):
    page.goto("/")
    page.fill("input[name=title]", "From the form")
    first = page.locator("fieldset.file-input").nth(0)
    first.locator("input[name=name]").fill("hello.py")
    first.locator("textarea[name=content]").fill(PY_TEXT)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.click("button[name=add_file]")
    expect(page.locator("fieldset.file-input")).to_have_count(2)
    assert requests == [], "Add a file must work in the page, without a round trip"
    second = page.locator("fieldset.file-input").nth(1)
    expect(second.locator(".file-number")).to_have_text("2")
    expect(second.locator("textarea[name=content]")).to_be_focused()
    second.locator("input[name=name]").fill("notes.md")
    second.locator("textarea[name=content]").fill(MD_TEXT)
    page.select_option("select[name=ttl]", "1d")
    screenshot(page, "form")

    page.click("button[name=submit]")

    page.wait_for_url(VIEW_URL)
    paste_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("body")).to_have_attribute("data-page", "view")
    expect(page.locator("h1")).to_have_text("From the form")
    expect(page.locator("section.file .name")).to_have_text(["hello.py", "notes.md"])
    # pygments marks tokens with classes inside each line: highlighted, not plain text
    assert page.locator("#file-1 .lc span.kn").first.inner_text() == "import"
    assert page.locator("#file-2 .lc span[class]").count() > 0
    stored = fetch(f"{server.url}{PASTES}/{paste_id}").json()
    assert [(f["name"], f["content"]) for f in stored["files"]] == [
        ("hello.py", PY_TEXT),
        ("notes.md", MD_TEXT),
    ]
    lifetime = moment(stored["expiresAt"]) - moment(stored["createdAt"])
    assert lifetime == timedelta(days=1), "the expiry picked in the form"


def test_remove_takes_a_file_block_out_and_renumbers_the_rest(page):
    page.goto("/new")
    page.click("button[name=add_file]")
    page.click("button[name=add_file]")
    blocks = page.locator("fieldset.file-input")
    blocks.nth(1).locator("input[name=name]").fill("keep-me.txt")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    blocks.nth(0).locator("button[name=remove_file]").click()
    expect(blocks).to_have_count(2)
    expect(page.locator(".file-number")).to_have_text(["1", "2"])
    expect(blocks.nth(0).locator("input[name=name]")).to_have_value("keep-me.txt")
    assert requests == [], "Remove must work in the page, without a round trip"


def open_editor(page):
    """The new-paste page with the first file's textarea focused."""
    page.goto("/new")
    area = page.locator("textarea[name=content]")
    area.click()
    return area


def test_tab_in_a_textarea_inserts_a_tab_and_keeps_focus(page):
    area = open_editor(page)
    page.keyboard.type("if x:")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("y()")
    expect(area).to_have_value("if x:\n\ty()")
    expect(area).to_be_focused()


def test_tab_on_a_selection_of_lines_indents_each_and_shift_tab_takes_it_back(page):
    page.goto("/new")
    area = page.locator("textarea[name=content]")
    area.fill("one\ntwo\nthree\n")
    area.evaluate("a => { a.focus(); a.setSelectionRange(1, 9); }")  # from "one" into "three"
    page.keyboard.press("Tab")
    expect(area).to_have_value("\tone\n\ttwo\n\tthree\n")
    page.keyboard.press("Shift+Tab")
    expect(area).to_have_value("one\ntwo\nthree\n")


def test_enter_in_the_title_submits_the_paste_and_removes_nothing(page):
    page.goto("/new")
    page.locator("textarea[name=content]").fill("kept\n")
    page.fill("input[name=title]", "Entered")
    page.press("input[name=title]", "Enter")
    page.wait_for_url(VIEW_URL)
    expect(page.locator("h1")).to_have_text("Entered")
    expect(page.locator("#L1 .lc")).to_have_text("kept")


def test_escape_then_tab_moves_focus_out_of_the_textarea(page):
    area = open_editor(page)
    page.keyboard.type("text")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(area).to_have_value("text")
    expect(area).not_to_be_focused()


def test_ctrl_enter_submits_the_form(page):
    page.goto("/new")
    page.locator("textarea[name=content]").fill("sent with the keyboard\n")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(VIEW_URL)
    expect(page.locator("body")).to_have_attribute("data-page", "view")
    expect(page.locator("#L1 .lc")).to_have_text("sent with the keyboard")


def test_a_refused_form_comes_back_with_the_error_and_the_typed_text(page):
    page.goto("/new")
    page.fill("input[name=title]", "Kept title")
    page.locator("textarea[name=content]").first.fill("first file\n\tstays as typed\n")
    page.click("button[name=add_file]")
    second = page.locator("fieldset.file-input").nth(1)
    second.locator("input[name=name]").fill("dir/name.txt")  # the server refuses a "/"
    second.locator("textarea[name=content]").fill("second file")

    with page.expect_response(lambda r: r.request.method == "POST") as reply:
        page.click("button[name=submit]")

    assert reply.value.status == 400
    error = page.locator("#form-error")
    expect(error).to_be_visible()  # only the server's answer shows it: the new page is in
    expect(error).to_contain_text("name")
    expect(page.locator("input[name=title]")).to_have_value("Kept title")
    areas = page.locator("textarea[name=content]")
    expect(areas).to_have_count(2)
    expect(areas.nth(0)).to_have_value("first file\n\tstays as typed\n")
    expect(areas.nth(1)).to_have_value("second file")
    expect(page.locator("input[name=name]").nth(1)).to_have_value("dir/name.txt")


def test_dropping_a_text_file_on_the_form_fills_the_empty_file_block(page):
    page.goto("/new")
    drop_files(page, "main", {"notes.md": "# dropped\n\nfrom the desktop\n"})
    block = page.locator("fieldset.file-input")
    expect(block.locator("textarea[name=content]")).to_have_value("# dropped\n\nfrom the desktop\n")
    expect(block.locator("input[name=name]")).to_have_value("notes.md")
    expect(page.locator("#form-error")).to_be_hidden()


def test_dropping_files_on_a_filled_form_adds_a_block_for_each(page):
    page.goto("/new")
    page.locator("textarea[name=content]").fill("typed first")
    drop_files(page, "main", {"a.txt": "alpha\n", "b.txt": "beta\n"})
    expect(page.locator("fieldset.file-input")).to_have_count(3)
    expect(page.locator("textarea[name=content]").nth(2)).to_have_value("beta\n")
    assert values(page, "textarea[name=content]") == ["typed first", "alpha\n", "beta\n"]
    assert values(page, "input[name=name]") == ["", "a.txt", "b.txt"]


def test_dropping_a_binary_file_says_to_use_the_upload_button(page):
    page.goto("/new")
    drop_files(page, "main", {"blob.bin": "MZ\u0000\u0001"})
    expect(page.locator("#form-error")).to_contain_text("blob.bin looks binary")
    expect(page.locator("textarea[name=content]")).to_have_value("")


# -- the view page ---------------------------------------------------------------------------


def test_clicking_a_line_number_links_to_that_line_and_highlights_it(page, two_files):
    page.goto(f"/{two_files.id}")
    page.click("#L3 a.ln")
    assert page.url.endswith(f"/{two_files.id}#L3")
    expect(page.locator("#L3")).to_have_class(re.compile(r"\bhl\b"))
    assert lit_lines(page) == ["L3"]
    # and it shows: the line has a background of its own
    background = page.eval_on_selector("#L3", "l => getComputedStyle(l).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_shift_click_on_a_second_line_number_links_to_the_range(page, two_files):
    page.goto(f"/{two_files.id}")
    page.click("#L3 a.ln")
    page.click("#L5 a.ln", modifiers=["Shift"])
    assert page.url.endswith("#L3-L5")
    assert lit_lines(page) == ["L3", "L4", "L5"]


def test_clicking_another_line_after_opening_a_line_link_lights_only_the_new_one(page, two_files):
    page.goto(f"/{two_files.id}#L2")
    page.click("#L5 a.ln")
    assert lit_lines(page) == ["L5"]
    lit = page.eval_on_selector_all(
        ".line",
        "ls => ls.filter(l => getComputedStyle(l).backgroundColor !== "
        "getComputedStyle(l.parentNode).backgroundColor).map(l => l.id)",
    )
    assert lit == ["L5"]


def test_shift_click_extends_from_the_line_the_page_was_opened_at(page, two_files):
    page.goto(f"/{two_files.id}#L2")
    page.click("#L4 a.ln", modifiers=["Shift"])
    assert page.url.endswith("#L2-L4")
    assert lit_lines(page) == ["L2", "L3", "L4"]


def test_opening_a_range_link_highlights_those_lines(page, two_files):
    page.goto(f"/{two_files.id}#L2-L4")
    assert lit_lines(page) == ["L2", "L3", "L4"]


def test_lines_of_the_second_file_have_their_own_ids(page, two_files):
    page.goto(f"/{two_files.id}")
    ids = page.eval_on_selector_all("#file-2 .line", "lines => lines.map(l => l.id)")
    assert ids == [f"f2-L{n}" for n in range(1, MD_TEXT.count("\n") + 2)]
    page.click("#f2-L1 a.ln")
    assert page.url.endswith("#f2-L1")
    assert lit_lines(page) == ["f2-L1"]


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "360px"])
def test_a_tab_indents_code_as_far_as_tab_size_spaces(new_context, server, viewport):
    """Tab stops count from the start of the code, not from the line-number gutter."""
    made = make_paste(server.url, {"t.txt": "\tx\n    x\n\t\ty\n        y\n"})
    page = new_context(viewport=viewport).new_page()
    page.goto(f"/{made.id}")
    starts = page.eval_on_selector_all(".lc", FIRST_CHARACTER_OFFSET)
    assert starts[0] == starts[1] > 0, starts
    assert starts[2] == starts[3] > starts[0], starts


@pytest.mark.parametrize("number", [1, 2], ids=["ends-with-newline", "no-final-newline"])
def test_copy_button_puts_the_exact_file_text_on_the_clipboard(
    context, page, server, two_files, number
):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(f"/{two_files.id}")
    button = page.locator(f"#file-{number} button.copy")
    expect(button).to_be_visible()  # hidden until the script runs
    button.click()
    expect(button).to_have_text("Copied")
    expected = list(two_files.files.values())[number - 1]
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_selecting_the_code_and_copying_keeps_its_blank_lines(context, page, server, two_files):
    """The browser's own copy (Ctrl+C on a selection), not the Copy button: one line per line,
    blank ones included, and no line numbers."""
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(f"/{two_files.id}")
    page.eval_on_selector(
        "#file-1 pre.code",
        """code => {
            const range = document.createRange();
            range.selectNodeContents(code);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }""",
    )
    page.keyboard.press("Control+c")
    assert page.evaluate("navigator.clipboard.readText()") == PY_TEXT.removesuffix("\n")


def test_raw_link_serves_the_text_of_every_file(page, two_files):
    page.goto(f"/{two_files.id}")
    with page.expect_response(f"**/raw/{two_files.id}") as reply:
        page.click("a[data-key=r]")
    response = reply.value
    assert response.headers["content-type"].startswith("text/plain")
    joined = "\n".join(f"==> {name} <==\n{text}" for name, text in two_files.files.items())
    assert response.text() == joined


def test_a_files_raw_link_serves_exactly_that_file(page, two_files):
    page.goto(f"/{two_files.id}")
    with page.expect_response(f"**/raw/{two_files.id}/notes.md") as reply:
        page.locator("#file-2 .tools a", has_text="Raw").click()
    assert reply.value.text() == MD_TEXT


def test_zip_link_downloads_every_file(page, two_files):
    page.goto(f"/{two_files.id}")
    with page.expect_download() as download_info:
        page.click(f"a[href='/zip/{two_files.id}']")
    download = download_info.value
    assert download.suggested_filename == f"{two_files.id}.zip"
    with zipfile.ZipFile(io.BytesIO(download.path().read_bytes())) as archive:
        assert {n: archive.read(n).decode() for n in archive.namelist()} == two_files.files


def test_question_mark_opens_the_shortcut_list_and_escape_closes_it(page, two_files):
    page.goto(f"/{two_files.id}")
    keys = page.locator("details#keys")
    expect(keys).not_to_have_attribute("open", "")
    page.keyboard.press("?")
    expect(keys).to_have_attribute("open", "")
    expect(keys.locator("dl")).to_be_visible()
    page.keyboard.press("Escape")
    expect(keys).not_to_have_attribute("open", "")


def test_n_on_the_view_page_goes_to_a_new_paste(page, two_files):
    page.goto(f"/{two_files.id}")
    page.keyboard.press("n")
    page.wait_for_url("**/new")
    expect(page.locator("form.paste-form")).to_be_visible()


def test_shortcuts_are_ignored_while_typing_in_the_search_box(page, two_files):
    page.goto(f"/{two_files.id}")
    page.click("header input[name=q]")
    page.keyboard.type("nr?")
    expect(page.locator("header input[name=q]")).to_have_value("nr?")
    assert page.url.endswith(f"/{two_files.id}")
    expect(page.locator("details#keys")).not_to_have_attribute("open", "")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_colours_follow_the_color_scheme(new_context, two_files, screenshot, scheme):
    page = new_context(color_scheme=scheme).new_page()
    page.goto(f"/{two_files.id}")
    background = page.eval_on_selector("body", "b => getComputedStyle(b).backgroundColor")
    text = page.eval_on_selector("body", "b => getComputedStyle(b).color")
    if scheme == "dark":
        assert luminance(background) < 0.2 < 0.8 < luminance(text), (background, text)
    else:
        assert luminance(text) < 0.2 < 0.8 < luminance(background), (background, text)
    screenshot(page, f"view-{scheme}")


# -- narrow screens --------------------------------------------------------------------------


def test_view_page_at_360px_scrolls_the_long_line_in_its_code_box_not_the_page(
    new_context, server, screenshot
):
    made = make_paste(server.url, {"long.py": LONG_LINE + PY_TEXT, "b.txt": "short\n"})
    page = new_context(viewport=NARROW).new_page()
    page.goto(f"/{made.id}")
    assert not has_horizontal_scroll(page)
    box = page.eval_on_selector(
        "#file-1 .code-wrap", "w => ({scroll: w.scrollWidth, client: w.clientWidth})"
    )
    assert box["scroll"] > box["client"], "the long line should overflow inside its code box"
    screenshot(page, "view-360px")


def test_the_code_does_not_move_when_the_script_has_run(new_context, two_files):
    """The Copy button appears with the script; its place is kept, so the page does not shift."""
    tops = []
    for javascript in (False, True):
        page = new_context(viewport=NARROW, java_script_enabled=javascript).new_page()
        page.goto(f"/{two_files.id}")
        page.wait_for_load_state("load")
        tops.append(page.eval_on_selector("#L1", "l => l.getBoundingClientRect().top"))
        expect(page.locator("#file-1 button.copy")).to_be_visible(visible=javascript)
    assert tops[0] == tops[1], tops


def test_form_page_at_360px_has_no_horizontal_scroll_even_with_a_long_line(new_context, screenshot):
    page = new_context(viewport=NARROW).new_page()
    page.goto("/")
    assert not has_horizontal_scroll(page)
    page.locator("textarea[name=content]").fill(LONG_LINE)
    page.click("button[name=add_file]")
    page.locator("input[name=name]").nth(1).fill("a-rather-long-file-name-" * 4 + ".txt")
    assert not has_horizontal_scroll(page)
    screenshot(page, "form-360px")


# -- burn after reading ----------------------------------------------------------------------


def test_burn_paste_shows_a_warning_instead_of_its_content(page, server, screenshot):
    made = make_paste(server.url, {"secret.txt": "the burn secret\n"}, burnAfterRead=True)
    page.goto(f"/{made.id}")
    expect(page.locator("h1")).to_contain_text("will be deleted after you read it")
    assert "the burn secret" not in page.content()
    screenshot(page, "burn-interstitial")
    # looking at the warning did not burn it
    assert fetch(f"{server.url}/{made.id}", "HEAD").status == 200


def test_burn_paste_is_shown_once_after_the_button_then_gone(page, server):
    made = make_paste(server.url, {"secret.txt": "the burn secret\n"}, burnAfterRead=True)
    page.goto(f"/{made.id}")
    page.click("button[type=submit]:has-text('Show it and delete it')")
    expect(page.locator("#L1 .lc")).to_have_text("the burn secret")
    expect(page.locator(".notice")).to_contain_text("the paste is gone from the server")

    again = page.goto(f"/{made.id}")
    assert again.status == 410
    expect(page.locator("h1")).to_have_text("This paste is gone")
    assert "the burn secret" not in page.content()


# -- search and errors -----------------------------------------------------------------------


def test_search_finds_a_public_paste_by_a_word_and_marks_it(page, server, screenshot):
    made = make_paste(
        server.url,
        {"deploy.sh": "echo start\nrsync --archive zanzibarquokka host:/srv\n"},
        title="Deploy script",
        exposure="public",
    )
    page.goto("/search?q=zanzibarquokka")
    hits = page.locator("ol.hits li")
    expect(hits).to_have_count(1)
    expect(hits.locator(".hit-head a")).to_have_attribute("href", f"/{made.id}")
    expect(hits.locator("pre.snippet mark")).to_have_text("zanzibarquokka")
    screenshot(page, "search")


def test_search_does_not_list_an_unlisted_paste(page, server):
    make_paste(server.url, {"a.txt": "quetzalwombat\n"}, exposure="unlisted")
    page.goto("/search?q=quetzalwombat")
    expect(page.locator(".empty")).to_contain_text("No public paste matches")
    expect(page.locator("ol.hits")).to_have_count(0)


def test_the_header_search_box_searches_on_enter(page, server):
    made = make_paste(server.url, {"a.txt": "platypusvortex\n"}, exposure="public")
    page.goto("/new")
    page.fill("header input[name=q]", "platypusvortex")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=platypusvortex")
    expect(page.locator("ol.hits li .hit-head a")).to_have_attribute("href", f"/{made.id}")


def test_an_unknown_paste_shows_the_not_found_page(page, screenshot):
    response = page.goto("/NoSuchPaste1")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("No such paste")
    expect(page.locator(".error-page .status")).to_have_text("404")
    screenshot(page, "not-found")
