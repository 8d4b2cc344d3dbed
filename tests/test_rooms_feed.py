"""What a room holds: its current text, a feed of texts and files (newest first, within a count
and a byte budget), files by their key; its expiry moving with activity; the devices seen in
it; and polls that never write to the database."""

import pytest

from pastebox.core import rooms
from pastebox.core.context import Core
from pastebox.core.errors import NotFound, TooLarge
from pastebox.core.model import RoomPass

KIB = 1024
LAPTOP = RoomPass(client="10.0.0.1", device="Laptop", device_id="laptop")
PHONE = RoomPass(client="10.0.0.2", device="Phone\x00\u202e", device_id="phone")


def room(core: Core, pin: str | None = None):
    return rooms.create(core, pin, LAPTOP).entered


def test_sent_text_becomes_the_content_and_the_newest_feed_item(core, clock):
    entered = room(core)
    clock.advance(5)
    changed = rooms.set_content(core, entered, "first")
    changed = rooms.set_content(core, entered, "second ✓")
    assert (changed.content, changed.content_at) == ("second ✓", clock())
    assert [(i.kind, i.text, i.device) for i in rooms.feed(core, entered)] == [
        ("text", "second ✓", "Laptop"),
        ("text", "first", "Laptop"),
    ]
    assert rooms.enter(core, entered.room.id, PHONE).room.content == "second ✓"


def test_every_change_bumps_the_version(core):
    entered = room(core)
    first = entered.room.version
    assert rooms.set_content(core, entered, "a").version == first + 1
    rooms.add_file(core, entered, "a.bin", b"\x00\x01", "application/octet-stream")
    assert rooms.enter(core, entered.room.id, LAPTOP).room.version == first + 2


def test_clearing_the_text_adds_nothing_to_the_feed(core):
    entered = room(core)
    rooms.set_content(core, entered, "a")
    assert rooms.set_content(core, entered, "").content == ""
    assert len(rooms.feed(core, entered)) == 1


def test_a_file_is_kept_with_its_cleaned_name_and_served_by_its_key(core):
    entered = room(core)
    data = bytes(range(256)) * 40
    item = rooms.add_file(core, entered, "../../etc/shot\x07.png", memoryview(data), "image/png")
    assert (item.kind, item.name, item.size, item.media_type) == (
        "file",
        "shot.png",
        len(data),
        "image/png",
    )
    assert item.file_key and item.text is None
    got = rooms.open_file(core, rooms.enter(core, entered.room.id, PHONE), item.file_key)
    assert (got.name, got.media_type, got.content) == ("shot.png", "image/png", data)


def test_the_device_name_is_kept_without_control_characters(core):
    entered = rooms.enter(core, room(core).room.id, PHONE)
    rooms.set_content(core, entered, "x")
    assert rooms.feed(core, entered)[0].device == "Phone"


def test_a_file_of_another_room_or_an_unknown_key_is_not_found(core):
    mine, other = room(core), room(core)
    item = rooms.add_file(core, other, "a.txt", b"other", "text/plain; charset=utf-8")
    for key in (item.file_key, "nope", "x" * 5000):
        with pytest.raises(NotFound):
            rooms.open_file(core, mine, key)


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(core, make_config, store, clock):
    core = Core(store, make_config(room_max_file_bytes=64 * KIB), clock)
    entered = room(core)
    with pytest.raises(TooLarge):
        rooms.add_file(core, entered, "big.bin", b"x" * (64 * KIB + 1), "application/octet-stream")
    with pytest.raises(TooLarge):
        rooms.set_content(core, entered, "y" * (64 * KIB + 1))
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM room_items").fetchone()[0] == 0
    assert rooms.add_file(core, entered, "fits.bin", b"x" * 64 * KIB, "application/octet-stream")


def test_the_feed_keeps_the_newest_items_up_to_the_count(core, make_config, store, clock):
    core = Core(store, make_config(room_feed_items=3), clock)
    entered = room(core)
    for n in range(5):
        rooms.set_content(core, entered, f"text {n}")
    assert [i.text for i in rooms.feed(core, entered)] == ["text 4", "text 3", "text 2"]
    with store.read() as conn:  # dropped, not only hidden
        assert conn.execute("SELECT count(*) FROM room_items").fetchone()[0] == 3


def test_the_feed_drops_the_oldest_items_past_the_byte_budget(core, make_config, store, clock):
    core = Core(store, make_config(room_max_bytes=100 * KIB, room_max_file_bytes=40 * KIB), clock)
    entered = room(core)
    for n in range(4):
        rooms.add_file(core, entered, f"{n}.bin", bytes([n]) * 40 * KIB, "application/octet-stream")
    rooms.set_content(core, entered, "t" * 10 * KIB)
    assert [(i.name, i.size) for i in rooms.feed(core, entered)] == [
        ("", 10 * KIB),
        ("3.bin", 40 * KIB),
        ("2.bin", 40 * KIB),
    ]


def test_activity_moves_the_expiry_up_to_the_maximum_lifetime(core, cfg, clock):
    entered = room(core)
    created = clock()
    clock.advance(cfg.room_idle_ttl - 10)
    assert rooms.set_content(core, entered, "still here").expires_at == clock() + cfg.room_idle_ttl
    while clock() + cfg.room_idle_ttl < created + cfg.room_max_ttl:
        clock.advance(cfg.room_idle_ttl - 10)
        rooms.set_content(core, entered, "still here")
    assert rooms.enter(core, entered.room.id, LAPTOP).room.expires_at == created + cfg.room_max_ttl
    clock.now = created + cfg.room_max_ttl
    with pytest.raises(NotFound):
        rooms.enter(core, entered.room.id, LAPTOP)


def test_a_deleted_room_s_files_are_not_found_at_once(core):
    entered = room(core)
    item = rooms.add_file(core, entered, "a.txt", b"bytes", "text/plain; charset=utf-8")
    rooms.delete(core, entered)
    with pytest.raises(NotFound):
        rooms.open_file(core, entered, item.file_key)
    with pytest.raises(NotFound):
        rooms.set_content(core, entered, "too late")


def test_an_expired_room_s_files_are_not_found_before_the_janitor_runs(core, cfg, clock):
    entered = room(core)
    item = rooms.add_file(core, entered, "a.txt", b"bytes", "text/plain; charset=utf-8")
    clock.advance(cfg.room_idle_ttl)
    with pytest.raises(NotFound):
        rooms.open_file(core, entered, item.file_key)
    assert rooms.feed(core, entered) == ()


def test_device_count_counts_distinct_devices_within_the_window(core, cfg, clock):
    entered = room(core)  # the laptop
    room_id = entered.room.id
    for _ in range(3):
        rooms.enter(core, room_id, PHONE)
    rooms.enter(core, room_id, RoomPass(device_id="tablet"))
    assert rooms.device_count(core, entered) == 3
    clock.advance(cfg.room_device_window - 1)
    rooms.enter(core, room_id, PHONE)
    assert rooms.device_count(core, entered) == 3
    clock.advance(2)  # the laptop and the tablet were last seen more than a window ago
    assert rooms.device_count(core, entered) == 1


def test_polls_never_write_to_the_database(core, store):
    made = rooms.create(core, "4821", LAPTOP)
    room_id, token = made.entered.room.id, made.entered.device_token
    open_room = rooms.create(core, None, LAPTOP).entered.room.id
    statements: list[str] = []
    store.trace(statements.append)
    try:
        for _ in range(5):
            entered = rooms.enter(core, room_id, RoomPass(device_token=token, device_id="laptop"))
            rooms.feed(core, entered)
            rooms.device_count(core, entered)
            rooms.feed(core, rooms.enter(core, open_room, PHONE))
    finally:
        store.trace(None)
    assert statements
    writes = [
        s for s in statements if not s.lstrip().upper().startswith(("SELECT", "BEGIN", "COMMIT"))
    ]
    assert writes == []
