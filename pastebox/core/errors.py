"""The one exception base of pastebox and its kinds (what went wrong, and a stable code);
each surface maps a kind to its status and shape (web/errors.py for HTTP)."""

# Error text may quote what a client sent, never all of it: a 1 MB JSON key must not come back
# as a 1 MB error (twice). `excerpt` quotes a short prefix; the caps are the backstop.
EXCERPT_CHARS = 40
MAX_MESSAGE_CHARS = 500
MAX_FIELD_CHARS = 40


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """Client input quoted for an error message: at most `limit` characters of it, with
    control and invisible characters escaped (repr), and "…" when it was cut."""
    return repr(value[:limit]) + ("…" if len(value) > limit else "")


class PasteboxError(Exception):
    """Base of every error a request can cause; `code` is a stable machine-readable name."""

    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        message = message[:MAX_MESSAGE_CHARS]
        super().__init__(message)
        self.message = message
        self.field = field[:MAX_FIELD_CHARS] if field else field
        if code:
            self.code = code


class Invalid(PasteboxError):
    code = "invalid"


class Unauthorized(PasteboxError):
    code = "unauthorized"


class Forbidden(PasteboxError):
    code = "forbidden"


class NotFound(PasteboxError):
    code = "not_found"


class MethodNotAllowed(PasteboxError):
    code = "method_not_allowed"


class Gone(PasteboxError):
    code = "gone"


class TooLarge(PasteboxError):
    code = "too_large"


class UnsupportedMedia(PasteboxError):
    code = "unsupported_media_type"


class RateLimited(PasteboxError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))


class Unavailable(PasteboxError):
    code = "unavailable"

    def __init__(self, message: str, *, retry_after: int = 1, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))
