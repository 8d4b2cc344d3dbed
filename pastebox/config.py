"""Typed settings: defaults < TOML file < PASTEBOX_* environment < command-line flags.

Every setting carries its help text here; `--help`, the README table and a test are built from it.
"""

import dataclasses
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pastebox.config_values import (
    DAY,
    HOUR,
    MAX_PROXY_HOPS,
    MINUTE,
    WEEK,
    YEAR,
    boolean,
    choice,
    cpu_pin,
    duration,
    duration_list,
    integer,
    number,
    proxy_headers,
    text,
    trusted_proxy,
)

ENV_PREFIX = "PASTEBOX_"
MIB = 1024 * 1024
# Room in the upload buffer beyond the largest body: its headers, and the 1 MiB waitress reads
# past the app's cap so that an oversize body still gets the app's JSON 413.
UPLOAD_BUFFER_SLACK = 2 * MIB
ROOM_BODY_SLACK = 64 * 1024  # a multipart body's boundaries and part headers around one file


class ConfigError(ValueError):
    """A setting that cannot be used; the message is one line naming the setting."""


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
    host: str = setting("127.0.0.1", text, "Address to listen on.")
    port: int = setting(
        8080, integer, "TCP port to listen on (0 picks a free one).", minimum=0, maximum=65535
    )
    db: str = setting("./pastebox.db", text, "SQLite database file (created if missing).")
    base_url: str = setting(
        "",
        text,
        "Absolute URL prefix for links, e.g. https://paste.example.org behind a proxy; empty: from the request.",
    )
    max_paste_bytes: int = setting(
        10 * 1024 * 1024,
        integer,
        "Largest paste (all files together), enforced while reading the body.",
        minimum=1,
    )
    max_files: int = setting(20, integer, "Most files in one paste.", minimum=1)
    max_ttl: int = setting(
        YEAR,
        duration,
        "Longest time to live a creator may ask for (seconds or 1d/1w/1y).",
        minimum=1,
    )
    default_ttl: int = setting(
        0,
        duration,
        "Time to live when the creator gives none (0 or never: kept until deleted).",
        minimum=0,
    )
    expiry_presets: str = setting(
        "10m,1h,1d,1w,1m,1y",
        duration_list,
        "Expiry choices the new-paste form offers, comma-separated (never is added when allowed).",
    )
    allow_never_expire: bool = setting(
        True, boolean, "Whether a paste may be kept until deleted (ttl never, or 0)."
    )
    janitor_interval: int = setting(
        60,
        integer,
        "Seconds between janitor sweeps that purge expired and burned content.",
        minimum=1,
    )
    rate_limit: int = setting(
        60, integer, "Writes per minute per client (token bucket); 0 turns it off.", minimum=0
    )
    trust_proxy: str = setting(
        "",
        trusted_proxy,
        "Address of the reverse proxy whose trust_proxy_headers name the client and scheme, e.g. 127.0.0.1 (true means 127.0.0.1); * trusts every peer (only when nothing else can reach the server); empty or false: such headers are dropped.",
    )
    trust_proxy_hops: int = setting(
        1,
        integer,
        "Proxies in the chain in front of the server: the client is this many entries from the right of X-Forwarded-For (the entry the first proxy wrote).",
        minimum=1,
        maximum=MAX_PROXY_HOPS,
    )
    trust_proxy_headers: str = setting(
        "x-forwarded-for,x-forwarded-proto",
        proxy_headers,
        "Headers taken from the trusted proxy, comma-separated: x-forwarded-for, x-forwarded-proto, x-forwarded-host, x-forwarded-port; or forwarded alone.",
    )
    synchronous: str = setting(
        "full",
        choice("full", "normal"),
        "SQLite synchronous mode: full (a 201 survives power loss) or normal (faster; a crash may lose the last commits).",
    )
    threads: int = setting(8, integer, "Waitress worker threads.", minimum=1)
    cpu_pin: str = setting(
        "auto",
        cpu_pin,
        "Pin the server to one CPU: auto (the first allowed), off, or a CPU number. Avoids the GIL hand-off collapse of threaded Python on multi-core machines.",
    )
    render_timeout: float = setting(
        2.0,
        number,
        "Seconds a syntax-highlighting render may take before it falls back to plain text.",
        minimum=0.1,
    )
    render_workers: int = setting(
        1, integer, "Worker processes for syntax highlighting.", minimum=1
    )
    render_cache_mb: int = setting(
        32,
        integer,
        "Memory for highlighted pages kept ready (MiB of HTML); 0 renders every view.",
        minimum=0,
    )
    page_max_lines: int = setting(
        5_000,
        integer,
        "Most lines one paste page shows, all files together; the page links to Raw for the rest.",
        minimum=1,
    )
    page_max_bytes: int = setting(
        2 * 1024 * 1024,
        integer,
        "Most bytes of highlighted markup one paste page shows, all files together (bounds a view's memory and time whatever the text); the page links to Raw for the rest.",
        minimum=64 * 1024,
    )
    password_kdf_slots: int = setting(
        2,
        integer,
        "Password hashes (argon2id, 64 MiB and ~70 ms each) computed at once; the rest wait.",
        minimum=1,
    )
    password_kdf_queue: int = setting(
        2,
        integer,
        "Password checks that may wait for a free slot (each holds a server thread); more get 503 with Retry-After at once.",
        minimum=0,
    )
    password_kdf_wait: float = setting(
        2.0,
        number,
        "Seconds a password check waits for a free slot before the answer is 503 with Retry-After.",
        minimum=0.0,
    )
    write_wait: float = setting(
        2.0,
        number,
        "Seconds a write waits for its turn (writes run one at a time) before the answer is 503 with Retry-After; while one write has held the turn longer, new ones get that answer at once.",
        minimum=0.0,
    )
    search_rate_limit: int = setting(
        120,
        integer,
        "Searches per minute per client (token bucket, bursts up to the rate); past it 429 with Retry-After. 0 turns it off.",
        minimum=0,
    )
    search_slots: int = setting(
        2,
        integer,
        "Searches that run at once (each costs up to tens of ms of CPU); the rest wait.",
        minimum=1,
    )
    search_queue: int = setting(
        1,
        integer,
        "Searches that may wait for a free slot (each holds a server thread); more get 503 with Retry-After at once.",
        minimum=0,
    )
    search_wait: float = setting(
        1.0,
        number,
        "Seconds a search waits for a free slot before the answer is 503 with Retry-After.",
        minimum=0.0,
    )
    registration: str = setting(
        "closed",
        choice("open", "closed"),
        "Web sign-up: open (anyone may make an account) or closed (accounts come from `pastebox user add`).",
    )
    anonymous_create: bool = setting(
        True, boolean, "Whether visitors without an account or API key may create pastes."
    )
    anonymous_max_paste_bytes: int = setting(
        0,
        integer,
        "Largest paste a visitor without an account may create; 0: the same as max_paste_bytes.",
        minimum=0,
    )
    user_quota_bytes: int = setting(
        0,
        integer,
        "Total bytes of live pastes one account may keep; 0: no quota.",
        minimum=0,
    )
    connection_limit: int = setting(
        1000,
        integer,
        "Open connections served at once; past it new ones wait in the kernel's queue. The open-file limit is raised to fit at start.",
        minimum=1,
    )
    connections_per_client: int = setting(
        64,
        integer,
        "Open connections one client (an address; an IPv6 /64 counts as one) may have; more are refused at once with 503. 0: no cap. A trusted proxy's address is exempt.",
        minimum=0,
    )
    idle_timeout: int = setting(
        30,
        integer,
        "Seconds a connection with no request in progress stays open.",
        minimum=1,
    )
    header_timeout: float = setting(
        10.0,
        number,
        "Seconds from a request's first byte to the end of its headers; a slower request gets 408 and is closed.",
        minimum=0.1,
    )
    request_timeout: float = setting(
        60.0,
        number,
        "Seconds from a request's first byte to the last byte of its body; a slower upload gets 408 and is closed.",
        minimum=0.1,
    )
    upload_buffer_mb: int = setting(
        64,
        integer,
        "Memory for request bodies not yet answered, all connections together (MiB); past it the largest uploads still arriving get 503 and are closed.",
        minimum=1,
    )
    room_idle_ttl: int = setting(
        DAY,
        duration,
        "Time a room lives without activity (a text or file sent); each one moves its expiry, up to room_max_ttl.",
        minimum=60,
    )
    room_max_ttl: int = setting(
        WEEK,
        duration,
        "Longest life of a room from its creation, however active (at most 30 days: a PIN guesser's failures are remembered that long).",
        minimum=60,
        maximum=30 * DAY,
    )
    room_feed_items: int = setting(
        20,
        integer,
        "Items (texts and files) a room's feed keeps; older ones are dropped.",
        minimum=1,
    )
    room_max_bytes: int = setting(
        50 * MIB,
        integer,
        "Bytes of texts and files a room's feed keeps; past it the oldest items are dropped.",
        minimum=1,
    )
    room_max_file_bytes: int = setting(
        10 * MIB,
        integer,
        "Largest file (or text) sent to a room, enforced while reading the body.",
        minimum=1,
    )
    room_device_window: int = setting(
        5 * MINUTE,
        duration,
        "A room's deviceCount counts the devices seen in it within this time.",
        minimum=1,
    )
    room_invite_ttl: int = setting(
        HOUR,
        duration,
        "How long a room's join link (QR code) works; a device that joined with it keeps its access.",
        minimum=60,
    )
    log_level: str = setting("info", choice("debug", "info", "warning", "error"), "Logging level.")

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
