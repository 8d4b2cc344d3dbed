"""Command line: `serve` (the default), `user add|list|remove|key`, `purge`."""

import argparse
import logging
import sys
import time

from pastebox import accounts
from pastebox.config import Config, ConfigError, env_name, load_config, settings
from pastebox.errors import PasteboxError
from pastebox.store import StoreError, open_store
from pastebox.version import __version__

COMMANDS = ("serve", "user", "purge")
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
    ):
        sub = user_commands.add_parser(name, help=help_text)
        sub.add_argument("name")
        _add_store_flags(sub)
    _add_store_flags(user_commands.add_parser("list", help="list users"))

    purge = commands.add_parser("purge", help="run one janitor sweep now")
    _add_store_flags(purge)
    return parser


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


def _user(args: argparse.Namespace, cfg: Config) -> int:
    store = open_store(cfg.db, synchronous=cfg.synchronous)
    try:
        now = time.time()
        if args.user_command == "add":
            user, key = accounts.add_user(store, args.name, now)
            print(f"created user {user.name}; API key (shown once):")
            print(key)
        elif args.user_command == "key":
            key = accounts.new_api_key(store, accounts.find_user(store, args.name), now)
            print(f"new API key for {args.name} (shown once):")
            print(key)
        elif args.user_command == "revoke":
            count = store.delete_api_keys(accounts.find_user(store, args.name).id)
            print(f"revoked {count} key(s) of {args.name}")
        elif args.user_command == "remove":
            store.delete_user(accounts.find_user(store, args.name).id)
            print(f"removed user {args.name} with their keys and pastes")
        else:
            for user, keys, count in store.list_users():
                created = time.strftime("%Y-%m-%d", time.gmtime(user.created_at))
                print(f"{user.name}\tkeys={keys}\tpastes={count}\tcreated={created}")
    finally:
        store.close()
    return 0


def _purge(cfg: Config) -> int:
    from pastebox.janitor import sweep

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
        from pastebox.serving import serve

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
