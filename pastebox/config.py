"""Typed settings: defaults < TOML file < PASTEBOX_* environment < command-line flags.

Every setting carries its help text here; `--help`, the README table and a test are built from it.
"""

import dataclasses
import ipaddress
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ENV_PREFIX = "PASTEBOX_"
SECOND, MINUTE, HOUR, DAY, WEEK = 1, 60, 3600, 86400, 7 * 86400
MONTH, YEAR = 30 * DAY, 365 * DAY
MIB = 1024 * 1024
MAX_TTL_CHARS = 64  # the longest duration text read; a day in seconds has 5 digits
# Room in the upload buffer beyond the largest body: its headers, and the 1 MiB waitress reads
# past the app's cap so that an oversize body still gets the app's JSON 413.
UPLOAD_BUFFER_SLACK = 2 * MIB
ROOM_BODY_SLACK = 64 * 1024  # a multipart body's boundaries and part headers around one file

# Presets understood everywhere a TTL is typed (curl `ttl=`, `expiresIn`); "1m" is a month, as in
# the preset list users know from other paste servers; minutes are written "10m", "30min" or "60s".
TTL_PRESETS = {
    "5m": 5 * MINUTE,
    "10m": 10 * MINUTE,
    "1h": HOUR,
    "1d": DAY,
    "1w": WEEK,
    "1m": MONTH,
    "1y": YEAR,
    "never": 0,
}
TTL_UNITS = {
    "s": SECOND, "sec": SECOND, "m": MINUTE, "min": MINUTE, "h": HOUR, "d": DAY,
    "w": WEEK, "mo": MONTH, "month": MONTH, "y": YEAR,
}  # fmt: skip


# What a trusted reverse proxy may tell the server (the names waitress knows; X-Forwarded-By is
# left out: nothing reads it).
PROXY_HEADERS = frozenset(
    {"forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port"}
)
LOOPBACK = "127.0.0.1"
MAX_PROXY_HOPS = 10


class ConfigError(ValueError):
    """A setting that cannot be used; the message is one line naming the setting."""


def parse_ttl(value: str) -> int:
    """'3600', '10m', '1h', '2d', '1w', '1m' (month), '1y', 'never' -> seconds (0 = never)."""
    text = str(value)
    if len(text) > MAX_TTL_CHARS:  # before any copy: a client may send a megabyte of "h"
        raise ValueError(f"not a duration: {text[:MAX_TTL_CHARS]!r}… (too long)")
    text = text.strip().lower()
    if text in TTL_PRESETS:
        return TTL_PRESETS[text]
    if text.isascii() and text.isdigit():
        return int(text)
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = text[len(digits) :]
    if digits.isascii() and digits.isdigit() and unit in TTL_UNITS:
        return int(digits) * TTL_UNITS[unit]
    raise ValueError(f"not a duration: {value!r} (seconds, or 10m 1h 1d 1w 1m 1y never)")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise ValueError(f"expected an integer, got {value!r}")
    return int(text)


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return text

    return parse


def _duration(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else parse_ttl(value)


def _duration_list(value: Any) -> str:
    """'10m, 1h,1d' -> '10m,1h,1d', each a duration of at least a second."""
    items = value if isinstance(value, list) else str(value).split(",")
    words = [str(w).strip().lower() for w in items]
    words = [w for w in words if w]
    if not words:
        raise ValueError("give at least one duration, e.g. 10m,1h,1d")
    for word in words:
        if parse_ttl(word) <= 0:
            raise ValueError(f"{word!r} is not a positive duration")
    return ",".join(words)


def _cpu_pin(value: Any) -> str:
    text = str(value).strip().lower()
    if text in ("auto", "off") or (text.isascii() and text.isdigit()):
        return text
    raise ValueError(f"expected auto, off or a CPU number, got {value!r}")


def _trusted_proxy(value: Any) -> str:
    """'' / false -> '' (no proxy), true -> '127.0.0.1', '*', or one IP address (normalised,
    since the server compares it as a string with the peer's address)."""
    text = str(value).strip().lower()
    if value is False or text in ("", "0", "false", "no", "off"):
        return ""
    if value is True or text in ("1", "true", "yes", "on"):
        return LOOPBACK
    if text == "*":
        return text
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValueError(f"expected the proxy's IP address, * or false, got {value!r}") from None


def _proxy_headers(value: Any) -> str:
    """'X-Forwarded-For, x-forwarded-proto' -> 'x-forwarded-for,x-forwarded-proto'."""
    items = value if isinstance(value, list) else str(value).split(",")
    names = sorted({str(name).strip().lower() for name in items} - {""})
    unknown = set(names) - PROXY_HEADERS
    if unknown or not names:
        raise ValueError(f"expected some of {', '.join(sorted(PROXY_HEADERS))}, got {value!r}")
    if "forwarded" in names and len(names) > 1:
        raise ValueError("forwarded and the x-forwarded-* headers cannot be trusted together")
    return ",".join(names)


def setting(
    default: Any,
    parse: Callable[[Any], Any],
    help: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Any:
    metadata = {"parse": parse, "help": help, "minimum": minimum, "maximum": maximum}
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Config:
    host: str = setting("127.0.0.1", _str, "Address to listen on.")
    port: int = setting(
        8080, _int, "TCP port to listen on (0 picks a free one).", minimum=0, maximum=65535
    )
    db: str = setting("./pastebox.db", _str, "SQLite database file (created if missing).")
    base_url: str = setting(
        "",
        _str,
        "Absolute URL prefix for links, e.g. https://paste.example.org behind a proxy; empty: from the request.",
    )
    max_paste_bytes: int = setting(
        10 * 1024 * 1024,
        _int,
        "Largest paste (all files together), enforced while reading the body.",
        minimum=1,
    )
    max_files: int = setting(20, _int, "Most files in one paste.", minimum=1)
    max_ttl: int = setting(
        YEAR,
        _duration,
        "Longest time to live a creator may ask for (seconds or 1d/1w/1y).",
        minimum=1,
    )
    default_ttl: int = setting(
        0,
        _duration,
        "Time to live when the creator gives none (0 or never: kept until deleted).",
        minimum=0,
    )
    expiry_presets: str = setting(
        "10m,1h,1d,1w,1m,1y",
        _duration_list,
        "Expiry choices the new-paste form offers, comma-separated (never is added when allowed).",
    )
    allow_never_expire: bool = setting(
        True, _bool, "Whether a paste may be kept until deleted (ttl never, or 0)."
    )
    janitor_interval: int = setting(
        60, _int, "Seconds between janitor sweeps that purge expired and burned content.", minimum=1
    )
    rate_limit: int = setting(
        60, _int, "Writes per minute per client (token bucket); 0 turns it off.", minimum=0
    )
    trust_proxy: str = setting(
        "",
        _trusted_proxy,
        "Address of the reverse proxy whose trust_proxy_headers name the client and scheme, e.g. 127.0.0.1 (true means 127.0.0.1); * trusts every peer (only when nothing else can reach the server); empty or false: such headers are dropped.",
    )
    trust_proxy_hops: int = setting(
        1,
        _int,
        "Proxies in the chain in front of the server: the client is this many entries from the right of X-Forwarded-For (the entry the first proxy wrote).",
        minimum=1,
        maximum=MAX_PROXY_HOPS,
    )
    trust_proxy_headers: str = setting(
        "x-forwarded-for,x-forwarded-proto",
        _proxy_headers,
        "Headers taken from the trusted proxy, comma-separated: x-forwarded-for, x-forwarded-proto, x-forwarded-host, x-forwarded-port; or forwarded alone.",
    )
    synchronous: str = setting(
        "full",
        _choice("full", "normal"),
        "SQLite synchronous mode: full (a 201 survives power loss) or normal (faster; a crash may lose the last commits).",
    )
    threads: int = setting(8, _int, "Waitress worker threads.", minimum=1)
    cpu_pin: str = setting(
        "auto",
        _cpu_pin,
        "Pin the server to one CPU: auto (the first allowed), off, or a CPU number. Avoids the GIL hand-off collapse of threaded Python on multi-core machines.",
    )
    render_timeout: float = setting(
        2.0,
        _float,
        "Seconds a syntax-highlighting render may take before it falls back to plain text.",
        minimum=0.1,
    )
    render_workers: int = setting(1, _int, "Worker processes for syntax highlighting.", minimum=1)
    render_cache_mb: int = setting(
        32,
        _int,
        "Memory for highlighted pages kept ready (MiB of HTML); 0 renders every view.",
        minimum=0,
    )
    page_max_lines: int = setting(
        5_000,
        _int,
        "Most lines one paste page shows, all files together; the page links to Raw for the rest.",
        minimum=1,
    )
    page_max_bytes: int = setting(
        2 * 1024 * 1024,
        _int,
        "Most bytes of highlighted markup one paste page shows, all files together (bounds a view's memory and time whatever the text); the page links to Raw for the rest.",
        minimum=64 * 1024,
    )
    password_kdf_slots: int = setting(
        2,
        _int,
        "Password hashes (argon2id, 64 MiB and ~70 ms each) computed at once; the rest wait.",
        minimum=1,
    )
    password_kdf_queue: int = setting(
        2,
        _int,
        "Password checks that may wait for a free slot (each holds a server thread); more get 503 with Retry-After at once.",
        minimum=0,
    )
    password_kdf_wait: float = setting(
        2.0,
        _float,
        "Seconds a password check waits for a free slot before the answer is 503 with Retry-After.",
        minimum=0.0,
    )
    write_wait: float = setting(
        2.0,
        _float,
        "Seconds a write waits for its turn (writes run one at a time) before the answer is 503 with Retry-After; while one write has held the turn longer, new ones get that answer at once.",
        minimum=0.0,
    )
    search_rate_limit: int = setting(
        120,
        _int,
        "Searches per minute per client (token bucket, bursts up to the rate); past it 429 with Retry-After. 0 turns it off.",
        minimum=0,
    )
    search_slots: int = setting(
        2,
        _int,
        "Searches that run at once (each costs up to tens of ms of CPU); the rest wait.",
        minimum=1,
    )
    search_queue: int = setting(
        1,
        _int,
        "Searches that may wait for a free slot (each holds a server thread); more get 503 with Retry-After at once.",
        minimum=0,
    )
    search_wait: float = setting(
        1.0,
        _float,
        "Seconds a search waits for a free slot before the answer is 503 with Retry-After.",
        minimum=0.0,
    )
    registration: str = setting(
        "closed",
        _choice("open", "closed"),
        "Web sign-up: open (anyone may make an account) or closed (accounts come from `pastebox user add`).",
    )
    anonymous_create: bool = setting(
        True, _bool, "Whether visitors without an account or API key may create pastes."
    )
    anonymous_max_paste_bytes: int = setting(
        0,
        _int,
        "Largest paste a visitor without an account may create; 0: the same as max_paste_bytes.",
        minimum=0,
    )
    user_quota_bytes: int = setting(
        0,
        _int,
        "Total bytes of live pastes one account may keep; 0: no quota.",
        minimum=0,
    )
    connection_limit: int = setting(
        1000,
        _int,
        "Open connections served at once; past it new ones wait in the kernel's queue. The open-file limit is raised to fit at start.",
        minimum=1,
    )
    connections_per_client: int = setting(
        64,
        _int,
        "Open connections one client (an address; an IPv6 /64 counts as one) may have; more are refused at once with 503. 0: no cap. A trusted proxy's address is exempt.",
        minimum=0,
    )
    idle_timeout: int = setting(
        30,
        _int,
        "Seconds a connection with no request in progress stays open.",
        minimum=1,
    )
    header_timeout: float = setting(
        10.0,
        _float,
        "Seconds from a request's first byte to the end of its headers; a slower request gets 408 and is closed.",
        minimum=0.1,
    )
    request_timeout: float = setting(
        60.0,
        _float,
        "Seconds from a request's first byte to the last byte of its body; a slower upload gets 408 and is closed.",
        minimum=0.1,
    )
    upload_buffer_mb: int = setting(
        64,
        _int,
        "Memory for request bodies not yet answered, all connections together (MiB); past it the largest uploads still arriving get 503 and are closed.",
        minimum=1,
    )
    room_idle_ttl: int = setting(
        DAY,
        _duration,
        "Time a room lives without activity (a text or file sent); each one moves its expiry, up to room_max_ttl.",
        minimum=60,
    )
    room_max_ttl: int = setting(
        WEEK,
        _duration,
        "Longest life of a room from its creation, however active (at most 30 days: a PIN guesser's failures are remembered that long).",
        minimum=60,
        maximum=30 * DAY,
    )
    room_feed_items: int = setting(
        20, _int, "Items (texts and files) a room's feed keeps; older ones are dropped.", minimum=1
    )
    room_max_bytes: int = setting(
        50 * MIB,
        _int,
        "Bytes of texts and files a room's feed keeps; past it the oldest items are dropped.",
        minimum=1,
    )
    room_max_file_bytes: int = setting(
        10 * MIB,
        _int,
        "Largest file (or text) sent to a room, enforced while reading the body.",
        minimum=1,
    )
    room_device_window: int = setting(
        5 * MINUTE,
        _duration,
        "A room's deviceCount counts the devices seen in it within this time.",
        minimum=1,
    )
    room_invite_ttl: int = setting(
        HOUR,
        _duration,
        "How long a room's join link (QR code) works; a device that joined with it keeps its access.",
        minimum=60,
    )
    log_level: str = setting("info", _choice("debug", "info", "warning", "error"), "Logging level.")

    @property
    def max_body_bytes(self) -> int:
        """The read cap for a request body: the paste limit plus room for JSON/multipart framing."""
        return self.max_paste_bytes + max(64 * 1024, self.max_paste_bytes // 3)

    @property
    def room_max_body_bytes(self) -> int:
        """The read cap for a body sent to a room: the file limit plus room for multipart framing."""
        return self.room_max_file_bytes + ROOM_BODY_SLACK


def settings() -> list[dataclasses.Field]:
    return list(dataclasses.fields(Config))


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _parse_one(f: dataclasses.Field, value: Any, source: str) -> Any:
    try:
        parsed = f.metadata["parse"](value)
    except ValueError as exc:
        raise ConfigError(f"{source}: bad value for {f.name}: {exc}") from None
    minimum, maximum = f.metadata["minimum"], f.metadata["maximum"]
    if minimum is not None and parsed < minimum:
        raise ConfigError(f"{source}: {f.name} must be at least {minimum}, got {parsed}")
    if maximum is not None and parsed > maximum:
        raise ConfigError(f"{source}: {f.name} must be at most {maximum}, got {parsed}")
    return parsed


def load_config(
    file: str | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> Config:
    """Merge the layers; unknown keys and bad values raise ConfigError with one clear line."""
    fields = {f.name: f for f in settings()}
    values: dict[str, Any] = {}
    if file:
        try:
            with open(file, "rb") as fh:
                table = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"config file {file}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {file}: {exc}") from None
        for key, value in table.get("pastebox", table).items():
            name = key.replace("-", "_")
            if name not in fields:
                raise ConfigError(f"config file {file}: unknown setting {key!r}")
            values[name] = _parse_one(fields[name], value, f"config file {file}")
    env = os.environ if env is None else env
    for key, value in env.items():
        if not key.startswith(ENV_PREFIX):
            continue
        name = key[len(ENV_PREFIX) :].lower()
        if name in fields:
            values[name] = _parse_one(fields[name], value, f"environment {key}")
        elif name not in CLIENT_ENV:
            raise ConfigError(f"environment {key}: unknown setting (known: {', '.join(fields)})")
    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = _parse_one(fields[name], value, f"--{name.replace('_', '-')}")
    config = Config(**values)
    check_together(config)
    return config


def check_together(config: Config) -> None:
    """Rules that tie settings to each other; ConfigError with one line for the first broken."""
    if config.default_ttl == 0 and not config.allow_never_expire:
        raise ConfigError(
            "default_ttl is never, but allow_never_expire is false: set a default_ttl"
        )
    if config.password_kdf_slots + config.password_kdf_queue >= config.threads:
        raise ConfigError(
            f"password_kdf_slots + password_kdf_queue ({config.password_kdf_slots} +"
            f" {config.password_kdf_queue}) must be fewer than threads ({config.threads}), so"
            " password checks never hold every server thread"
        )
    largest = max(config.max_body_bytes, config.room_max_body_bytes)
    if config.upload_buffer_mb * MIB < largest + UPLOAD_BUFFER_SLACK:
        raise ConfigError(
            f"upload_buffer_mb ({config.upload_buffer_mb}) must hold one upload of the largest"
            f" paste or room file: at least {-(-(largest + UPLOAD_BUFFER_SLACK) // MIB)}"
        )
    if config.search_slots + config.search_queue >= config.threads:
        raise ConfigError(
            f"search_slots + search_queue ({config.search_slots} + {config.search_queue}) must"
            f" be fewer than threads ({config.threads}), so searches never hold every server thread"
        )
    if config.room_idle_ttl > config.room_max_ttl:
        raise ConfigError(
            f"room_idle_ttl ({config.room_idle_ttl}s) is longer than room_max_ttl"
            f" ({config.room_max_ttl}s)"
        )
    if config.room_max_file_bytes > config.room_max_bytes:
        raise ConfigError(
            f"room_max_file_bytes ({config.room_max_file_bytes}) is more than a room keeps"
            f" (room_max_bytes, {config.room_max_bytes})"
        )
    if config.default_ttl > config.max_ttl:
        raise ConfigError(
            f"default_ttl ({config.default_ttl}s) is longer than max_ttl ({config.max_ttl}s)"
        )


# Variables of the same prefix that belong to the client side, not to a server setting.
CLIENT_ENV = frozenset({"server", "api_key", "config"})


def markdown_table() -> str:
    """The README's settings table, generated from Config so the two cannot drift."""
    rows = ["| setting | flag | environment | default | meaning |", "|---|---|---|---|---|"]
    for f in settings():
        default = f.default if f.default != "" else '""'
        rows.append(
            f"| `{f.name}` | `--{f.name.replace('_', '-')}` | `{env_name(f.name)}` | `{default}` "
            f"| {f.metadata['help']} |"
        )
    return "\n".join(rows)
