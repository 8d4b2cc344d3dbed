"""The one exception base of pastebox and its kinds; surfaces map each kind to a status and a shape."""

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

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        message = message[:MAX_MESSAGE_CHARS]
        super().__init__(message)
        self.message = message
        self.field = field[:MAX_FIELD_CHARS] if field else field
        if code:
            self.code = code


class Invalid(PasteboxError):
    status, code = 400, "invalid"


class Unauthorized(PasteboxError):
    status, code = 401, "unauthorized"


class Forbidden(PasteboxError):
    status, code = 403, "forbidden"


class NotFound(PasteboxError):
    status, code = 404, "not_found"


class MethodNotAllowed(PasteboxError):
    status, code = 405, "method_not_allowed"


class Gone(PasteboxError):
    status, code = 410, "gone"


class TooLarge(PasteboxError):
    status, code = 413, "too_large"


class UnsupportedMedia(PasteboxError):
    status, code = 415, "unsupported_media_type"


class RateLimited(PasteboxError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))


class Unavailable(PasteboxError):
    status, code = 503, "unavailable"

    def __init__(self, message: str, *, retry_after: int = 1, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))
