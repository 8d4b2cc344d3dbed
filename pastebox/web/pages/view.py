"""The paste page: a paste highlighted, the burn interstitial that stands before a burn paste,
the form asking for a password paste's password, and the POST that reveals either."""

from urllib.parse import quote

import bottle

from pastebox import render
from pastebox.core import pastes
from pastebox.core.errors import Forbidden, PasteboxError, RateLimited, Unauthorized
from pastebox.core.model import Paste
from pastebox.web.context import Services
from pastebox.web.csrf import CSRF_FIELD, check_csrf
from pastebox.web.errors import page_response
from pastebox.web.pages.codeview import (
    CODE_MARK,
    FileView,
    binary_is_image,
    cut_note,
    highlight_file,
    longer_than_a_page,
    with_code,
)
from pastebox.web.pages.layout import (
    human_ago,
    human_delta,
    human_size,
    iso_text,
    language_label,
    language_labels_json,
    page,
    utc_text,
)
from pastebox.web.payload import read_small_form
from pastebox.web.reads import counts
from pastebox.web.requests import actor, cookie_holder
from pastebox.web.responses import NO_STORE, keeps_no_copy


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
        image = rendered is None and binary_is_image(f)
        anchor = render.file_anchor(f.position)
        views.append(FileView(f, f.position + 1, anchor, rendered, ends, image=image))
    return views


def _expires(paste: Paste, now: float, *, revealed: bool) -> str:
    if revealed:
        return "deleted from the server now that you have read it"
    if paste.expires_at is None:
        return "never expires"
    return f"expires in {human_delta(paste.expires_at - now)}"


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
        expires=_expires(paste, now, revealed=revealed),
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
    asker = actor(services, bottle.request)
    paste = pastes.peek(services.core, paste_id, asker, locked_ok=True)
    if paste.locked:
        return unlock_page(paste)
    if paste.burn:
        body = page("burn.tpl", paste_id=paste.id, e2ee=paste.is_e2ee,
                    longer_than_a_page=longer_than_a_page(services.cfg, paste))  # fmt: skip
        return bottle.HTTPResponse(body, 200, **NO_STORE)
    if counts(bottle.request):
        pastes.count_view(services.core, paste)
    token = _maker_token(services, paste)
    body = render_paste(services, paste, language=language, manage_token=token)
    # A page showing a token: shared caches and the back-forward cache keep nothing.
    if keeps_no_copy(paste) or token:
        return bottle.HTTPResponse(body, 200, **NO_STORE)
    return body


def unlock_page(paste: Paste, error: PasteboxError | None = None) -> bottle.HTTPResponse:
    body = page("unlock.tpl", paste=paste, error=error.message if error else "")
    return page_response(body, error, no_store=True)


def _maker_token(services: Services, paste: Paste) -> str:
    """The paste's manage token when this browser holds it in its cookie, else ""."""
    holder = cookie_holder(bottle.request)
    if holder is None or not pastes.made_by(services.core, paste, holder):
        return ""
    return holder.manage_token or ""


def reveal(services: Services, paste_id: str):
    """POST from the burn interstitial or the password form: read the paste (claiming a burn
    paste) and show it, never cached. A wrong password comes back on the form; it burns nothing."""
    fields = read_small_form(bottle.request.environ)
    check_csrf(fields.get(CSRF_FIELD))
    asker = actor(services, bottle.request)
    password = fields.get("password") or None
    try:
        paste = pastes.read(services.core, paste_id, asker, password=password)
    except (Unauthorized, Forbidden, RateLimited) as exc:
        locked = pastes.peek(services.core, paste_id, asker, locked_ok=True)
        if not locked.locked:
            raise
        return unlock_page(locked, exc)
    body = render_paste(services, paste, revealed=paste.burn)
    return bottle.HTTPResponse(body, 200, **NO_STORE)
