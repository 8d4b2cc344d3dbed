"""The SQL of accounts: users, API keys and browser sessions (a table group of Store)."""

import sqlite3

from pastebox.core.model import ApiKey, User
from pastebox.store.db import Db


class UserTables(Db):
    """users, api_keys and sessions."""

    # -- users and keys ----------------------------------------------------------------------

    def insert_user(self, name: str, now: float, password_hash: bytes | None = None) -> User | None:
        """A new user (with a web password when `password_hash` is given), or None when the
        name is taken."""
        with self.write() as conn:
            try:
                cursor = conn.execute(
                    "INSERT INTO users (name, created_at, password_hash) VALUES (?, ?, ?)",
                    (name, now, password_hash),
                )
            except sqlite3.IntegrityError:
                return None
        return User(cursor.lastrowid, name, now)

    def get_user(self, name: str) -> User | None:
        row = (
            self._reader()
            .execute("SELECT id, name, created_at FROM users WHERE name = ?", (name,))
            .fetchone()
        )
        return User(*row) if row else None

    def get_password_hash(self, name: str) -> tuple[User, bytes | None] | None:
        """A user and their web password hash (None: no password set), for a log-in."""
        row = (
            self._reader()
            .execute(
                "SELECT id, name, created_at, password_hash FROM users WHERE name = ?", (name,)
            )
            .fetchone()
        )
        return (User(row[0], row[1], row[2]), bytes(row[3]) if row[3] else None) if row else None

    def set_password_hash(self, user_id: int, password_hash: bytes) -> bool:
        """Set a user's web password and end every session of theirs (in one transaction)."""
        with self.write() as conn:
            changed = conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
            ).rowcount
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
        return changed == 1

    def list_users(self) -> list[tuple[User, int, int]]:
        """Every user with their key count and paste count."""
        rows = (
            self._reader()
            .execute(
                "SELECT u.id, u.name, u.created_at,"
                " (SELECT count(*) FROM api_keys k WHERE k.user_id = u.id),"
                " (SELECT count(*) FROM pastes p WHERE p.owner_id = u.id)"
                " FROM users u ORDER BY u.name"
            )
            .fetchall()
        )
        return [(User(r[0], r[1], r[2]), r[3], r[4]) for r in rows]

    def delete_user(self, user_id: int) -> bool:
        """Delete a user with their keys and pastes (which leave no tombstones)."""
        with self.write() as conn:
            conn.execute("DELETE FROM pastes WHERE owner_id = ?", (user_id,))
            return conn.execute("DELETE FROM users WHERE id = ?", (user_id,)).rowcount == 1

    def insert_api_key(self, user_id: int, key_hash: bytes, label: str, now: float) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO api_keys (user_id, key_hash, label, created_at) VALUES (?, ?, ?, ?)",
                (user_id, key_hash, label, now),
            )

    def delete_api_keys(self, user_id: int) -> int:
        with self.write() as conn:
            return conn.execute("DELETE FROM api_keys WHERE user_id = ?", (user_id,)).rowcount

    def list_api_keys(self, user_id: int) -> list[ApiKey]:
        """A user's keys, newest first: their row ids, labels and creation times (no hashes)."""
        rows = (
            self._reader()
            .execute(
                "SELECT id, label, created_at FROM api_keys WHERE user_id = ?"
                " ORDER BY created_at DESC, id DESC",
                (user_id,),
            )
            .fetchall()
        )
        return [ApiKey(*row) for row in rows]

    def delete_api_key(self, key_id: int, user_id: int) -> bool:
        """Revoke one key, only if it belongs to `user_id`."""
        with self.write() as conn:
            return (
                conn.execute(
                    "DELETE FROM api_keys WHERE id = ? AND user_id = ?", (key_id, user_id)
                ).rowcount
                == 1
            )

    # -- browser sessions ----------------------------------------------------------------------

    def insert_session(
        self, token_hash: bytes, user_id: int, now: float, expires_at: float
    ) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (token_hash, user_id, now, expires_at),
            )

    def session_user(self, token_hash: bytes, now: float) -> User | None:
        """The user of a live session (looked up by the SHA-256 of its random token)."""
        row = (
            self._reader()
            .execute(
                "SELECT u.id, u.name, u.created_at FROM sessions s JOIN users u ON u.id = s.user_id"
                " WHERE s.token_hash = ? AND s.expires_at > ?",
                (token_hash, now),
            )
            .fetchone()
        )
        return User(*row) if row else None

    def delete_session(self, token_hash: bytes) -> None:
        with self.write() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def user_for_key_hash(self, key_hash: bytes) -> User | None:
        # An indexed equality lookup on a SHA-256 of a 256-bit random key: the hash, not the key,
        # is what a timing difference could reveal, and it reveals nothing usable.
        row = (
            self._reader()
            .execute(
                "SELECT u.id, u.name, u.created_at FROM api_keys k JOIN users u ON u.id = k.user_id"
                " WHERE k.key_hash = ?",
                (key_hash,),
            )
            .fetchone()
        )
        return User(*row) if row else None
