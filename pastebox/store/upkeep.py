"""The SQL of the janitor's work (a table group of Store): purging expired pastes, old
tombstones and expired rooms in batches, merging the search index in steps, giving free pages
back, writing view counts. (Checkpoints are the file's: store/db.py.)"""

import json
import sqlite3
from collections.abc import Mapping

from pastebox.core.model import Purged
from pastebox.store.db import Db
from pastebox.store.tombstones import bury

AUTO_VACUUM_INCREMENTAL = 2  # PRAGMA auto_vacuum's number for INCREMENTAL
PURGE_BATCH = 200  # expired pastes deleted per write transaction (~25 ms at 100,000 pastes)
# Expired rooms deleted per write transaction: a room may hold room_max_bytes (50 MiB) of files,
# which secure_delete overwrites with zeros inside the transaction, so few at a time.
ROOM_PURGE_BATCH = 4


class Upkeep(Db):
    """The janitor's work on every table; no state of its own but the batch size."""

    purge_batch = PURGE_BATCH

    def add_views(self, counts: Mapping[str, int]) -> None:
        """Add views counted elsewhere (in memory, core/views.py) to the pastes still there."""
        if not counts:
            return
        with self.write() as conn:
            conn.executemany(
                "UPDATE pastes SET views = views + ? WHERE id = ?",
                [(n, paste_id) for paste_id, n in counts.items()],
            )

    def purge_expired(
        self, now: float, *, tombstone_until: float, limit: int | None = None
    ) -> Purged:
        """Delete up to `limit` expired pastes (soonest expiry first) and up to `limit` old
        tombstones, in one short transaction.

        The janitor calls it again while either count reaches `limit`: one transaction per
        batch, so the writer lock is never held for long, whatever the number of expired pastes
        and tombstones. `limit` defaults to the store's purge_batch."""
        limit = self.purge_batch if limit is None else limit
        with self.write() as conn:
            ids = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM pastes WHERE expires_at IS NOT NULL AND expires_at <= ?"
                    " ORDER BY expires_at LIMIT ?",
                    (now, limit),
                )
            ]
            before = _unindexed(conn)  # the triggers count the search rows the deletes remove
            gone = conn.execute(
                "DELETE FROM pastes WHERE id IN (SELECT value FROM json_each(?))"
                " RETURNING id, exposure, owner_id, manage_hash",
                (json.dumps(ids),),
            ).fetchall()
            unindexed = _unindexed(conn) - before
            bury(conn, gone, "expired", now)
            forgotten = conn.execute(
                "DELETE FROM tombstones WHERE id IN"
                " (SELECT id FROM tombstones WHERE at < ? LIMIT ?)",
                (tombstone_until, limit),
            ).rowcount
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
        return Purged(len(gone), unindexed, forgotten)

    def purge_rooms(self, now: float, *, limit: int = ROOM_PURGE_BATCH) -> int:
        """Delete up to `limit` expired rooms (their items and keys go by cascade, zeroed by
        secure_delete), and expired invites of live rooms, in one transaction; returns how
        many rooms. The janitor calls it again while it fills a batch."""
        with self.write() as conn:
            gone = conn.execute(
                "DELETE FROM rooms WHERE id IN"
                " (SELECT id FROM rooms WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
                (now, limit),
            ).rowcount
            conn.execute("DELETE FROM room_keys WHERE kind = 'invite' AND expires_at <= ?", (now,))
        return gone

    def pending_unindexed(self) -> int:
        """Search rows removed since the index was last fully merged (their words are still in
        its segments); the janitor merges when > 0, then settles what it merged."""
        return _unindexed(self._reader())

    def settle_unindexed(self, count: int) -> None:
        """Forget `count` removed rows once a full merge has dropped their words. Rows removed
        during the merge stay counted, so the next sweep merges again."""
        with self.write() as conn:
            conn.execute(
                "UPDATE counters SET value = max(0, value - ?) WHERE name = 'unindexed'", (count,)
            )

    def merge_search(self, pages: int, *, start: bool = False) -> bool:
        """One bounded step of merging the search index: FTS5 'merge' writes about `pages`
        pages, in one transaction. Without `start` it goes on with a merge under way (or
        merges a level that has enough segments); `start` begins a merge of every segment
        into one. True when the step did some work.

        Deleted words stay in their segments until a merge that includes the oldest one drops
        their delete markers: a full merge does that, and secure_delete zeroes the pages it
        frees. 'optimize' would do it in one transaction of unbounded length."""
        with self.write() as conn:
            before = conn.total_changes
            conn.execute(
                "INSERT INTO file_search (file_search, rank) VALUES ('merge', ?)",
                (-pages if start else pages,),
            )
            # FTS5 counts 2 or more changes when a merge step did some work (its documentation).
            return conn.total_changes - before >= 2

    def reclaim_space(self, pages: int) -> int:
        """Give up to `pages` free pages back to the file system, in one transaction (the file
        shrinks at the next checkpoint); returns the free pages left. 0 for a file made before
        auto_vacuum=INCREMENTAL (it keeps its free pages and reuses them)."""
        with self.write() as conn:
            if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != AUTO_VACUUM_INCREMENTAL:
                return 0
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
            for _ in range(min(pages, free)):
                # Python's sqlite3 steps a PRAGMA without rows once, and one step frees one page.
                conn.execute("PRAGMA incremental_vacuum(1)")
            return conn.execute("PRAGMA freelist_count").fetchone()[0]


def _unindexed(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT value FROM counters WHERE name = 'unindexed'").fetchone()[0]
