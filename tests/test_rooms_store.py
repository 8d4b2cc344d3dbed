"""The rooms' tables: migration 0006 takes a database made before rooms, the cascades remove a
room's items and keys with it, and the tables refuse what the schema rules out."""

import sqlite3

import pytest

from pastebox.core import rooms
from pastebox.core.model import RoomPass
from pastebox.store import open_store
from pastebox.store.migrate import MIGRATIONS, statements

LAPTOP = RoomPass(client="10.0.0.1", device_id="laptop")
BEFORE_ROOMS = 5


def test_a_database_made_before_rooms_gains_them_and_keeps_its_pastes(tmp_path, clock):
    path = str(tmp_path / "old.db")
    conn = sqlite3.connect(path, isolation_level=None)
    for _, sql in MIGRATIONS[:BEFORE_ROOMS]:
        for statement in statements(sql):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {BEFORE_ROOMS}")
    conn.execute(
        "INSERT INTO pastes (id, title, created_at, updated_at, revision, exposure)"
        " VALUES ('oldpaste1', 't', 1, 1, 1, 'public')"
    )
    conn.close()
    store = open_store(path)
    try:
        with store.read() as read:
            assert read.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 6
            assert read.execute("SELECT id FROM pastes").fetchall() == [("oldpaste1",)]
            assert read.execute("SELECT count(*) FROM rooms").fetchone()[0] == 0
        assert store.insert_room("abcdefghjk", None, clock(), clock() + 60, []) is not None
    finally:
        store.close()


def test_a_room_s_items_and_keys_go_with_it(core, store):
    made = rooms.create(core, "4821", LAPTOP)
    rooms.set_content(core, made.entered, "text")
    with store.write() as conn:
        conn.execute("DELETE FROM rooms")
        left = [
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("room_items", "room_keys")
        ]
    assert left == [0, 0]


def test_a_taken_room_id_is_not_inserted_twice(store, clock):
    assert store.insert_room("abcdefghjk", None, clock(), clock() + 60, []) is not None
    assert store.insert_room("abcdefghjk", None, clock(), clock() + 60, []) is None


@pytest.mark.parametrize(
    ("table", "values"),
    [
        ("room_items", "('abcdefghjk', 'script', 0, 'text/plain', 0, x'')"),
        ("room_keys", "(x'00', 'abcdefghjk', 'admin', 0)"),
    ],
)
def test_the_kinds_are_only_those_the_schema_names(store, clock, table, values):
    store.insert_room("abcdefghjk", None, clock(), clock() + 60, [])
    columns = {
        "room_items": "(room_id, kind, created_at, media_type, size, content)",
        "room_keys": "(hash, room_id, kind, created_at)",
    }[table]
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        conn.execute(f"INSERT INTO {table} {columns} VALUES {values}")
