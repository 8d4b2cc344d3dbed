"""The HTML pages in process: escaping of everything a user typed, line anchors, the security
headers, the stylesheets (and no file outside them), error pages, what the view page shows."""

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest

from pastebox.render import stylesheet
from pastebox.web.csrf import CSRF_COOKIE
from pastebox.web.vendor import E2EE_SCRIPT_PATH, TWEETNACL_PATH, TWEETNACL_SRI

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CURL = {"Accept": "*/*"}
PASTES = "/api/v1/pastes"
STATIC = Path(__file__).resolve().parent.parent / "pastebox" / "static"
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</pre></span><iframe srcdoc=x>",
)
ACTIVE_TAGS = frozenset({"script", "img", "svg", "iframe", "object", "embed", "base"})
OUR_SCRIPT = ("script", [("src", "/static/pastebox.js"), ("defer", None)])  # on every page
# The only others allowed, in this order: on the new-paste form and the pages of an end-to-end
# encrypted paste (tweetnacl under its SRI hash, then the code that seals and opens).
E2EE_SCRIPTS = [
    ("script", [("src", TWEETNACL_PATH), ("integrity", TWEETNACL_SRI), ("defer", None)]),
    ("script", [("src", E2EE_SCRIPT_PATH), ("defer", None)]),
]
SEALED = "A" * 60  # base64url long enough to be a sealed record


# -- helpers ---------------------------------------------------------------------------------


def create(app, **fields) -> str:
    body = fields if ("content" in fields or "files" in fields) else {"content": "x\n", **fields}
    return app.post_json(PASTES, body, status=201).json["publicId"]


def page(app, paste_id: str, status: int = 200):
    return app.get(f"/{paste_id}", headers=BROWSER, status=status)


def csrf(app) -> str:
    """This browser's anti-forgery token, as a page with a form would hand it out."""
    if CSRF_COOKIE not in app.cookies:
        app.get("/new", headers=BROWSER, status=200)
    return app.cookies[CSRF_COOKIE]


def reveal(app, paste_id: str, status: int = 200, **fields: str):
    """The burn interstitial's (or the password form's) POST, as the browser sends it."""
    body = urlencode({"csrf": csrf(app), **fields})
    headers = {**BROWSER, "Content-Type": "application/x-www-form-urlencoded"}
    return app.post(f"/{paste_id}", body, headers=headers, status=status)


class Document(HTMLParser):
    """What a browser would build from a page: its elements, their attributes, its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.data: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.elements.append((tag, attrs))
        self.attributes.extend(attrs)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.data.append(data)

    @property
    def text(self) -> str:
        return "".join(self.data)


def assert_no_active_markup(text: str) -> Document:
    """None of HOSTILE got through as markup: no script-capable element, no on* handler."""
    for payload in HOSTILE:
        assert payload not in text
    doc = Document(text)
    active = [(tag, attrs) for tag, attrs in doc.elements if tag in ACTIVE_TAGS]
    assert active in ([OUR_SCRIPT], [OUR_SCRIPT, *E2EE_SCRIPTS]), active
    handlers = [name for name, _ in doc.attributes if name.startswith("on")]
    assert not handlers, handlers
    return doc


def assert_html_security_headers(res) -> None:
    headers = res.headers
    assert headers["Content-Type"].lower() == "text/html; charset=utf-8"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"


def element_text(text: str, opening: str) -> str:
    """The text of the first element opened by `<opening>`, unescaped as a browser shows it."""
    tag = opening.split()[0]
    match = re.search(rf"<{opening}>(.*?)</{tag}>", text, re.DOTALL)
    assert match, f"no <{opening}> in the page"
    return html.unescape(match.group(1))


def line_ids(text: str) -> list[str]:
    return re.findall(r'<span class="line" id="(L\d+)">', text)


# -- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_title_is_shown_escaped(app, payload):
    text = page(app, create(app, title=payload)).text
    assert_no_active_markup(text)
    assert element_text(text, "h1") == payload
    assert element_text(text, "title") == f"{payload} · pastebox"


@pytest.mark.parametrize("payload", [p for p in HOSTILE if "/" not in p])
def test_a_hostile_file_name_is_shown_escaped_and_linked_percent_encoded(app, payload):
    name = payload + ".txt"
    paste_id = create(app, files=[{"name": name, "content": "x\n"}])
    text = page(app, paste_id).text
    assert_no_active_markup(text)
    assert element_text(text, 'a class="name" href="#file-1"') == name
    links = re.findall(rf'href="/raw/{paste_id}/([^"?]*)', text)
    assert links and all(re.fullmatch(r"[A-Za-z0-9%._~\-]+", link) for link in links)


@pytest.mark.parametrize("language", ["text", "html", "javascript", "python", None])
@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_content_is_shown_escaped_whatever_the_language(app, payload, language):
    fields = {"content": f"{payload}\nsecond {payload}\n"}
    if language:
        fields["syntax"] = language
    doc = assert_no_active_markup(page(app, create(app, **fields)).text)
    assert payload in doc.text and f"second {payload}" in doc.text  # shown to the reader, as text


def test_a_paste_hostile_everywhere_has_no_active_markup_anywhere(app):
    paste_id = create(
        app,
        title="".join(HOSTILE),
        files=[
            {"name": '"><img src=x onerror=alert(1)>.html', "content": "\n".join(HOSTILE)},
            {"name": "'><svg onload=alert(1)>.js", "content": "".join(HOSTILE)},
        ],
    )
    assert_no_active_markup(page(app, paste_id).text)


def test_an_error_page_escapes_the_text_the_client_sent(app):
    res = app.post(
        "/?lang=" + "%3Cscript%3Ealert(1)%3C/script%3E",
        b"x\n",
        headers={**BROWSER, "Content-Type": "text/plain"},
        status=400,
    )
    doc = assert_no_active_markup(res.text)
    assert "unknown language '<script>alert(1)</script>'" in doc.text


# -- line anchors ----------------------------------------------------------------------------


def test_every_line_has_an_anchor_and_a_link_to_itself(app):
    text = page(app, create(app, content="one\ntwo\nthree\n", syntax="text")).text
    assert line_ids(text) == ["L1", "L2", "L3"]
    for n in (1, 2, 3):
        assert f'href="#L{n}"' in text


@pytest.mark.parametrize(
    ("content", "lines"),
    [("a\r\nb\r\n", 2), ("a\nb", 2), ("a\n\n\n", 3), ("only", 1), ("a\rb\rc", 3)],
    ids=["crlf", "no-final-newline", "blank-lines", "one-line", "cr"],
)
def test_lines_are_counted_as_an_editor_counts_them(app, content, lines):
    text = page(app, create(app, content=content, syntax="python")).text
    assert line_ids(text) == [f"L{n}" for n in range(1, lines + 1)]


def test_each_file_of_a_paste_has_its_own_section_anchor(app):
    paste_id = create(
        app, files=[{"name": "a.py", "content": "a\n"}, {"name": "b.py", "content": "b\n"}]
    )
    text = page(app, paste_id).text
    assert 'id="file-1"' in text and 'id="file-2"' in text


def test_line_anchors_are_unique_on_a_several_file_page(app):
    paste_id = create(
        app, files=[{"name": "a.txt", "content": "a\n"}, {"name": "b.txt", "content": "b\n"}]
    )
    ids = re.findall(r'\sid="([^"]+)"', page(app, paste_id).text)
    assert len(ids) == len(set(ids))


# -- security headers ------------------------------------------------------------------------


def test_the_new_paste_page_sends_the_security_headers(app):
    assert_html_security_headers(app.get("/", headers=BROWSER, status=200))


def test_the_paste_page_sends_the_security_headers(app):
    assert_html_security_headers(page(app, create(app)))


def test_the_burn_interstitial_and_the_reveal_send_the_security_headers(app):
    paste_id = create(app, burnAfterRead=True)
    assert_html_security_headers(page(app, paste_id))
    assert_html_security_headers(reveal(app, paste_id))


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/AAAAAAAAAA", 404), ("GET", "/no/such/page", 404), ("DELETE", "/", 405),
     ("POST", "/?ttl=bogus", 400)],
)  # fmt: skip
def test_error_pages_send_the_security_headers(app, method, path, status):
    res = app.request(path, method=method, body=b"x", headers=BROWSER, status=status)
    assert_html_security_headers(res)


def test_the_page_loads_only_its_own_script_and_stylesheets(app):
    text = page(app, create(app)).text
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/pastebox.js" defer>']
    assert "</script>" in text and text.count("<script") == 1
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)">', text) == [
        "/static/pastebox.css",
        "/static/pygments.css",
    ]


# -- static files ----------------------------------------------------------------------------


def test_the_site_stylesheet_is_served_as_css_from_the_package(app):
    res = app.get("/static/pastebox.css", status=200)
    assert res.content_type == "text/css"
    assert res.body == (STATIC / "pastebox.css").read_bytes()
    assert res.headers["Cache-Control"] == "public, max-age=3600"
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_the_highlighting_stylesheet_is_served_as_css_with_a_dark_variant(app):
    res = app.get("/static/pygments.css", status=200)
    assert res.headers["Content-Type"] == "text/css; charset=utf-8"
    assert res.text == stylesheet()
    assert ".code" in res.text and "prefers-color-scheme: dark" in res.text


TRAVERSALS = (
    "/static/../app.py",
    "/static/%2e%2e/app.py",
    "/static/..%2fapp.py",
    "/static/%2e%2e%2fapp.py",
    "/static/..%5capp.py",
    "/static/./../app.py",
    "/static/../templates/base.tpl",
    "/static/../../pyproject.toml",
    "/static/../../../../../../etc/passwd",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/pastebox.css%00.py",
    "/static/%00",
    "/static/..",
    "/static/nope.css",
)


@pytest.mark.parametrize("path", TRAVERSALS)
@pytest.mark.parametrize("accept", [CURL, BROWSER], ids=["curl", "browser"])
def test_a_path_out_of_the_static_folder_is_404_never_a_file(app, path, accept):
    res = app.get(path, headers=accept, status=404)
    for leak in (b"create_app", b"root:", b"[build-system]", b"rebase(", b"% for"):
        assert leak not in res.body
    assert "public" not in res.headers.get("Cache-Control", "")  # a miss is not cached
    if accept is BROWSER:
        assert res.content_type == "text/html"
    else:
        assert res.json["error"] == "not_found"


# -- error pages -----------------------------------------------------------------------------


def test_a_missing_paste_is_an_html_page_with_a_heading_and_a_way_back(app):
    res = app.get("/AAAAAAAAAA", headers=BROWSER, status=404)
    assert res.content_type == "text/html"
    assert "<h1>No such paste</h1>" in res.text
    assert "<title>No such paste · pastebox</title>" in res.text
    assert '<a href="/">Make a new paste</a>' in res.text


def test_a_burned_paste_is_an_html_gone_page(app):
    paste_id = create(app, burnAfterRead=True)
    app.get(f"/raw/{paste_id}", status=200)
    res = page(app, paste_id, status=410)
    assert "<h1>This paste is gone</h1>" in res.text
    assert "burned after it was read" in res.text


def test_an_oversize_paste_from_a_browser_is_an_html_413_page(make_app):
    app = make_app(max_paste_bytes=16)
    res = app.post("/", b"x" * 17, headers={**BROWSER, "Content-Type": "text/plain"}, status=413)
    assert res.content_type == "text/html"
    assert "<h1>Too large</h1>" in res.text


def test_an_error_page_is_never_json_for_a_browser(app):
    res = app.get("/AAAAAAAAAA", headers=BROWSER, status=404)
    assert '"error"' not in res.text and not res.text.lstrip().startswith("{")


# -- what the view page shows ----------------------------------------------------------------


def test_the_title_is_the_heading_and_the_window_title(app):
    text = page(app, create(app, title="Deploy notes")).text
    assert "<h1>Deploy notes</h1>" in text
    assert "<title>Deploy notes · pastebox</title>" in text


def test_an_untitled_paste_is_headed_by_its_id(app):
    paste_id = create(app)
    text = page(app, paste_id).text
    assert f"<h1>{paste_id}</h1>" in text
    assert f"<title>{paste_id} · pastebox</title>" in text


@pytest.mark.parametrize(
    ("fields", "language"),
    [({"files": [{"name": "main.py", "content": "import os\n"}]}, "Python"),
     ({"content": "fn main() {}\n", "syntax": "rust"}, "Rust"),
     ({"content": "just words\n", "syntax": "text"}, "Plain text")],
    ids=["from-name", "chosen", "plain"],
)  # fmt: skip
def test_the_language_is_shown_beside_the_file_name(app, fields, language):
    text = page(app, create(app, **fields)).text
    assert f'<span class="lang">{language}</span>' in text


def test_a_binary_file_is_described_not_dumped(app):
    res = app.put("/blob.bin", b"\xff\xfe\x00\x01binary", headers=CURL, status=201)
    paste_id = res.text.strip().rsplit("/", 1)[1]
    text = page(app, paste_id).text
    assert "Binary file, 10 bytes." in text
    assert '<span class="lang">binary</span>' in text
    assert "<pre" not in text


def test_the_meta_line_gives_files_size_creation_and_expiry(app):
    paste_id = create(app, content="hello\n", expiresIn="1h")
    text = page(app, paste_id).text
    meta = [html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<span[^>]*>(.*?)</span>", element_text(text, 'p class="meta"'))]  # fmt: skip
    assert meta == ["1 file", "Plain text", "6 bytes", "created just now", "expires in 1 hour"]
    assert 'datetime="2027-01-15T08:00:00Z" title="2027-01-15 08:00 UTC"' in text


def test_a_paste_without_expiry_says_it_never_expires(app):
    assert "never expires" in page(app, create(app)).text


def test_the_revealed_burn_paste_says_it_is_deleted(app):
    paste_id = create(app, content="once\n", burnAfterRead=True)
    text = reveal(app, paste_id).text
    assert "deleted from the server now that you have read it" in text
    assert "once" in text


def test_every_file_links_to_its_raw_bytes_and_a_download(app):
    paste_id = create(app, files=[{"name": "a b.txt", "content": "x\n"}])
    text = page(app, paste_id).text
    assert f'<a href="/raw/{paste_id}/a%20b.txt">Raw</a>' in text
    assert f'<a href="/raw/{paste_id}/a%20b.txt?download=1">Download</a>' in text


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


def test_a_page_view_counts_and_a_head_does_not(app):
    paste_id = create(app)
    for _ in range(3):
        app.head(f"/{paste_id}", headers=BROWSER, status=200)
    page(app, paste_id)
    assert app.get(f"{PASTES}/{paste_id}", status=200).json["viewCount"] == 2  # page + this read


# -- the new-paste page ----------------------------------------------------------------------


def test_the_new_paste_form_posts_every_option_as_multipart_to_new(app):
    text = app.get("/", headers=BROWSER, status=200).text
    assert (
        '<form class="paste-form" method="post" action="/new" enctype="multipart/form-data"' in text
    )
    for field in ('name="title"', 'name="name"', 'name="content"', 'name="ttl"',
                  'name="exposure"', 'name="burn"'):  # fmt: skip
        assert field in text


def test_the_expiry_choices_longer_than_the_maximum_are_not_offered(make_app):
    text = make_app(max_ttl=86400).get("/", headers=BROWSER, status=200).text
    ttl_select = text.split('name="ttl"')[1].split("</select>")[0]
    values = re.findall(r'<option value="([^"]+)"', ttl_select)
    assert values[:3] == ["10m", "1h", "1d"]
    assert not {"1w", "1m", "1y"} & set(values)


def test_the_configured_default_expiry_is_preselected(make_app):
    text = make_app(default_ttl=3600).get("/", headers=BROWSER, status=200).text
    assert '<option value="1h" selected>1 hour</option>' in text


def test_a_default_expiry_that_is_no_preset_is_offered_first_and_preselected(make_app):
    text = make_app(default_ttl=7200).get("/", headers=BROWSER, status=200).text
    ttl_select = text.split('name="ttl"')[1].split("</select>")[0]
    assert re.findall(r"<option[^>]*>", ttl_select)[0] == '<option value="7200" selected>'
    assert "2 hours" in ttl_select


def test_the_new_paste_page_shows_the_curl_manual(app):
    text = app.get("/", headers=BROWSER, status=200).text
    assert '<pre class="manual">' in text
    assert "curl --data-binary @file.py http://localhost:80" in text
