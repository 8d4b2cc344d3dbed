"""Users, their web passwords and sessions, and API keys: creating them, checking them,
resolving a presented key or session to a user."""

import re
import unicodedata

from pastebox.core import crypto, ids
from pastebox.core.context import Core
from pastebox.core.errors import Forbidden, Invalid, NotFound, Unauthorized
from pastebox.core.model import ApiKey, User

SESSION_SECONDS = 30 * 86400
USER_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
PASSWORD_MIN_CHARS = 8
PASSWORD_MAX_BYTES = 1024  # argon2 takes any length; a bound keeps a request's cost bounded
LABEL_MAX_CHARS = 100
# One message for an unknown name and a wrong password, so a log-in says nothing of who exists.
WRONG_LOGIN = "wrong name or password"


def check_name(name: str) -> None:
    if not USER_NAME_RE.fullmatch(name):
        raise Invalid(
            "user names are 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit",
            field="name",
        )


def check_new_password(password: str, field: str = "password") -> None:
    """Refuse a password that is too short or too long to become an account's."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise Invalid(f"a password has at least {PASSWORD_MIN_CHARS} characters", field=field)
    if len(password.encode("utf-8", "surrogatepass")) > PASSWORD_MAX_BYTES:
        raise Invalid(f"a password has at most {PASSWORD_MAX_BYTES} bytes", field=field)


def add_user(core: Core, name: str, password_hash: bytes | None = None) -> tuple[User, str]:
    """Create a user and their first API key; the key is returned once and stored hashed."""
    check_name(name)
    user = core.store.insert_user(name, core.now(), password_hash)
    if user is None:
        raise Invalid(f"user {name!r} exists already", code="exists", field="name")
    return user, new_api_key(core, user)


def register(core: Core, name: str, password: str) -> User:
    """A new user who signs in with `password` (web sign-up: no API key until they ask)."""
    check_name(name)
    check_new_password(password)
    # Before the hash: a taken name should not cost 64 MiB and 70 ms to refuse.
    if core.store.get_user(name) is not None:
        raise Invalid(f"the name {name!r} is taken", code="exists", field="name")
    user = core.store.insert_user(name, core.now(), crypto.hash_password(password, core.kdf_gate))
    if user is None:  # taken in the meantime
        raise Invalid(f"the name {name!r} is taken", code="exists", field="name")
    return user


def authenticate(core: Core, name: str, password: str) -> User:
    """The user whose name and password these are. An unknown name costs the same hash as a
    known one and gets the same Forbidden; failures are throttled per account name, and while
    they are, even the right password is RateLimited. A name no account can have (see
    USER_NAME_RE) is refused the same way but never throttled: it has no account to protect,
    and as a throttle key it would hold up to a form's size in memory."""
    throttle, gate = core.throttle, core.kdf_gate
    possible = USER_NAME_RE.fullmatch(name) is not None
    target = "login:" + name.lower()
    # Counted before the ~70 ms hash, so concurrent guesses cannot all pass the check.
    stamp = throttle.begin(target, core.now()) if possible else None
    try:
        found = core.store.get_password_hash(name) if possible else None
        user, stored = found if found else (None, None)
        too_long = len(password.encode("utf-8", "surrogatepass")) > PASSWORD_MAX_BYTES
        right = not too_long and crypto.check_password(password, stored, gate) and user is not None
    except BaseException:  # busy (503) or a failure of ours: not a guess
        if stamp is not None:
            throttle.forgive(target, stamp)
        raise
    if not right:
        raise Forbidden(WRONG_LOGIN, code="bad_login")
    if stamp is not None:
        throttle.forgive(target, stamp)
    return user


def set_password(core: Core, user: User, password: str) -> None:
    """Give `user` a new web password; every session of theirs ends (sign in again)."""
    check_new_password(password)
    if not core.store.set_password_hash(user.id, crypto.hash_password(password, core.kdf_gate)):
        raise NotFound(f"no user named {user.name!r}")


def change_password(core: Core, user: User, current: str, new: str) -> None:
    """Replace the password of a signed-in user who knows the current one (a guess of it is
    throttled as a log-in is)."""
    check_new_password(new, field="new")
    try:
        authenticate(core, user.name, current)
    except Forbidden:
        raise Forbidden(
            "the current password is wrong", code="bad_password", field="current"
        ) from None
    set_password(core, user, new)


def clean_label(label: str) -> str:
    label = label.strip()
    if len(label) > LABEL_MAX_CHARS:
        raise Invalid(f"a key label has at most {LABEL_MAX_CHARS} characters", field="label")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in label):
        raise Invalid("a key label is one line of plain text", field="label")
    return label


def new_api_key(core: Core, user: User, label: str = "") -> str:
    """A new API key for `user`, returned once; only its SHA-256 is stored."""
    key = ids.new_token()
    core.store.insert_api_key(user.id, ids.hash_token(key), clean_label(label), core.now())
    return key


def list_api_keys(core: Core, user: User) -> list[ApiKey]:
    return core.store.list_api_keys(user.id)


def revoke_api_key(core: Core, user: User, key_id: int) -> None:
    """Revoke one of `user`'s keys; another user's key is as unknown as a missing one."""
    if not core.store.delete_api_key(key_id, user.id):
        raise NotFound("you have no such API key")


def revoke_all_keys(core: Core, name: str) -> int:
    """Revoke every API key of the user `name`; how many there were."""
    return core.store.delete_api_keys(find_user(core, name).id)


def remove_user(core: Core, name: str) -> None:
    """Delete the user `name` with their keys, sessions and pastes."""
    core.store.delete_user(find_user(core, name).id)


def list_users(core: Core) -> list[tuple[User, int, int]]:
    """Every user with their number of API keys and of pastes."""
    return core.store.list_users()


def find_user(core: Core, name: str) -> User:
    user = core.store.get_user(name)
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def user_for_key(core: Core, key: str | None) -> User | None:
    """The user a presented API key belongs to; None without a key; Unauthorized for a bad one."""
    if key is None:
        return None
    user = core.store.user_for_key_hash(ids.hash_token(key))
    if user is None:
        raise Unauthorized("invalid API key", code="invalid_key")
    return user


def start_session(core: Core, user: User) -> str:
    """A new browser session for `user`; the token goes in a cookie and is stored hashed."""
    token, now = ids.new_token(), core.now()
    core.store.insert_session(ids.hash_token(token), user.id, now, now + SESSION_SECONDS)
    return token


def user_for_session(core: Core, token: str | None) -> User | None:
    """The signed-in user of a session cookie; None when absent, unknown or expired."""
    if not token:
        return None
    return core.store.session_user(ids.hash_token(token), core.now())


def end_session(core: Core, token: str | None) -> None:
    if token:
        core.store.delete_session(ids.hash_token(token))
