"""Files sent to a room: the exact bytes back at fileUrl, the size enforced while reading (10 MiB
+ 1 byte is 413 and stores nothing), the type sniffed from the bytes (never the client's), and
anything that could run script (HTML, SVG) served sandboxed and as an attachment."""

import sqlite3

import pytest
from helpers import MIB, ROOMS, assert_json_error, curl_send, multipart, new_room, room_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def file_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def stored_items(db_path: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM room_items").fetchone()[0]


def test_the_file_url_serves_every_byte_exactly(app):
    room_id = new_room(app)["roomId"]
    data = bytes(range(256)) * 1000 + b"\r\n\x00"
    url = room_upload(app, room_id, "all.bin", data).json["fileUrl"]
    res = app.get(file_path(url))
    assert res.body == data
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Cache-Control"] == "no-store"


def test_a_file_of_exactly_the_limit_is_taken(app):
    room_id = new_room(app)["roomId"]
    assert room_upload(app, room_id, "big.bin", b"a" * (10 * MIB)).json["fileSize"] == 10 * MIB


def test_a_file_one_byte_over_ten_mib_is_413_and_nothing_is_stored(app, db_path):
    room_id = new_room(app)["roomId"]
    res = room_upload(app, room_id, "big.bin", b"a" * (10 * MIB + 1), status=413)
    assert_json_error(res, 413)
    assert stored_items(db_path) == 0
    assert app.get(f"{ROOMS}/{room_id}/feed").json["items"] == []


def test_a_curl_body_one_byte_over_ten_mib_is_413_and_nothing_is_stored(app, db_path):
    room_id = new_room(app)["roomId"]
    res = curl_send(app, f"/r/{room_id}/big.bin", b"\xff" * (10 * MIB + 1), "PUT", status=413)
    assert res.status_int == 413
    assert stored_items(db_path) == 0


@pytest.mark.parametrize("name,data", [("page.html", HTML), ("logo.svg", SVG)])
def test_html_and_svg_come_back_sandboxed_and_as_attachments(app, name, data):
    room_id = new_room(app)["roomId"]
    url = room_upload(app, room_id, name, data).json["fileUrl"]
    res = app.get(file_path(url))
    assert res.body == data
    assert res.headers["Content-Security-Policy"] == "sandbox"
    assert res.headers["Content-Disposition"].startswith("attachment")
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_the_clients_media_type_is_never_used(app):
    room_id = new_room(app)["roomId"]
    body, content_type = multipart(("file", "cat.png", HTML, "image/png"))
    res = app.post(f"{ROOMS}/{room_id}/upload", body, headers={"Content-Type": content_type})
    served = app.get(file_path(res.json["fileUrl"]))
    assert not served.headers["Content-Type"].startswith("image/")
    assert served.headers["Content-Disposition"].startswith("attachment")


def test_an_image_is_shown_inline_and_downloaded_on_request(app):
    room_id = new_room(app)["roomId"]
    url = room_upload(app, room_id, "shot.png", PNG).json["fileUrl"]
    res = app.get(file_path(url))
    assert res.headers["Content-Type"] == "image/png"
    assert res.headers["Content-Disposition"].startswith("inline")
    assert res.headers["Content-Security-Policy"] == "sandbox"
    download = app.get(file_path(url) + "?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_file_name_loses_its_path_but_keeps_its_letters(app):
    room_id = new_room(app)["roomId"]
    body = room_upload(app, room_id, "../../etc/Grüße 🎉.txt", b"hi").json
    assert body["fileName"] == "Grüße 🎉.txt"
    res = app.get(file_path(body["fileUrl"]))
    assert (
        "filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%F0%9F%8E%89.txt" in res.headers["Content-Disposition"]
    )
