"""The only SQL of pastebox: `Store` is the database file (db.Db) with its table groups.

Mixins, not composition: every table group (pastes, tombstones, search, users, rooms, upkeep) is a
`Db` subclass adding methods over its own tables, so callers keep one flat surface
(`store.insert_paste`, `store.search`, `store.purge_expired`) without a forwarding method per
query. What keeps that sane: only Db has state (connections, locks); a table group reaches the
file only through Db's read()/write(), never calls another group's methods and defines no
name another group defines (tests/test_store_layout.py checks the last two). Tables kept in
step with each other (the search index) are kept so by triggers in the schema, not by code.
"""

from pastebox.store.db import DATABASE_ERRORS, UNAVAILABLE, StoreError
from pastebox.store.pastes import PasteTables
from pastebox.store.rooms import RoomTables
from pastebox.store.search import SearchTables
from pastebox.store.tombstones import Tombstones
from pastebox.store.upkeep import PURGE_BATCH, Upkeep
from pastebox.store.users import UserTables

__all__ = ["DATABASE_ERRORS", "UNAVAILABLE", "Store", "StoreError", "open_store"]


class Store(PasteTables, Tombstones, SearchTables, UserTables, RoomTables, Upkeep):
    """Owns the SQLite connections; thread-safe; `close()` closes every connection it opened."""

    def __init__(self, path: str, *, synchronous: str = "full", purge_batch: int = PURGE_BATCH):
        super().__init__(path, synchronous=synchronous)
        self.purge_batch = purge_batch


def open_store(path: str, *, synchronous: str = "full", purge_batch: int = PURGE_BATCH) -> Store:
    return Store(path, synchronous=synchronous, purge_batch=purge_batch)
