"""HTML pages: the new-paste form, the highlighted paste view, the burn interstitial, errors.

Called by the curl surface when a browser asks for `/` or `/ID` (same URLs, negotiated by Accept).
"""

import os
import time
from urllib.parse import quote

import bottle

from pastebox import pastes, render
from pastebox.config import Config, parse_ttl
from pastebox.errors import PasteboxError
from pastebox.model import Paste
from pastebox.web.context import Services
from pastebox.web.plugins import new_bottle

TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates")
STATIC = os.path.join(os.path.dirname(os.path.dirname(__file__)), "static")
HTML_TYPE = "text/html; charset=utf-8"
TTL_CHOICES = (
    ("10m", "10 minutes"), ("1h", "1 hour"), ("1d", "1 day"), ("1w", "1 week"),
    ("1m", "1 month"), ("1y", "1 year"), ("never", "never"),
)  # fmt: skip
ERROR_HEADINGS = {
    400: "That request could not be understood",
    403: "Not allowed",
    404: "No such paste",
    405: "Not allowed here",
    410: "This paste is gone",
    413: "Too large",
    429: "Slow down",
    503: "Busy, try again",
}


def page(name: str, **context) -> str:
    return bottle.template(name, template_lookup=[TEMPLATES], **context)


def human_size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


def human_delta(seconds: float) -> str:
    """'3 minutes', '2 days': the largest whole unit."""
    seconds = abs(int(seconds))
    for unit, length in (("year", 31536000), ("month", 2592000), ("week", 604800), ("day", 86400),
                         ("hour", 3600), ("minute", 60)):  # fmt: skip
        if seconds >= length:
            count = seconds // length
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "moments"


def ttl_choices(cfg: Config) -> tuple[list[tuple[str, str]], str]:
    """The expiry presets the server allows, and the one matching its default TTL."""
    choices = [(v, label) for v, label in TTL_CHOICES if parse_ttl(v) <= cfg.max_ttl]
    for value, _ in choices:
        if parse_ttl(value) == cfg.default_ttl:
            return choices, value
    choices.insert(0, (str(cfg.default_ttl), human_delta(cfg.default_ttl)))
    return choices, str(cfg.default_ttl)


def index_page(services: Services, manual: str) -> str:
    choices, default = ttl_choices(services.cfg)
    return page("index.tpl", ttl_choices=choices, ttl_default=default, manual=manual)


def render_paste(services: Services, paste: Paste) -> str:
    now = services.now()
    files = []
    for f in paste.files:
        if not f.is_text:
            files.append((f, None))
        elif paste.is_e2ee:
            files.append((f, render.highlight_plain(f.text)))
        else:
            files.append((f, services.renderer.highlight(f.text, f.language)))
    expires = (
        "never expires"
        if paste.expires_at is None
        else f"expires in {human_delta(paste.expires_at - now)}"
    )
    if paste.burn:
        expires = "deleted now that you have read it"
    return page(
        "view.tpl",
        paste=paste,
        files=files,
        size=human_size(paste.size),
        created=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(paste.created_at)),
        expires=expires,
        quote=quote,
    )


def view_page(services: Services, paste_id: str):
    """The paste, highlighted; a burn paste shows the interstitial instead (GET never burns)."""
    actor = services.actor(bottle.request)
    paste = pastes.peek(services.store, services.throttle, paste_id, actor, services.now())
    if paste.burn:
        return bottle.HTTPResponse(
            page("burn.tpl", paste_id=paste.id), 200, Cache_Control="no-store"
        )
    if bottle.request.method != "HEAD":
        services.store.count_view(paste.id)
    return render_paste(services, paste)


def reveal_page(services: Services, paste_id: str):
    """POST from the interstitial: claim the burn paste and show it, never cached."""
    actor = services.actor(bottle.request)
    paste = pastes.read(services.store, services.throttle, paste_id, actor, services.now())
    return bottle.HTTPResponse(render_paste(services, paste), 200, Cache_Control="no-store")


def error_page(error: PasteboxError) -> str:
    heading = ERROR_HEADINGS.get(error.status, "Something went wrong")
    return page("error.tpl", heading=heading, message=error.message)


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
