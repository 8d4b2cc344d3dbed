"""The frame every page shares (page(): the template with the chrome's helpers) and the words
and choices pages show: sizes, durations, times, expiry presets, language names."""

import functools
import json
import time

import bottle
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from pastebox import render
from pastebox.config import Config
from pastebox.config_values import parse_ttl
from pastebox.core.model import User
from pastebox.web import templating
from pastebox.web.context import SERVICES_KEY, Services
from pastebox.web.csrf import csrf_field
from pastebox.web.requests import session_user
from pastebox.web.vendor import e2ee_scripts

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
    return session_user(services, bottle.request) if services else None


def signup_open() -> bool:
    services = _services()
    return services is not None and services.cfg.registration == "open"


def page(name: str, **context) -> str:
    """The page `name` rendered with `context` and the helpers base.tpl's chrome calls."""
    return templating.template(name).render(
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
