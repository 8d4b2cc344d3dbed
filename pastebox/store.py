"""THE SQL of pastebox: connections, transactions, queries, search, purge.

One writer connection behind a lock (`write()` = BEGIN IMMEDIATE … COMMIT) and one read-only
connection per thread (`read()`). Nothing here knows about HTTP; callers pass `now`.
"""

import contextlib
import dataclasses
import json
import logging
import secrets
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator

from pastebox.ids import token_matches
from pastebox.migrations import MIGRATIONS
from pastebox.model import (
    ApiKey,
    Paste,
    PasteFile,
    PasteSummary,
    Purged,
    Revision,
    SearchHit,
    User,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# A search ranks (bm25) the newest RANK_WINDOW matching files at most; see Store.search.
RANK_WINDOW = 1000
AUTO_VACUUM_INCREMENTAL = 2  # PRAGMA auto_vacuum's number for INCREMENTAL
PURGE_BATCH = 200  # expired pastes deleted per write transaction (~25 ms at 100,000 pastes)
PREVIEW_CHARS = 160  # the start of a file, standing in for a snippet when no words were searched
# The one expiry filter: a paste whose time has come is never served, whether or not the
# janitor has deleted it yet.
LIVE = "(p.expires_at IS NULL OR p.expires_at > :now)"

_PASTE_COLUMNS = (
    "p.id, p.title, p.created_at, p.updated_at, p.expires_at, p.burn, p.exposure, p.is_e2ee, "
    "p.owner_id, p.views, p.revision, p.seal"
)
_FILE_COLUMNS = "f.position, f.name, f.language, f.content"
# A file's paste, joined only while the file is of the paste's current revision.
_CURRENT_PASTE = "pastes p ON p.id = f.paste_id AND f.revision = p.revision"
# Candidates of a search, newest first: files in a language (the files_language index), and
# matches older than the rank window.
_IN_LANGUAGE = "SELECT id FROM files WHERE language = :lang ORDER BY id DESC"
_OLDER_MATCHES = (
    "SELECT rowid AS id FROM file_search WHERE file_search MATCH :match AND rowid < :below"
    " ORDER BY rowid DESC"
)


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


class Store:
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
                    for statement in _statements(sql):
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
            _bury(conn, gone, "burned", now)
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
            _bury(conn, gone, "deleted", now)
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

    # -- views: counted in memory, written in batches so a read never waits on a write ------

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
        """Files whose text matches the FTS5 expression `match` and are in `language` when given;
        with no `match`, the newest files in that language.

        The newest RANK_WINDOW matches are ranked best first; older ones follow, newest first.
        The work is bounded whatever the number of matches: bm25 ranks every row it is asked
        to before any LIMIT applies, so it is only ever asked to rank the window, and every scan
        stops after RANK_WINDOW + offset + limit rows. Public pastes for everyone; the viewer's
        own unlisted and private ones too.
        """
        params = {"match": match, "lang": language, "now": now, "viewer": viewer_id}
        with self.read() as conn:
            if match is None:
                ids = self._newest_visible(conn, _IN_LANGUAGE, params, offset + limit)[offset:]
                return self._previews(conn, ids[:limit], params)
            ranked, lowest = self._ranked_window(conn, params)
            page = ranked[offset : offset + limit]
            if len(page) < limit and lowest is not None:
                skip = max(0, offset - len(ranked))
                below = {**params, "below": lowest}
                older = self._newest_visible(conn, _OLDER_MATCHES, below, skip + limit - len(page))
                page += older[skip:]
            return self._snippets(conn, page[:limit], params)

    @staticmethod
    def _visible(params: dict) -> str:
        """What a search may show (over aliases f and p, p joined by _CURRENT_PASTE). Every
        statement of a search applies it, so none relies on the others' snapshot."""
        language = " AND f.language = :lang" if params["lang"] else ""
        return f"{LIVE} AND p.indexed AND (p.exposure = 'public' OR p.owner_id = :viewer){language}"

    def _ranked_window(
        self, conn: sqlite3.Connection, params: dict
    ) -> tuple[list[int], int | None]:
        """The visible files among the newest RANK_WINDOW matches, best first, and the oldest
        rowid looked at when there may be older matches (else None)."""
        rows = conn.execute(
            f"SELECT s.rowid, s.score, {self._visible(params)} FROM"
            " (SELECT rowid, bm25(file_search) AS score FROM file_search"
            "  WHERE file_search MATCH :match ORDER BY rowid DESC LIMIT :window) AS s"
            " LEFT JOIN files f ON f.id = s.rowid"
            f" LEFT JOIN {_CURRENT_PASTE}",
            {**params, "window": RANK_WINDOW},
        ).fetchall()
        ranked = sorted(((score, -rowid) for rowid, score, shown in rows if shown))
        lowest = min(row[0] for row in rows) if len(rows) == RANK_WINDOW else None
        return [-negated for _, negated in ranked], lowest

    def _newest_visible(
        self, conn: sqlite3.Connection, candidates: str, params: dict, count: int
    ) -> list[int]:
        """Up to `count` visible files among `candidates` (a query of file ids, newest first),
        looking at no more than count + RANK_WINDOW of them."""
        rows = conn.execute(
            f"SELECT s.id FROM ({candidates} LIMIT :scan) AS s JOIN files f ON f.id = s.id"
            f" JOIN {_CURRENT_PASTE}"
            f" WHERE {self._visible(params)} ORDER BY s.id DESC LIMIT :count",
            {**params, "scan": count + RANK_WINDOW, "count": count},
        ).fetchall()
        return [row[0] for row in rows]

    def _previews(self, conn: sqlite3.Connection, ids: list[int], params: dict) -> list[SearchHit]:
        """Hits for files found without words: the start of the file stands in for a snippet."""
        rows = conn.execute(
            "SELECT f.id, p.id, p.title, f.name, f.language,"
            f" substr(CAST(f.content AS TEXT), 1, {PREVIEW_CHARS}), p.created_at, p.exposure"
            f" FROM files f JOIN {_CURRENT_PASTE}"
            f" WHERE f.id IN (SELECT value FROM json_each(:ids)) AND {self._visible(params)}",
            {**params, "ids": json.dumps(ids)},
        ).fetchall()
        return _in_order(ids, rows, None)

    def _snippets(self, conn: sqlite3.Connection, ids: list[int], params: dict) -> list[SearchHit]:
        """Hits with snippets for these matching files. snippet() needs the MATCH cursor; the
        rowid range bounds its scan to the page's span, the + keeps IN from being a lookup per
        value (each of which would rebuild a prefix term's whole doclist)."""
        if not ids:
            return []
        # Matches come back between STX and ETX. The markers asked of FTS5 are random, so that
        # an STX or ETX in someone's text cannot pose as a match; those are dropped.
        mark = secrets.token_hex(8)
        markers = (f"[{mark}[", f"]{mark}]")
        rows = conn.execute(
            "SELECT f.id, p.id, p.title, f.name, f.language,"
            " snippet(file_search, 2, :open, :close, '…', 16), p.created_at, p.exposure"
            f" FROM file_search JOIN files f ON f.id = file_search.rowid JOIN {_CURRENT_PASTE}"
            " WHERE file_search MATCH :match AND file_search.rowid BETWEEN :low AND :high"
            " AND +file_search.rowid IN (SELECT value FROM json_each(:ids))"
            f" AND {self._visible(params)}",
            {**params, "low": min(ids), "high": max(ids), "ids": json.dumps(ids),
             "open": markers[0], "close": markers[1]},
        ).fetchall()  # fmt: skip
        return _in_order(ids, rows, markers)

    # -- janitor -----------------------------------------------------------------------------

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
            _bury(conn, gone, "expired", now)
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
        """Delete a user with their keys and pastes."""
        params = {"owner": user_id}
        with self.write() as conn:
            self._unindex(conn, "p.owner_id = :owner", params)
            conn.execute("DELETE FROM pastes WHERE owner_id = :owner", params)
            return conn.execute("DELETE FROM users WHERE id = :owner", params).rowcount == 1

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


def _bury(conn: sqlite3.Connection, gone: list[tuple], reason: str, now: float) -> None:
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


def _in_order(
    ids: list[int], rows: list[tuple], markers: tuple[str, str] | None
) -> list[SearchHit]:
    """SearchHits of (file id, hit columns…) rows, in the order of `ids`; with `markers`, the
    snippet's random match markers become STX/ETX (and any STX/ETX of the text is dropped)."""
    by_id = {row[0]: row[1:] for row in rows}
    hits = []
    for file_id in ids:
        row = by_id.get(file_id)
        if row is None:
            continue
        snippet = row[4]
        if markers:
            snippet = snippet.replace("\x02", "").replace("\x03", "")
            snippet = snippet.replace(markers[0], "\x02").replace(markers[1], "\x03")
        hits.append(SearchHit(*row[:4], snippet, *row[5:]))
    return hits


def _replace_views(paste: Paste, views: int) -> Paste:
    return dataclasses.replace(paste, views=views)


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (sqlite3.complete_statement knows the grammar)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def open_store(path: str, *, synchronous: str = "full", purge_batch: int = PURGE_BATCH) -> Store:
    return Store(path, synchronous=synchronous, purge_batch=purge_batch)
