"""Uploads, one path for rooms and pastes: the body read once into one buffer with its size
enforced while reading, its files as views into that buffer, each with a cleaned name and the
media type sniffed from its bytes (core/media.py; the client's Content-Type is never used)."""

from dataclasses import dataclass
from typing import Any

from pastebox.config import ROOM_BODY_SLACK
from pastebox.core import media
from pastebox.core.errors import Invalid, TooLarge, UnsupportedMedia, excerpt
from pastebox.limits import read_body_into
from pastebox.web.payload import media_type, parse_multipart

# The multipart framing and the small text fields beside a file: the same slack as the
# settings' room_max_body_bytes, so the buffer budget checked at start holds any upload.
FORM_SLACK = ROOM_BODY_SLACK
MAX_FIELD_BYTES = 64 * 1024  # one text field of an upload form (a device name, a CSRF token)


@dataclass(frozen=True)
class Upload:
    field: str  # the form field it came in ("file")
    name: str  # the file name as sent, cleaned (media.clean_name)
    data: memoryview  # a view into the request's one body buffer
    media_type: str  # sniffed from the bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Form:
    fields: dict[str, str]
    files: list[Upload]


def read_raw(environ: dict[str, Any], cap: int) -> bytearray:
    """The request body in one preallocated buffer; TooLarge as soon as it is known to pass
    `cap` (from Content-Length before reading, or while reading a chunked body)."""
    return read_body_into(environ, cap)


def read_form(environ: dict[str, Any], file_cap: int) -> Form:
    """A multipart/form-data upload: its text fields (UTF-8, each at most MAX_FIELD_BYTES, none
    twice) and its files (each at most `file_cap` bytes; an empty file chooser is skipped).
    The whole body may be file_cap + FORM_SLACK bytes."""
    content_type = environ.get("CONTENT_TYPE", "")
    if media_type(content_type) != "multipart/form-data":
        raise UnsupportedMedia("send the file as multipart/form-data")
    body = read_raw(environ, file_cap + FORM_SLACK)
    fields: dict[str, str] = {}
    files: list[Upload] = []
    for part in parse_multipart(body, content_type):
        if part.filename is not None:
            if not part.filename and not part.data:
                continue  # a file chooser left empty still sends a part
            if len(part.data) > file_cap:
                raise TooLarge(f"file of {len(part.data)} bytes is over the limit of {file_cap}")
            name = media.clean_name(part.filename, default="file")
            files.append(Upload(part.name, name, part.data, media.sniff(part.data)))
        elif len(part.data) > MAX_FIELD_BYTES:
            raise TooLarge(f"form field {excerpt(part.name)} is over {MAX_FIELD_BYTES} bytes")
        elif part.name in fields:
            raise Invalid(f"form field {excerpt(part.name)} is sent twice", field=part.name)
        else:
            fields[part.name] = part.text()
    return Form(fields, files)
