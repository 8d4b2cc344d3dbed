"""The SQL of pastes, their revisions and files (a table group of Store).

The search index follows these tables by itself (triggers of migration 0005): nothing here
feeds or unfeeds it. `indexed` records what the caller asked (every file is UTF-8 text); the
schema decides what may ever be indexed (pastes.in_index).
"""

import sqlite3
from collections.abc import Iterable

from pastebox.core.model import FileRow, Paste, PasteFile, PasteSummary, Revision
from pastebox.store.db import Db
from pastebox.store.tombstones import bury

# The one expiry filter: a paste whose time has come is never served, whether or not the
# janitor has deleted it yet.
LIVE = "(p.expires_at IS NULL OR p.expires_at > :now)"
# A file's paste, joined only while the file is of the paste's current revision.
CURRENT_PASTE = "pastes p ON p.id = f.paste_id AND f.revision = p.revision"

_PASTE_COLUMNS = (
    "p.id, p.title, p.created_at, p.updated_at, p.expires_at, p.burn, p.exposure, p.is_e2ee, "
    "p.owner_id, p.views, p.revision, p.seal, p.manage_hash"
)
_FILE_COLUMNS = "f.position, f.name, f.language, f.content"
_FIRST_FILE_COLUMN = 13  # where the file columns start in a row of both


def _paste(row: tuple, files: tuple[PasteFile, ...] = ()) -> Paste:
    return Paste(
        id=row[0], title=row[1], created_at=row[2], updated_at=row[3], expires_at=row[4],
        burn=bool(row[5]), exposure=row[6], is_e2ee=bool(row[7]), owner_id=row[8],
        views=row[9], revision=row[10], files=files, seal=row[11], locked=row[11] is not None,
        manage_hash=row[12],
    )  # fmt: skip


def _file(row: tuple) -> PasteFile:
    content = bytes(row[3])
    return PasteFile(
        position=row[0], name=row[1], language=row[2], content=content, size=len(content)
    )


class PasteTables(Db):
    """pastes, revisions and files."""

    def insert_paste(
        self,
        paste: Paste,
        files: Iterable[FileRow],
        *,
        manage_hash: bytes | None,
        searchable: bool,
        seal: str | None = None,
    ) -> bool:
        """Store a new paste and its first revision; its text is searchable when `searchable`
        and every file is UTF-8 (and the paste may be indexed at all: see in_index).

        False when the id is taken (the caller draws another).
        """
        files = list(files)
        searchable = searchable and all(f.text is not None for f in files)
        with self.write() as conn:
            if conn.execute(
                "SELECT 1 FROM pastes WHERE id = ?1 UNION ALL SELECT 1 FROM tombstones WHERE id = ?1",
                (paste.id,),
            ).fetchone():
                return False
            conn.execute(
                "INSERT INTO pastes (id, title, created_at, updated_at, expires_at, burn, exposure,"
                " is_e2ee, owner_id, manage_hash, revision, indexed, seal)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (paste.id, paste.title, paste.created_at, paste.updated_at, paste.expires_at,
                 paste.burn, paste.exposure, paste.is_e2ee, paste.owner_id, manage_hash,
                 searchable, seal),
            )  # fmt: skip
            _insert_revision(conn, paste.id, 1, paste.title, paste.created_at, files)
        return True

    def get_paste(self, paste_id: str, now: float, *, files: bool = True) -> Paste | None:
        """The live paste with its current files, in one statement (one snapshot); with
        files=False, the paste record alone (files empty), for access checks."""
        params = {"id": paste_id, "now": now}
        if not files:
            row = (
                self._reader()
                .execute(
                    f"SELECT {_PASTE_COLUMNS} FROM pastes p WHERE p.id = :id AND {LIVE}", params
                )
                .fetchone()
            )
            return _paste(row) if row else None
        rows = (
            self._reader()
            .execute(
                f"SELECT {_PASTE_COLUMNS}, {_FILE_COLUMNS} FROM pastes p"
                " JOIN files f ON f.paste_id = p.id AND f.revision = p.revision"
                f" WHERE p.id = :id AND {LIVE} ORDER BY f.position",
                params,
            )
            .fetchall()
        )
        if not rows:
            return None
        return _paste(rows[0], tuple(_file(r[_FIRST_FILE_COLUMN:]) for r in rows))

    def claim_burned(self, paste_id: str, revision: int, now: float) -> int | None:
        """Delete a live burn-after-read paste still at `revision` (the one its reader holds),
        in one statement: one caller wins. Returns its stored view count; None when it is gone
        or was edited since (the caller reads it again)."""
        with self.write() as conn:
            gone = conn.execute(
                "DELETE FROM pastes AS p WHERE p.id = :id AND p.revision = :revision AND p.burn"
                f" AND {LIVE} RETURNING id, exposure, owner_id, manage_hash, views",
                {"id": paste_id, "revision": revision, "now": now},
            ).fetchall()
            bury(conn, [row[:4] for row in gone], "burned", now)
        return gone[0][4] if gone else None

    def update_paste(
        self, paste_id: str, *, title: str, files: list[FileRow], now: float, searchable: bool
    ) -> int | None:
        """Make a new revision current (the old one stays as history); returns its number."""
        searchable = searchable and all(f.text is not None for f in files)
        params = {"id": paste_id, "now": now}
        with self.write() as conn:
            row = conn.execute(
                f"SELECT revision FROM pastes p WHERE p.id = :id AND {LIVE}", params
            ).fetchone()
            if row is None:
                return None
            number = row[0] + 1
            # The files go in before the paste points at them: the update moves the index.
            _insert_revision(conn, paste_id, number, title, now, files)
            conn.execute(
                "UPDATE pastes SET title = ?, revision = ?, updated_at = ?, indexed = ? WHERE id = ?",
                (title, number, now, searchable, paste_id),
            )
        return number

    def set_expiry(self, paste_id: str, expires_at: float | None, now: float) -> bool:
        with self.write() as conn:
            cursor = conn.execute(
                f"UPDATE pastes AS p SET expires_at = :expires WHERE p.id = :id AND {LIVE}",
                {"id": paste_id, "now": now, "expires": expires_at},
            )
            return cursor.rowcount == 1

    def delete_paste(self, paste_id: str, now: float) -> bool:
        with self.write() as conn:
            gone = conn.execute(
                "DELETE FROM pastes WHERE id = ? RETURNING id, exposure, owner_id, manage_hash",
                (paste_id,),
            ).fetchall()
            bury(conn, gone, "deleted", now)
        return bool(gone)

    def list_by_owner(
        self, owner_id: int, now: float, limit: int, offset: int
    ) -> list[PasteSummary]:
        rows = (
            self._reader()
            .execute(
                "SELECT p.id, p.title, p.created_at, p.expires_at, p.exposure, p.burn,"
                " (SELECT language FROM files f WHERE f.paste_id = p.id AND f.revision = p.revision"
                "  ORDER BY position LIMIT 1),"
                " (SELECT sum(length(content)) FROM files f"
                "  WHERE f.paste_id = p.id AND f.revision = p.revision)"
                f" FROM pastes p WHERE p.owner_id = :owner AND {LIVE}"
                " ORDER BY p.created_at DESC, p.id LIMIT :limit OFFSET :offset",
                {"owner": owner_id, "now": now, "limit": limit, "offset": offset},
            )
            .fetchall()
        )
        return [
            PasteSummary(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7] or 0) for r in rows
        ]

    def owner_bytes(self, owner_id: int, now: float) -> int:
        """Bytes of the current files of an owner's live pastes (what user_quota_bytes counts)."""
        row = (
            self._reader()
            .execute(
                "SELECT coalesce(sum(length(f.content)), 0) FROM pastes p"
                " JOIN files f ON f.paste_id = p.id AND f.revision = p.revision"
                f" WHERE p.owner_id = :owner AND {LIVE}",
                {"owner": owner_id, "now": now},
            )
            .fetchone()
        )
        return row[0]

    def revisions(self, paste_id: str, now: float) -> list[Revision]:
        """Every revision of a live paste, oldest first."""
        with self.read() as conn:
            if (
                conn.execute(
                    f"SELECT 1 FROM pastes p WHERE p.id = :id AND {LIVE}",
                    {"id": paste_id, "now": now},
                ).fetchone()
                is None
            ):
                return []
            heads = conn.execute(
                "SELECT number, title, created_at FROM revisions WHERE paste_id = ? ORDER BY number",
                (paste_id,),
            ).fetchall()
            files = conn.execute(
                f"SELECT f.revision, {_FILE_COLUMNS} FROM files f WHERE f.paste_id = ?"
                " ORDER BY f.revision, f.position",
                (paste_id,),
            ).fetchall()
        by_revision: dict[int, list[PasteFile]] = {}
        for row in files:
            by_revision.setdefault(row[0], []).append(_file(row[1:]))
        return [Revision(n, t, c, tuple(by_revision.get(n, ()))) for n, t, c in heads]


def _insert_revision(
    conn: sqlite3.Connection, paste_id: str, number: int, title: str, now: float,
    files: list[FileRow],
) -> None:  # fmt: skip
    conn.execute(
        "INSERT INTO revisions (paste_id, number, title, created_at) VALUES (?, ?, ?, ?)",
        (paste_id, number, title, now),
    )
    conn.executemany(
        "INSERT INTO files (paste_id, revision, position, name, language, content)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(paste_id, number, position, f.name, f.language, f.content)
         for position, f in enumerate(files)],
    )  # fmt: skip
