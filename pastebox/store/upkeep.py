"""The SQL of the janitor's work: purging expired pastes and old tombstones in batches,
merging the search index in steps, giving free pages back, checkpoints (a part of Store)."""

import json
import sqlite3
from collections import Counter

from pastebox.core.model import Purged

AUTO_VACUUM_INCREMENTAL = 2  # PRAGMA auto_vacuum's number for INCREMENTAL


class Upkeep:
    """Store's maintenance; mixed into Store, whose connections and write lock it uses."""

    # -- janitor -----------------------------------------------------------------------------

    # Views are counted in memory and written in batches, so a read never waits on a write.

    def count_view(self, paste_id: str) -> None:
        with self._views_lock:
            self._views[paste_id] += 1

    def flush_views(self) -> int:
        with self._views_lock:
            pending, self._views = self._views, Counter()
        if not pending:
            return 0
        with self.write() as conn:
            conn.executemany(
                "UPDATE pastes SET views = views + ? WHERE id = ?",
                [(n, paste_id) for paste_id, n in pending.items()],
            )
        return len(pending)

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
            params = {"ids": json.dumps(ids)}
            where = "p.id IN (SELECT value FROM json_each(:ids))"
            unindexed = self._unindex(conn, where, params) if ids else 0
            gone = conn.execute(
                f"DELETE FROM pastes AS p WHERE {where}"
                " RETURNING id, exposure, owner_id, manage_hash",
                params,
            ).fetchall()
            bury(conn, gone, "expired", now)
            forgotten = conn.execute(
                "DELETE FROM tombstones WHERE id IN"
                " (SELECT id FROM tombstones WHERE at < ? LIMIT ?)",
                (tombstone_until, limit),
            ).rowcount
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
        return Purged(len(gone), unindexed, forgotten)

    def pending_unindexed(self) -> int:
        """Search rows removed since the index was last fully merged (their words are still in
        its segments); the janitor merges when > 0, then settles what it merged."""
        row = (
            self._reader().execute("SELECT value FROM counters WHERE name = 'unindexed'").fetchone()
        )
        return row[0]

    def settle_unindexed(self, count: int) -> None:
        """Forget `count` removed rows once a full merge has dropped their words. Rows removed
        during the merge stay counted, so the next sweep merges again."""
        with self.write() as conn:
            conn.execute(
                "UPDATE counters SET value = max(0, value - ?) WHERE name = 'unindexed'", (count,)
            )

    def take_burned(self) -> int:
        with self._write_lock:
            count, self._burned = self._burned, 0
        return count

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

    def checkpoint(self, *, truncate: bool = True) -> bool:
        """Copy the WAL into the database and truncate it (or, with truncate=False, copy what
        readers allow, so the WAL is reused instead of growing); False when readers kept it busy."""
        mode = "TRUNCATE" if truncate else "PASSIVE"
        with self._write_lock:
            if self._closed:
                return False
            busy, _, _ = self._writer.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return busy == 0

    def integrity_ok(self) -> bool:
        with self._write_lock:
            return self._writer.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


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
