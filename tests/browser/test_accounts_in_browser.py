"""Accounts in a real browser against a real server with sign-up open: sign up, make a private
paste, find it on /me, log out, and the paste is gone from this browser's view; log in again
and it is back; an API key made on the settings page is shown once and works."""

import re
from collections.abc import Iterator

import pytest
from helpers import SERVER_FLAGS, LiveServer, fetch

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

VIEW_URL = re.compile(r"^http://[^/]+/([A-Za-z0-9]{10})$")
PASSWORD = "correct horse battery"
SESSION_COOKIE = "pastebox_session"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server lets visitors sign up."""
    db = tmp_path_factory.mktemp("accounts") / "pastebox.db"
    live = LiveServer(str(db), *SERVER_FLAGS, "--registration", "open").start()
    yield live
    live.kill()


def sign_up(page, name: str) -> None:
    page.goto("/")
    page.click("header a:has-text('Sign up')")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.click("main button[type=submit]:has-text('Sign up')")
    page.wait_for_url("**/me")


def session_cookies(context) -> list[dict]:
    return [c for c in context.cookies() if c["name"] == SESSION_COOKIE]


def test_sign_up_make_a_private_paste_see_it_on_me_log_out_and_it_is_404(
    context, page, server, screenshot
):
    sign_up(page, "ada")
    expect(page.locator("h1")).to_have_text("My pastes")
    expect(page.locator("main .empty")).to_contain_text("You have no pastes yet")
    (cookie,) = session_cookies(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"

    page.click("header a:has-text('New')")
    page.fill("input[name=title]", "Ada's private notes")
    block = page.locator("fieldset.file-input").nth(0)
    block.locator("input[name=name]").fill("notes.md")
    block.locator("textarea[name=content]").fill("# only for me\n")
    page.select_option("select[name=exposure]", "private")
    page.click("button[name=submit]")
    page.wait_for_url(VIEW_URL)
    paste_id = VIEW_URL.match(page.url).group(1)
    expect(page.locator("h1")).to_have_text("Ada's private notes")
    # Others (no cookie) do not see it.
    assert fetch(f"{server.url}/{paste_id}", headers={"Accept": "text/html"}).status == 404

    page.click("header a:has-text('My pastes')")
    row = page.locator("table.my-pastes tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("a")).to_have_attribute("href", f"/{paste_id}")
    expect(row.locator("a")).to_have_text("Ada's private notes")
    expect(row).to_contain_text("private")
    screenshot(page, "my-pastes")

    page.click("header button:has-text('Log out')")
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    expect(page.locator("header a:has-text('Log in')")).to_be_visible()
    assert session_cookies(context) == []
    response = page.goto(f"/{paste_id}")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("No such paste")

    # Log in again: back to where the log-in was asked for, and the paste is there.
    page.goto("/me")
    page.wait_for_url("**/login?next=%2Fme")
    page.fill("input[name=name]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]:has-text('Log in')")
    page.wait_for_url("**/me")
    page.click(f"a[href='/{paste_id}']")
    expect(page.locator("h1")).to_have_text("Ada's private notes")


def test_a_wrong_password_comes_back_on_the_form_with_the_name_kept(page, server):
    sign_up(page, "grace")
    page.click("header button:has-text('Log out')")
    page.click("header a:has-text('Log in')")
    page.fill("input[name=name]", "grace")
    page.fill("input[name=password]", "not the password")
    with page.expect_response(lambda r: r.url.endswith("/login")) as answer:
        page.click("main button[type=submit]:has-text('Log in')")
    assert answer.value.status == 403
    expect(page.locator("main .error")).to_have_text("wrong name or password")
    expect(page.locator("input[name=name]")).to_have_value("grace")
    expect(page.locator("input[name=password]")).to_have_value("")


def test_an_api_key_made_on_the_settings_page_is_shown_once_and_works(page, server, screenshot):
    sign_up(page, "linus")
    page.click("header a:has-text('Settings')")
    page.fill("input[name=label]", "laptop")
    page.click("button:has-text('Create a key')")
    key = page.locator(".new-key code.token").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)
    screenshot(page, "settings-new-key")
    made = fetch(f"{server.url}/api/v1/pastes", "POST", {"content": "x\n"},
                 headers={"X-Api-Key": key})  # fmt: skip
    assert made.status == 201
    page.goto("/settings")
    expect(page.locator(".new-key")).to_have_count(0)
    expect(page.locator("table.keys-table tbody tr")).to_contain_text("laptop")
    page.click("table.keys-table button:has-text('Revoke')")
    page.wait_for_url("**/settings")
    expect(page.locator("table.keys-table")).to_have_count(0)
    listed = fetch(f"{server.url}/api/v1/pastes", headers={"X-Api-Key": key})
    assert listed.status == 401


def test_the_header_of_a_signed_in_user_fits_a_narrow_screen(new_context, server):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_up(page, "narrow")
    for path in ("/", "/me", "/settings"):
        page.goto(path)
        expect(page.locator("header button:has-text('Log out')")).to_be_visible()
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
