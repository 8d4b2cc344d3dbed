"""End-to-end encrypted pastes on the browser's pages, in process: the form POST that e2ee.js
makes (a sealed record, JSON back, the maker's cookies), what the server keeps (opaque text
only), the view and burn pages that hand the sealed text to the browser with the SRI-pinned
tweetnacl, and the vendored file itself."""

import base64
import contextlib
import hashlib
import json
import re
import sqlite3

import pytest
from helpers import (
    BROWSER,
    E2EE_SCRIPTS,
    OUR_SCRIPT,
    PASTES,
    SEALED,
    STATIC,
    Document,
    assert_html_security_headers,
    assert_no_active_markup,
    cookie_for_path,
    create,
    csrf,
    multipart,
    page,
    reveal,
    search_page,
)

from pastebox.core.crypto import e2ee_open, e2ee_seal, new_e2ee_key
from pastebox.web.vendor import E2EE_SCRIPT_PATH, TWEETNACL_PATH, TWEETNACL_SRI

AS_SCRIPT = {"Accept": "application/json"}  # what e2ee.js sends with its fetch


MARKER = "okapi-quasar-marker"


RECORD = {
    "v": 1,
    "title": f"Title {MARKER}",
    "files": [{"name": "secret.py", "language": "python", "content": f"print('{MARKER}')\n"}],
}


VENDORED = STATIC / "vendor" / "nacl-fast.min.js"


ID_RE = re.compile(r"[A-Za-z0-9]{10}")


# -- helpers ---------------------------------------------------------------------------------


def sealed_fields(content: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    """The fields e2ee.js posts, after the form's token: nothing but the sealed content and
    the options that are not secret."""
    return [("e2ee", "1"), ("content", content), ("ttl", "1h"), ("exposure", "unlisted"), *extra]


def post_sealed(app, fields: list[tuple], status: int = 201, accept: dict | None = None):
    """POST /new as e2ee.js does: multipart with the page's CSRF token, asking for JSON."""
    if not any(f[0] == "csrf" for f in fields):
        fields = [("csrf", csrf(app)), *fields]
    body, content_type = multipart(*fields)
    headers = {**(accept or AS_SCRIPT), "Content-Type": content_type}
    return app.post("/new", body, headers=headers, status=status)


def make_sealed(app, *extra: tuple[str, str]) -> tuple[str, bytes, str]:
    """An E2EE paste made through the form path: (id, key, stored content)."""
    key = new_e2ee_key()
    content = e2ee_seal(key, RECORD)
    res = post_sealed(app, sealed_fields(content, *extra))
    return res.json["id"], key, content


def paste_count(db_path: str) -> int:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return conn.execute("SELECT count(*) FROM pastes").fetchone()[0]


def scripts(text: str) -> list:
    return [(tag, attrs) for tag, attrs in Document(text).elements if tag == "script"]


def shell_of(text: str) -> dict[str, str | None]:
    shells = [dict(attrs) for _, attrs in Document(text).elements if ("id", "e2ee") in attrs]
    assert len(shells) == 1, shells
    return shells[0]


# -- the form POST that e2ee.js makes --------------------------------------------------------


def test_a_sealed_form_post_answers_201_json_with_the_id_and_the_url(app):
    content = e2ee_seal(new_e2ee_key(), RECORD)
    res = post_sealed(app, sealed_fields(content))
    assert res.content_type == "application/json"
    assert res.headers["Cache-Control"] == "no-store"
    assert set(res.json) == {"id", "url"}
    assert ID_RE.fullmatch(res.json["id"])
    assert re.fullmatch(rf"http://localhost(:80)?/{res.json['id']}", res.json["url"])


def test_a_sealed_form_post_keeps_the_manage_token_in_this_browser_like_the_form(app):
    content = e2ee_seal(new_e2ee_key(), RECORD)
    res = post_sealed(app, sealed_fields(content))
    paste_id = res.json["id"]
    for path in (f"/{paste_id}", f"/raw/{paste_id}", f"/zip/{paste_id}"):
        cookie = cookie_for_path(res, path)
        assert cookie["value"] and "httponly" in cookie and cookie["samesite"] == "Lax"
    assert "Manage token" in page(app, paste_id).text  # the maker's view shows it


def test_the_server_keeps_only_the_sealed_text_which_the_key_opens(app):
    paste_id, key, content = make_sealed(app, ("exposure", "public"))
    stored = app.get(f"{PASTES}/{paste_id}", status=200).json
    assert stored["isE2ee"] is True
    assert stored["title"] == ""
    assert [f["content"] for f in stored["files"]] == [content]
    raw = app.get(f"/raw/{paste_id}", status=200).text
    assert raw == content and MARKER not in raw
    assert e2ee_open(key, raw) == RECORD
    # public, yet never indexed: neither the sealed text nor anything in it is found
    assert "hit-head" not in search_page(app, content[:40]).text


def test_burn_and_exposure_travel_beside_the_sealed_content(app):
    paste_id, _, _ = make_sealed(app, ("burn", "1"))
    assert app.get(f"{PASTES}/{paste_id}", status=200).json["burnAfterRead"] is True


@pytest.mark.parametrize(
    "content",
    ["this is the plain text, not sealed", "c2hvcnQ", "A" * 40 + "+/" + "A" * 20, ""],
    ids=["plain-text", "too-short", "standard-base64", "empty"],
)
def test_a_sealed_post_whose_content_is_not_base64url_of_a_box_is_refused_in_json(
    app, db_path, content
):
    res = post_sealed(app, sealed_fields(content), status=400)
    assert res.content_type == "application/json"
    assert res.json["error"] == "invalid"
    assert res.json["field"] == "content"
    assert res.json["message"]
    assert paste_count(db_path) == 0


@pytest.mark.parametrize(
    "clear",
    [[("title", f"Title {MARKER}")], [("name", "secret.py")], [("lang", "python")],
     [("name", ""), ("content", "A" * 60)], [("password", "hunter2")],
     [("upload", "secret.py", f"print('{MARKER}')\n".encode())]],
    ids=["title", "name", "language", "second-file", "password", "upload"],
)  # fmt: skip
def test_a_sealed_post_carrying_anything_in_the_clear_beside_it_is_refused(app, db_path, clear):
    content = e2ee_seal(new_e2ee_key(), RECORD)
    res = post_sealed(app, sealed_fields(content, *clear), status=400)
    assert res.json["field"] == "content"
    assert "inside" in res.json["message"]
    assert paste_count(db_path) == 0


def test_a_sealed_post_without_this_browsers_token_is_refused_in_json(app):
    csrf(app)  # the browser has a token; the post carries another
    content = e2ee_seal(new_e2ee_key(), RECORD)
    res = post_sealed(app, [("csrf", "x" * 43), *sealed_fields(content)], status=403)
    assert res.content_type == "application/json"
    assert res.json["error"] == "csrf"


def test_a_sealed_post_over_the_rate_limit_says_when_to_retry_in_json(make_app):
    limited = make_app(rate_limit=1)
    post_sealed(limited, sealed_fields(e2ee_seal(new_e2ee_key(), RECORD)))
    res = post_sealed(limited, sealed_fields(e2ee_seal(new_e2ee_key(), RECORD)), status=429)
    assert res.json["error"] == "rate_limited"
    assert int(res.headers["Retry-After"]) >= 1


def test_a_sealed_post_from_a_page_navigation_redirects_like_the_form(app):
    content = e2ee_seal(new_e2ee_key(), RECORD)
    res = post_sealed(app, sealed_fields(content), status=303, accept=BROWSER)
    paste_id = res.headers["Location"].rsplit("/", 1)[1]
    assert app.get(f"/raw/{paste_id}", status=200).text == content


# -- the pages that hand the sealed text to the browser --------------------------------------


def test_the_view_of_an_e2ee_paste_shows_no_decrypted_text_and_loads_the_pinned_script(app):
    paste_id, _, content = make_sealed(app)
    res = page(app, paste_id)
    assert_html_security_headers(res)
    text = res.text
    assert_no_active_markup(text)
    assert scripts(text) == [OUR_SCRIPT, *E2EE_SCRIPTS]
    assert f'integrity="{TWEETNACL_SRI}"' in text
    assert MARKER not in text
    assert content not in Document(text).text  # in the data attribute only, never as text
    shell = shell_of(text)
    assert shell["data-sealed"] == content
    assert json.loads(shell["data-languages"])["python"] == "Python"
    assert "<section" not in text and '<pre class="code">' not in text


def test_a_plain_paste_page_loads_no_e2ee_script(app):
    text = page(app, create(app)).text
    assert scripts(text) == [OUR_SCRIPT]
    assert 'id="e2ee"' not in text


def test_the_burn_interstitial_of_an_e2ee_paste_lets_the_script_carry_the_key(app):
    paste_id, _, content = make_sealed(app, ("burn", "1"))
    text = page(app, paste_id).text
    assert_no_active_markup(text)
    forms = [dict(attrs) for tag, attrs in Document(text).elements if tag == "form"]
    reveal_forms = [f for f in forms if "data-e2ee-reveal" in f]
    assert [f["action"] for f in reveal_forms] == [f"/{paste_id}"]
    assert scripts(text) == [OUR_SCRIPT, *E2EE_SCRIPTS]
    assert content not in text
    shown = reveal(app, paste_id).text  # the one reading: the shell with the sealed text
    assert shell_of(shown)["data-sealed"] == content
    assert scripts(shown) == [OUR_SCRIPT, *E2EE_SCRIPTS]
    assert MARKER not in shown
    reveal(app, paste_id, status=410)


def test_the_burn_interstitial_of_a_plain_paste_loads_no_e2ee_script(app):
    text = page(app, create(app, burnAfterRead=True)).text
    assert scripts(text) == [OUR_SCRIPT]
    assert "data-e2ee-reveal" not in text


def test_the_new_paste_form_offers_encryption_without_posting_the_choice(app):
    text = app.get("/new", headers=BROWSER, status=200).text
    assert scripts(text) == [OUR_SCRIPT, *E2EE_SCRIPTS]
    toggles = [dict(a) for tag, a in Document(text).elements if ("id", "e2ee-toggle") in a]
    assert len(toggles) == 1
    # No name: the plain form (JavaScript off) never sends it; e2ee.js acts on it instead.
    assert toggles[0]["type"] == "checkbox" and "name" not in toggles[0]
    assert "Encrypt in my browser (the server never sees the text)" in text


def test_the_edit_and_fork_forms_do_not_offer_encryption(app):
    paste_id = create(app)
    for path in (f"/{paste_id}/edit", f"/new?from={paste_id}"):
        text = app.get(path, headers=BROWSER, status=200).text
        assert "e2ee-toggle" not in text
        assert scripts(text) == [OUR_SCRIPT]


# -- the vendored script ---------------------------------------------------------------------


def test_the_sri_constant_is_the_sha384_of_the_vendored_file(app):
    digest = hashlib.sha384(VENDORED.read_bytes()).digest()
    assert "sha384-" + base64.b64encode(digest).decode("ascii") == TWEETNACL_SRI
    served = app.get(TWEETNACL_PATH, status=200)
    assert served.body == VENDORED.read_bytes()  # what the browser checks is what is on disk
    assert "javascript" in served.content_type


def test_the_vendor_readme_names_the_version_source_integrity_and_license():
    readme = (STATIC / "vendor" / "README").read_text(encoding="utf-8")
    assert "tweetnacl 1.0.3" in readme
    assert "https://registry.npmjs.org/tweetnacl/-/tweetnacl-1.0.3.tgz" in readme
    assert "sha512-6rt+RN7aOi1nGMyC4Xa5DdYiukl2UWCbcJft7YhxReBGQD7OAM8Pbxw6YMo4r2diNEA8FEmu32YOn9rhaiE5yw==" in readme  # fmt: skip
    assert "public domain" in readme and "Unlicense" in readme
    assert TWEETNACL_SRI in readme


def test_the_e2ee_script_builds_pages_without_markup_strings_or_eval(app):
    """Paste text reaches the page through textContent only (and CSP forbids eval anyway)."""
    source = app.get(E2EE_SCRIPT_PATH, status=200).text
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                  "new Function"):  # fmt: skip
        assert risky not in source, risky


# -- what the view page shows ----------------------------------------------------------------


def test_an_end_to_end_encrypted_paste_is_a_shell_holding_the_sealed_text_for_the_browser(app):
    """The browser opens it (static/e2ee.js); the server neither shows nor highlights it."""
    paste_id = create(app, content=SEALED, isE2ee=True)
    text = page(app, paste_id).text
    doc = assert_no_active_markup(text)
    assert "end-to-end encrypted" in doc.text
    assert SEALED not in doc.text
    assert '<pre class="code">' not in text and 'class="lang"' not in text
    shells = [dict(attrs) for _, attrs in doc.elements if ("id", "e2ee") in attrs]
    assert [shell["data-sealed"] for shell in shells] == [SEALED]
