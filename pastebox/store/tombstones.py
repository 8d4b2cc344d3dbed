"""The SQL of tombstones: the ids of burned, expired and deleted pastes, kept for a while without
any of their content so a late visitor learns "gone" (a table group of Store). Who is told is
the core's decision (core/pastes.py); the store only reports what it kept."""

import sqlite3

from pastebox.core.model import Tombstone
from pastebox.store.db import Db


class Tombstones(Db):
    """tombstones (and pastes past their expiry that the janitor has not purged yet)."""

    def tombstone(self, paste_id: str, now: float) -> Tombstone | None:
        """What is known of a paste that existed and is gone (expired counts as gone before the
        janitor purges it); None when nothing is."""
        with self.read() as conn:
            row = conn.execute(
                "SELECT reason, private, owner_id, manage_hash FROM tombstones WHERE id = ?",
                (paste_id,),
            ).fetchone()
            if row is None:
                row = conn.execute(
                    "SELECT 'expired', exposure = 'private', owner_id, manage_hash FROM pastes"
                    " WHERE id = ? AND expires_at <= ?",
                    (paste_id, now),
                ).fetchone()
        if row is None:
            return None
        reason, private, owner_id, manage_hash = row
        return Tombstone(reason, bool(private), owner_id, manage_hash)


def bury(conn: sqlite3.Connection, gone: list[tuple], reason: str, now: float) -> None:
    """Tombstones for the (id, exposure, owner_id, manage_hash) rows just deleted; only a private
    paste's keeps its owner and token hash (to tell them, and no one else, that it is gone)."""
    conn.executemany(
        "INSERT OR REPLACE INTO tombstones (id, reason, at, private, owner_id, manage_hash)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (paste_id, reason, now, private, owner if private else None,
             manage_hash if private else None)
            for paste_id, exposure, owner, manage_hash in gone
            for private in (exposure == "private",)
        ],
    )  # fmt: skip
