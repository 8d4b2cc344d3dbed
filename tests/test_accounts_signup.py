"""Sign-up in the browser, in process: closed unless registration is open, a user and an
http-only, lax session cookie (secure behind https), refusals that say why and keep the name but
never the password."""

import re

import pytest
import webtest
from helpers import (
    BROWSER,
    OTHER_PASSWORD,
    PASSWORD,
    browser,
    error_text,
    login,
    session_of,
    signup,
    submit,
)

from pastebox.core.accounts import SESSION_SECONDS
from pastebox.web.requests import SESSION_COOKIE

pytestmark = pytest.mark.app_settings(registration="open")


# -- sign-up ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sign_up_is_404_when_registration_is_closed(make_app, store, method):
    closed = make_app(registration="closed")
    if method == "GET":
        res = closed.get("/signup", headers=BROWSER, status=404)
    else:
        res = signup(closed, status=404)
    assert "<h1>" in res.text and "Sign up" not in res.text
    assert store.get_user("alice") is None
    assert 'href="/signup"' not in closed.get("/new", headers=BROWSER).text


def test_sign_up_creates_a_user_and_a_session_cookie_that_is_http_only_and_lax(app, store):
    res = signup(app)
    assert res.headers["Location"].endswith("/me")
    cookie = session_of(res)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie["value"])
    assert cookie["path"] == "/" and "httponly" in cookie and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == str(SESSION_SECONDS)
    assert "secure" not in cookie
    assert store.get_user("alice") is not None
    me = app.get("/me", headers=BROWSER, status=200)
    assert "My pastes" in me.text and "alice" in me.text


def test_the_session_cookie_is_secure_behind_an_https_base_url(make_app):
    served = make_app(registration="open", base_url="https://paste.example")
    # As the browser behind the TLS proxy: it sends Secure cookies (the CSRF one too) back.
    secure = webtest.TestApp(served.app, extra_environ={"wsgi.url_scheme": "https"})
    cookie = session_of(signup(secure))
    assert "secure" in cookie and "httponly" in cookie and cookie["samesite"] == "Lax"


def test_sign_up_needs_no_api_key(alice, store):
    assert store.list_api_keys(store.get_user("alice").id) == []


@pytest.mark.parametrize(
    ("name", "password", "confirm", "field_text"),
    [
        ("-alice", PASSWORD, PASSWORD, "user names are"),
        ("al ice", PASSWORD, PASSWORD, "user names are"),
        ("a" * 41, PASSWORD, PASSWORD, "user names are"),
        ("alice", "short77", "short77", "at least 8 characters"),
        ("alice", "é" * 513, "é" * 513, "at most 1024 bytes"),
        ("alice", PASSWORD, PASSWORD + "!", "not the same"),
    ],
)
def test_a_refused_sign_up_says_why_keeps_the_name_and_never_the_password(
    app, store, name, password, confirm, field_text
):
    res = submit(app, "/signup", 400, name=name, password=password, confirm=confirm)
    assert field_text in error_text(res)
    assert f'value="{name}"' in res.text
    assert password not in res.text and confirm not in res.text
    assert store.list_users() == []
    assert SESSION_COOKIE not in app.cookies


def test_a_taken_name_is_refused_whatever_its_case(alice, app):
    res = signup(browser(app), "ALICE", OTHER_PASSWORD, status=400)
    assert "taken" in error_text(res)
    login(browser(app), "alice", OTHER_PASSWORD, status=403)
