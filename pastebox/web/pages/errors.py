"""The error page a browser gets for any refusal (web/errors.py decides when and with what
status)."""

from pastebox.core.errors import PasteboxError
from pastebox.web.pages.layout import page

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


def error_page(error: PasteboxError, status: int) -> str:
    heading = ERROR_HEADINGS.get(status, "Something went wrong")
    return page(
        "error.tpl",
        heading=heading,
        message="" if error.message.lower() == heading.lower() else error.message,
        hint=ERROR_HINTS.get(status, ""),
        status=status,
    )
