"""Every browser form POST carries the anti-forgery token of its browser's cookie: without it, or
with another browser's, the POST is refused with 403 and changes nothing."""

import pytest
from helpers import BROWSER, PASTES, block, create, csrf, multipart, new_paste, page, stranger

from pastebox.web.csrf import CSRF_COOKIE

TOKEN_LIKE = "A" * 43  # the shape of a token, but not this browser's


def post_multipart(app, path: str, fields: list[tuple], status: int):
    body, content_type = multipart(*fields)
    return app.post(path, body, headers={**BROWSER, "Content-Type": content_type}, status=status)


def set_cookies(res, name: str) -> list[str]:
    return [h for h in res.headers.getall("Set-Cookie") if h.startswith(name + "=")]


@pytest.mark.parametrize("token", [None, "", TOKEN_LIKE], ids=["missing", "empty", "foreign"])
def test_the_new_paste_form_without_this_browsers_token_creates_nothing(app, token):
    csrf(app)  # the browser has a cookie; the POST does not carry its value
    fields = [("csrf", token)] if token is not None else []
    res = post_multipart(app, "/new", [*fields, *block("a.txt", "forged"), ("submit", "1")], 403)
    assert "reload the page" in res.text
    assert app.get("/api/v1/search", {"q": "forged"}).json["results"] == []


def test_a_token_without_its_cookie_is_refused(app):
    token = csrf(app)
    other = stranger(app)  # another browser, replaying a token it does not hold in a cookie
    post_multipart(other, "/new", [("csrf", token), *block("a.txt", "x"), ("submit", "1")], 403)


def test_a_refused_form_keeps_the_input_and_hands_out_a_fresh_form(app):
    res = post_multipart(app, "/new", [*block("kept.txt", "keep me"), ("submit", "1")], 403)
    assert "keep me" in res.text and 'name="csrf"' in res.text


def test_an_edit_without_the_token_changes_nothing(app):
    paste_id = new_paste(app, block("a.txt", "original"))
    post_multipart(app, f"/{paste_id}/edit", [*block("a.txt", "forged"), ("submit", "1")], 403)
    assert app.get(f"{PASTES}/{paste_id}").json["content"] == "original"


def test_a_delete_without_the_token_deletes_nothing(app):
    paste_id = new_paste(app, block("a.txt", "still here"))
    post_multipart(app, f"/{paste_id}/delete", [], 403)
    assert app.get(f"{PASTES}/{paste_id}").json["content"] == "still here"


def test_revealing_a_burn_paste_without_the_token_burns_nothing(app):
    paste_id = create(app, content="once\n", burnAfterRead=True)
    headers = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    app.post(f"/{paste_id}", "", headers=headers, status=403)
    app.post(f"/{paste_id}", f"csrf={TOKEN_LIKE}", headers=headers, status=403)
    assert app.get(f"{PASTES}/{paste_id}").json["content"] == "once\n"


def test_the_token_cookie_is_http_only_lax_and_site_wide(app):
    res = app.get("/new", headers=BROWSER)
    (cookie,) = set_cookies(res, CSRF_COOKIE)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "SameSite=Lax" in cookie and "Path=/;" in cookie


def test_the_token_cookie_is_secure_behind_https(make_app):
    app = make_app(base_url="https://paste.example.org")
    (cookie,) = set_cookies(app.get("/new", headers=BROWSER), CSRF_COOKIE)
    assert cookie.endswith("; Secure")


def test_the_form_carries_the_same_token_as_the_cookie(app):
    res = app.get("/new", headers=BROWSER)
    assert f'name="csrf" value="{app.cookies[CSRF_COOKIE]}"' in res.text


def test_a_browser_keeps_its_token_across_pages(app):
    first = csrf(app)
    res = app.get("/new", headers=BROWSER)
    assert set_cookies(res, CSRF_COOKIE) == []
    assert app.cookies[CSRF_COOKIE] == first


def test_a_paste_page_without_a_form_sets_no_cookie(app):
    """Public paste pages stay cacheable: no Set-Cookie unless the page has a form."""
    res = page(app, create(app))
    assert res.headers.getall("Set-Cookie") == []


def test_a_form_the_browser_says_came_from_another_origin_is_refused_with_a_matching_token(app):
    """A page on another port of this host can set the token cookie (cookies ignore ports) and
    send the same value in its form; the browser still labels the request same-site, not
    same-origin, and that is refused."""
    token = csrf(app)
    fields = [("csrf", token), *block("a.txt", "tossed"), ("submit", "1")]
    body, content_type = multipart(*fields)
    for site, status in (("same-site", 403), ("cross-site", 403), ("same-origin", 303)):
        headers = {**BROWSER, "Content-Type": content_type, "Sec-Fetch-Site": site}
        app.post("/new", body, headers=headers, status=status)


def test_a_room_form_the_browser_says_came_from_another_port_writes_nothing(app):
    res = app.post("/rooms", {"csrf": csrf(app), "action": "new"}, headers=BROWSER, status=303)
    room = res.headers["Location"]
    forged = {"csrf": csrf(app), "content": "forged by a same-site page"}
    headers = {**BROWSER, "Sec-Fetch-Site": "same-site"}
    app.post(f"{room}/send", forged, headers=headers, status=403)
    assert app.get(room, headers={"Accept": "text/plain"}).text == ""
