"""A user's web password: changing it on the settings page (other browsers signed out,
refusals change nothing, guesses throttled, stored as argon2id only) and the `user password` and
`user add --password-stdin` commands."""

import io
import re
import sqlite3
from pathlib import Path

import pytest
from helpers import (
    OTHER_PASSWORD,
    PASSWORD,
    browser,
    error_text,
    key_works,
    login,
    signed_in,
    submit,
)

from pastebox import cli
from pastebox.web.csrf import CSRF_COOKIE

pytestmark = pytest.mark.app_settings(registration="open")


# -- settings: the password ------------------------------------------------------------------


def test_changing_the_password_signs_out_other_browsers_but_not_this_one(alice, app):
    elsewhere = browser(app)
    login(elsewhere)
    res = submit(alice, "/settings/password", 200, current=PASSWORD, new=OTHER_PASSWORD,
                 confirm=OTHER_PASSWORD)  # fmt: skip
    assert "password is changed" in res.text
    assert PASSWORD not in res.text and OTHER_PASSWORD not in res.text
    assert signed_in(alice) and not signed_in(elsewhere)
    login(browser(app), "alice", PASSWORD, status=403)
    login(browser(app), "alice", OTHER_PASSWORD)
    # The page's forms carry this browser's new token.
    token = re.search(r'name="csrf" value="([^"]+)"', res.text).group(1)
    assert token == alice.cookies[CSRF_COOKIE]


@pytest.mark.parametrize(
    ("current", "new", "confirm", "status", "message"),
    [
        ("wrong password", OTHER_PASSWORD, OTHER_PASSWORD, 403, "current password is wrong"),
        (PASSWORD, OTHER_PASSWORD, OTHER_PASSWORD + "x", 400, "not the same"),
        (PASSWORD, "short", "short", 400, "at least 8"),
    ],
)
def test_a_refused_password_change_changes_nothing(alice, app, current, new, confirm, status,
                                                   message):  # fmt: skip
    res = submit(alice, "/settings/password", status, current=current, new=new, confirm=confirm)
    assert message in error_text(res)
    assert current not in res.text and new not in res.text
    assert signed_in(alice)
    login(browser(app), "alice", PASSWORD)


def test_guessing_the_current_password_is_throttled_as_a_log_in(alice, app):
    for _ in range(10):
        submit(alice, "/settings/password", 403, current="guess guess", new=OTHER_PASSWORD,
               confirm=OTHER_PASSWORD)  # fmt: skip
    res = login(browser(app), "alice", PASSWORD, status=429)
    assert "Retry-After" in res.headers


def test_the_password_hash_in_the_database_is_an_argon2id_string_never_the_password(
    alice, store, db_path
):
    store.close()  # everything on disk, in the main file
    (stored,) = sqlite3.connect(db_path).execute("SELECT password_hash FROM users").fetchone()
    assert bytes(stored).startswith(b"$argon2id$v=19$m=65536,t=2,p=1$")
    for path in Path(db_path).parent.iterdir():
        assert PASSWORD.encode() not in path.read_bytes()


# -- the command line ------------------------------------------------------------------------


def run_cli(monkeypatch, db_path: str, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["user", *args, "--db", db_path])


def test_user_password_sets_a_web_password_from_stdin(app, monkeypatch, db_path, capsys):
    assert run_cli(monkeypatch, db_path, "add", "dave") == 0
    login(browser(app), "dave", PASSWORD, status=403)
    assert run_cli(monkeypatch, db_path, "password", "dave", "--password-stdin",
                   stdin=PASSWORD + "\n") == 0  # fmt: skip
    assert "signed out" in capsys.readouterr().out
    login(browser(app), "dave", PASSWORD)


def test_user_password_asks_twice_on_the_terminal(app, monkeypatch, db_path, capsys):
    run_cli(monkeypatch, db_path, "add", "dave")
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert run_cli(monkeypatch, db_path, "password", "dave") == 0
    login(browser(app), "dave", PASSWORD)
    typed = iter([OTHER_PASSWORD, "a typo here"])
    assert run_cli(monkeypatch, db_path, "password", "dave") == 2
    assert "not the same" in capsys.readouterr().err
    login(browser(app), "dave", PASSWORD)


def test_user_password_ends_the_users_sessions(alice, monkeypatch, db_path):
    assert run_cli(monkeypatch, db_path, "password", "alice", "--password-stdin",
                   stdin=OTHER_PASSWORD + "\n") == 0  # fmt: skip
    assert not signed_in(alice)


def test_user_add_with_password_stdin_can_log_in_and_still_gets_a_key(
    app, monkeypatch, db_path, capsys
):
    assert run_cli(monkeypatch, db_path, "add", "erin", "--password-stdin", stdin=PASSWORD) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key_works(app, key)
    login(browser(app), "erin", PASSWORD)


@pytest.mark.parametrize("command", ["add", "password"])
def test_a_too_short_password_from_stdin_is_refused(app, monkeypatch, db_path, store, command,
                                                    capsys):  # fmt: skip
    if command == "password":
        run_cli(monkeypatch, db_path, "add", "frank")
    assert run_cli(monkeypatch, db_path, command, "frank", "--password-stdin", stdin="short\n") == 2
    assert "at least 8" in capsys.readouterr().err
    login(browser(app), "frank", "short", status=403)
    assert (store.get_user("frank") is None) == (command == "add")
