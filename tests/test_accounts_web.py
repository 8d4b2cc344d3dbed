"""Accounts in the browser, in process: sign-up, log-in and its throttle, log-out, the session
cookie, CSRF on every account form, /me, the settings page (API keys, password), what a session
may and may not do, the header links, and the `user password` command."""

import io
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import webtest
from conftest import in_bursts
from test_pages import (
    BROWSER,
    assert_html_security_headers,
    assert_no_active_markup,
    csrf,
    page,
)
from test_site import block, paste_id_of, post_form

from pastebox import cli
from pastebox.core import accounts, ids
from pastebox.core.accounts import SESSION_SECONDS
from pastebox.web.account import ME_PAGE_SIZE
from pastebox.web.app import services_of
from pastebox.web.context import SESSION_COOKIE, TOKEN_COOKIE
from pastebox.web.csrf import CSRF_COOKIE

PASTES = "/api/v1/pastes"
PASSWORD = "correct horse battery"
OTHER_PASSWORD = "another good password"
FORM = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
WINDOW = 15 * 60  # the log-in throttle's window


# -- helpers ---------------------------------------------------------------------------------


def send(app, path: str, fields: dict[str, str], status: int | str = 303):
    """A small form POST exactly as given (no CSRF token added)."""
    return app.post(path, urlencode(fields), headers=FORM, status=status)


def submit(app, path: str, status: int | str = 303, **fields: str):
    """A small form POST as the browser that loaded the page sends it, CSRF token included."""
    return send(app, path, {"csrf": csrf(app), **fields}, status)


def signup(app, name: str = "alice", password: str = PASSWORD, status: int | str = 303):
    return submit(app, "/signup", status, name=name, password=password, confirm=password)


def login(app, name: str = "alice", password: str = PASSWORD, status: int | str = 303, **extra):
    return submit(app, "/login", status, name=name, password=password, **extra)


def browser(app) -> webtest.TestApp:
    """Another browser on the same server: its own cookies."""
    return webtest.TestApp(app.app)


def set_cookies(res, name: str) -> list[dict[str, str]]:
    """The `name` cookies a response sets: value and attributes (attribute names lower-cased)."""
    found = []
    for header in res.headers.getall("Set-Cookie"):
        pairs = [p.strip() for p in header.split(";")]
        key, _, value = pairs[0].partition("=")
        if key == name:
            attrs = {k.lower(): v for k, _, v in (p.partition("=") for p in pairs[1:])}
            found.append({"value": value, **attrs})
    return found


def session_of(res) -> dict[str, str]:
    cookies = set_cookies(res, SESSION_COOKIE)
    assert len(cookies) == 1, res.headers.getall("Set-Cookie")
    return cookies[0]


def signed_in(app, path: str = "/me") -> bool:
    """Whether this browser's cookies open `path` (a page only a signed-in user sees)."""
    res = app.get(path, headers=BROWSER)
    assert res.status_int in (200, 303), res.status
    return res.status_int == 200


def error_text(res) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', res.text, re.DOTALL)
    assert match, "no error on the page"
    return match.group(1)


def create_key(app, label: str = "laptop") -> str:
    res = submit(app, "/settings/keys", 200, label=label)
    match = re.search(r'<code class="token">([A-Za-z0-9_-]{43})</code>', res.text)
    assert match, "the new key is not on the page"
    return match.group(1)


def key_ids(app) -> list[str]:
    res = app.get("/settings", headers=BROWSER, status=200)
    return re.findall(r'action="/settings/keys/(\d+)/revoke"', res.text)


def key_works(app, key: str) -> bool:
    res = app.get(PASTES, headers={"X-Api-Key": key}, expect_errors=True)
    assert res.status_int in (200, 401), res.status
    return res.status_int == 200


def form_paste(app, exposure: str = "unlisted", title: str = "mine") -> str:
    return paste_id_of(
        post_form(app, "/new", [("title", title), *block("a.txt", "x\n"), ("exposure", exposure)])
    )


def exists(app, paste_id: str) -> bool:
    """Whether the paste is still there (asked with a fresh browser, for a public view)."""
    return browser(app).get(f"/raw/{paste_id}", expect_errors=True).status_int == 200


@pytest.fixture
def app(make_app) -> webtest.TestApp:
    return make_app(registration="open")


@pytest.fixture
def alice(app) -> webtest.TestApp:
    """A browser signed in as alice (who signed up in it)."""
    signup(app)
    return app


@pytest.fixture
def bob(app) -> webtest.TestApp:
    other = browser(app)
    signup(other, "bob", OTHER_PASSWORD)
    return other


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


# -- CSRF on every account form ----------------------------------------------------------------


def _bad_tokens(app) -> dict[str, dict[str, str]]:
    csrf(app)  # this browser has its own token cookie
    return {"missing": {}, "another browser's": {"csrf": csrf(browser(app))}}


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_log_in_without_this_browsers_token_is_refused_and_signs_nobody_in(alice, app, token):
    other = browser(app)
    res = send(other, "/login", {**_bad_tokens(other)[token], "name": "alice",
                                 "password": PASSWORD}, 403)  # fmt: skip
    assert not set_cookies(res, SESSION_COOKIE)
    assert not signed_in(other)


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_sign_up_without_this_browsers_token_is_refused_and_creates_nobody(app, store, token):
    fields = {"name": "mallory", "password": PASSWORD, "confirm": PASSWORD}
    res = send(app, "/signup", {**_bad_tokens(app)[token], **fields}, 403)
    assert not set_cookies(res, SESSION_COOKIE)
    assert store.get_user("mallory") is None


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_log_out_without_this_browsers_token_is_refused_and_the_session_goes_on(alice, token):
    send(alice, "/logout", _bad_tokens(alice)[token], 403)
    assert signed_in(alice)


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_key_creation_without_this_browsers_token_is_refused_and_makes_no_key(alice, token):
    res = send(alice, "/settings/keys", {**_bad_tokens(alice)[token], "label": "x"}, 403)
    assert not re.search(r'<code class="token">', res.text)
    assert key_ids(alice) == []


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_key_revocation_without_this_browsers_token_is_refused_and_the_key_works(alice, token):
    key = create_key(alice)
    (key_id,) = key_ids(alice)
    send(alice, f"/settings/keys/{key_id}/revoke", _bad_tokens(alice)[token], 403)
    assert key_works(alice, key) and key_ids(alice) == [key_id]


@pytest.mark.parametrize("token", ["missing", "another browser's"])
def test_a_password_change_without_this_browsers_token_is_refused_and_changes_nothing(
    alice, app, token
):
    fields = {"current": PASSWORD, "new": OTHER_PASSWORD, "confirm": OTHER_PASSWORD}
    send(alice, "/settings/password", {**_bad_tokens(alice)[token], **fields}, 403)
    assert signed_in(alice)
    login(browser(app), "alice", OTHER_PASSWORD, status=403)
    login(browser(app), "alice", PASSWORD)


# -- log-out ---------------------------------------------------------------------------------


def test_log_out_ends_the_session_server_side(alice, app, store):
    token = alice.cookies[SESSION_COOKIE]
    res = submit(alice, "/logout")
    assert res.headers["Location"] in ("/", "http://localhost/", "http://localhost:80/")
    expired = session_of(res)
    assert expired["value"] == "" and expired["max-age"] == "0"
    assert not signed_in(alice)
    # The old cookie, kept by someone, no longer works.
    thief = browser(app)
    thief.set_cookie(SESSION_COOKIE, token)
    assert not signed_in(thief)
    assert store.session_user(ids.hash_token(token), 0) is None


def test_a_session_ends_after_its_lifetime(alice, clock):
    clock.advance(SESSION_SECONDS - 1)
    assert signed_in(alice)
    clock.advance(2)
    assert not signed_in(alice)


# -- my pastes -------------------------------------------------------------------------------


def test_my_pastes_needs_a_session_and_sends_others_to_log_in(app):
    res = app.get("/me", headers=BROWSER, status=303)
    assert res.headers["Location"].endswith("/login?next=%2Fme")
    res = app.get("/me?page=2", headers=BROWSER, status=303)
    assert res.headers["Location"].endswith("/login?next=%2Fme%3Fpage%3D2")


def test_my_pastes_lists_the_users_private_pastes_and_never_another_users(alice, bob):
    mine = form_paste(alice, "private", "alice private")
    theirs = form_paste(bob, "private", "bob private")
    res = alice.get("/me", headers=BROWSER, status=200)
    assert f'href="/{mine}"' in res.text and "alice private" in res.text
    assert theirs not in res.text and "bob private" not in res.text
    assert res.headers["Cache-Control"] == "no-store"
    assert_html_security_headers(res)
    other = bob.get("/me", headers=BROWSER, status=200)
    assert theirs in other.text and mine not in other.text


def test_my_pastes_shows_language_size_exposure_burn_and_expiry(alice, clock):
    key = create_key(alice)
    body = {"files": [{"name": "a.py", "content": "print(1)\n"}], "title": "Shown",
            "exposure": "public", "burnAfterRead": True, "ttlSeconds": 3600}  # fmt: skip
    alice.post_json(PASTES, body, headers={"X-Api-Key": key}, status=201)
    text = alice.get("/me", headers=BROWSER, status=200).text
    row = re.search(r"<tr>\s*<td><a[^>]*>Shown</a>.*?</tr>", text, re.DOTALL).group(0)
    assert "Python" in row and "9 bytes" in row and "public" in row
    assert "burn after reading" in row
    assert "2027-01-15" in row  # created and expiring on the test clock's day


def test_my_pastes_are_listed_newest_first_fifty_a_page(alice, clock):
    key = create_key(alice)
    for number in range(ME_PAGE_SIZE + 1):
        clock.advance(1)
        alice.post_json(PASTES, {"content": "x\n", "title": f"paste {number}"},
                        headers={"X-Api-Key": key}, status=201)  # fmt: skip
    first = alice.get("/me", headers=BROWSER, status=200).text
    titles = re.findall(r">paste (\d+)</a>", first)
    assert titles == [str(n) for n in range(ME_PAGE_SIZE, 0, -1)]
    assert 'rel="next" href="/me?page=2"' in first and 'rel="prev"' not in first
    second = alice.get("/me?page=2", headers=BROWSER, status=200).text
    assert re.findall(r">paste (\d+)</a>", second) == ["0"]
    assert 'rel="prev" href="/me"' in second and 'rel="next"' not in second


@pytest.mark.parametrize("number", ["0", "-1", "x", "١", "1001"])
def test_a_my_pastes_page_number_out_of_range_is_400(alice, number):
    alice.get("/me?" + urlencode({"page": number}), headers=BROWSER, status=400)


# -- settings: API keys ----------------------------------------------------------------------


def test_settings_needs_a_session_and_is_no_paste_id(app):
    # "settings" has the shape of a paste id (8 letters): the account page is matched first.
    res = app.get("/settings", headers=BROWSER, status=303)
    assert res.headers["Location"].endswith("/login?next=%2Fsettings")
    app.head("/settings", headers=BROWSER, status=303)


def test_a_settings_form_sent_after_the_session_ended_goes_to_log_in_and_makes_nothing(
    alice, clock
):
    clock.advance(SESSION_SECONDS + 1)
    res = submit(alice, "/settings/keys", label="late")
    assert res.headers["Location"].endswith("/login?next=%2Fsettings")
    login(alice)
    assert key_ids(alice) == []


def test_an_api_key_created_on_the_settings_page_is_shown_once_and_works(alice, store, db_path):
    key = create_key(alice, "my laptop")
    again = alice.get("/settings", headers=BROWSER, status=200)
    assert key not in again.text and "my laptop" in again.text
    assert again.headers["Cache-Control"] == "no-store"
    created = alice.post_json(PASTES, {"content": "x\n"}, headers={"X-Api-Key": key}).json
    listed = alice.get(PASTES, headers={"X-Api-Key": key}, status=200).json
    assert created["publicId"] in str(listed)
    # Stored as its hash only.
    with sqlite3.connect(db_path) as conn:
        hashes = [bytes(r[0]) for r in conn.execute("SELECT key_hash FROM api_keys")]
    assert hashes == [ids.hash_token(key)]


def test_the_new_key_page_is_never_stored(alice):
    res = submit(alice, "/settings/keys", 200, label="x")
    assert res.headers["Cache-Control"] == "no-store"
    assert_html_security_headers(res)


def test_a_revoked_key_is_refused_401(alice):
    key = create_key(alice)
    (key_id,) = key_ids(alice)
    res = submit(alice, f"/settings/keys/{key_id}/revoke")
    assert res.headers["Location"].endswith("/settings")
    assert not key_works(alice, key)
    alice.post_json(PASTES, {"content": "x\n"}, headers={"X-Api-Key": key}, status=401)
    assert key_ids(alice) == []


def test_one_user_cannot_revoke_another_users_key(alice, bob):
    key = create_key(alice)
    (key_id,) = key_ids(alice)
    res = submit(bob, f"/settings/keys/{key_id}/revoke", 404)
    assert "no such API key" in error_text(res)
    assert key_works(alice, key) and key_ids(alice) == [key_id]


@pytest.mark.parametrize(
    "key_id",
    [str(2**63), "99999999999999999999999", "9" * 5000, str(2**63 - 1), "0", "-1", "1e3",
     quote("\uff11"), quote("\u0661")],  # fullwidth and Arabic-Indic digit one
)  # fmt: skip
def test_revoking_a_key_id_no_key_can_have_is_404_and_revokes_nothing(alice, key_id):
    key = create_key(alice)
    (only,) = key_ids(alice)
    res = submit(alice, f"/settings/keys/{key_id}/revoke", 404)
    assert "no such API key" in error_text(res)
    assert key_works(alice, key) and key_ids(alice) == [only]


def test_a_key_label_that_is_too_long_or_not_one_line_is_refused(alice):
    res = submit(alice, "/settings/keys", 400, label="x" * 101)
    assert "at most 100" in error_text(res)
    submit(alice, "/settings/keys", 400, label="two\nlines")
    assert key_ids(alice) == []


@pytest.mark.parametrize("label", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_a_hostile_key_label_is_shown_inert(alice, label):
    create_key(alice, label)
    res = alice.get("/settings", headers=BROWSER, status=200)
    assert_no_active_markup(res.text)


def test_account_forms_over_the_write_rate_limit_are_429_with_retry_after(make_app):
    limited = make_app(registration="open", rate_limit=1)
    signup(limited)
    res = submit(limited, "/settings/keys", 429, label="x")
    assert int(res.headers["Retry-After"]) > 0
    assert "My pastes" in res.text  # still the settings page, signed in


# -- settings: the password ------------------------------------------------------------------


def test_changing_the_password_signs_out_other_browsers_but_not_this_one(alice, app):
    elsewhere = browser(app)
    login(elsewhere)
    res = submit(alice, "/settings/password", 200, current=PASSWORD, new=OTHER_PASSWORD,
                 confirm=OTHER_PASSWORD)  # fmt: skip
    assert "password is changed" in res.text
    assert PASSWORD not in res.text and OTHER_PASSWORD not in res.text
    assert signed_in(alice) and not signed_in(elsewhere)
    login(browser(app), "alice", PASSWORD, status=403)
    login(browser(app), "alice", OTHER_PASSWORD)
    # The page's forms carry this browser's new token.
    token = re.search(r'name="csrf" value="([^"]+)"', res.text).group(1)
    assert token == alice.cookies[CSRF_COOKIE]


@pytest.mark.parametrize(
    ("current", "new", "confirm", "status", "message"),
    [
        ("wrong password", OTHER_PASSWORD, OTHER_PASSWORD, 403, "current password is wrong"),
        (PASSWORD, OTHER_PASSWORD, OTHER_PASSWORD + "x", 400, "not the same"),
        (PASSWORD, "short", "short", 400, "at least 8"),
    ],
)
def test_a_refused_password_change_changes_nothing(alice, app, current, new, confirm, status,
                                                   message):  # fmt: skip
    res = submit(alice, "/settings/password", status, current=current, new=new, confirm=confirm)
    assert message in error_text(res)
    assert current not in res.text and new not in res.text
    assert signed_in(alice)
    login(browser(app), "alice", PASSWORD)


def test_guessing_the_current_password_is_throttled_as_a_log_in(alice, app):
    for _ in range(10):
        submit(alice, "/settings/password", 403, current="guess guess", new=OTHER_PASSWORD,
               confirm=OTHER_PASSWORD)  # fmt: skip
    res = login(browser(app), "alice", PASSWORD, status=429)
    assert "Retry-After" in res.headers


def test_the_password_hash_in_the_database_is_an_argon2id_string_never_the_password(
    alice, store, db_path
):
    store.close()  # everything on disk, in the main file
    (stored,) = sqlite3.connect(db_path).execute("SELECT password_hash FROM users").fetchone()
    assert bytes(stored).startswith(b"$argon2id$v=19$m=65536,t=2,p=1$")
    for path in Path(db_path).parent.iterdir():
        assert PASSWORD.encode() not in path.read_bytes()


# -- what a session may and may not do -------------------------------------------------------


def test_a_paste_made_in_the_form_while_signed_in_belongs_to_the_user(alice, store):
    res = post_form(alice, "/new", [*block("a.txt", "x\n"), ("exposure", "unlisted")])
    paste_id = paste_id_of(res)
    assert not set_cookies(res, TOKEN_COOKIE)  # no manage token: the owner needs none
    assert store.get_paste(paste_id, 0).owner_id == store.get_user("alice").id


@pytest.mark.parametrize("exposure", ["unlisted", "private"])
def test_the_owner_edits_and_deletes_without_a_manage_token(alice, exposure):
    paste_id = form_paste(alice, exposure)
    form = alice.get(f"/{paste_id}/edit", headers=BROWSER, status=200)
    assert 'name="token"' not in form.text
    post_form(alice, f"/{paste_id}/edit", [("title", "changed"), *block("a.txt", "y\n")])
    assert "changed" in page(alice, paste_id).text
    confirm = alice.get(f"/{paste_id}/delete", headers=BROWSER, status=200)
    assert 'name="token"' not in confirm.text
    post_form(alice, f"/{paste_id}/delete", [], status=200)
    alice.get(f"/raw/{paste_id}", status=410)


def test_another_user_cannot_edit_or_delete_the_paste(alice, bob):
    paste_id = form_paste(alice)
    assert 'name="token"' in bob.get(f"/{paste_id}/edit", headers=BROWSER, status=200).text
    post_form(bob, f"/{paste_id}/edit", [("title", "x"), *block("a.txt", "y\n")], status=400)
    post_form(bob, f"/{paste_id}/delete", [("token", "x" * 43)], status=403)
    assert exists(alice, paste_id)


def test_a_session_cookie_does_not_authorise_api_writes(alice):
    unlisted, private = form_paste(alice), form_paste(alice, "private")
    for paste_id in (unlisted, private):
        alice.delete(f"{PASTES}/{paste_id}", status=(403, 404))
        alice.post_json(f"{PASTES}/{paste_id}/extend", {"ttlSeconds": 60}, status=(403, 404))
        alice.patch_json(f"{PASTES}/{paste_id}", {"title": "x"}, status=(403, 404))
        assert "mine" in page(alice, paste_id).text
    assert exists(alice, unlisted)


def test_a_session_cookie_does_not_make_curl_uploads_the_users(alice, store):
    res = alice.post("/", b"hello\n", headers={"Content-Type": "text/plain"}, status=201)
    paste_id = res.text.strip().rsplit("/", 1)[1]
    assert store.get_paste(paste_id, 0).owner_id is None
    assert res.headers["X-Manage-Token"]


def test_a_new_paste_form_without_this_browsers_token_makes_no_paste(alice, store):
    post_form(alice, "/new", [("csrf", csrf(browser(alice))), *block("a.txt", "x\n")], 403)
    assert store.list_by_owner(store.get_user("alice").id, 0, 10, 0) == []


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


# -- the command line ------------------------------------------------------------------------


def run_cli(monkeypatch, db_path: str, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["user", *args, "--db", db_path])


def test_user_password_sets_a_web_password_from_stdin(app, monkeypatch, db_path, capsys):
    assert run_cli(monkeypatch, db_path, "add", "dave") == 0
    login(browser(app), "dave", PASSWORD, status=403)
    assert run_cli(monkeypatch, db_path, "password", "dave", "--password-stdin",
                   stdin=PASSWORD + "\n") == 0  # fmt: skip
    assert "signed out" in capsys.readouterr().out
    login(browser(app), "dave", PASSWORD)


def test_user_password_asks_twice_on_the_terminal(app, monkeypatch, db_path, capsys):
    run_cli(monkeypatch, db_path, "add", "dave")
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert run_cli(monkeypatch, db_path, "password", "dave") == 0
    login(browser(app), "dave", PASSWORD)
    typed = iter([OTHER_PASSWORD, "a typo here"])
    assert run_cli(monkeypatch, db_path, "password", "dave") == 2
    assert "not the same" in capsys.readouterr().err
    login(browser(app), "dave", PASSWORD)


def test_user_password_ends_the_users_sessions(alice, monkeypatch, db_path):
    assert run_cli(monkeypatch, db_path, "password", "alice", "--password-stdin",
                   stdin=OTHER_PASSWORD + "\n") == 0  # fmt: skip
    assert not signed_in(alice)


def test_user_add_with_password_stdin_can_log_in_and_still_gets_a_key(
    app, monkeypatch, db_path, capsys
):
    assert run_cli(monkeypatch, db_path, "add", "erin", "--password-stdin", stdin=PASSWORD) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key_works(app, key)
    login(browser(app), "erin", PASSWORD)


@pytest.mark.parametrize("command", ["add", "password"])
def test_a_too_short_password_from_stdin_is_refused(app, monkeypatch, db_path, store, command,
                                                    capsys):  # fmt: skip
    if command == "password":
        run_cli(monkeypatch, db_path, "add", "frank")
    assert run_cli(monkeypatch, db_path, command, "frank", "--password-stdin", stdin="short\n") == 2
    assert "at least 8" in capsys.readouterr().err
    login(browser(app), "frank", "short", status=403)
    assert (store.get_user("frank") is None) == (command == "add")


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
