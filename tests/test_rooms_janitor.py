"""The janitor purges expired rooms with their feed, files and keys, a few rooms per
transaction, and a purged (or deleted) room's file bytes leave the database file."""

import os
from pathlib import Path

from pastebox.core import rooms
from pastebox.core.model import RoomPass
from pastebox.server.janitor import sweep
from pastebox.store.upkeep import ROOM_PURGE_BATCH

LAPTOP = RoomPass(client="10.0.0.1", device="Laptop", device_id="laptop")


def blob() -> bytes:
    """64 KiB that appear nowhere else."""
    return os.urandom(64 * 1024)


def files_holding(db: str, data: bytes) -> list[str]:
    """The database files that still hold some 64-byte piece of `data`."""
    pieces = [data[i : i + 64] for i in range(0, len(data), 8 * 1024)]
    return [
        name
        for name in (db, db + "-wal")
        if Path(name).exists() and any(p in Path(name).read_bytes() for p in pieces)
    ]


def counts(store) -> tuple[int, int, int]:
    with store.read() as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("rooms", "room_items", "room_keys")
        )


def test_a_sweep_purges_an_expired_room_with_its_items_and_keys(core, store, cfg, clock):
    made = rooms.create(core, "4821", LAPTOP)
    rooms.set_content(core, made.entered, "hello")
    rooms.add_file(core, made.entered, "a.bin", b"\x00" * 10, "application/octet-stream")
    kept = rooms.create(core, None, LAPTOP)
    clock.advance(cfg.room_idle_ttl - 1)
    rooms.set_content(core, kept.entered, "still used")  # moves its expiry
    clock.advance(2)
    assert sweep(store, clock(), pause=lambda: None).rooms == 1
    assert counts(store) == (1, 1, 0)


def test_a_purged_room_s_file_bytes_leave_the_database_file(core, store, cfg, clock):
    data = blob()
    entered = rooms.create(core, None, LAPTOP).entered
    rooms.add_file(core, entered, "secret.bin", data, "application/octet-stream")
    store.checkpoint()
    assert files_holding(store.path, data) == [store.path]  # the check can see them
    clock.advance(cfg.room_idle_ttl)
    sweep(store, clock(), pause=lambda: None)
    store.checkpoint()
    assert files_holding(store.path, data) == []


def test_a_deleted_room_s_file_bytes_leave_the_database_file(core, store):
    data = blob()
    entered = rooms.create(core, None, LAPTOP).entered
    rooms.add_file(core, entered, "secret.bin", data, "application/octet-stream")
    store.checkpoint()
    assert files_holding(store.path, data) == [store.path]
    rooms.delete(core, entered)
    store.checkpoint()
    assert files_holding(store.path, data) == []
    assert counts(store) == (0, 0, 0)


def test_rooms_are_purged_a_few_per_transaction(core, store, cfg, clock):
    for _ in range(2 * ROOM_PURGE_BATCH + 1):
        rooms.create(core, None, LAPTOP)
    clock.advance(cfg.room_idle_ttl)
    left = []

    def between_batches() -> None:
        left.append(counts(store)[0])

    assert sweep(store, clock(), pause=between_batches).rooms == 2 * ROOM_PURGE_BATCH + 1
    assert left[:2] == [ROOM_PURGE_BATCH + 1, 1]


def test_expired_invites_of_a_live_room_are_purged(core, store, cfg, clock):
    made = rooms.create(core, "4821", LAPTOP)
    rooms.invite(core, made.entered)
    clock.advance(cfg.room_invite_ttl + 1)
    sweep(store, clock(), pause=lambda: None)
    assert counts(store) == (1, 0, 1)  # the creator's device token stays
