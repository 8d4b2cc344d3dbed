"""The command-line client's rooms: `pastebox room new|send|get` over the rooms API.

A room is named by its id (`abcde-fghjk`, any case, dashes and spaces ignored) on the chosen
server, or by its link (`http://host/r/ID`, or a join link `…/r/ID?join=TOKEN`, which lets the
holder in without the PIN).
"""

import argparse
import os
import secrets
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pastebox.client import STDIN, auth_headers, header_value, load_settings, server_url
from pastebox.client_http import EXIT_USAGE, ClientError, ServerError, printable, request_json
from pastebox.core.ids import normalize_room_id, show_room_id

PIN_ENV = "PASTEBOX_ROOM_PIN"

PIN_HEADER = "X-Room-Pin"
# How a file name travels in a multipart header: as browsers write it.
_FILENAME_ESCAPES = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})


@dataclass(frozen=True)
class RoomTarget:
    server: str
    room_id: str
    join: str | None = None  # the join token of a join link


def parse_room(text: str, default_server: str) -> RoomTarget:
    """A room link (…/r/ID, with ?join=TOKEN for a join link) or a bare room id."""
    text = text.strip()
    if "://" not in text:
        room_id = normalize_room_id(text)
        if room_id is None:
            raise ClientError(f"not a room id or link: {text!r}", EXIT_USAGE)
        return RoomTarget(default_server, room_id)
    parts = urlsplit(text)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if parts.scheme not in ("http", "https") or len(segments) < 2 or segments[-2] != "r":
        raise ClientError(f"not a room link: {text!r}", EXIT_USAGE)
    room_id = normalize_room_id(segments[-1])
    if room_id is None:
        raise ClientError(f"not a room link: {text!r}", EXIT_USAGE)
    base = f"{parts.scheme}://{parts.netloc}" + "".join("/" + quote(s) for s in segments[:-2])
    join = parse_qs(parts.query).get("join", [None])[0]
    return RoomTarget(server_url(base), room_id, join)


def room_headers(args: argparse.Namespace, api_key: str | None) -> dict[str, str]:
    headers = auth_headers(api_key)
    if args.pin is not None:
        headers[PIN_HEADER] = header_value(args.pin, "the PIN")
    return headers


def _path(target: RoomTarget, tail: str = "") -> str:
    query = f"?join={quote(target.join, safe='')}" if target.join else ""
    return f"/api/rooms/{target.room_id}{tail}{query}"


def _call(target: RoomTarget, method: str, tail: str, headers: dict[str, str], **kw: Any) -> dict:
    try:
        return request_json(target.server, method, _path(target, tail), headers=headers, **kw)
    except ServerError as exc:
        if exc.code == "pin_required":
            raise ClientError("this room has a PIN; give it with --pin") from None
        raise


def _target(args: argparse.Namespace) -> tuple[RoomTarget, dict[str, str]]:
    settings = load_settings(args.server, args.api_key)
    target = parse_room(args.room, settings.server)
    # The API key goes only to the server it belongs to, never to the host a link names.
    api_key = settings.api_key if target.server == settings.server else None
    return target, room_headers(args, api_key)


# -- new, send, get --------------------------------------------------------------------------


def run_new(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Make a room; its link on stdout, its id and (with a PIN) its join link on stderr."""
    settings = load_settings(args.server, args.api_key)
    body = {"pin": args.pin} if args.pin is not None else {}
    reply = request_json(
        settings.server, "POST", "/api/rooms", body, auth_headers(settings.api_key)
    )
    url, room_id = reply.get("url"), reply.get("roomId")
    if not isinstance(url, str) or not isinstance(room_id, str):
        raise ClientError(f"{settings.server} did not answer with a room")
    print(printable(url), file=stdout)
    print(f"room {printable(show_room_id(room_id))}, expires {reply.get('expiresAt')}", file=stderr)
    if isinstance(reply.get("joinUrl"), str):
        print(
            f"join link (lets its holder in without the PIN): {printable(reply['joinUrl'])}",
            file=stderr,
        )
    return 0


def multipart_file(name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body of one `file` part, and its Content-Type."""
    boundary = "pastebox" + secrets.token_hex(16)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{name.translate(_FILENAME_ESCAPES)}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    body = head.encode("utf-8") + data + f"\r\n--{boundary}--\r\n".encode("ascii")
    return body, f"multipart/form-data; boundary={boundary}"


def _read(path: str, stdin: BinaryIO) -> bytes:
    label = "stdin" if path == STDIN else path
    try:
        if path == STDIN:
            return stdin.read()
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ClientError(f"{label}: {exc.strerror or exc}") from None


def run_send(args: argparse.Namespace, stdin: BinaryIO, stdout: TextIO) -> int:
    """Send stdin's text as the room's text (stdin that is not UTF-8: as a file), or a FILE as
    a file; prints the room's link, or the file's."""
    target, headers = _target(args)
    path = args.file or STDIN
    data = _read(path, stdin)
    text = None
    if path == STDIN:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is not None:
        _call(target, "PUT", "/content", headers, body={"content": text})
        print(printable(f"{target.server}/r/{target.room_id}"), file=stdout)
        return 0
    name = "stdin" if path == STDIN else os.path.basename(path)
    reply = _call(target, "POST", "/upload", headers, raw=multipart_file(name, data))
    if not isinstance(reply.get("fileUrl"), str):
        raise ClientError(f"{target.server} did not answer with the file's link")
    print(printable(reply["fileUrl"]), file=stdout)
    return 0


def run_get(args: argparse.Namespace, stdout: BinaryIO) -> int:
    """Write the room's current text to stdout, exactly."""
    target, headers = _target(args)
    reply = _call(target, "GET", "/content", headers)
    content = reply.get("content")
    if not isinstance(content, str):
        raise ClientError(f"{target.server} did not answer with the room's text")
    stdout.write(content.encode("utf-8", "surrogatepass"))
    stdout.flush()
    return 0


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO, stderr: TextIO) -> int:
    """`room new|send|get`; stdout is binary (`get` writes the text's bytes)."""
    text_out = _TextOut(stdout)
    if args.room_command == "new":
        return run_new(args, text_out, stderr)
    if args.room_command == "send":
        return run_send(args, stdin, text_out)
    return run_get(args, stdout)


class _TextOut:
    """print() to a binary stream, as UTF-8."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text.encode("utf-8"))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def add_room_command(commands: argparse._SubParsersAction, add_client_flags: Any) -> None:
    """The `room` command and its three actions."""
    room = commands.add_parser("room", help="share text and files between devices in a room")
    actions = room.add_subparsers(dest="room_command", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="make a room; prints its link")
    send = actions.add_parser(
        "send", help="send stdin's text (or a FILE) to a room; prints the room's or file's link"
    )
    send.add_argument("room", metavar="ROOM", help="room id (abcde-fghjk) or link")
    send.add_argument("file", nargs="?", metavar="FILE", help="a file to send (none or '-': stdin)")
    get = actions.add_parser("get", help="print a room's current text")
    get.add_argument("room", metavar="ROOM", help="room id (abcde-fghjk) or link")
    pin_help = (
        f"the room's PIN (sent in the X-Room-Pin header); default ${PIN_ENV}, which, unlike a"
        " flag, other users of this machine cannot read in the process list"
    )
    for parser, help_text, default in (
        (new, "protect the room with a four-digit PIN", None),
        (send, pin_help, os.environ.get(PIN_ENV)),
        (get, pin_help, os.environ.get(PIN_ENV)),
    ):
        add_client_flags(parser)
        parser.add_argument("--pin", metavar="PIN", help=help_text, default=default)
