"""Small translations the surfaces share: timestamps, typed JSON fields, durations."""

import math
from datetime import UTC, datetime

from pastebox.config_values import parse_ttl
from pastebox.core.errors import Invalid, excerpt


def iso(timestamp: float | None) -> str | None:
    """ISO-8601 in UTC with milliseconds, as the seed API writes it: 2026-02-09T01:00:00.000Z."""
    if timestamp is None:
        return None
    # isoformat is C all the way; strftime goes through the C library's locale and TZ machinery.
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def text_field(body: dict, key: str, default: str | None = None) -> str | None:
    value = body.get(key, default)
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{key} must be a string", field=key)
    return value


def bool_field(body: dict, key: str, default: bool = False) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise Invalid(f"{key} must be true or false", field=key)
    return value


def positive_int_field(body: dict, key: str) -> int | None:
    """A JSON number that is a positive whole number (3600 or 3600.0), or None when absent."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{key} must be a positive integer", field=key)
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise Invalid(f"{key} must be a positive integer", field=key)
    if value <= 0 or value > 2**53:
        raise Invalid(f"{key} must be a positive integer", field=key)
    return int(value)


def ttl_text(value: str, key: str = "ttl") -> int:
    """'3600', '10m', '1h', '1d', '1w', '1m', '1y', 'never' -> seconds (0 = never)."""
    try:
        return parse_ttl(value)
    except ValueError:  # its message quotes the whole value, which a client chose
        raise Invalid(
            f"not a duration: {excerpt(value)} (seconds, or 10m 1h 1d 1w 1m 1y never)", field=key
        ) from None
