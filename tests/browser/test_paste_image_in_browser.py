"""Ctrl/Cmd+V of an image on the new-paste page, in chromium: the image becomes a file of the
form's upload input (named paste-<time>.png) and the created paste's page shows it."""

import re

import pytest
from helpers import PASTES, fetch, png_image

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

VIEW_URL = re.compile(r"^http://[^/]+/[A-Za-z0-9_-]+$")
PASTED_NAME = re.compile(r"paste-\d{8}-\d{6}\.png")
# A paste event as the browser fires it for Ctrl/Cmd+V: its clipboardData holds a PNG file
# (as a screenshot tool leaves it) and, if given, plain text beside it.
PASTE_IMAGE = """([selector, bytes, text]) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], "image.png", { type: "image/png" }));
    if (text) data.setData("text/plain", text);
    const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    document.querySelector(selector).dispatchEvent(event);
    return event.defaultPrevented;
}"""
UPLOADS = "input[type=file][name=upload]"


def chosen_files(page) -> list[str]:
    return page.eval_on_selector(UPLOADS, "input => Array.from(input.files, f => f.name)")


def test_a_pasted_image_is_uploaded_with_the_paste_and_shown_on_its_page(page, server):
    page.goto("/new")
    page.fill("input[name=title]", "A screenshot")
    area = "textarea[name=content]"
    page.focus(area)

    taken = page.evaluate(PASTE_IMAGE, [area, list(png_image()), ""])

    assert taken, "the paste event is handled, so nothing lands in the text box"
    (name,) = chosen_files(page)
    assert PASTED_NAME.fullmatch(name), name
    expect(page.locator("#form-pasted")).to_contain_text(name)
    expect(page.locator(area)).to_have_value("")
    page.click("button[name=submit]")
    page.wait_for_url(VIEW_URL)
    paste_id = page.url.rsplit("/", 1)[1]
    image = page.locator("section.file figure.image img")
    expect(image).to_have_attribute("src", f"/raw/{paste_id}/{name}")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 3, "the PNG decoded"
    stored = fetch(f"{server.url}{PASTES}/{paste_id}").json()
    assert [f["name"] for f in stored["files"]] == [name]
    raw = fetch(f"{server.url}/raw/{paste_id}/{name}")
    assert raw.body == png_image()


def test_a_second_pasted_image_joins_the_first(page):
    page.goto("/new")
    page.evaluate(PASTE_IMAGE, ["main", list(png_image()), ""])
    page.evaluate(PASTE_IMAGE, ["main", list(png_image(5, 5)), ""])
    assert len(chosen_files(page)) == 2


def test_a_paste_that_carries_text_is_left_to_the_text_box(page):
    page.goto("/new")
    # Cells copied from a spreadsheet come as their text and a picture of them.
    taken = page.evaluate(PASTE_IMAGE, ["textarea[name=content]", list(png_image()), "a\tb\n"])
    assert not taken
    assert chosen_files(page) == []
    expect(page.locator("#form-pasted")).to_be_hidden()
