"""HTML pages: the layout helpers, the paste view, the burn interstitial, search results, errors
and the static files.

The curl surface calls these when a browser asks for `/` or `/ID` (same URLs as curl, negotiated
by Accept); the site surface (web/site.py) serves the browser-only URLs.
"""

import functools
import html
import json
import os
import time
from urllib.parse import quote, urlencode

import bottle
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from pastebox import render
from pastebox.config import Config, parse_ttl
from pastebox.core import pastes
from pastebox.core.errors import Forbidden, Invalid, PasteboxError, RateLimited, Unauthorized
from pastebox.core.model import Actor, Paste, SearchHit, User
from pastebox.core.search import find_pastes
from pastebox.web.codeview import (  # noqa: F401 - TIMED_OUT_RENDER_SECONDS: re-exported
    CODE_MARK,
    TIMED_OUT_RENDER_SECONDS,
    FileView,
    cut_note,
    highlight_file,
    longer_than_a_page,
    with_code,
)
from pastebox.web.context import SERVICES_KEY, TOKEN_COOKIE, Services
from pastebox.web.csrf import CSRF_FIELD, check_csrf, csrf_field
from pastebox.web.payload import read_small_form
from pastebox.web.plugins import json_error, new_bottle
from pastebox.web.templating import template
from pastebox.web.vendor import e2ee_scripts

STATIC = os.path.join(os.path.dirname(os.path.dirname(__file__)), "static")
HTML_TYPE = "text/html; charset=utf-8"
SEARCH_PAGE_SIZE = 20
ERROR_HEADINGS = {
    400: "That request could not be understood",
    401: "Who are you?",
    403: "Not allowed",
    404: "No such paste",
    405: "Not allowed here",
    410: "This paste is gone",
    413: "Too large",
    415: "Not a kind of upload pastebox takes",
    429: "Slow down",
    503: "Busy, try again",
}
ERROR_HINTS = {
    404: "The link may be mistyped, or the paste was never here.",
    410: "Burn-after-read pastes can be read once; others expire or are deleted by their owner.",
    413: "Split it into several pastes, or ask the administrator for a larger max_paste_bytes.",
    429: "Too many requests from your address in a short time. Wait a little and try again.",
}
# Offered in the form's language list; any pygments name still works in the API, curl's lang=
# and /ID.ext.
COMMON_LANGUAGES = (
    "bash", "c", "clojure", "cpp", "csharp", "css", "dart", "diff", "docker", "elixir",
    "erlang", "fsharp", "go", "graphql", "haskell", "html", "ini", "java", "javascript", "json",
    "jsx", "kotlin", "latex", "lua", "make", "markdown", "nginx", "nim", "nix", "ocaml", "perl",
    "php", "powershell", "python", "pycon", "r", "ruby", "rust", "scala", "scss", "sql",
    "swift", "toml", "typescript", "vim", "xml", "yaml", "zig",
)  # fmt: skip


def _services() -> Services | None:
    return bottle.request.app.config.get(SERVICES_KEY)


def viewer() -> User | None:
    """The signed-in user, for the page chrome (base.tpl); None, without a query, for a
    browser that sends no session cookie."""
    services = _services()
    return services.session_user(bottle.request) if services else None


def signup_open() -> bool:
    services = _services()
    return services is not None and services.cfg.registration == "open"


def page(name: str, **context) -> str:
    return template(name).render(
        {
            "csrf_field": csrf_field,
            "e2ee_scripts": e2ee_scripts,
            "viewer": viewer,
            "signup_open": signup_open,
            **context,
        }
    )


# -- words for numbers -----------------------------------------------------------------------


def human_size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


DURATION_UNITS = (("year", 31536000), ("month", 2592000), ("week", 604800), ("day", 86400),
                  ("hour", 3600), ("minute", 60), ("second", 1))  # fmt: skip


def human_delta(seconds: float) -> str:
    """'3 minutes', '2 days': the largest whole unit (a minute at least)."""
    seconds = abs(int(seconds))
    for unit, length in DURATION_UNITS[:-1]:
        if seconds >= length:
            count = seconds // length
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "moments"


def exact_duration(seconds: int) -> str:
    """'90 minutes', '2 weeks': the largest unit that divides `seconds` evenly, for a choice that
    must say exactly what it sets (human_delta rounds 90 minutes down to '1 hour')."""
    for unit, length in DURATION_UNITS:
        if seconds >= length and seconds % length == 0:
            count = seconds // length
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "never"


def human_ago(then: float, now: float) -> str:
    return "just now" if now - then < 60 else f"{human_delta(now - then)} ago"


def utc_text(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(timestamp))


def iso_text(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


# -- choices the forms offer -----------------------------------------------------------------


def ttl_choices(cfg: Config, current: str = "") -> tuple[list[tuple[str, str]], str]:
    """The expiry presets the server allows, and the one matching its default TTL; `current`
    (the value a refused form sent) is offered too when it is none of them, so the form comes
    back as it was sent instead of silently switching to the first choice."""
    presets = cfg.expiry_presets.split(",")
    choices = [(v, exact_duration(parse_ttl(v))) for v in presets if parse_ttl(v) <= cfg.max_ttl]
    if cfg.allow_never_expire:
        choices.append(("never", "never"))
    default = next((v for v, _ in choices if parse_ttl(v) == cfg.default_ttl), None)
    if default is None:
        default = str(cfg.default_ttl)
        choices.insert(0, (default, exact_duration(cfg.default_ttl)))
    if current and current not in {value for value, _ in choices}:
        choices.insert(0, (current, _ttl_label(current)))
    return choices, default


def _ttl_label(value: str) -> str:
    try:
        seconds = parse_ttl(value)
    except ValueError:
        return value
    return exact_duration(seconds)


@functools.cache
def _common_languages() -> tuple[tuple[str, str], ...]:
    found = {}
    for alias in COMMON_LANGUAGES:
        try:
            lexer = get_lexer_by_name(alias)
        except ClassNotFound:
            continue
        found[lexer.aliases[0]] = lexer.name
    return tuple(sorted(found.items(), key=lambda item: item[1].lower()))


@functools.cache
def language_labels_json() -> str:
    """{alias: label} of the common languages, for e2ee.js to label the files it opens."""
    labels = {render.PLAIN: "Plain text", **dict(_common_languages())}
    return json.dumps(labels, ensure_ascii=False, separators=(",", ":"))


def language_choices(current: str = "") -> list[tuple[str, str]]:
    """(value, label) for the form's language select: auto, plain text, the common ones, and
    `current` when it is none of them."""
    choices = [("", "Auto-detect"), (render.PLAIN, "Plain text"), *_common_languages()]
    if current and current not in {value for value, _ in choices}:
        choices.insert(2, (current, language_label(current)))
    return choices


def language_label(language: str | None) -> str:
    """'python' -> 'Python'; the alias itself when pygments has no such lexer."""
    if not language or language == render.PLAIN:
        return "Plain text"
    # A refused form comes back with the language it was sent: checked before the cache, so a
    # client's string, however long, is never kept as a key.
    if len(language) > render.MAX_LANGUAGE_CHARS:
        return language
    return _lexer_label(language)


@functools.lru_cache(maxsize=512)
def _lexer_label(language: str) -> str:
    try:
        return get_lexer_by_name(language).name
    except ClassNotFound:
        return language


# -- the paste view --------------------------------------------------------------------------


def view_language(extension: str) -> str:
    """The language `/ID.ext` asks for; an extension pygments does not know means plain text."""
    return render.normalize_language(extension) or render.PLAIN


def file_views(services: Services, paste: Paste, language: str | None) -> list[FileView]:
    """Each file as the view page shows it, rendered within one budget for the whole page,
    spent file by file: what is left bounds the next render."""
    # Burned content is shown once and never kept, nor is a password paste's plaintext;
    # sealed (E2EE) content is opaque text.
    cacheable = not (paste.burn or paste.is_e2ee or paste.protected)
    left = render.Bounds(services.cfg.page_max_lines, services.cfg.page_max_bytes)
    views = []
    for f in () if paste.is_e2ee else paste.files:
        rendered = None
        if f.is_text:
            chosen = language or f.language
            rendered = highlight_file(services, paste, f, chosen, left, cache=cacheable)
            left = render.Bounds(
                left.lines - rendered.lines, left.markup_bytes - len(rendered.html_bytes)
            )
        ends = f.content.endswith((b"\n", b"\r"))
        views.append(FileView(f, f.position + 1, render.file_anchor(f.position), rendered, ends))
    return views


def render_paste(
    services: Services,
    paste: Paste,
    *,
    language: str | None = None,
    revealed: bool = False,
    manage_token: str = "",
) -> bytes:
    """The view page. `language` overrides every file's (from /ID.ext); `revealed` is the one
    showing of a burn paste, which has nothing left to link to; `manage_token` is shown to the
    browser that made the paste, so it can be kept for another device."""
    now = services.now()
    files = file_views(services, paste, language)
    # A sealed (E2EE) record is opened in the browser by static/e2ee.js, never rendered here:
    # the page carries it in a data attribute.
    sealed = paste.files[0].text if paste.is_e2ee and paste.files else ""
    if revealed:
        expires = "deleted from the server now that you have read it"
    elif paste.expires_at is None:
        expires = "never expires"
    else:
        expires = f"expires in {human_delta(paste.expires_at - now)}"
    languages = sorted({language_label(v.rendered.language) for v in files if v.rendered})
    text = page(
        "view.tpl",
        paste=paste,
        files=files,
        languages=languages,
        size=human_size(paste.size),
        created=human_ago(paste.created_at, now),
        created_utc=utc_text(paste.created_at),
        created_iso=iso_text(paste.created_at),
        expires=expires,
        expires_utc=utc_text(paste.expires_at) if paste.expires_at else "",
        revealed=revealed,
        manage_token=manage_token,
        changeable=not (revealed or paste.burn or paste.is_e2ee or paste.protected),
        linkable=not (revealed or paste.protected),
        quote=quote,
        language_label=language_label,
        cut_note=cut_note,
        code_mark=CODE_MARK,
        sealed=sealed,
        language_labels=language_labels_json() if paste.is_e2ee else "",
    )
    return with_code(text, [v.rendered for v in files if v.rendered and v.shows_code])


def view_page(services: Services, paste_id: str, language: str | None = None):
    """The paste, highlighted; a burn paste shows the interstitial instead (GET never burns),
    and a password paste a form asking for the password (sent back with POST)."""
    actor = services.actor(bottle.request)
    paste = pastes.peek(services.core, paste_id, actor, locked_ok=True)
    if paste.locked:
        return unlock_page(paste)
    if paste.burn:
        body = page("burn.tpl", paste_id=paste.id, e2ee=paste.is_e2ee,
                    longer_than_a_page=longer_than_a_page(services.cfg, paste))  # fmt: skip
        return bottle.HTTPResponse(body, 200, Cache_Control="no-store")
    if bottle.request.method != "HEAD":
        pastes.count_view(services.core, paste)
    token = _maker_token(services, paste)
    body = render_paste(services, paste, language=language, manage_token=token)
    # A private paste or a page showing a token: shared caches and the back-forward cache
    # keep nothing.
    if paste.exposure == "private" or token:
        return bottle.HTTPResponse(body, 200, Cache_Control="no-store")
    return body


def unlock_page(paste: Paste, error: PasteboxError | None = None) -> bottle.HTTPResponse:
    body = page("unlock.tpl", paste=paste, error=error.message if error else "")
    return bottle.HTTPResponse(
        body, error.status if error else 200, Content_Type=HTML_TYPE, Cache_Control="no-store"
    )


def _maker_token(services: Services, paste: Paste) -> str:
    """The paste's manage token when this browser holds it in its cookie, else ""."""
    cookie = bottle.request.get_cookie(TOKEN_COOKIE)
    if not cookie:
        return ""
    actor = Actor(manage_token=cookie, client=services.client(bottle.request))
    return cookie if pastes.made_by(services.core, paste, actor) else ""


def reveal_page(services: Services, paste_id: str):
    """POST from the burn interstitial or the password form: read the paste (claiming a burn
    paste) and show it, never cached. A wrong password comes back on the form; it burns nothing."""
    request = bottle.request
    fields = read_small_form(request.environ)
    check_csrf(fields.get(CSRF_FIELD))
    actor = services.actor(request)
    password = fields.get("password") or None
    try:
        paste = pastes.read(services.core, paste_id, actor, password=password)
    except (Unauthorized, Forbidden, RateLimited) as exc:
        locked = pastes.peek(services.core, paste_id, actor, locked_ok=True)
        if not locked.locked:
            raise
        response = unlock_page(locked, exc)
        if isinstance(exc, RateLimited):
            response.set_header("Retry-After", str(exc.retry_after))
        return response
    body = render_paste(services, paste, revealed=paste.burn)
    return bottle.HTTPResponse(body, 200, Cache_Control="no-store")


# -- search ----------------------------------------------------------------------------------


def snippet_html(snippet: str) -> str:
    """Escape a search snippet, then turn FTS5's match markers (STX/ETX) into <mark>."""
    escaped = html.escape(snippet.replace("\r", ""), quote=False)
    if escaped.count("\x02") != escaped.count("\x03"):
        return escaped.replace("\x02", "").replace("\x03", "")
    return escaped.replace("\x02", "<mark>").replace("\x03", "</mark>")


def search_page(services: Services, query: str, page_number: int) -> bottle.HTTPResponse:
    """Results for `query`, SEARCH_PAGE_SIZE a page; the syntax help when there is no query."""
    hits: list[SearchHit] = []
    error = ""
    status = 200
    more = False
    if query.strip():
        actor = services.actor(bottle.request)
        offset = (page_number - 1) * SEARCH_PAGE_SIZE
        try:
            with services.searching(bottle.request):
                hits = find_pastes(services.core, query, actor, SEARCH_PAGE_SIZE + 1, offset)
        except Invalid as exc:
            error, status = exc.message, exc.status
        more = len(hits) > SEARCH_PAGE_SIZE
        hits = hits[:SEARCH_PAGE_SIZE]

    def page_link(number: int) -> str:
        return "/search?" + urlencode({"q": query, "page": number} if number > 1 else {"q": query})

    body = page(
        "search.tpl",
        query=query,
        hits=hits,
        error=error,
        page_number=page_number,
        previous_link=page_link(page_number - 1) if page_number > 1 and not error else "",
        next_link=page_link(page_number + 1) if more else "",
        snippet_html=snippet_html,
        ago=lambda t: human_ago(t, services.now()),
        language_label=language_label,
    )
    return bottle.HTTPResponse(body, status, Content_Type=HTML_TYPE)


# -- errors and static files -----------------------------------------------------------------


def wants_html(request: bottle.BaseRequest) -> bool:
    """Browsers say text/html in Accept; curl, wget and scripts do not."""
    return "text/html" in request.environ.get("HTTP_ACCEPT", "")


def negotiated_error(error: PasteboxError) -> tuple[str, str]:
    """HTML error pages for browsers, the native JSON shape for everyone else."""
    if wants_html(bottle.request):
        return error_page(error), HTML_TYPE
    return json_error(error)


def error_page(error: PasteboxError) -> str:
    heading = ERROR_HEADINGS.get(error.status, "Something went wrong")
    return page(
        "error.tpl",
        heading=heading,
        message="" if error.message.lower() == heading.lower() else error.message,
        hint=ERROR_HINTS.get(error.status, ""),
        status=error.status,
    )


def make_static(services: Services) -> bottle.Bottle:
    app = new_bottle()
    stylesheet = render.stylesheet()

    @app.get("/static/pygments.css")
    def pygments_css():
        return bottle.HTTPResponse(stylesheet, 200, Content_Type="text/css; charset=utf-8",
                                   Cache_Control="public, max-age=3600")  # fmt: skip

    @app.get("/static/<filename:path>")
    def static(filename: str):
        response = bottle.static_file(filename, root=STATIC)
        if response.status_code >= 400:  # missing, a folder, or outside it (bottle says 403)
            return bottle.HTTPError(404)  # answered as every other 404, and never cached
        response.set_header("Cache-Control", "public, max-age=3600")
        return response

    return app
