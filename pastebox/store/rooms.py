"""The SQL of rooms (a table group of Store): rooms, their feed items (texts and files) and their
keys (device tokens, invites). Every read filters `expires_at > now`: an expired room and its
files are gone at once, before the janitor deletes the rows (store/upkeep.py).

The rules (who may enter, how long a room lives, what the feed keeps) are the core's
(core/rooms.py); the store is handed their numbers."""

import sqlite3

from pastebox.core.model import NewRoomItem, Room, RoomActivity, RoomFile, RoomItem
from pastebox.store.db import Db

ROOM_COLUMNS = "id, pin_hash, created_at, expires_at, content, content_at, version"
ITEM_COLUMNS = (
    "id, kind, created_at, device, size,"
    " CASE kind WHEN 'text' THEN CAST(content AS TEXT) END, name, media_type, file_key"
)
LIVE_ROOM = "id = ? AND expires_at > ?"


def _room(row: tuple) -> Room:
    room_id, pin_hash, created_at, expires_at, content, content_at, version = row
    return Room(
        room_id, pin_hash is not None, created_at, expires_at, content, content_at, version,
        pin_hash=pin_hash,
    )  # fmt: skip


def _item(row: tuple) -> RoomItem:
    return RoomItem(*row)


class RoomTables(Db):
    """rooms, room_items, room_keys."""

    def insert_room(
        self, room_id: str, pin_hash: str | None, now: float, expires_at: float,
        keys: list[tuple[bytes, str, float | None]],
    ) -> Room | None:  # fmt: skip
        """A new room with its first keys ((hash, kind, expires_at) each); None when the id is
        taken (by a live room or one the janitor has not purged yet)."""
        with self.write() as conn:
            row = conn.execute(
                "INSERT INTO rooms (id, pin_hash, created_at, expires_at, content_at)"
                f" VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING {ROOM_COLUMNS}",
                (room_id, pin_hash, now, expires_at, now),
            ).fetchone()
            if row is not None:
                _insert_keys(conn, room_id, keys, now)
        return None if row is None else _room(row)

    def live_room(self, room_id: str, now: float) -> Room | None:
        row = (
            self._reader()
            .execute(f"SELECT {ROOM_COLUMNS} FROM rooms WHERE {LIVE_ROOM}", (room_id, now))
            .fetchone()
        )
        return None if row is None else _room(row)

    def room_key(self, room_id: str, key_hash: bytes, kind: str, now: float) -> bytes | None:
        """The stored hash of a live key of this kind in this room (the caller compares it in
        constant time), or None."""
        row = (
            self._reader()
            .execute(
                "SELECT k.hash FROM room_keys k JOIN rooms r ON r.id = k.room_id"
                " WHERE k.hash = ? AND k.room_id = ? AND k.kind = ?"
                " AND (k.expires_at IS NULL OR k.expires_at > ?) AND r.expires_at > ?",
                (key_hash, room_id, kind, now, now),
            )
            .fetchone()
        )
        return None if row is None else bytes(row[0])

    def add_room_key(
        self, room_id: str, key_hash: bytes, kind: str, now: float, expires_at: float | None,
        *, keep: int,
    ) -> bool:  # fmt: skip
        """Add a key to a live room, dropping the oldest of its kind past `keep` (and expired
        ones); False when the room is gone."""
        with self.write() as conn:
            if conn.execute(f"SELECT 1 FROM rooms WHERE {LIVE_ROOM}", (room_id, now)).fetchone():
                _insert_keys(conn, room_id, [(key_hash, kind, expires_at)], now)
                conn.execute(
                    "DELETE FROM room_keys WHERE room_id = ? AND kind = ? AND (expires_at <= ?"
                    " OR hash NOT IN (SELECT hash FROM room_keys WHERE room_id = ? AND kind = ?"
                    " ORDER BY created_at DESC, rowid DESC LIMIT ?))",
                    (room_id, kind, now, room_id, kind, keep),
                )
                return True
        return False

    def add_room_item(
        self, room_id: str, item: NewRoomItem | None, act: RoomActivity, *,
        text: str | None = None,
    ) -> tuple[Room, RoomItem | None] | None:  # fmt: skip
        """Append an item and/or set the room's current text, move its expiry, bump its version
        and trim its feed, in one transaction; None when the room is gone."""
        with self.write() as conn:
            content = ", content = ?, content_at = ?" if text is not None else ""
            extra = (text, act.now) if text is not None else ()
            row = conn.execute(
                "UPDATE rooms SET expires_at = min(? + ?, created_at + ?), version = version + 1"
                f"{content} WHERE {LIVE_ROOM} RETURNING {ROOM_COLUMNS}",
                (act.now, act.idle, act.max_ttl, *extra, room_id, act.now),
            ).fetchone()
            if row is None:
                return None
            added = None
            if item is not None:
                added = conn.execute(
                    "INSERT INTO room_items (room_id, kind, created_at, device, name, media_type,"
                    " size, content, file_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    f" RETURNING {ITEM_COLUMNS}",
                    (room_id, item.kind, act.now, item.device, item.name, item.media_type,
                     item.size, item.content, item.file_key),
                ).fetchone()  # fmt: skip
                _trim_feed(conn, room_id, act.keep_items, act.keep_bytes)
        return _room(row), None if added is None else _item(added)

    def room_feed(self, room_id: str, now: float, limit: int) -> tuple[RoomItem, ...]:
        """The newest `limit` items of a live room, newest first (texts with their text, files
        without their bytes)."""
        rows = (
            self._reader()
            .execute(
                f"SELECT {ITEM_COLUMNS} FROM room_items WHERE room_id = ? AND EXISTS"
                f" (SELECT 1 FROM rooms WHERE {LIVE_ROOM}) ORDER BY id DESC LIMIT ?",
                (room_id, room_id, now, limit),
            )
            .fetchall()
        )
        return tuple(_item(row) for row in rows)

    def room_file(self, room_id: str, file_key: str, now: float) -> RoomFile | None:
        row = (
            self._reader()
            .execute(
                "SELECT i.name, i.media_type, i.size, i.content FROM room_items i"
                " JOIN rooms r ON r.id = i.room_id"
                " WHERE i.file_key = ? AND i.room_id = ? AND i.kind = 'file' AND r.expires_at > ?",
                (file_key, room_id, now),
            )
            .fetchone()
        )
        return None if row is None else RoomFile(row[0], row[1], row[2], bytes(row[3]))

    def delete_room(self, room_id: str, now: float) -> bool:
        """Delete a live room with its items and keys (cascade; secure_delete zeroes them)."""
        with self.write() as conn:
            return conn.execute(f"DELETE FROM rooms WHERE {LIVE_ROOM}", (room_id, now)).rowcount > 0


def _insert_keys(
    conn: sqlite3.Connection, room_id: str, keys: list[tuple[bytes, str, float | None]], now: float
) -> None:
    conn.executemany(
        "INSERT INTO room_keys (hash, room_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        [(key_hash, room_id, kind, now, expires_at) for key_hash, kind, expires_at in keys],
    )


def _trim_feed(conn: sqlite3.Connection, room_id: str, keep_items: int, keep_bytes: int) -> None:
    """Drop the oldest items past the newest `keep_items`, or once the newest ones together
    pass `keep_bytes` (texts and files count alike)."""
    conn.execute(
        "DELETE FROM room_items WHERE room_id = ? AND id NOT IN (SELECT id FROM"
        " (SELECT id, row_number() OVER newest AS n, sum(size) OVER newest AS total"
        "  FROM room_items WHERE room_id = ? WINDOW newest AS (ORDER BY id DESC))"
        " WHERE n <= ? AND total <= ?)",
        (room_id, room_id, keep_items, keep_bytes),
    )
