"""The database file: its connections, transactions, pragmas, migrations and checkpoints.

One writer connection behind a lock (`write()` = BEGIN IMMEDIATE … COMMIT) and one read-only
connection per thread (`read()`, or `_reader()` for a single statement). Every table group of
the store is a `Db` that reaches the file only through these.
"""

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator

from pastebox.store.migrate import MIGRATIONS, statements

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

Tracer = Callable[[str], None]


class StoreError(Exception):
    """The database cannot be used (corrupt, unreadable, newer schema)."""


# What a caller may catch without importing sqlite3: the database cannot answer now (busy past
# the timeout, closed, unreadable), and any failure of the database at all.
UNAVAILABLE: tuple[type[Exception], ...] = (sqlite3.OperationalError, StoreError)
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, StoreError)


class Db:
    """Owns the SQLite connections; thread-safe; `close()` closes every connection it opened."""

    def __init__(self, path: str, *, synchronous: str = "full"):
        self.path = path
        self._synchronous = synchronous.upper()
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._tracer: Tracer | None = None
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
        conn.set_trace_callback(self._tracer)
        return conn

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection, for one statement (several: use read())."""
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

    def trace(self, tracer: Tracer | None) -> None:
        """Hand every SQL statement this store runs, on any of its connections (readers opened
        later too), to `tracer`; None stops. For counting queries and for debugging."""
        self._tracer = tracer
        with self._write_lock, self._readers_lock:
            for conn in (self._writer, *self._readers):
                conn.set_trace_callback(tracer)

    def close(self) -> None:
        """Close every connection; idempotent. Pending view counts are the core's to write
        first (core.context.close)."""
        with self._write_lock:
            if self._closed:
                return
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

    # -- the file ----------------------------------------------------------------------------

    def healthy(self) -> bool:
        try:
            with self.read() as conn:
                conn.execute("SELECT count(*) FROM pastes WHERE rowid = 1").fetchone()
        except (sqlite3.Error, StoreError):
            return False
        return True

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
