"""The command-line client: `pastebox paste` and `pastebox get` over the JSON API, with
end-to-end sealing done here (the server never sees the key). Standard library and pynacl only.

Settings: flags > PASTEBOX_SERVER / PASTEBOX_API_KEY > the client.toml file > the default.
"""

import argparse
import base64
import binascii
import os
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO
from urllib.parse import quote, unquote, urlsplit

from pastebox.client_http import (
    EXIT_FAILED,
    EXIT_USAGE,
    ClientError,
    ServerError,
    printable,
    request_json,
)
from pastebox.core import crypto
from pastebox.core.ids import is_paste_id

DEFAULT_SERVER = "http://127.0.0.1:8080"
CONFIG_KEYS = ("server", "api_key")
ENV_SERVER, ENV_API_KEY, ENV_CONFIG = "PASTEBOX_SERVER", "PASTEBOX_API_KEY", "PASTEBOX_CONFIG"
STDIN = "-"
E2EE_RECORD_VERSION = 1
# Characters a header cannot carry: http.client refuses them, and the server could not read them.
HEADER_FORBIDDEN = frozenset("\r\n\0")
# -- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSettings:
    server: str = DEFAULT_SERVER
    api_key: str | None = None


def config_file(env: Mapping[str, str]) -> tuple[Path, bool]:
    """The client.toml to read, and whether it was named explicitly (then it must exist)."""
    named = env.get(ENV_CONFIG)
    if named:
        return Path(named).expanduser(), True
    xdg = env.get("XDG_CONFIG_HOME", "")
    if xdg and os.path.isabs(xdg):  # the XDG spec ignores a relative value
        base = Path(xdg)
    else:
        home = env.get("HOME")
        base = (Path(home) if home else Path.home()) / ".config"
    return base / "pastebox" / "client.toml", False


def read_config_file(path: Path, required: bool) -> dict[str, str]:
    try:
        with path.open("rb") as fh:
            table = tomllib.load(fh)
    except FileNotFoundError:
        if required:
            raise ClientError(f"config file {path}: not found", EXIT_USAGE) from None
        return {}
    except OSError as exc:
        raise ClientError(f"config file {path}: {exc.strerror}", EXIT_USAGE) from None
    except tomllib.TOMLDecodeError as exc:
        raise ClientError(f"config file {path}: {exc}", EXIT_USAGE) from None
    values = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in CONFIG_KEYS:
            raise ClientError(
                f"config file {path}: unknown key {key!r} (known: {', '.join(CONFIG_KEYS)})",
                EXIT_USAGE,
            )
        if not isinstance(value, str):
            raise ClientError(f"config file {path}: {key} must be a string", EXIT_USAGE)
        values[name] = value
    return values


def load_settings(
    server: str | None = None, api_key: str | None = None, env: Mapping[str, str] | None = None
) -> ClientSettings:
    """Each setting from the first layer that has it: flag, environment, file, default."""
    env = os.environ if env is None else env
    path, required = config_file(env)
    from_file = read_config_file(path, required)
    chosen_server = server or env.get(ENV_SERVER) or from_file.get("server") or DEFAULT_SERVER
    chosen_key = api_key or env.get(ENV_API_KEY) or from_file.get("api_key") or None
    return ClientSettings(server=server_url(chosen_server), api_key=chosen_key)


def server_url(text: str) -> str:
    """An http(s) base URL without a trailing slash; ClientError otherwise."""
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ClientError(
            f"the server must be an http:// or https:// URL, got {text!r}", EXIT_USAGE
        )
    return url


# -- HTTP ----------------------------------------------------------------------------------


def header_value(text: str, what: str) -> str:
    """A header value carrying UTF-8 (http.client sends str headers as latin-1, the server reads
    those bytes back as UTF-8)."""
    if HEADER_FORBIDDEN & set(text):
        raise ClientError(f"{what} cannot contain line breaks or NUL characters", EXIT_USAGE)
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def auth_headers(api_key: str | None, password: str | None = None) -> dict[str, str]:
    headers = {}
    if api_key:
        headers["X-Api-Key"] = header_value(api_key, "the API key")
    if password is not None:
        headers["Paste-Authorization"] = header_value(password, "the password")
    return headers


# -- paste ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    name: str  # "" for stdin: the server picks one
    text: str


def read_uploads(paths: Sequence[str], stdin: BinaryIO) -> list[Upload]:
    """The files to paste (stdin for "-" or none), as text; binary files are refused."""
    paths = list(paths) or [STDIN]
    if paths.count(STDIN) > 1:
        raise ClientError("stdin ('-') can be pasted only once", EXIT_USAGE)
    uploads = []
    for path in paths:
        label = "stdin" if path == STDIN else path
        try:
            if path == STDIN:
                data = stdin.read()
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
        except OSError as exc:
            raise ClientError(f"{label}: {exc.strerror or exc}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ClientError(
                f"{label} is not UTF-8 text (a binary file?); this client pastes text only "
                f"(curl -F file=@{label if path != STDIN else 'FILE'} uploads any bytes)"
            ) from None
        if not text:
            raise ClientError(f"nothing to paste: {label} is empty")
        uploads.append(Upload("" if path == STDIN else os.path.basename(path), text))
    names = [u.name for u in uploads if u.name]
    for name in names:
        if names.count(name) > 1:
            raise ClientError(f"two files are named {name!r}; one paste needs distinct names")
    return uploads


def ttl_fields(ttl: str | None) -> dict[str, Any]:
    """A positive whole number of seconds as ttlSeconds; any other text (1h, never) as expiresIn."""
    if ttl is None:
        return {}
    text = ttl.strip()
    if text.isascii() and text.isdigit() and int(text) > 0:
        return {"ttlSeconds": int(text)}
    return {"expiresIn": text}


def options_fields(ttl: str | None, burn: bool, exposure: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {**ttl_fields(ttl), "burnAfterRead": burn}
    if exposure:
        fields["exposure"] = exposure
    return fields


def paste_body(
    uploads: Sequence[Upload],
    *,
    title: str | None = None,
    language: str | None = None,
    ttl: str | None = None,
    burn: bool = False,
    exposure: str | None = None,
    password: str | None = None,
) -> dict[str, Any]:
    """The JSON of POST /api/v1/pastes: `content` for stdin alone, `files` otherwise."""
    body: dict[str, Any] = {}
    if len(uploads) == 1 and not uploads[0].name:
        body["content"] = uploads[0].text
        if language:
            body["language"] = language
    else:
        body["files"] = [
            {"name": u.name, "content": u.text, **({"language": language} if language else {})}
            for u in uploads
        ]
    if title is not None:
        body["title"] = title
    body.update(options_fields(ttl, burn, exposure))
    if password is not None:
        body["password"] = password
    return body


def sealed_body(
    uploads: Sequence[Upload],
    key: bytes,
    *,
    title: str | None = None,
    language: str | None = None,
    ttl: str | None = None,
    burn: bool = False,
    exposure: str | None = None,
) -> dict[str, Any]:
    """An end-to-end paste: the record sealed under `key` (the browser's wire format); the
    title, names and languages travel inside it, never in clear."""
    record = {
        "v": E2EE_RECORD_VERSION,
        "title": title or "",
        "files": [{"name": u.name, "language": language, "content": u.text} for u in uploads],
    }
    return {
        "content": crypto.e2ee_seal(key, record),
        "isE2ee": True,
        **options_fields(ttl, burn, exposure),
    }


def run_paste(args: argparse.Namespace, stdin: BinaryIO, stdout: TextIO, stderr: TextIO) -> int:
    if args.e2ee and (args.password is not None or args.password_stdin):
        raise ClientError(
            "--e2ee and --password do not mix: an end-to-end paste is opened by the key in "
            "its link; pick one",
            EXIT_USAGE,
        )
    if args.password_stdin and (not args.files or STDIN in args.files):
        raise ClientError(
            "--password-stdin reads stdin, so the paste must come from files", EXIT_USAGE
        )
    settings = load_settings(args.server, args.api_key)
    password = read_password(args, stdin)
    if password is not None:
        header_value(password, "the password")  # `get` sends it as a header: refuse now
    uploads = read_uploads(args.files, stdin)
    options = {"title": args.title, "language": args.lang, "ttl": args.ttl}
    flags = {"burn": args.burn, "exposure": args.exposure}
    key = crypto.new_e2ee_key() if args.e2ee else None
    if key is not None:
        body = sealed_body(uploads, key, **options, **flags)
    else:
        body = paste_body(uploads, **options, **flags, password=password)
    reply = request_json(
        settings.server, "POST", "/api/v1/pastes", body, auth_headers(settings.api_key)
    )
    url = reply.get("url")
    if not isinstance(url, str):
        raise ClientError(f"{settings.server} did not answer with a paste URL")
    print(printable(url) + (f"#{crypto.b64url(key)}" if key is not None else ""), file=stdout)
    if reply.get("manageToken"):
        print(f"manage token: {printable(str(reply['manageToken']))}", file=stderr)
    return 0


def read_password(args: argparse.Namespace, stdin: BinaryIO) -> str | None:
    """--password, or --password-stdin: all of stdin less one trailing line break."""
    if not args.password_stdin:
        return args.password
    try:
        text = stdin.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ClientError("the password on stdin is not UTF-8", EXIT_USAGE) from None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        raise ClientError("no password on stdin", EXIT_USAGE)
    return text


# -- get -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    server: str
    paste_id: str
    fragment: str  # without the "#"; an end-to-end key, a line anchor, or ""
    file_name: str | None = None  # a /raw/ID/name link asks for one file


def parse_link(link: str, default_server: str) -> Target:
    """A paste URL (/ID, /raw/ID, /raw/ID/file, /ID.lang, each with an optional #fragment) or a
    bare ID (on `default_server`)."""
    text, _, fragment = link.strip().partition("#")
    file_name = None
    if "://" not in text:
        paste_id, base = text.strip("/"), default_server
    else:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ClientError(f"not a paste link: {link!r}", EXIT_USAGE)
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if len(segments) >= 2 and segments[-2] == "raw":  # /raw/ID
            paste_id, prefix = segments[-1], segments[:-2]
        elif len(segments) >= 3 and segments[-3] == "raw":  # /raw/ID/name: that file alone
            paste_id, file_name, prefix = segments[-2], segments[-1], segments[:-3]
        else:
            paste_id, prefix = (segments[-1] if segments else ""), segments[:-1]
        paste_id = paste_id.split(".", 1)[0]  # /ID.py: the paste with another highlighting
        base = f"{parts.scheme}://{parts.netloc}" + "".join("/" + quote(s) for s in prefix)
    if not is_paste_id(paste_id):
        raise ClientError(f"not a paste link or id: {link!r}", EXIT_USAGE)
    return Target(server_url(base), paste_id, fragment, file_name)


def joined(files: Sequence[tuple[str, bytes]]) -> bytes:
    """One file as it is; several each under a `==> name <==` line, as the raw surface does."""
    if len(files) == 1:
        return files[0][1]
    return b"\n".join(
        b"==> " + printable(name).encode() + b" <==\n" + content for name, content in files
    )


def files_of_reply(reply: dict[str, Any]) -> list[tuple[str, bytes]]:
    files = reply.get("files")
    if not isinstance(files, list) or not files:
        raise ClientError("the server's reply holds no files")
    out = []
    for f in files:
        content = f.get("content") if isinstance(f, dict) else None
        if not isinstance(content, str):
            raise ClientError("the server's reply holds a file without content")
        if f.get("encoding") == "base64":
            try:
                data = base64.b64decode(content, validate=True)
            except (binascii.Error, ValueError):
                raise ClientError(
                    "the server's reply holds a file that is not valid base64"
                ) from None
        else:
            data = content.encode("utf-8", "surrogatepass")
        out.append((str(f.get("name") or ""), data))
    return out


def files_of_record(record: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The files of a version-1 end-to-end record (as the browser reads it)."""
    files = record.get("files")
    if record.get("v") != E2EE_RECORD_VERSION or not isinstance(files, list) or not files:
        raise ClientError("the sealed record is not a paste this client can show")
    out = []
    for position, f in enumerate(files):
        if not isinstance(f, dict) or not isinstance(f.get("content"), str):
            raise ClientError("the sealed record is not a paste this client can show")
        name = f.get("name") if isinstance(f.get("name"), str) else ""
        out.append((name or f"file{position + 1}", f["content"].encode("utf-8", "surrogatepass")))
    return out


def e2ee_key(fragment: str) -> bytes | None:
    try:
        return crypto.e2ee_key_from_fragment(fragment)
    except ValueError:
        return None


def run_get(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    settings = load_settings(args.server, args.api_key)
    target = parse_link(args.link, settings.server)
    password = read_password(args, stdin)
    # The API key goes only to the server it belongs to, never to the host a link names.
    api_key = settings.api_key if target.server == settings.server else None
    try:
        reply = request_json(
            target.server,
            "GET",
            f"/api/v1/pastes/{quote(target.paste_id)}",
            headers=auth_headers(api_key, password),
        )
    except ServerError as exc:
        if exc.code == "password_required":
            raise ClientError(f"{exc.message}; give it with --password") from None
        raise
    if reply.get("isE2ee"):
        key = e2ee_key(target.fragment)
        if key is None:
            gone = (
                " (it was burn-after-read, and is gone now)" if reply.get("burnAfterRead") else ""
            )
            raise ClientError(
                "this paste is end-to-end encrypted: give the whole link, with its #key" + gone
            )
        sealed = files_of_reply(reply)[0][1].decode("utf-8", "replace")
        try:
            record = crypto.e2ee_open(key, sealed)
        except crypto.OpenFailed:
            raise ClientError("the key in this link does not open this paste") from None
        files = files_of_record(record)
    else:
        files = files_of_reply(reply)  # a #L5 anchor on a plain paste changes nothing
    if target.file_name is not None:
        files = [f for f in files if f[0] == target.file_name]
        if not files:
            raise ClientError(f"no file named {target.file_name!r} in this paste")
    stdout.write(joined(files))
    stdout.flush()
    return 0


# -- entry point ---------------------------------------------------------------------------


def main(args: argparse.Namespace) -> int:
    """Run `paste`, `get` or `room …`; every failure is one `pastebox: …` line on stderr, never a trace
    (what came from the server shown escaped: see printable)."""
    try:
        if args.command == "paste":
            return run_paste(args, sys.stdin.buffer, sys.stdout, sys.stderr)
        if args.command == "room":
            from pastebox import client_rooms  # it builds on this module

            return client_rooms.run(args, sys.stdin.buffer, sys.stdout.buffer, sys.stderr)
        return run_get(args, sys.stdin.buffer, sys.stdout.buffer)
    except ClientError as exc:
        print(f"pastebox: {printable(exc.message)}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:  # `pastebox get … | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("pastebox: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a case missed above is still one line, not a trace
        print(f"pastebox: unexpected {type(exc).__name__}: {printable(str(exc))[:200]}",
              file=sys.stderr)  # fmt: skip
        return EXIT_FAILED
