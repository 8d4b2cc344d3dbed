"""Command line: `serve` (the default), `user add|list|remove|key|revoke|password`, `purge`, and the client
commands `paste`, `get` (pastebox/client.py) and `room new|send|get` (pastebox/client_rooms.py),
which need no server settings."""

import argparse
import getpass
import logging
import sys
import time

from pastebox import client_rooms
from pastebox.config import Config, ConfigError, env_name, load_config, settings
from pastebox.core import accounts, crypto
from pastebox.core.context import Core, close
from pastebox.core.errors import Invalid, PasteboxError
from pastebox.store import StoreError, open_store
from pastebox.version import __version__

CLIENT_COMMANDS = ("paste", "get", "room")
COMMANDS = ("serve", "user", "purge", *CLIENT_COMMANDS)
log = logging.getLogger("pastebox")


def _add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per Config setting, with its help text and environment variable."""
    for f in settings():
        parser.add_argument(
            "--" + f.name.replace("_", "-"),
            dest=f.name,
            default=None,
            metavar=f.name.upper(),
            help=f"{f.metadata['help']} [env {env_name(f.name)}; default {f.default!r}]",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pastebox", description="A self-hosted paste server over one SQLite file."
    )
    parser.add_argument("--version", action="version", version=f"pastebox {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the server (the default command)")
    serve.add_argument("--config", metavar="FILE", help="TOML settings file")
    _add_setting_flags(serve)

    user = commands.add_parser("user", help="manage users and their API keys")
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    for name, help_text in (
        ("add", "create a user; prints a new API key as the last line"),
        ("remove", "delete a user, their keys and their pastes"),
        ("key", "issue another API key for a user (printed as the last line)"),
        ("revoke", "revoke every API key of a user"),
        ("password", "set a user's web log-in password (asked for twice on the terminal)"),
    ):
        sub = user_commands.add_parser(name, help=help_text)
        sub.add_argument("name")
        _add_store_flags(sub)
        if name in ("add", "password"):
            sub.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the web password from stdin (one line)"
                + (", for log-in as well as API keys" if name == "add" else ""),
            )
    _add_store_flags(user_commands.add_parser("list", help="list users"))

    purge = commands.add_parser("purge", help="run one janitor sweep now")
    _add_store_flags(purge)
    _add_client_commands(commands)
    return parser


def _add_client_commands(commands: argparse._SubParsersAction) -> None:
    paste = commands.add_parser(
        "paste", help="paste files or stdin to a pastebox server; prints the link"
    )
    paste.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="text files to paste, one paste for all (none or '-': stdin)",
    )
    _add_client_flags(paste)
    paste.add_argument("--title", help="a title for the paste")
    paste.add_argument(
        "--lang", metavar="LANGUAGE", help="highlighting language (default: guessed)"
    )
    paste.add_argument(
        "--ttl", metavar="TTL", help="time to live: seconds, or 10m 1h 1d 1w 1m (month) 1y never"
    )
    paste.add_argument("--burn", action="store_true", help="delete the paste once it is read")
    exposure = paste.add_mutually_exclusive_group()
    for name, help_text in (
        ("private", "readable by its owner (API key) or manage token holder only"),
        ("unlisted", "reachable by its link only (the server's default)"),
        ("public", "listed and searchable"),
    ):
        exposure.add_argument(
            f"--{name}", dest="exposure", action="store_const", const=name, help=help_text
        )
    _add_password_flags(paste, "protect the paste with a password (the server seals it)")
    paste.add_argument(
        "--e2ee",
        action="store_true",
        help="encrypt here; the key is only in the printed link's #fragment",
    )

    get = commands.add_parser(
        "get", help="print a paste (a link, with its #key for end-to-end pastes, or an ID)"
    )
    get.add_argument("link", metavar="URL", help="paste URL (…/ID or …/ID#key) or a bare ID")
    _add_client_flags(get)
    _add_password_flags(get, "the paste's password (sent in the Paste-Authorization header)")
    client_rooms.add_room_command(commands, _add_client_flags)


def _add_client_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        metavar="URL",
        help="pastebox server [env PASTEBOX_SERVER; config file; default http://127.0.0.1:8080]",
    )
    parser.add_argument(
        "--api-key", metavar="KEY", help="API key (X-Api-Key) [env PASTEBOX_API_KEY; config file]"
    )


def _add_password_flags(parser: argparse.ArgumentParser, help_text: str) -> None:
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password", metavar="PASSWORD", help=help_text)
    secret.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from stdin (one line), out of sight of `ps`",
    )


def _add_store_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, help="SQLite database file [env PASTEBOX_DB]")
    parser.add_argument("--config", metavar="FILE", help="TOML settings file")


def _config(args: argparse.Namespace) -> Config:
    names = {f.name for f in settings()}
    flags = {k: v for k, v in vars(args).items() if k in names}
    return load_config(file=args.config, flags=flags)


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # waitress warns "Task queue depth is N" whenever all threads are busy; under load that is
    # normal, and a line per burst drowns the log.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def _new_password(args: argparse.Namespace) -> str:
    """A new web password: one line of stdin with --password-stdin, else typed twice unseen."""
    if args.password_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    else:
        password = getpass.getpass("New password: ")
        if getpass.getpass("The same again: ") != password:
            raise Invalid("the two passwords are not the same")
    accounts.check_new_password(password)
    return password


def _user(args: argparse.Namespace, cfg: Config) -> int:
    store = open_store(cfg.db, synchronous=cfg.synchronous)
    core = Core(store, cfg)
    try:
        if args.user_command == "add":
            password_hash = None
            if args.password_stdin:
                password_hash = crypto.hash_password(_new_password(args), core.kdf_gate)
            user, key = accounts.add_user(core, args.name, password_hash)
            print(f"created user {user.name}; API key (shown once):")
            print(key)
        elif args.user_command == "key":
            key = accounts.new_api_key(core, accounts.find_user(core, args.name))
            print(f"new API key for {args.name} (shown once):")
            print(key)
        elif args.user_command == "revoke":
            count = accounts.revoke_all_keys(core, args.name)
            print(f"revoked {count} key(s) of {args.name}")
        elif args.user_command == "password":
            user = accounts.find_user(core, args.name)
            accounts.set_password(core, user, _new_password(args))
            print(f"set the web password of {user.name}; their browsers are signed out")
        elif args.user_command == "remove":
            accounts.remove_user(core, args.name)
            print(f"removed user {args.name} with their keys and pastes")
        else:
            for user, keys, count in accounts.list_users(core):
                created = time.strftime("%Y-%m-%d", time.gmtime(user.created_at))
                print(f"{user.name}\tkeys={keys}\tpastes={count}\tcreated={created}")
    finally:
        close(core)
    return 0


def _purge(cfg: Config) -> int:
    from pastebox.server.janitor import sweep

    store = open_store(cfg.db, synchronous=cfg.synchronous)
    try:
        result = sweep(store, time.time())
    finally:
        store.close()
    print(
        f"purged {result.expired} expired paste(s); search index "
        f"{'merged' if result.fts_optimized else 'unchanged'}; "
        f"WAL {'truncated' if result.checkpointed else 'busy, not truncated'}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "serve")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in CLIENT_COMMANDS:  # a client: the server's settings are not its business
        from pastebox import client

        return client.main(args)
    try:
        cfg = _config(args)
    except ConfigError as exc:
        print(f"pastebox: {exc}", file=sys.stderr)
        return 2
    _setup_logging(cfg.log_level)
    try:
        if args.command == "user":
            return _user(args, cfg)
        if args.command == "purge":
            return _purge(cfg)
        from pastebox.server.serving import serve

        return serve(cfg)
    except PasteboxError as exc:
        print(f"pastebox: {exc.message}", file=sys.stderr)
        return 2
    except (StoreError, ValueError) as exc:
        print(f"pastebox: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"pastebox: {exc.strerror or exc}", file=sys.stderr)
        return 1
