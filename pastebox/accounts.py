"""Users and API keys: creating them, resolving a presented key to a user."""

import re

from pastebox import ids
from pastebox.errors import Invalid, NotFound, Unauthorized
from pastebox.model import User
from pastebox.store import Store

SESSION_SECONDS = 30 * 86400
USER_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


def add_user(store: Store, name: str, now: float) -> tuple[User, str]:
    """Create a user and their first API key; the key is returned once and stored hashed."""
    if not USER_NAME_RE.fullmatch(name):
        raise Invalid(
            "user names are 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    user = store.insert_user(name, now)
    if user is None:
        raise Invalid(f"user {name!r} exists already", code="exists")
    return user, new_api_key(store, user, now)


def new_api_key(store: Store, user: User, now: float, label: str = "") -> str:
    key = ids.new_token()
    store.insert_api_key(user.id, ids.hash_token(key), label, now)
    return key


def find_user(store: Store, name: str) -> User:
    user = store.get_user(name)
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def user_for_key(store: Store, key: str | None) -> User | None:
    """The user a presented API key belongs to; None without a key; Unauthorized for a bad one."""
    if key is None:
        return None
    user = store.user_for_key_hash(ids.hash_token(key))
    if user is None:
        raise Unauthorized("invalid API key", code="invalid_key")
    return user


def start_session(store: Store, user: User, now: float) -> str:
    """A new browser session for `user`; the token goes in a cookie and is stored hashed."""
    token = ids.new_token()
    store.insert_session(ids.hash_token(token), user.id, now, now + SESSION_SECONDS)
    return token


def user_for_session(store: Store, token: str | None, now: float) -> User | None:
    """The signed-in user of a session cookie; None when absent, unknown or expired."""
    if not token:
        return None
    return store.session_user(ids.hash_token(token), now)


def end_session(store: Store, token: str | None) -> None:
    if token:
        store.delete_session(ids.hash_token(token))
