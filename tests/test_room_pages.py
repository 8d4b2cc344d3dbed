"""Rooms in the browser without JavaScript: the start page and its two forms, the room page and
its PIN prompt, the forms that send text and files and delete the room, the join link and the
QR code of it (decoded in tests/browser/test_rooms_in_browser.py)."""

import base64
import html
import io
import re
from urllib.parse import urlsplit

import pytest
import segno
import webtest
from helpers import (
    BROWSER,
    CURL,
    assert_html_security_headers,
    csrf,
    element_text,
    multipart,
    post_form,
)

from pastebox.web.csrf import CSRF_COOKIE

ROOM_PATH = re.compile(r"/r/([23456789abcdefghjkmnpqrstuvwxyz]{10})")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))  # sniffed as image/png


def new_room(app, pin: str = "", status: int = 303) -> str:
    res = post_form(app, "/rooms", [("pin", pin), ("action", "new")], status=status)
    match = ROOM_PATH.fullmatch(res.headers["Location"])
    assert match, res.headers["Location"]
    return match.group(1)


def room_page(app, room_id: str, status: int = 200):
    return app.get(f"/r/{room_id}", headers=BROWSER, status=status)


def another_browser(app) -> webtest.TestApp:
    """A second device: the same app, none of the first browser's cookies."""
    return webtest.TestApp(app.app)


def send_text(app, room_id: str, text: str, status: int = 303, **fields: str):
    return post_form(app, f"/r/{room_id}/send", [("content", text), *fields.items()],
                     status=status)  # fmt: skip


def send_file(app, room_id: str, name: str, data: bytes, status: int = 303):
    return post_form(app, f"/r/{room_id}/upload", [("file", name, data)], status=status)


def join_link(page_text: str) -> str:
    return element_text(page_text, 'code id="join-link" class="join-link"')


# -- the start page --------------------------------------------------------------------------


def test_the_header_links_to_the_rooms_page(app):
    res = app.get("/new", headers=BROWSER, status=200)
    assert '<a href="/rooms">Rooms</a>' in res.text


def test_the_start_page_offers_a_new_room_and_joining_one_by_its_id(app):
    res = app.get("/rooms", headers=BROWSER, status=200)
    forms = [f for f in res.forms.values() if f.action == "/rooms"]
    assert len(forms) == 2
    fields = {name for f in forms for name in f.fields}
    assert {"csrf", "pin", "room", "action"} <= fields
    assert 'value="new"' in res.text and 'value="join"' in res.text


def test_a_new_room_without_a_pin_lands_on_its_page(app):
    room_id = new_room(app)
    res = room_page(app, room_id)
    assert "Room " + room_id[:5] + "-" + room_id[5:] in res.text
    assert 'id="send-form"' in res.text


def test_a_new_room_with_a_pin_lands_on_its_page_and_the_browser_that_made_it_stays_in(app):
    room_id = new_room(app, pin="4821")
    assert 'id="send-form"' in room_page(app, room_id).text


def test_a_pin_that_is_not_four_ascii_digits_comes_back_on_the_start_page(app):
    res = post_form(app, "/rooms", [("pin", "١٢٣٤"), ("action", "new")], status=400)
    assert 'class="error"' in res.text and 'action="/rooms"' in res.text


def test_join_goes_to_the_room_whatever_the_case_spaces_and_dashes_typed(app):
    room_id = new_room(app)
    typed = f" {room_id[:5].upper()}-{room_id[5:]} "
    res = post_form(app, "/rooms", [("room", typed), ("action", "join")], status=303)
    assert res.headers["Location"] == f"/r/{room_id}"


def test_join_with_something_that_is_no_room_id_comes_back_on_the_form_with_it(app):
    res = post_form(app, "/rooms", [("room", "no-such<b>"), ("action", "join")], status=400)
    assert 'value="no-such&lt;b&gt;"' in res.text


def test_a_room_address_typed_as_shown_goes_to_the_rooms_own_address(app):
    room_id = new_room(app)
    res = app.get(f"/r/{room_id[:5].upper()}-{room_id[5:]}", headers=BROWSER, status=303)
    assert res.headers["Location"] == f"/r/{room_id}"


def test_an_unknown_room_is_a_404_page_that_offers_the_start_forms(app):
    res = room_page(app, "abcdefghjk", status=404)
    assert 'action="/rooms"' in res.text


def test_the_start_page_forms_need_their_csrf_token(app):
    res = post_form(app, "/rooms", [("csrf", "x" * 43), ("action", "new")], status=403)
    assert 'class="error"' in res.text


# -- the PIN -------------------------------------------------------------------------------


def test_a_protected_room_asks_another_browser_for_its_pin(app):
    room_id = new_room(app, pin="4821")
    other = another_browser(app)
    res = room_page(other, room_id)
    assert f'action="/r/{room_id}/join"' in res.text
    assert 'id="send-form"' not in res.text
    assert res.headers["Cache-Control"] == "no-store"


def test_the_right_pin_opens_the_room_and_the_browser_stays_in_without_it(app):
    room_id = new_room(app, pin="4821")
    other = another_browser(app)
    res = post_form(other, f"/r/{room_id}/join", [("pin", "4821")], status=303)
    assert res.headers["Location"] == f"/r/{room_id}"
    assert 'id="send-form"' in room_page(other, room_id).text


def test_a_wrong_pin_is_a_403_page_with_the_prompt_again(app):
    room_id = new_room(app, pin="4821")
    other = another_browser(app)
    res = post_form(other, f"/r/{room_id}/join", [("pin", "1111")], status=403)
    assert f'action="/r/{room_id}/join"' in res.text and 'class="error"' in res.text
    assert "1111" not in res.text


def test_a_guesser_is_locked_out_on_the_prompt_with_retry_after(app):
    room_id = new_room(app, pin="4821")
    other = another_browser(app)
    statuses = [
        post_form(other, f"/r/{room_id}/join", [("pin", f"{n:04d}")], status="*").status_int
        for n in range(7)
    ]
    assert statuses[:5] == [403] * 5 and statuses[-1] == 429, statuses
    res = post_form(other, f"/r/{room_id}/join", [("pin", "4821")], status=429)
    assert int(res.headers["Retry-After"]) > 0
    assert f'action="/r/{room_id}/join"' in res.text
    assert 'id="send-form"' in room_page(app, room_id).text  # the maker stays in


def test_a_form_sent_to_a_protected_room_by_a_stranger_writes_nothing(app):
    room_id = new_room(app, pin="4821")
    other = another_browser(app)
    res = send_text(other, room_id, "intruder", status=401)
    assert f'action="/r/{room_id}/join"' in res.text
    assert "intruder" not in room_page(app, room_id).text


# -- the join link and its QR code ---------------------------------------------------------


def test_the_join_link_of_a_room_without_a_pin_is_its_address(app):
    room_id = new_room(app)
    assert join_link(room_page(app, room_id).text) == f"http://localhost:80/r/{room_id}"


def test_the_join_link_of_a_protected_room_lets_a_browser_in_without_the_pin(app):
    room_id = new_room(app, pin="4821")
    link = urlsplit(join_link(room_page(app, room_id).text))
    assert link.path == f"/r/{room_id}" and link.query.startswith("join=")
    other = another_browser(app)
    res = other.get(f"{link.path}?{link.query}", headers=BROWSER, status=303)
    assert res.headers["Location"] == f"/r/{room_id}"  # the token leaves the address bar
    assert 'id="send-form"' in room_page(other, room_id).text


def test_a_join_link_with_a_wrong_token_asks_for_the_pin(app):
    room_id = new_room(app, pin="4821")
    other = another_browser(app)
    res = other.get(f"/r/{room_id}?join={'A' * 43}", headers=BROWSER, status=403)
    assert f'action="/r/{room_id}/join"' in res.text


def test_the_qr_code_is_our_svg_of_the_join_link_never_cached(app):
    room_id = new_room(app)
    res = app.get(f"/r/{room_id}/qr.svg", status=200)
    assert res.headers["Content-Type"] == "image/svg+xml"
    assert res.headers["Cache-Control"] == "no-store"
    expected = io.BytesIO()
    segno.make(f"http://localhost:80/r/{room_id}", error="m").save(
        expected, kind="svg", scale=6, border=4, xmldecl=False,
        title="Join link of this room", dark="#000", light="#fff",
    )  # fmt: skip
    assert res.body == expected.getvalue()


def test_the_pages_qr_code_is_inline_and_of_the_join_link_it_shows(app):
    """One join token a page: the code and the link under it are the same link (a separate
    image request would mint a second token, and a page load two)."""
    room_id = new_room(app, pin="4821")
    text = room_page(app, room_id).text
    src = re.search(r'<img class="qr" src="data:image/svg\+xml;base64,([^"]+)"', text)
    assert src, "no inline QR code"
    expected = io.BytesIO()
    segno.make(html.unescape(join_link(text)), error="m").save(
        expected, kind="svg", scale=6, border=4, xmldecl=False,
        title="Join link of this room", dark="#000", light="#fff",
    )  # fmt: skip
    assert base64.b64decode(src.group(1)) == expected.getvalue()


def test_the_qr_code_of_a_protected_room_is_only_for_its_members(app):
    room_id = new_room(app, pin="4821")
    assert app.get(f"/r/{room_id}/qr.svg", status=200).body.startswith(b"<svg")
    another_browser(app).get(f"/r/{room_id}/qr.svg", status=401)


# -- sending, without JavaScript -----------------------------------------------------------


def test_the_text_form_sets_the_current_text_and_a_reload_shows_it_in_the_feed(app):
    room_id = new_room(app)
    res = send_text(app, room_id, "hello from the laptop\n")
    assert res.headers["Location"] == f"/r/{room_id}"
    text = room_page(app, room_id).text
    assert element_text(text, 'pre id="room-content" class="room-text"') == (
        "hello from the laptop\n"
    )
    assert text.count("hello from the laptop") == 2  # the current text, and the feed's item


def test_another_device_sees_the_text_sent_on_its_next_load(app):
    room_id = new_room(app)
    send_text(app, room_id, "for the phone")
    assert "for the phone" in room_page(another_browser(app), room_id).text


def test_an_empty_text_comes_back_on_the_room_page_with_an_error(app):
    room_id = new_room(app)
    res = send_text(app, room_id, "  \n", status=400)
    assert 'id="send-form"' in res.text
    assert '<p class="error" role="alert" id="room-error">' in res.text


def test_the_file_form_sends_a_file_the_feed_links_and_an_image_shows_as_an_image(app):
    room_id = new_room(app)
    send_file(app, room_id, "shot.png", PNG)
    send_file(app, room_id, "notes.txt", b"plain words\n")
    text = room_page(app, room_id).text
    images = re.findall(r'<img class="item-image" src="([^"]+)"', text)
    assert len(images) == 1 and images[0].endswith("/shot.png")
    assert app.get(images[0], status=200).body == PNG
    links = re.findall(r'<a class="item-file" href="([^"]+)"[^>]*>notes.txt</a>', text)
    assert app.get(links[0], status=200).body == b"plain words\n"


def test_the_file_form_without_a_file_comes_back_with_an_error(app):
    room_id = new_room(app)
    res = send_file(app, room_id, "", b"", status=400)
    assert 'id="room-error">' in res.text


def test_the_script_gets_json_from_the_same_forms(app):
    room_id = new_room(app)
    body, content_type = multipart(("csrf", csrf(app)), ("content", "by fetch"))
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    res = app.post(f"/r/{room_id}/send", body, headers=headers, status=200)
    assert res.json == {"success": True}
    body, content_type = multipart(("csrf", csrf(app)), ("content", " "))
    headers["Content-Type"] = content_type
    res = app.post(f"/r/{room_id}/send", body, headers=headers, status=400)
    assert res.json["field"] == "content"


def test_a_room_form_without_its_csrf_token_writes_nothing(app):
    room_id = new_room(app)
    send_text(app, room_id, "forged", status=403, csrf="y" * 43)
    assert "forged" not in room_page(app, room_id).text


def test_the_device_name_a_form_sends_is_shown_in_the_feed_and_kept_for_the_next_page(app):
    room_id = new_room(app)
    res = send_text(app, room_id, "named", device="Kitchen   tablet")
    assert any(c.startswith("pastebox_device=Kitchen%20tablet;") for c in
               res.headers.getall("Set-Cookie"))  # fmt: skip
    text = room_page(app, room_id).text
    assert '<span class="item-device">Kitchen tablet</span>' in text
    assert 'name="device" value="Kitchen tablet"' in text


def test_without_a_name_the_device_is_named_after_its_browser(app):
    room_id = new_room(app)
    agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
    app.get("/rooms", headers={**BROWSER, "User-Agent": agent})
    body, content_type = multipart(("csrf", app.cookies[CSRF_COOKIE]), ("content", "x"))
    headers = {**BROWSER, "Content-Type": content_type, "User-Agent": agent}
    app.post(f"/r/{room_id}/send", body, headers=headers, status=303)
    text = room_page(app, room_id).text
    device = element_text(text, 'span class="item-device"')
    assert "Chrome" in device and "Linux" in device


def test_what_devices_send_is_shown_inert(app):
    room_id = new_room(app)
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    send_text(app, room_id, hostile, device=hostile[:60])
    send_file(app, room_id, hostile.replace('"', "") + ".txt", b"x")  # a browser sends %22
    text = room_page(app, room_id).text
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "onerror=alert(1)>" not in text.replace("onerror=alert(1)&gt;", "")


# -- the page itself -------------------------------------------------------------------------


def test_the_room_page_loads_its_script_keeps_no_copy_and_says_how_long_it_lasts(app):
    room_id = new_room(app)
    res = room_page(app, room_id)
    assert re.findall(r"<script[^>]*>", res.text) == [
        '<script src="/static/pastebox.js" defer>',
        '<script src="/static/rooms.js" defer>',
    ]
    assert res.headers["Cache-Control"] == "no-store"
    assert "style=" not in res.text and "<style" not in res.text
    assert "1 device here" in res.text and "1 day left" in res.text
    assert f'data-feed="/api/rooms/{room_id}/feed"' in res.text
    assert app.get("/static/rooms.js", status=200).content_type == "text/javascript"


@pytest.mark.parametrize("which", ["start", "room", "prompt", "refused", "gone"])
def test_every_room_page_sends_the_security_headers(app, which):
    room_id = new_room(app, pin="4821")
    other = another_browser(app)
    res = {
        "start": lambda: app.get("/rooms", headers=BROWSER, status=200),
        "room": lambda: room_page(app, room_id),
        "prompt": lambda: room_page(other, room_id),
        "refused": lambda: post_form(other, f"/r/{room_id}/join", [("pin", "0000")], status=403),
        "gone": lambda: room_page(app, "abcdefghjk", status=404),
    }[which]()
    assert_html_security_headers(res)


def test_curl_gets_the_current_text_where_a_browser_gets_the_page(app):
    room_id = new_room(app)
    send_text(app, room_id, "just the text\n")
    res = app.get(f"/r/{room_id}", headers=CURL, status=200)
    assert res.body == b"just the text\n"


# -- delete --------------------------------------------------------------------------------


def test_delete_room_ends_it_for_every_device(app):
    room_id = new_room(app)
    other = another_browser(app)
    room_page(other, room_id)
    res = post_form(app, f"/r/{room_id}/delete", [], status=303)
    assert res.headers["Location"] == "/rooms?deleted=1"
    assert "deleted" in app.get(res.headers["Location"], headers=BROWSER).text
    room_page(other, room_id, status=404)


@pytest.mark.parametrize("path", ["send", "upload", "delete", "join"])
def test_the_forms_of_a_room_that_is_gone_are_404(app, path):
    room_id = new_room(app)
    post_form(app, f"/r/{room_id}/delete", [], status=303)
    post_form(app, f"/r/{room_id}/{path}", [("content", "x")], status=404)


def test_a_pin_in_the_address_lets_the_browser_in_and_leaves_the_address(app):
    room_id = new_room(app, pin="4821")
    other = another_browser(app)
    res = other.get(f"/r/{room_id}?pin=4821", headers=BROWSER, status=303)
    assert res.headers["Location"] == f"/r/{room_id}"
    assert 'id="send-form"' in room_page(other, room_id).text
