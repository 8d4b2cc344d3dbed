"""End-to-end encrypted pastes in a real browser against a real server: the form seals in the
page and lands on /ID#key, where the page opens it; the server and the wire carry only sealed
bytes; a missing, wrong or damaged key is said plainly; burn-after-read keeps the key through
its one reading; without JavaScript the form is the plain one."""

import json
import re
import secrets

import pytest
from helpers import PROBLEMS, fetch

from pastebox.core.crypto import (
    b64url,
    b64url_decode,
    e2ee_key_from_fragment,
    e2ee_open,
    e2ee_seal,
    new_e2ee_key,
)

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

PASTES = "/api/v1/pastes"
E2EE_URL = re.compile(r"^http://[^/]+/([A-Za-z0-9]{10})#([A-Za-z0-9_-]{43})$")
PLAIN_URL = re.compile(r"^http://[^/]+/[A-Za-z0-9]{10}$")
MISSING_KEY = "This paste is encrypted; the link's key is missing"
WRONG_KEY = "The key in this link does not open this paste"


def marker() -> str:
    return f"e2ee-marker-{secrets.token_hex(6)}"


def record_of(title: str, *files: tuple[str, str | None, str]) -> dict:
    return {"v": 1, "title": title, "files": [{"name": n, "language": lang, "content": c}
                                              for n, lang, c in files]}  # fmt: skip


def make_sealed(url: str, record: dict, **fields) -> tuple[str, bytes, str]:
    """An E2EE paste sealed by pynacl and stored through the API: (id, key, content)."""
    key = new_e2ee_key()
    content = e2ee_seal(key, record)
    reply = fetch(f"{url}{PASTES}", "POST", {"content": content, "isE2ee": True, **fields})
    assert reply.status == 201, reply.body
    return reply.json()["publicId"], key, content


def fill_form(page, title: str, name: str, language: str, text: str) -> None:
    page.goto("/new")
    page.fill("input[name=title]", title)
    block = page.locator("fieldset.file-input").nth(0)
    block.locator("input[name=name]").fill(name)
    block.locator("select[name=lang]").select_option(language)
    block.locator("textarea[name=content]").fill(text)


def expect_refusal_of(request: pytest.FixtureRequest, url: str) -> None:
    """The refused POST is the request under test, as a refused form's document is: chromium's
    "Failed to load resource" for exactly that URL is expected, any other problem still fails."""
    request.node.stash[PROBLEMS].error_documents.add(url)


# -- made in the form, opened from the link --------------------------------------------------


def test_a_paste_encrypted_in_the_form_opens_from_its_link_and_the_server_never_sees_it(
    page, server, screenshot
):
    word = marker()
    text = f"print('{word}')\n\n\tsecond line <b>not markup</b>\n"
    fill_form(page, f"Secret {word}", "secret.py", "python", text)
    toggle = page.locator("#e2ee-toggle")
    expect(toggle).to_be_visible()
    toggle.check()
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)

    page.click("button[name=submit]")

    page.wait_for_url(E2EE_URL)
    paste_id, fragment = E2EE_URL.match(page.url).groups()
    expect(page.locator("h1")).to_have_text(f"Secret {word}")
    expect(page).to_have_title(f"Secret {word} · pastebox")
    expect(page.locator("#e2ee-status")).to_be_hidden()
    expect(page.locator("#file-1 .name")).to_have_text("secret.py")
    expect(page.locator("#file-1 .lang")).to_have_text("Python")
    expect(page.locator("#file-1 .lines")).to_have_text("3 lines")
    expect(page.locator("#file-1 .lc")).to_have_text(
        [f"print('{word}')", "", "\tsecond line <b>not markup</b>"]
    )
    expect(page.locator("#file-1 .lc b")).to_have_count(0)  # text, never markup
    expect(page.locator(".manage")).to_be_visible()  # this browser keeps the manage token
    screenshot(page, "e2ee-view")

    # What left the browser: one POST of sealed bytes, neither the words nor the names.
    assert [p.url for p in posts] == [f"{server.url}/new"]
    sent = posts[0].post_data_buffer
    for clear in (word.encode(), b"secret.py", b"Secret", b"python"):
        assert clear not in sent, clear
    assert fragment.encode() not in sent

    # What the server keeps: opaque text, which the link's key opens to what was typed.
    raw = fetch(f"{server.url}/raw/{paste_id}")
    assert raw.status == 200
    assert word not in raw.body.decode()
    expected = record_of(f"Secret {word}", ("secret.py", "python", text))
    assert e2ee_open(e2ee_key_from_fragment(fragment), raw.body.decode()) == expected
    stored = fetch(f"{server.url}{PASTES}/{paste_id}").json()
    assert stored["isE2ee"] is True and stored["title"] == ""


def test_the_copy_button_copies_the_decrypted_text(context, page, server):
    word = marker()
    text = f"copied {word}\n\nlast line without newline"
    paste_id, key, _ = make_sealed(server.url, record_of("", ("a.txt", None, text)))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(f"/{paste_id}#{b64url(key)}")
    button = page.locator("#file-1 button.copy")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == text
    expect(page.locator("#file-1 .lang")).to_have_text("Plain text")


def test_several_files_sealed_by_python_open_in_the_page_each_in_its_section(page, server):
    word = marker()
    record = record_of(
        "",
        ("one.md", "markdown", f"# {word}\n"),
        ("", None, "ünïcödé ✓ 🙂\r\ncrlf line\r\n"),
    )
    paste_id, key, _ = make_sealed(server.url, record)
    page.goto(f"/{paste_id}#{b64url(key)}")
    expect(page.locator("section.file .name")).to_have_text(["one.md", "file2.txt"])
    expect(page.locator("#file-1 .lang")).to_have_text("Markdown")
    expect(page.locator("#file-2 .lc")).to_have_text(["ünïcödé ✓ 🙂", "crlf line"])
    expect(page.locator("h1")).to_have_text(paste_id)  # no title: the id, as for any paste
    expect(page.locator("#e2ee-summary")).to_contain_text("2 files")


# -- without the right key -------------------------------------------------------------------


def test_without_the_key_the_page_says_it_is_missing_and_shows_nothing(page, server):
    word = marker()
    paste_id, key, _ = make_sealed(server.url, record_of(word, ("a.txt", None, word)))
    page.goto(f"/{paste_id}")
    expect(page.locator("#e2ee-status")).to_contain_text(MISSING_KEY)
    expect(page.locator("section.file")).to_have_count(0)
    assert word not in page.content()
    # the key added to the open page opens it there
    page.evaluate("fragment => { location.hash = fragment; }", b64url(key))
    expect(page.locator("#file-1 .lc")).to_have_text(word)
    expect(page.locator("h1")).to_have_text(word)


@pytest.mark.parametrize("damage", ["another-key", "one-character", "truncated", "not-base64url"])
def test_a_wrong_or_damaged_key_says_it_does_not_open_the_paste(page, server, damage):
    word = marker()
    paste_id, key, _ = make_sealed(server.url, record_of(word, ("a.txt", None, word)))
    fragment = b64url(key)
    bad = {
        "another-key": b64url(new_e2ee_key()),
        "one-character": ("B" if fragment[5] != "B" else "C").join((fragment[:5], fragment[6:])),
        "truncated": fragment[:-1],
        "not-base64url": fragment[:-1] + "+",
    }[damage]
    page.goto(f"/{paste_id}#{bad}")
    expect(page.locator("#e2ee-status")).to_contain_text(WRONG_KEY)
    expect(page.locator("section.file")).to_have_count(0)
    assert word not in page.content()


def test_a_flipped_bit_in_the_stored_content_says_the_key_does_not_open_it(page, server):
    word = marker()
    key = new_e2ee_key()
    sealed = bytearray(b64url_decode(e2ee_seal(key, record_of(word))))
    sealed[-1] ^= 0x01
    reply = fetch(
        f"{server.url}{PASTES}", "POST", {"content": b64url(bytes(sealed)), "isE2ee": True}
    )
    assert reply.status == 201, reply.body
    page.goto(f"/{reply.json()['publicId']}#{b64url(key)}")
    expect(page.locator("#e2ee-status")).to_contain_text(WRONG_KEY)
    assert word not in page.content()


# -- burn after reading ----------------------------------------------------------------------


def test_a_burn_paste_encrypted_in_the_form_is_revealed_once_and_opens(page, server, screenshot):
    word = marker()
    fill_form(page, "", "once.txt", "", f"read me once {word}\n")
    page.check("input[name=burn]")
    page.check("#e2ee-toggle")
    page.click("button[name=submit]")

    page.wait_for_url(E2EE_URL)
    paste_id, fragment = E2EE_URL.match(page.url).groups()
    expect(page.locator("h1")).to_contain_text("will be deleted after you read it")
    reveal = page.locator("form[data-e2ee-reveal]")
    expect(reveal).to_have_attribute("action", f"/{paste_id}#{fragment}")
    expect(page.locator("#e2ee-reveal-warning")).to_be_hidden()
    assert word not in page.content()
    screenshot(page, "e2ee-burn-interstitial")

    page.click("button[type=submit]:has-text('Show it and delete it')")

    expect(page.locator("#file-1 .lc")).to_have_text(f"read me once {word}")
    expect(page.locator(".notice")).to_contain_text("the paste is gone from the server")
    assert page.url.endswith(f"/{paste_id}#{fragment}")
    assert fetch(f"{server.url}/raw/{paste_id}").status == 410
    again = page.goto(f"/{paste_id}")  # a new load (the same URL with its #key would not be)
    assert again.status == 410
    assert word not in page.content()


def test_a_burn_link_without_its_key_warns_before_the_reading(page, server):
    paste_id, _, _ = make_sealed(
        server.url, record_of("", ("a.txt", None, "x")), burnAfterRead=True
    )
    page.goto(f"/{paste_id}")
    expect(page.locator("#e2ee-reveal-warning")).to_be_visible()
    expect(page.locator("form[data-e2ee-reveal]")).to_have_attribute("action", f"/{paste_id}")
    assert fetch(f"{server.url}/{paste_id}", "HEAD").status == 200  # nothing burned


# -- refusals --------------------------------------------------------------------------------


def test_a_chosen_upload_is_refused_before_anything_is_sent(page):
    fill_form(page, "", "a.txt", "", "typed\n")
    page.set_input_files(
        "input[name=upload]", files=[{"name": "b.bin", "mimeType": "application/octet-stream",
                                      "buffer": b"\x00\x01binary"}]
    )  # fmt: skip
    page.check("#e2ee-toggle")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.click("button[name=submit]")
    expect(page.locator("#form-error")).to_contain_text("Chosen files cannot be encrypted")
    assert posts == [] and page.url.endswith("/new")


def test_an_empty_encrypted_paste_is_refused_in_the_page(page):
    page.goto("/new")
    page.check("#e2ee-toggle")
    page.click("button[name=submit]")
    expect(page.locator("#form-error")).to_have_text("A paste needs content.")


def test_the_servers_refusal_is_shown_on_the_form(page, server, request):
    fill_form(page, "", "a.txt", "", "typed\n")
    page.check("#e2ee-toggle")
    # a token that is not this browser's: the server refuses the POST (403, JSON)
    page.eval_on_selector("input[name=csrf]", "field => { field.value = 'x'.repeat(43); }")
    expect_refusal_of(request, f"{server.url}/new")
    with page.expect_response(lambda r: r.request.method == "POST") as reply:
        page.click("button[name=submit]")
    assert reply.value.status == 403
    assert json.loads(reply.value.body())["error"] == "csrf"
    expect(page.locator("#form-error")).to_contain_text("this form has expired")
    assert page.url.endswith("/new")
    expect(page.locator("button[name=submit]")).to_be_enabled()  # ready to try again


def test_without_javascript_the_option_is_hidden_and_the_form_posts_as_before(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/new")
    expect(page.locator("#e2ee-toggle")).to_be_hidden()
    page.locator("textarea[name=content]").fill("plain, no script\n")
    page.click("button[name=submit]")
    page.wait_for_url(PLAIN_URL)
    expect(page.locator("#L1 .lc")).to_have_text("plain, no script")
