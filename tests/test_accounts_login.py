"""Log-in in the browser, in process: the right password starts a session (ending the
browser's previous one), one message for every wrong log-in, the per-account throttle (also under
concurrent guesses), and the local `next` path it goes on to."""

import pytest
from helpers import (
    BROWSER,
    OTHER_PASSWORD,
    PASSWORD,
    assert_html_security_headers,
    browser,
    csrf,
    error_text,
    in_bursts,
    login,
    session_of,
    set_cookies,
    signed_in,
    signup,
)

from pastebox.core import accounts, ids
from pastebox.web.app import services_of
from pastebox.web.csrf import CSRF_COOKIE
from pastebox.web.requests import SESSION_COOKIE

pytestmark = pytest.mark.app_settings(registration="open")


WINDOW = 15 * 60  # the log-in throttle's window


# -- log-in ----------------------------------------------------------------------------------


def test_log_in_with_the_right_password_starts_a_session(alice, app):
    other = browser(app)
    assert not signed_in(other)
    old_token = csrf(other)
    res = login(other)
    assert res.headers["Location"].endswith("/me")
    assert session_of(res)["value"] == other.cookies[SESSION_COOKIE]
    assert signed_in(other)
    # A fresh anti-forgery token from now on, so one planted before the log-in is worthless.
    assert other.cookies[CSRF_COOKIE] != old_token


def test_log_in_ends_the_browsers_previous_session(alice, app, store):
    before = app.cookies[SESSION_COOKIE]
    login(app)
    assert store.session_user(ids.hash_token(before), 0) is None
    assert signed_in(app)


def test_the_name_is_matched_whatever_its_case(alice, app):
    other = browser(app)
    login(other, "ALICE")
    assert signed_in(other)


def test_wrong_password_and_unknown_user_get_the_same_403_message(alice, app):
    wrong = login(browser(app), "alice", "not the password", status=403)
    unknown = login(browser(app), "nobody", "not the password", status=403)
    assert error_text(wrong) == error_text(unknown) == "wrong name or password"
    assert 'value="alice"' in wrong.text and 'value="nobody"' in unknown.text
    assert "not the password" not in wrong.text + unknown.text
    assert not set_cookies(wrong, SESSION_COOKIE) and not set_cookies(unknown, SESSION_COOKIE)


def test_a_user_without_a_web_password_cannot_log_in(app, core):
    accounts.add_user(core, "carol")  # as `pastebox user add` makes one: API keys only
    res = login(browser(app), "carol", "", status=403)
    assert error_text(res) == "wrong name or password"


def test_the_11th_wrong_password_for_one_account_in_15_minutes_is_429_even_if_right(
    alice, app, clock
):
    attacker = browser(app)
    for _ in range(10):
        login(attacker, "alice", "guess guess", status=403)
    clock.advance(WINDOW - 60)
    res = login(browser(app), "alice", PASSWORD, status=429)
    assert int(res.headers["Retry-After"]) > 0
    assert 'value="alice"' in res.text and PASSWORD not in res.text
    assert not set_cookies(res, SESSION_COOKIE)
    # Another account is not locked by it, and the window passes.
    signup(browser(app), "bob", OTHER_PASSWORD)
    login(browser(app), "bob", OTHER_PASSWORD)
    clock.advance(61)
    login(browser(app), "alice", PASSWORD)


@pytest.mark.parametrize("name", ["x" * 10_000, "a" * 41, "al ice", "-alice"])
def test_a_name_no_account_can_have_is_a_wrong_log_in_that_takes_no_throttle_slot(alice, app, name):
    throttle = services_of(app.app).core.throttle
    tracked = len(throttle._failures)
    for _ in range(11):  # one more than the throttle allows for a name that could be an account
        res = login(browser(app), name, "guess guess", status=403)
        assert error_text(res) == "wrong name or password"
    assert len(throttle._failures) == tracked  # nothing kept for it, whatever its length
    login(browser(app), "alice", PASSWORD)  # and the accounts that exist are untouched


def test_log_in_goes_on_to_a_local_next_path(alice, app):
    other = browser(app)
    res = login(other, next="/settings?tab=keys")
    assert res.headers["Location"].endswith("/settings?tab=keys")


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
     "/me\r\nSet-Cookie: x=1", " /me", ""],
)  # fmt: skip
def test_log_in_never_goes_on_to_another_site(alice, app, target):
    res = login(browser(app), next=target)
    assert res.headers["Location"] in ("/me", "http://localhost/me", "http://localhost:80/me")


def test_the_log_in_page_keeps_the_next_path_and_skips_when_signed_in(alice, app):
    form = browser(app).get("/login?next=/settings", headers=BROWSER, status=200)
    assert 'name="next" value="/settings"' in form.text
    assert_html_security_headers(form)
    assert form.headers["Cache-Control"] == "no-store"
    res = app.get("/login?next=/settings", headers=BROWSER, status=303)
    assert res.headers["Location"].endswith("/settings")


# -- the command line ------------------------------------------------------------------------


def test_concurrent_wrong_log_ins_cannot_all_pass_the_throttle(make_app):
    app = make_app(registration="open", password_kdf_queue=5, password_kdf_wait=30)
    signup(app)
    browsers = [browser(app) for _ in range(7)]
    for b in browsers:
        csrf(b)
    turns = iter(browsers * 3)  # each burst of 7 uses every browser once
    statuses = in_bursts(
        lambda: login(next(turns), password="wrong password", status="*").status_int,
        bursts=3,
        size=7,
    )
    assert statuses.count(403) == 10
    assert statuses.count(429) == 11
