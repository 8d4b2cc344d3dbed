"""Rooms from the shell: `curl --data-binary @- host/r/ROOM` sends text (a body that is not
UTF-8: a file), `curl -T f host/r/ROOM/` a file of its name, `curl -F file=@f` a file,
`curl host/r/ROOM` prints the room's text; the PIN as `-H 'X-Room-Pin: 1234'`."""

from helpers import (
    JSON,
    PIN,
    ROOMS,
    TEXT_TYPE,
    WRONG_PIN,
    assert_json_error,
    curl_send,
    multipart,
    new_room,
    pin_header,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def file_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def content(app, room_id: str, headers=None) -> str:
    return app.get(f"{ROOMS}/{room_id}/content", headers=headers or {}).json["content"]


def feed(app, room_id: str) -> list[dict]:
    return app.get(f"{ROOMS}/{room_id}/feed").json["items"]


def test_a_utf8_body_posted_to_the_room_becomes_its_text(app):
    room_id = new_room(app)["roomId"]
    res = curl_send(app, f"/r/{room_id}", "naïve text\n".encode())
    assert res.text == f"http://localhost:80/r/{room_id}\n"
    assert content(app, room_id) == "naïve text\n"


def test_a_body_that_is_not_utf8_becomes_a_file(app):
    room_id = new_room(app)["roomId"]
    res = curl_send(app, f"/r/{room_id}", PNG)
    url = res.text.strip()
    assert app.get(file_path(url)).body == PNG
    assert feed(app, room_id)[0]["mediaType"] == "image/png"
    assert content(app, room_id) == ""


def test_put_to_the_room_with_a_name_makes_a_file_of_that_name(app):
    room_id = new_room(app)["roomId"]
    res = curl_send(app, f"/r/{room_id}/notes.txt", b"plain text\n", "PUT")
    assert res.text.strip().endswith("/notes.txt")
    assert feed(app, room_id)[0]["name"] == "notes.txt"
    assert app.get(file_path(res.text.strip())).body == b"plain text\n"


def test_put_to_the_room_without_a_name_sends_text(app):
    room_id = new_room(app)["roomId"]
    curl_send(app, f"/r/{room_id}", b"put text", "PUT")
    assert content(app, room_id) == "put text"


def test_a_form_file_is_a_file_and_a_form_content_field_is_text(app):
    room_id = new_room(app)["roomId"]
    body, content_type = multipart(("file", "shot.png", PNG))
    res = curl_send(app, f"/r/{room_id}", body, content_type=content_type)
    assert app.get(file_path(res.text.strip())).body == PNG
    body, content_type = multipart(("content", "from a form"))
    curl_send(app, f"/r/{room_id}", body, content_type=content_type)
    assert content(app, room_id) == "from a form"


def test_curl_reads_the_rooms_text_exactly(app):
    room_id = new_room(app)["roomId"]
    curl_send(app, f"/r/{room_id}", b"line one\nline two")
    res = app.get(f"/r/{room_id}", headers={"Accept": "*/*"})
    assert res.body == b"line one\nline two"
    assert res.headers["Content-Type"] == TEXT_TYPE


def test_the_pin_goes_in_the_x_room_pin_header(app):
    room_id = new_room(app, PIN)["roomId"]
    app.reset()  # curl keeps no cookies
    curl_send(app, f"/r/{room_id}", b"guarded", headers=pin_header(PIN))
    assert content(app, room_id, pin_header(PIN)) == "guarded"
    res = app.get(f"/r/{room_id}", headers={"Accept": "*/*", **pin_header(PIN)})
    assert res.body == b"guarded"


def test_curl_without_the_pin_is_401_and_with_a_wrong_one_403(app):
    room_id = new_room(app, PIN)["roomId"]
    app.reset()
    assert_json_error(curl_send(app, f"/r/{room_id}", b"x", status=401), 401, "pin_required")
    res = curl_send(app, f"/r/{room_id}", b"x", headers=pin_header(WRONG_PIN), status=403)
    assert_json_error(res, 403, "wrong_pin")
    assert_json_error(app.get(f"/r/{room_id}", headers={"Accept": "*/*"}, status=401), 401)


def test_sending_to_an_unknown_room_is_404(app):
    assert_json_error(curl_send(app, "/r/zzzzzzzzzz", b"x", status=404), 404, "room_not_found")


def test_curl_asking_for_json_gets_the_apis_reply(app):
    room_id = new_room(app)["roomId"]
    res = curl_send(app, f"/r/{room_id}", b"as json", headers=JSON)
    assert res.json["success"] is True and res.json["content"] == "as json"
    res = curl_send(app, f"/r/{room_id}/a.png", PNG, "PUT", headers=JSON)
    assert res.json["fileName"] == "a.png" and res.json["fileSize"] == len(PNG)
