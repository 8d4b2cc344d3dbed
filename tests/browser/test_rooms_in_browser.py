"""Rooms in a real browser: two devices (two contexts, their own cookies) on one room see each
other's text and images without a reload; the page's QR code, photographed, reads back as the
join link (zbarimg); Copy works without navigator.clipboard; the page works without
JavaScript; and the page polls fast while visible, slowly while hidden."""

import re
import struct
import subprocess
import zlib

import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

ROOM_URL = re.compile(r".*/r/([23456789abcdefghjkmnpqrstuvwxyz]{10})$")
LIVE_MS = 2000  # the "within ~2 s, without a reload"
# A copy listener keeps what the fallback (a selected textarea + execCommand) put on the clipboard.
NO_ASYNC_CLIPBOARD = """
delete Navigator.prototype.clipboard;
document.addEventListener("copy", (event) => {
  const t = event.target;
  window.copied = t && t.value !== undefined ? t.value.slice(t.selectionStart, t.selectionEnd)
                                             : String(document.getSelection());
});
"""
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36"
)
HIDDEN_PAGE = """
Object.defineProperty(Document.prototype, "visibilityState", { get: () => "hidden" });
Object.defineProperty(Document.prototype, "hidden", { get: () => true });
"""


def png(width: int = 8, height: int = 8) -> bytes:
    """A real PNG (a red square) that a browser draws, so an <img> of it has a natural size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


def open_new_room(page, pin: str = "") -> str:
    page.goto("/rooms")
    if pin:
        page.fill('input[name="pin"]', pin)
    page.click('button[value="new"]')
    page.wait_for_url(ROOM_URL)
    return ROOM_URL.match(page.url).group(1)


def two_devices(new_context, pin: str = ""):
    laptop, phone = new_context().new_page(), new_context().new_page()
    room_id = open_new_room(laptop, pin)
    return laptop, phone, room_id


def not_reloaded(page) -> None:
    """Mark the document: the mark survives only as long as no reload replaces it."""
    page.evaluate("window.sameDocument = true")


def still_the_same_document(page) -> bool:
    return page.evaluate("window.sameDocument === true")


def drop_image(page, data: bytes, name: str = "shot.png") -> None:
    page.eval_on_selector(
        "#send-form",
        """(target, [bytes, name]) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], name, { type: "image/png" }));
            target.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: data }));
        }""",
        [list(data), name],
    )


def read_qr(page, tmp_path) -> str:
    path = tmp_path / "qr.png"
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    page.wait_for_function("document.querySelector('img.qr').naturalWidth > 0")
    qr.screenshot(path=str(path))
    done = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True,
                          timeout=30)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# -- live between devices --------------------------------------------------------------------


def test_text_sent_on_one_device_shows_on_the_other_within_two_seconds_without_a_reload(
    new_context,
):
    laptop, phone, room_id = two_devices(new_context)
    phone.goto(f"/r/{room_id}")
    not_reloaded(phone)
    laptop.fill("#room-text", "from the laptop")
    laptop.click("#send-form button[type=submit]")
    expect(laptop.locator("#feed .item-body")).to_have_text(["from the laptop"])
    expect(laptop.locator("#room-text")).to_have_value("")
    expect(phone.locator("#room-content")).to_have_text("from the laptop", timeout=LIVE_MS)
    expect(phone.locator("#feed .item-body")).to_have_text(["from the laptop"])
    assert still_the_same_document(phone)


def test_an_image_dropped_on_one_device_shows_as_an_image_on_the_other(new_context):
    laptop, phone, room_id = two_devices(new_context)
    phone.goto(f"/r/{room_id}")
    not_reloaded(phone)
    drop_image(laptop, png())
    image = phone.locator("#feed img.item-image")
    expect(image).to_have_count(1, timeout=5000)
    expect(image).to_have_attribute("alt", "shot.png")
    phone.wait_for_function("document.querySelector('#feed img.item-image').naturalWidth === 8")
    assert still_the_same_document(phone)


def test_an_image_pasted_into_the_page_is_sent_to_the_room(new_context):
    laptop, phone, room_id = two_devices(new_context)
    phone.goto(f"/r/{room_id}")
    laptop.eval_on_selector(
        "#room-text",
        """(target, bytes) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], "image.png", { type: "image/png" }));
            target.dispatchEvent(new ClipboardEvent("paste", { bubbles: true, cancelable: true, clipboardData: data }));
        }""",
        list(png()),
    )
    expect(phone.locator("#feed img.item-image")).to_have_count(1, timeout=5000)
    expect(laptop.locator("#room-text")).to_have_value(
        ""
    )  # the image went to the room, not the box


def test_a_file_picked_is_sent_and_linked_on_the_other_device(new_context):
    laptop, phone, room_id = two_devices(new_context)
    phone.goto(f"/r/{room_id}")
    laptop.set_input_files('#upload-form input[type="file"]',
                           files=[{"name": "notes.txt", "mimeType": "text/plain",
                                   "buffer": b"plain words\n"}])  # fmt: skip
    link = phone.locator("#feed a.item-file")
    expect(link).to_have_text("notes.txt", timeout=5000)
    reply = phone.request.get(link.get_attribute("href"))
    assert reply.body() == b"plain words\n"


def test_the_device_count_grows_when_another_device_opens_the_room(new_context):
    # Devices without a token (a room without a PIN) count by address and browser: the phone
    # is another browser on the same address.
    laptop = new_context().new_page()
    phone = new_context(user_agent=PHONE_AGENT).new_page()
    room_id = open_new_room(laptop)
    expect(laptop.locator("#room-devices")).to_have_text("1 device here")
    phone.goto(f"/r/{room_id}")
    expect(laptop.locator("#room-devices")).to_have_text("2 devices here", timeout=5000)


# -- the QR code -----------------------------------------------------------------------------


def test_the_qr_code_on_the_page_reads_as_the_rooms_link(new_context, server, tmp_path):
    laptop = new_context().new_page()
    room_id = open_new_room(laptop)
    assert read_qr(laptop, tmp_path) == f"{server.url}/r/{room_id}"


def test_the_qr_code_of_a_protected_room_lets_the_phone_in_without_the_pin(
    new_context, server, tmp_path
):
    laptop, phone, room_id = two_devices(new_context, pin="2580")
    link = read_qr(laptop, tmp_path)
    assert link.startswith(f"{server.url}/r/{room_id}?join=")
    phone.goto(link)
    expect(phone.locator("#send-form")).to_be_visible()
    assert phone.url == f"{server.url}/r/{room_id}"  # the token left the address bar
    phone.reload()  # and the phone stays in on its device token
    expect(phone.locator("#send-form")).to_be_visible()


def test_a_protected_room_asks_for_the_pin_and_the_right_one_opens_it(new_context):
    laptop, phone, room_id = two_devices(new_context, pin="2580")
    phone.goto(f"/r/{room_id}")
    phone.fill('input[name="pin"]', "2580")
    phone.click("form.room-pin button")
    expect(phone.locator("#send-form")).to_be_visible()


# -- copy ------------------------------------------------------------------------------------


def test_copy_falls_back_to_a_selection_where_the_async_clipboard_is_missing(new_context):
    context = new_context()
    context.add_init_script(NO_ASYNC_CLIPBOARD)
    page = context.new_page()
    open_new_room(page)
    assert page.evaluate("navigator.clipboard === undefined")
    page.fill("#room-text", "copy me\nall of me")
    page.click("#send-form button[type=submit]")
    expect(page.locator("#room-content")).to_have_text("copy me\nall of me")
    page.click(".room-current button.copy")
    expect(page.locator(".room-current button.copy")).to_have_text("Copied")
    assert page.evaluate("window.copied") == "copy me\nall of me"
    page.click("#feed .item button.copy")
    assert page.evaluate("window.copied") == "copy me\nall of me"


def test_copy_puts_a_feed_text_on_the_clipboard_where_the_async_clipboard_is(new_context):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_new_room(page)
    page.fill("#room-text", "to the clipboard")
    page.click("#send-form button[type=submit]")
    page.click("#feed .item button.copy")
    expect(page.locator("#feed .item button.copy")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "to the clipboard"


# -- without JavaScript ----------------------------------------------------------------------


def test_the_room_works_without_javascript_as_forms_and_a_reload(new_context):
    page = new_context(java_script_enabled=False).new_page()
    room_id = open_new_room(page)
    page.fill("#room-text", "sent by a form")
    page.click("#send-form button[type=submit]")
    page.wait_for_url(f"**/r/{room_id}")
    page.set_input_files('#upload-form input[type="file"]',
                         files=[{"name": "shot.png", "mimeType": "image/png", "buffer": png()}])  # fmt: skip
    page.click('#upload-form button[type="submit"]')
    page.wait_for_url(f"**/r/{room_id}")
    page.reload()
    expect(page.locator("#room-content")).to_have_text("sent by a form")
    expect(page.locator("#feed img.item-image")).to_have_count(1)
    expect(page.locator("#feed .item-body")).to_have_text(["sent by a form"])


@pytest.mark.parametrize("javascript", [True, False])
def test_the_room_page_reads_at_360_px_without_sideways_scrolling(new_context, javascript):
    context = new_context(viewport={"width": 360, "height": 740}, java_script_enabled=javascript)
    page = context.new_page()
    open_new_room(page, pin="2580")
    page.fill("#room-text", "a-long-unbroken-line-" * 20)
    page.click("#send-form button[type=submit]")
    expect(page.locator("#feed .item-body")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# -- polling ---------------------------------------------------------------------------------


def feed_requests(page, seconds: float) -> list[int]:
    """The statuses of the feed polls the page makes in `seconds`."""
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/feed" in r.url else None)
    page.wait_for_timeout(seconds * 1000)  # the browser's own clock: its timers drive the polls
    return statuses


def test_a_visible_page_polls_about_every_second_and_an_unchanged_feed_is_a_304(new_context):
    page = new_context().new_page()
    open_new_room(page)
    statuses = feed_requests(page, 3.5)
    assert 2 <= len(statuses) <= 5, statuses
    assert statuses.count(304) >= len(statuses) - 1, statuses


def test_a_hidden_page_polls_slowly(new_context):
    context = new_context()
    context.add_init_script(HIDDEN_PAGE)
    page = context.new_page()
    open_new_room(page)
    assert len(feed_requests(page, 3.5)) <= 1
