"""THE SQL of pastebox: connections, transactions, queries, purge (search: store_search).

One writer connection behind a lock (`write()` = BEGIN IMMEDIATE … COMMIT) and one read-only
connection per thread (`read()`). Nothing here knows about HTTP; callers pass `now`.
"""

import contextlib
import dataclasses
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator

from pastebox.core.ids import token_matches
from pastebox.core.model import (
    Paste,
    PasteFile,
    PasteSummary,
    Revision,
    SearchHit,
)
from pastebox.store import search as store_search
from pastebox.store.migrate import MIGRATIONS, statements
from pastebox.store.search import LIVE
from pastebox.store.upkeep import Upkeep, bury
from pastebox.store.users import UserTables

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
PURGE_BATCH = 200  # expired pastes deleted per write transaction (~25 ms at 100,000 pastes)

_PASTE_COLUMNS = (
    "p.id, p.title, p.created_at, p.updated_at, p.expires_at, p.burn, p.exposure, p.is_e2ee, "
    "p.owner_id, p.views, p.revision, p.seal"
)
_FILE_COLUMNS = "f.position, f.name, f.language, f.content"


class StoreError(Exception):
    """The database cannot be used (corrupt, unreadable, newer schema)."""


@dataclasses.dataclass(frozen=True)
class FileRow:
    """A file as the store writes it; `text` is set when the bytes are UTF-8 (and so searchable)."""

    name: str
    language: str | None
    content: bytes
    text: str | None


@dataclasses.dataclass(frozen=True)
class PasteAuth:
    """What the core needs to decide who may change a paste."""

    owner_id: int | None
    manage_hash: bytes | None
    exposure: str
    burn: bool
    expires_at: float | None
    is_e2ee: bool
    sealed: bool


def _paste(row: tuple, files: tuple[PasteFile, ...] = ()) -> Paste:
    return Paste(
        id=row[0], title=row[1], created_at=row[2], updated_at=row[3], expires_at=row[4],
        burn=bool(row[5]), exposure=row[6], is_e2ee=bool(row[7]), owner_id=row[8],
        views=row[9], revision=row[10], files=files, seal=row[11], locked=row[11] is not None,
    )  # fmt: skip


def _file(row: tuple) -> PasteFile:
    content = bytes(row[3])
    return PasteFile(
        position=row[0], name=row[1], language=row[2], content=content, size=len(content)
    )


class Store(UserTables, Upkeep):
    """Owns the SQLite connections; thread-safe; `close()` closes every connection it opened."""

    def __init__(self, path: str, *, synchronous: str = "full", purge_batch: int = PURGE_BATCH):
        self.path = path
        self.purge_batch = purge_batch
        self._synchronous = synchronous.upper()
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._views: Counter[str] = Counter()
        self._views_lock = threading.Lock()
        self._burned = 0
        self._closed = False
        self._writer = self._connect(readonly=False)
        self._migrate()

    # -- connections -------------------------------------------------------------------------

    def _connect(self, *, readonly: bool) -> sqlite3.Connection:
        try:
            if readonly:
                uri = "file:" + self.path.replace("?", "%3f").replace("#", "%23") + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not readonly and conn.execute("PRAGMA page_count").fetchone()[0] == 0:
                # A new file lets the janitor give freed pages back (reclaim_space); it can only
                # be chosen before the first table: older files need an offline VACUUM (README).
                conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            if not readonly:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    raise StoreError(f"{self.path}: cannot use WAL journal mode (got {mode})")
            conn.execute(f"PRAGMA synchronous = {self._synchronous}")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}") from None
        return conn

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise StoreError("store is closed")
            conn = self._connect(readonly=True)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several statements on this thread's read-only connection."""
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """The one writer: lock, BEGIN IMMEDIATE, COMMIT (ROLLBACK on error). Not re-entrant."""
        with self._write_lock:
            if self._closed:
                raise StoreError("store is closed")
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Flush pending view counts and close every connection; idempotent."""
        if self._closed:
            return
        try:
            self.flush_views()
        except sqlite3.Error:
            log.exception("could not flush view counts at close")
        with self._write_lock:
            self._closed = True
            with self._readers_lock:
                for conn in self._readers:
                    conn.close()
                self._readers.clear()
            self._writer.close()

    def _migrate(self) -> None:
        try:
            with self.write() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"{self.path}: schema version {version} is newer than this pastebox "
                        f"({len(MIGRATIONS)}); upgrade pastebox"
                    )
                for number, (name, sql) in enumerate(MIGRATIONS[version:], start=version + 1):
                    log.info("applying migration %d: %s", number, name)
                    for statement in statements(sql):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def healthy(self) -> bool:
        try:
            with self.read() as conn:
                conn.execute("SELECT count(*) FROM pastes WHERE rowid = 1").fetchone()
        except (sqlite3.Error, StoreError):
            return False
        return True

    # -- pastes ------------------------------------------------------------------------------

    def insert_paste(
        self,
        paste: Paste,
        files: Iterable[FileRow],
        *,
        manage_hash: bytes | None,
        searchable: bool,
        seal: str | None = None,
    ) -> bool:
        """Store a new paste and its first revision; index its text when `searchable`.

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
            self._insert_revision(conn, paste.id, 1, paste.title, paste.created_at, files)
            if searchable:
                self._index(conn, paste.id, 1, paste.title)
        return True

    def _insert_revision(
        self, conn: sqlite3.Connection, paste_id: str, number: int, title: str, now: float,
        files: list[FileRow],
    ) -> list[int]:  # fmt: skip
        conn.execute(
            "INSERT INTO revisions (paste_id, number, title, created_at) VALUES (?, ?, ?, ?)",
            (paste_id, number, title, now),
        )
        ids = []
        for position, f in enumerate(files):
            cursor = conn.execute(
                "INSERT INTO files (paste_id, revision, position, name, language, content)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (paste_id, number, position, f.name, f.language, f.content),
            )
            ids.append(cursor.lastrowid)
        return ids

    @staticmethod
    def _index(conn: sqlite3.Connection, paste_id: str, revision: int, title: str) -> None:
        # Values fed to FTS must be exactly those `_unindex` later reads back (external content).
        conn.execute(
            "INSERT INTO file_search (rowid, title, name, content)"
            " SELECT id, ?, name, CAST(content AS TEXT) FROM files"
            " WHERE paste_id = ? AND revision = ?",
            (title, paste_id, revision),
        )

    def _unindex(self, conn: sqlite3.Connection, where: str, params: dict) -> int:
        """Remove the indexed rows of the pastes matching `where` (over alias p); returns the count."""
        cursor = conn.execute(
            "INSERT INTO file_search (file_search, rowid, title, name, content)"
            " SELECT 'delete', f.id, p.title, f.name, CAST(f.content AS TEXT)"
            " FROM pastes p JOIN files f ON f.paste_id = p.id AND f.revision = p.revision"
            f" WHERE p.indexed AND ({where})",
            params,
        )
        if cursor.rowcount > 0:
            conn.execute(
                "UPDATE counters SET value = value + ? WHERE name = 'unindexed'", (cursor.rowcount,)
            )
        return cursor.rowcount

    def get_paste(self, paste_id: str, now: float) -> Paste | None:
        """The live paste with its current files, in one statement (one snapshot)."""
        rows = (
            self._reader()
            .execute(
                f"SELECT {_PASTE_COLUMNS}, {_FILE_COLUMNS} FROM pastes p"
                " JOIN files f ON f.paste_id = p.id AND f.revision = p.revision"
                f" WHERE p.id = :id AND {LIVE} ORDER BY f.position",
                {"id": paste_id, "now": now},
            )
            .fetchall()
        )
        if not rows:
            return None
        pending = self._views.get(paste_id, 0)
        paste = _paste(rows[0], tuple(_file(r[12:]) for r in rows))
        if pending:
            paste = _replace_views(paste, paste.views + pending)
        return paste

    def get_auth(self, paste_id: str, now: float) -> PasteAuth | None:
        row = (
            self._reader()
            .execute(
                "SELECT owner_id, manage_hash, exposure, burn, expires_at, is_e2ee,"
                " seal IS NOT NULL FROM pastes p"
                f" WHERE p.id = :id AND {LIVE}",
                {"id": paste_id, "now": now},
            )
            .fetchone()
        )
        if row is None:
            return None
        return PasteAuth(row[0], row[1], row[2], bool(row[3]), row[4], bool(row[5]), bool(row[6]))

    def claim_burned(self, paste_id: str, now: float) -> Paste | None:
        """Read and delete a burn-after-read paste in one write transaction: one caller wins."""
        with self.write() as conn:
            rows = conn.execute(
                f"SELECT {_PASTE_COLUMNS}, {_FILE_COLUMNS} FROM pastes p"
                " JOIN files f ON f.paste_id = p.id AND f.revision = p.revision"
                f" WHERE p.id = :id AND p.burn AND {LIVE} ORDER BY f.position",
                {"id": paste_id, "now": now},
            ).fetchall()
            if not rows:
                return None
            params = {"id": paste_id, "now": now}
            self._unindex(conn, "p.id = :id", params)
            gone = conn.execute(
                "DELETE FROM pastes WHERE id = :id RETURNING id, exposure, owner_id, manage_hash",
                params,
            ).fetchall()
            bury(conn, gone, "burned", now)
            self._burned += 1
        self._views.pop(paste_id, None)
        paste = _paste(rows[0], tuple(_file(r[12:]) for r in rows))
        return _replace_views(paste, paste.views + 1)

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
            self._unindex(conn, "p.id = :id", params)
            self._insert_revision(conn, paste_id, number, title, now, files)
            conn.execute(
                "UPDATE pastes SET title = ?, revision = ?, updated_at = ?, indexed = ? WHERE id = ?",
                (title, number, now, searchable, paste_id),
            )
            if searchable:
                self._index(conn, paste_id, number, title)
        return number

    def set_expiry(self, paste_id: str, expires_at: float | None, now: float) -> bool:
        with self.write() as conn:
            cursor = conn.execute(
                f"UPDATE pastes AS p SET expires_at = :expires WHERE p.id = :id AND {LIVE}",
                {"id": paste_id, "now": now, "expires": expires_at},
            )
            return cursor.rowcount == 1

    def delete_paste(self, paste_id: str, now: float) -> bool:
        params = {"id": paste_id}
        with self.write() as conn:
            self._unindex(conn, "p.id = :id", params)
            gone = conn.execute(
                "DELETE FROM pastes WHERE id = :id RETURNING id, exposure, owner_id, manage_hash",
                params,
            ).fetchall()
            bury(conn, gone, "deleted", now)
            deleted = bool(gone)
        self._views.pop(paste_id, None)
        return deleted

    def gone_reason(
        self, paste_id: str, now: float, viewer_id: int | None = None, token: str | None = None
    ) -> str | None:
        """'burned', 'expired' or 'deleted' for a paste that existed and is gone; else None.

        A private paste's is told only to its owner (or the holder of its manage token): to
        anyone else it never existed."""
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
        if private and not (
            (owner_id is not None and owner_id == viewer_id)
            or (token and manage_hash and token_matches(token, manage_hash))
        ):
            return None
        return reason

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

    # -- search ------------------------------------------------------------------------------

    def search(
        self,
        match: str | None,
        *,
        language: str | None = None,
        viewer_id: int | None,
        now: float,
        limit: int,
        offset: int,
    ) -> list[SearchHit]:
        """Search hits in one read snapshot; the bounded queries are in store_search."""
        params = {"match": match, "lang": language, "now": now, "viewer": viewer_id}
        with self.read() as conn:
            return store_search.search(conn, params, limit, offset)


def _replace_views(paste: Paste, views: int) -> Paste:
    return dataclasses.replace(paste, views=views)


def open_store(path: str, *, synchronous: str = "full", purge_batch: int = PURGE_BATCH) -> Store:
    return Store(path, synchronous=synchronous, purge_batch=purge_batch)
