"""How a setting's text becomes its value: durations (parse_ttl and its presets), numbers,
flags, choices, CPU numbers and a trusted proxy's address and headers. Each parser takes what a
TOML file, an environment variable or a flag gave and returns the value or raises ValueError
(config.py turns that into one line naming the setting)."""

import ipaddress
from collections.abc import Callable
from typing import Any

SECOND, MINUTE, HOUR, DAY, WEEK = 1, 60, 3600, 86400, 7 * 86400
MONTH, YEAR = 30 * DAY, 365 * DAY
MAX_TTL_CHARS = 64  # the longest duration text read; a day in seconds has 5 digits

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


def integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise ValueError(f"expected an integer, got {value!r}")
    return int(text)


def number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return number


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return text

    return parse


def duration(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else parse_ttl(value)


def duration_list(value: Any) -> str:
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


def cpu_pin(value: Any) -> str:
    text = str(value).strip().lower()
    if text in ("auto", "off") or (text.isascii() and text.isdigit()):
        return text
    raise ValueError(f"expected auto, off or a CPU number, got {value!r}")


def trusted_proxy(value: Any) -> str:
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


def proxy_headers(value: Any) -> str:
    """'X-Forwarded-For, x-forwarded-proto' -> 'x-forwarded-for,x-forwarded-proto'."""
    items = value if isinstance(value, list) else str(value).split(",")
    names = sorted({str(name).strip().lower() for name in items} - {""})
    unknown = set(names) - PROXY_HEADERS
    if unknown or not names:
        raise ValueError(f"expected some of {', '.join(sorted(PROXY_HEADERS))}, got {value!r}")
    if "forwarded" in names and len(names) > 1:
        raise ValueError("forwarded and the x-forwarded-* headers cannot be trusted together")
    return ",".join(names)
