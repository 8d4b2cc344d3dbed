"""The rooms API, field for field the seed's (POST/GET/DELETE /api/rooms/ID, its content and
uploads) and the feed the room page polls: every field, status and error, ISO-8601 Z times, and
the PIN by ?pin=, X-Room-Pin or the JSON body (missing 401, wrong 403, on every room route)."""

import pytest
from helpers import (
    DAY,
    HOUR,
    ISO_Z_RE,
    NO_ROOM,
    PIN,
    ROOM_ID_RE,
    ROOMS,
    WRONG_PIN,
    assert_json_error,
    device_header,
    from_address,
    iso,
    new_room,
    pin_header,
    room_upload,
)

from pastebox.core.rooms import MAX_DEVICE_KEYS

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


def file_path(url: str) -> str:
    """The path of an absolute file URL (webtest takes paths)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# -- POST /api/rooms ---------------------------------------------------------------------------


def test_a_room_without_a_pin_is_created_with_the_seeds_fields(app, clock):
    res = app.post_json(ROOMS, {}, status=201)
    body = res.json
    assert ROOM_ID_RE.fullmatch(body["roomId"])
    assert body["hasPin"] is False
    assert ISO_Z_RE.fullmatch(body["expiresAt"])
    assert body["expiresAt"] == iso(clock.now + DAY)
    assert body["url"] == f"http://localhost:80/r/{body['roomId']}"
    assert "joinUrl" not in body
    assert res.headers["Cache-Control"] == "no-store"


def test_an_empty_body_makes_a_room_without_a_pin(app):
    res = app.post(ROOMS, b"", status=201)
    assert res.json["hasPin"] is False


def test_a_room_with_a_pin_says_so_and_gives_a_join_link_and_a_device_token(app):
    res = app.post_json(ROOMS, {"pin": PIN}, status=201)
    body = res.json
    assert body["hasPin"] is True
    assert body["joinUrl"].startswith(f"{body['url']}?join=")
    assert len(res.headers["X-Device-Token"]) >= 43


def test_two_rooms_get_different_ids(app):
    assert new_room(app)["roomId"] != new_room(app)["roomId"]


@pytest.mark.parametrize("pin", ["123", "12345", "abcd", "١٢٣٤", "12 4", " 1234", "1234\n", ""])
def test_a_pin_that_is_not_four_ascii_digits_is_refused_at_create(app, pin):
    res = app.post_json(ROOMS, {"pin": pin}, status=400)
    assert_json_error(res, 400, "invalid_pin")


def test_a_pin_given_as_a_number_is_refused(app):
    assert_json_error(app.post_json(ROOMS, {"pin": 1234}, status=400), 400, "invalid_pin")


def test_an_unknown_field_at_create_is_refused(app):
    assert_json_error(app.post_json(ROOMS, {"pin": PIN, "ttl": 5}, status=400), 400)


def test_a_body_that_is_not_json_is_refused(app):
    res = app.post(ROOMS, b"{not json", headers={"Content-Type": "application/json"}, status=400)
    assert_json_error(res, 400, "invalid_json")


# -- GET /api/rooms/ID -------------------------------------------------------------------------


def test_room_info_has_the_seeds_fields(app):
    room = new_room(app)
    body = app.get(f"{ROOMS}/{room['roomId']}").json
    assert set(body) == {"roomId", "expiresAt", "hasPin", "deviceCount"}
    assert body["roomId"] == room["roomId"]
    assert body["expiresAt"] == room["expiresAt"]
    assert body["hasPin"] is False
    assert body["deviceCount"] == 1


def test_device_count_is_the_distinct_devices_seen_lately(app, clock):
    room_id = new_room(app)["roomId"]
    for addr in ("10.0.0.1", "10.0.0.2", "10.0.0.2"):
        app.get(f"{ROOMS}/{room_id}", extra_environ=from_address(addr))
    assert (
        app.get(f"{ROOMS}/{room_id}", extra_environ=from_address("10.0.0.2")).json["deviceCount"]
        >= 2
    )
    clock.advance(HOUR)  # past the device window: only the one asking now is seen
    assert app.get(f"{ROOMS}/{room_id}").json["deviceCount"] == 1


def test_a_room_id_is_read_in_any_case_and_with_its_dash(app):
    room_id = new_room(app)["roomId"]
    shown = f"{room_id[:5]}-{room_id[5:]}".upper()
    assert app.get(f"{ROOMS}/{shown}").json["roomId"] == room_id


@pytest.mark.parametrize("room_id", [NO_ROOM, "abc", "0000000000", "x" * 200])
def test_an_unknown_room_is_404(app, room_id):
    assert_json_error(app.get(f"{ROOMS}/{room_id}", status=404), 404, "room_not_found")


def test_an_expired_room_is_404(app, clock):
    room_id = new_room(app)["roomId"]
    clock.advance(DAY + 1)
    assert_json_error(app.get(f"{ROOMS}/{room_id}", status=404), 404, "room_not_found")
    assert_json_error(app.get(f"{ROOMS}/{room_id}/content", status=404), 404)


def test_activity_moves_expires_at_up_to_the_rooms_longest_life(app, clock):
    room_id = new_room(app)["roomId"]
    for _ in range(7):
        clock.advance(DAY - HOUR)
        app.put_json(f"{ROOMS}/{room_id}/content", {"content": "still here"})
    created = clock.now - 7 * (DAY - HOUR)
    body = app.get(f"{ROOMS}/{room_id}").json
    assert body["expiresAt"] == iso(min(clock.now + DAY, created + 7 * DAY))
    clock.advance(DAY)
    app.get(f"{ROOMS}/{room_id}", status=404)


# -- content -----------------------------------------------------------------------------------


def test_put_content_answers_success_content_and_timestamp(app, clock):
    room_id = new_room(app)["roomId"]
    clock.advance(5)
    body = app.put_json(f"{ROOMS}/{room_id}/content", {"content": "héllo\n"}).json
    assert body == {"success": True, "content": "héllo\n", "timestamp": iso(clock.now)}


def test_post_content_works_as_put_does(app):
    room_id = new_room(app)["roomId"]
    assert app.post_json(f"{ROOMS}/{room_id}/content", {"content": "x"}).json["success"] is True
    assert app.get(f"{ROOMS}/{room_id}/content").json["content"] == "x"


def test_get_content_answers_the_last_text_and_its_time(app, clock):
    room_id = new_room(app)["roomId"]
    app.put_json(f"{ROOMS}/{room_id}/content", {"content": "first"})
    clock.advance(60)
    app.put_json(f"{ROOMS}/{room_id}/content", {"content": "second"})
    body = app.get(f"{ROOMS}/{room_id}/content").json
    assert body == {"content": "second", "timestamp": iso(clock.now)}
    assert ISO_Z_RE.fullmatch(body["timestamp"])


def test_a_new_room_has_empty_content(app):
    room_id = new_room(app)["roomId"]
    body = app.get(f"{ROOMS}/{room_id}/content").json
    assert body["content"] == ""
    assert ISO_Z_RE.fullmatch(body["timestamp"])


@pytest.mark.parametrize("body", [{}, {"content": 5}, {"content": None}, {"content": ["a"]}])
def test_content_must_be_a_string(app, body):
    room_id = new_room(app)["roomId"]
    res = app.put_json(f"{ROOMS}/{room_id}/content", body, status=400)
    assert_json_error(res, 400, "content_required")


def test_an_unknown_field_in_content_is_refused(app):
    room_id = new_room(app)["roomId"]
    res = app.put_json(f"{ROOMS}/{room_id}/content", {"content": "a", "extra": 1}, status=400)
    assert_json_error(res, 400)


def test_content_of_an_unknown_room_is_404(app):
    res = app.put_json(f"{ROOMS}/{NO_ROOM}/content", {"content": "a"}, status=404)
    assert_json_error(res, 404, "room_not_found")


# -- upload and files ----------------------------------------------------------------------------


def test_upload_answers_success_file_url_name_and_size(app):
    room_id = new_room(app)["roomId"]
    body = room_upload(app, room_id, "shot.png", PNG).json
    assert body["success"] is True
    assert body["fileName"] == "shot.png"
    assert body["fileSize"] == len(PNG)
    assert body["fileUrl"].startswith(f"http://localhost:80/r/{room_id}/files/")
    assert body["fileUrl"].endswith("/shot.png")


def test_the_file_url_serves_the_exact_bytes(app):
    room_id = new_room(app)["roomId"]
    data = bytes(range(256)) * 40
    url = room_upload(app, room_id, "blob.bin", data).json["fileUrl"]
    assert app.get(file_path(url)).body == data


def test_upload_without_a_file_field_is_refused(app):
    from helpers import multipart

    room_id = new_room(app)["roomId"]
    body, content_type = multipart(("other", "x.txt", b"x"))
    res = app.post(
        f"{ROOMS}/{room_id}/upload", body, headers={"Content-Type": content_type}, status=400
    )
    assert_json_error(res, 400, "file_required")


def test_a_file_of_another_room_is_404(app):
    one, two = new_room(app)["roomId"], new_room(app)["roomId"]
    url = room_upload(app, one, "a.txt", b"secret").json["fileUrl"]
    app.get(file_path(url).replace(one, two), status=404)


def test_an_unknown_file_key_is_404(app):
    room_id = new_room(app)["roomId"]
    app.get(f"/r/{room_id}/files/nosuchkey/a.txt", status=404)


# -- DELETE ------------------------------------------------------------------------------------


def test_delete_answers_the_seeds_message_and_the_room_is_gone(app):
    room_id = new_room(app)["roomId"]
    url = room_upload(app, room_id, "a.txt", b"bytes").json["fileUrl"]
    res = app.delete(f"{ROOMS}/{room_id}")
    assert res.json == {"success": True, "message": "Room deleted successfully"}
    assert_json_error(app.get(f"{ROOMS}/{room_id}", status=404), 404, "room_not_found")
    app.get(file_path(url), status=404)
    app.delete(f"{ROOMS}/{room_id}", status=404)


# -- the PIN: ?pin=, X-Room-Pin, JSON; missing 401, wrong 403 --------------------------------


def pin_room(app) -> str:
    """A PIN room made by another client (its device token unused here; its cookie dropped)."""
    room_id = new_room(app, PIN, extra_environ=from_address("10.9.9.9"))["roomId"]
    app.reset()
    return room_id


def test_the_pin_opens_a_room_by_query(app):
    room_id = pin_room(app)
    assert app.get(f"{ROOMS}/{room_id}?pin={PIN}").json["hasPin"] is True


def test_the_pin_opens_a_room_by_header(app):
    room_id = pin_room(app)
    assert app.get(f"{ROOMS}/{room_id}/content", headers=pin_header(PIN)).json["content"] == ""


def test_the_pin_opens_a_room_by_json_field(app):
    room_id = pin_room(app)
    body = {"content": "by json", "pin": PIN}
    assert app.put_json(f"{ROOMS}/{room_id}/content", body).json["content"] == "by json"


def test_the_pin_opens_a_room_by_form_field_on_upload(app):
    from helpers import multipart

    room_id = pin_room(app)
    body, content_type = multipart(("pin", PIN), ("file", "a.txt", b"hi"))
    res = app.post(f"{ROOMS}/{room_id}/upload", body, headers={"Content-Type": content_type})
    assert res.json["fileSize"] == 2


def room_requests(app, room_id: str, file_url: str):
    """Every room route, as (name, function of headers and query -> response)."""
    upload_body = {"file": ("a.txt", b"x")}
    return {
        "info": lambda h, q, s: app.get(f"{ROOMS}/{room_id}{q}", headers=h, status=s),
        "get content": lambda h, q, s: app.get(
            f"{ROOMS}/{room_id}/content{q}", headers=h, status=s
        ),
        "put content": lambda h, q, s: app.put_json(
            f"{ROOMS}/{room_id}/content{q}", {"content": "x"}, headers=h, status=s
        ),
        "upload": lambda h, q, s: app.post(
            f"{ROOMS}/{room_id}/upload{q}",
            upload_files=[("file", *upload_body["file"])],
            headers=h,
            status=s,
        ),
        "file": lambda h, q, s: app.get(file_path(file_url) + q, headers=h, status=s),
        "feed": lambda h, q, s: app.get(f"{ROOMS}/{room_id}/feed{q}", headers=h, status=s),
        "delete": lambda h, q, s: app.delete(f"{ROOMS}/{room_id}{q}", headers=h, status=s),
    }


ROUTES = ("info", "get content", "put content", "upload", "file", "feed", "delete")


@pytest.fixture
def guarded(app):
    """A PIN room with one file, made by another client: (room id, file URL)."""
    made = new_room(app, PIN, extra_environ=from_address("10.9.9.9"))
    url = room_upload(
        app, made["roomId"], "a.txt", b"secret", headers=device_header(made["deviceToken"])
    ).json["fileUrl"]
    app.reset()  # the maker's cookie is not this client's
    return made["roomId"], url


@pytest.mark.parametrize("route", ROUTES)
def test_a_missing_pin_is_401_on_every_room_route(app, guarded, route):
    send = room_requests(app, *guarded)[route]
    assert_json_error(send({}, "", 401), 401, "pin_required")


@pytest.mark.parametrize("route", ROUTES)
def test_a_wrong_pin_is_403_on_every_room_route(app, guarded, route):
    send = room_requests(app, *guarded)[route]
    assert_json_error(send(pin_header(WRONG_PIN), "", 403), 403, "wrong_pin")


@pytest.mark.parametrize("route", ROUTES)
def test_the_right_pin_opens_every_room_route(app, guarded, route):
    send = room_requests(app, *guarded)[route]
    assert send(pin_header(PIN), "", "*").status_int == 200
    assert send({}, f"?pin={PIN}", "*").status_int in (200, 404)  # delete went first: gone


def test_the_creators_device_token_opens_a_pin_room_without_the_pin(app):
    made = new_room(app, PIN)
    headers = device_header(made["deviceToken"])
    assert app.get(f"{ROOMS}/{made['roomId']}", headers=headers).json["hasPin"] is True


def test_a_right_pin_alone_opens_the_room_for_that_request_and_hands_no_token(app):
    room_id = pin_room(app)
    res = app.get(f"{ROOMS}/{room_id}", headers=pin_header(PIN))
    assert "X-Device-Token" not in res.headers
    assert "Set-Cookie" not in res.headers


def test_a_right_pin_with_x_room_join_hands_the_device_a_token_that_works_alone(app):
    room_id = pin_room(app)
    headers = {**pin_header(PIN), "X-Room-Join": "1"}
    token = app.get(f"{ROOMS}/{room_id}", headers=headers).headers["X-Device-Token"]
    assert app.get(f"{ROOMS}/{room_id}/content", headers=device_header(token)).status_int == 200


def test_a_client_sending_its_pin_with_every_call_never_pushes_out_a_members_token(app):
    made = new_room(app, PIN)
    member = device_header(made["deviceToken"])
    for _ in range(MAX_DEVICE_KEYS + 5):
        app.get(f"{ROOMS}/{made['roomId']}/content", headers=pin_header(PIN))
    assert app.get(f"{ROOMS}/{made['roomId']}/content", headers=member).status_int == 200


def test_a_token_of_one_room_opens_no_other(app):
    one = new_room(app, PIN)
    two = pin_room(app)
    res = app.get(f"{ROOMS}/{two}", headers=device_header(one["deviceToken"]), status=401)
    assert_json_error(res, 401, "pin_required")


def test_the_join_link_opens_a_pin_room_and_hands_a_joining_device_a_token(app):
    made = new_room(app, PIN, extra_environ=from_address("10.9.9.9"))
    app.reset()
    query = made["joinUrl"].split("?", 1)[1]
    assert "X-Device-Token" not in app.get(f"{ROOMS}/{made['roomId']}?{query}").headers
    res = app.get(f"{ROOMS}/{made['roomId']}?{query}", headers={"X-Room-Join": "1"})
    assert res.json["hasPin"] is True
    token = res.headers["X-Device-Token"]
    assert app.get(f"{ROOMS}/{made['roomId']}", headers=device_header(token)).status_int == 200


def test_a_wrong_join_token_does_not_open_the_room(app):
    room_id = pin_room(app)
    app.get(f"{ROOMS}/{room_id}?join=not-the-token", status=(401, 403))


def test_the_device_cookie_is_scoped_to_the_rooms_paths_and_http_only(app):
    res = app.post_json(ROOMS, {"pin": PIN}, status=201)
    room_id = res.json["roomId"]
    cookies = [v for k, v in res.headerlist if k == "Set-Cookie" and "pastebox_room=" in v]
    paths = sorted(c.split("Path=", 1)[1].split(";")[0] for c in cookies)
    assert paths == [f"/api/rooms/{room_id}", f"/r/{room_id}"]
    assert all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


def test_a_room_cookie_that_is_no_token_is_ignored_not_an_error(app):
    room_id = new_room(app)["roomId"]
    app.set_cookie("pastebox_room", "x" * 300)
    assert app.get(f"{ROOMS}/{room_id}").json["roomId"] == room_id


# -- the feed ----------------------------------------------------------------------------------


def test_the_feed_has_the_rooms_text_and_items_newest_first(app, clock):
    room_id = new_room(app)["roomId"]
    headers = {"X-Device-Name": "Laptop"}
    app.put_json(f"{ROOMS}/{room_id}/content", {"content": "one"}, headers=headers)
    clock.advance(1)
    url = room_upload(app, room_id, "shot.png", PNG, headers=headers).json["fileUrl"]
    clock.advance(1)
    app.put_json(f"{ROOMS}/{room_id}/content", {"content": "two"}, headers=headers)
    body = app.get(f"{ROOMS}/{room_id}/feed").json
    assert body["roomId"] == room_id and body["hasPin"] is False
    assert body["content"] == "two" and body["timestamp"] == iso(clock.now)
    assert isinstance(body["version"], int) and body["deviceCount"] >= 1
    kinds = [(i["kind"], i.get("text") or i.get("name")) for i in body["items"]]
    assert kinds == [("text", "two"), ("file", "shot.png"), ("text", "one")]
    text, image = body["items"][0], body["items"][1]
    assert text["device"] == "Laptop" and text["at"] == iso(clock.now) and text["url"] is None
    assert image["url"] == url and image["mediaType"] == "image/png" and image["image"] is True
    assert image["size"] == len(PNG)


def test_a_device_without_a_name_is_named_after_its_browser(app):
    room_id = new_room(app)["roomId"]
    ua = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
    app.put_json(f"{ROOMS}/{room_id}/content", {"content": "x"}, headers={"User-Agent": ua})
    assert app.get(f"{ROOMS}/{room_id}/feed").json["items"][0]["device"] == "Firefox on Android"


def test_the_feed_has_an_etag_and_answers_304_with_no_body_when_unchanged(app):
    room_id = new_room(app)["roomId"]
    first = app.get(f"{ROOMS}/{room_id}/feed")
    tag = first.headers["ETag"]
    again = app.get(f"{ROOMS}/{room_id}/feed", headers={"If-None-Match": tag}, status=304)
    assert again.body == b""
    assert again.headers["ETag"] == tag


def test_the_feed_etag_changes_when_the_room_does(app):
    room_id = new_room(app)["roomId"]
    tag = app.get(f"{ROOMS}/{room_id}/feed").headers["ETag"]
    app.put_json(f"{ROOMS}/{room_id}/content", {"content": "new"})
    res = app.get(f"{ROOMS}/{room_id}/feed", headers={"If-None-Match": tag}, status=200)
    assert res.headers["ETag"] != tag
    assert res.json["content"] == "new"


def test_a_304_reads_the_room_alone_not_its_feed(app, store):
    room_id = new_room(app)["roomId"]
    for n in range(5):
        app.put_json(f"{ROOMS}/{room_id}/content", {"content": f"text {n}"})
    tag = app.get(f"{ROOMS}/{room_id}/feed").headers["ETag"]
    seen: list[str] = []
    store.trace(seen.append)
    try:
        app.get(f"{ROOMS}/{room_id}/feed", headers={"If-None-Match": tag}, status=304)
    finally:
        store.trace(None)
    statements = [sql for sql in seen if not sql.startswith("--")]
    assert len(statements) == 1, statements
    assert "room_items" not in statements[0]
