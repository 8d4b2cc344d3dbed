"""A browser's room cookie is not enough for a write: another page of the same site (another
port) could make the browser send it. A write carried by the cookie alone must bring the CSRF
token (X-CSRF-Token, or the form's `csrf`); a script with X-Device-Token needs none."""

from helpers import PIN, ROOMS, csrf, multipart, new_room


def joined_browser(app) -> str:
    """This browser made a PIN room, so it holds the room cookie (and nothing else)."""
    return new_room(app, PIN)["roomId"]


def test_a_cookie_only_write_without_the_csrf_token_is_refused(app):
    room_id = joined_browser(app)
    res = app.put_json(f"{ROOMS}/{room_id}/content", {"content": "forged"}, status=403)
    assert res.json["error"] == "csrf"
    assert app.get(f"{ROOMS}/{room_id}/content").json["content"] == ""


def test_a_cookie_only_write_with_a_wrong_csrf_token_is_refused(app):
    room_id = joined_browser(app)
    csrf(app)
    headers = {"X-CSRF-Token": "A" * 43}
    res = app.put_json(f"{ROOMS}/{room_id}/content", {"content": "x"}, headers=headers, status=403)
    assert res.json["error"] == "csrf"


def test_a_cookie_write_with_the_csrf_header_is_taken(app):
    room_id = joined_browser(app)
    headers = {"X-CSRF-Token": csrf(app)}
    app.put_json(f"{ROOMS}/{room_id}/content", {"content": "mine"}, headers=headers)
    assert app.get(f"{ROOMS}/{room_id}/content").json["content"] == "mine"


def test_a_cookie_only_upload_needs_the_forms_csrf_field(app):
    room_id = joined_browser(app)
    body, content_type = multipart(("file", "a.txt", b"x"))
    headers = {"Content-Type": content_type}
    res = app.post(f"{ROOMS}/{room_id}/upload", body, headers=headers, status=403)
    assert res.json["error"] == "csrf"
    body, content_type = multipart(("csrf", csrf(app)), ("file", "a.txt", b"x"))
    app.post(f"{ROOMS}/{room_id}/upload", body, headers={"Content-Type": content_type})


def test_a_cookie_only_delete_is_refused(app):
    room_id = joined_browser(app)
    app.delete(f"{ROOMS}/{room_id}", status=403)
    assert app.get(f"{ROOMS}/{room_id}").json["roomId"] == room_id


def test_a_cookie_only_curl_post_is_refused(app):
    room_id = joined_browser(app)
    res = app.post(f"/r/{room_id}", b"forged", headers={"Accept": "*/*"}, status=403)
    assert res.json["error"] == "csrf"


def test_reads_need_only_the_cookie(app):
    room_id = joined_browser(app)
    assert app.get(f"{ROOMS}/{room_id}/content").json["content"] == ""


def test_a_script_with_the_device_token_header_needs_no_csrf_token(app):
    made = new_room(app, PIN)
    app.reset()  # no cookies: a script
    headers = {"X-Device-Token": made["deviceToken"]}
    app.put_json(f"{ROOMS}/{made['roomId']}/content", {"content": "api"}, headers=headers)
