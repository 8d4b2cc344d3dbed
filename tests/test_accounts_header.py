"""The page header for visitors and signed-in users: the links it offers, a session looked
up only when the browser has one, and the security headers of the account pages."""

import re

import pytest
from helpers import (
    BROWSER,
    assert_html_security_headers,
    assert_no_active_markup,
    browser,
    form_paste,
    page,
)

from pastebox.web.csrf import CSRF_COOKIE

pytestmark = pytest.mark.app_settings(registration="open")


# -- the header ------------------------------------------------------------------------------


def test_the_header_offers_log_in_and_sign_up_to_visitors(app, make_app):
    text = app.get("/new", headers=BROWSER, status=200).text
    assert 'href="/login"' in text and 'href="/signup"' in text
    assert 'action="/logout"' not in text and 'href="/me"' not in text
    closed = make_app(registration="closed").get("/new", headers=BROWSER).text
    assert 'href="/login"' in closed and 'href="/signup"' not in closed


def test_the_header_offers_my_pastes_settings_and_log_out_when_signed_in(alice):
    paste_id = form_paste(alice)
    res = page(alice, paste_id)
    text = res.text
    assert 'href="/me"' in text and 'href="/settings"' in text
    assert re.search(
        r'<form method="post" action="/logout"[^>]*><input type="hidden" '
        r'name="csrf" value="' + re.escape(alice.cookies[CSRF_COOKIE]),
        text,
    )
    assert 'href="/login"' not in text
    assert res.headers["Cache-Control"] == "no-store"  # it carries the log-out form's token
    assert_no_active_markup(text)


def test_a_visitors_page_looks_up_no_session_and_a_users_page_one(alice, app, store, monkeypatch):
    paste_id = form_paste(alice, "unlisted")
    calls = []
    original = store.session_user
    monkeypatch.setattr(store, "session_user", lambda *a: calls.append(a) or original(*a))
    visitor = browser(app)
    page(visitor, paste_id)
    assert calls == []
    page(alice, paste_id)  # asked by the view (a private paste?) and by the header: once
    assert len(calls) == 1
    res = page(visitor, paste_id)
    assert "Cache-Control" not in res.headers


@pytest.mark.parametrize("path", ["/login", "/signup", "/me", "/settings"])
def test_account_pages_send_the_security_headers(alice, app, path):
    viewer = browser(app) if path in ("/login", "/signup") else alice
    res = viewer.get(path, headers=BROWSER, status=200)
    assert_html_security_headers(res)
    assert_no_active_markup(res.text)
