"""Rooms in the core: making one with or without a PIN, who may enter (PIN, device token,
invite), and how a room that is gone answers. (The PIN lockout: test_rooms_lockout.py; what a
room holds: test_rooms_feed.py.)"""

import pytest

from pastebox.core import rooms
from pastebox.core.errors import Forbidden, Invalid, NotFound, RateLimited, Unauthorized
from pastebox.core.model import RoomPass

PIN = "4821"
LAPTOP = RoomPass(client="10.0.0.1", device="Laptop", device_id="laptop")


def phone(**secrets) -> RoomPass:
    return RoomPass(client="10.0.0.2", device="Phone", device_id="phone", **secrets)


def test_a_room_without_a_pin_lets_anyone_in_and_hands_out_no_tokens(core):
    made = rooms.create(core, None, LAPTOP)
    assert not made.entered.room.has_pin
    assert made.entered.device_token is None and made.invite is None
    entered = rooms.enter(core, made.entered.room.id, phone())
    assert entered.room.id == made.entered.room.id
    assert entered.device_token is None


def test_a_room_with_a_pin_gives_its_creator_a_device_token_and_an_invite(core):
    made = rooms.create(core, PIN, LAPTOP)
    assert made.entered.room.has_pin
    assert made.entered.device_token and made.invite
    assert made.entered.device_token != made.invite


def test_the_pin_is_stored_as_an_argon2id_hash_never_as_itself(core, store):
    made = rooms.create(core, PIN, LAPTOP)
    with store.read() as conn:
        (pin_hash,) = conn.execute(
            "SELECT pin_hash FROM rooms WHERE id = ?", (made.entered.room.id,)
        ).fetchone()
    assert pin_hash.startswith("$argon2id$")
    assert PIN not in pin_hash


def test_device_tokens_and_invites_are_stored_only_as_their_sha256(core, store):
    made = rooms.create(core, PIN, LAPTOP)
    with store.read() as conn:
        stored = {bytes(row[0]) for row in conn.execute("SELECT hash FROM room_keys")}
    assert len(stored) == 2
    for secret in (made.entered.device_token, made.invite):
        assert secret.encode() not in b"".join(stored)
        assert len(secret) >= 43  # 256 bits


@pytest.mark.parametrize(
    "pin", ["١٢٣٤", "123", "12345", " 1234", "1234 ", "1234\n", "12a4", "", 1234, ["1234"]]
)
def test_a_pin_that_is_not_exactly_four_ascii_digits_is_refused_at_create(core, store, pin):
    with pytest.raises(Invalid) as caught:
        rooms.create(core, pin, LAPTOP)
    assert (caught.value.code, caught.value.field) == ("invalid_pin", "pin")
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM rooms").fetchone()[0] == 0


def test_an_unknown_room_is_not_found(core):
    with pytest.raises(NotFound) as caught:
        rooms.enter(core, "abcde-fghjk", phone())
    assert caught.value.code == "room_not_found"


def test_a_room_id_that_is_no_room_id_is_not_found(core):
    with pytest.raises(NotFound):
        rooms.enter(core, "../../etc", phone())


def test_a_room_is_entered_by_its_id_as_people_type_it(core):
    room_id = rooms.create(core, None, LAPTOP).entered.room.id
    typed = room_id[:5].upper() + "-" + room_id[5:]
    assert rooms.enter(core, typed, phone()).room.id == room_id


def test_a_room_past_its_idle_time_is_not_found_before_any_janitor_runs(core, cfg, clock):
    room_id = rooms.create(core, None, LAPTOP).entered.room.id
    clock.advance(cfg.room_idle_ttl + 1)
    with pytest.raises(NotFound) as caught:
        rooms.enter(core, room_id, phone())
    assert caught.value.code == "room_not_found"


def test_room_misses_are_throttled_per_client(core):
    for _ in range(10):
        with pytest.raises(NotFound):
            rooms.enter(core, "abcde-fghjk", phone())
    with pytest.raises(RateLimited):
        rooms.enter(core, "abcde-fghjk", phone())
    with pytest.raises(NotFound):  # another client is not held back
        rooms.enter(core, "abcde-fghjk", LAPTOP)


def test_a_missing_pin_is_asked_for(core):
    room_id = rooms.create(core, PIN, LAPTOP).entered.room.id
    with pytest.raises(Unauthorized) as caught:
        rooms.enter(core, room_id, phone())
    assert caught.value.code == "pin_required"


def test_a_wrong_pin_is_refused(core):
    room_id = rooms.create(core, PIN, LAPTOP).entered.room.id
    with pytest.raises(Forbidden) as caught:
        rooms.enter(core, room_id, phone(pin="1111"))
    assert caught.value.code == "wrong_pin"


def test_the_right_pin_lets_a_joining_device_in_with_a_new_device_token(core):
    made = rooms.create(core, PIN, LAPTOP)
    entered = rooms.enter(core, made.entered.room.id, phone(pin=PIN, joins=True))
    assert entered.device_token and entered.device_token != made.entered.device_token
    again = rooms.enter(core, made.entered.room.id, phone(device_token=entered.device_token))
    assert again.device_token is None  # it has one already


def test_the_right_pin_lets_a_device_that_does_not_join_in_without_a_token(core):
    made = rooms.create(core, PIN, LAPTOP)
    entered = rooms.enter(core, made.entered.room.id, phone(pin=PIN))
    assert entered.room.id == made.entered.room.id and entered.device_token is None


def test_a_device_token_of_another_room_does_not_open_this_one(core):
    other = rooms.create(core, PIN, LAPTOP).entered.device_token
    room_id = rooms.create(core, PIN, LAPTOP).entered.room.id
    with pytest.raises(Unauthorized):
        rooms.enter(core, room_id, phone(device_token=other))


def test_an_invite_lets_a_device_in_without_the_pin_and_gives_a_joining_one_a_device_token(core):
    made = rooms.create(core, PIN, LAPTOP)
    entered = rooms.enter(core, made.entered.room.id, phone(invite=made.invite, joins=True))
    assert entered.device_token
    assert rooms.enter(core, made.entered.room.id, phone(device_token=entered.device_token))


def test_an_expired_invite_is_refused(core, cfg, clock):
    made = rooms.create(core, PIN, LAPTOP)
    clock.advance(cfg.room_invite_ttl + 1)
    with pytest.raises(Unauthorized) as caught:
        rooms.enter(core, made.entered.room.id, phone(invite=made.invite))
    assert caught.value.code == "pin_required"


def test_a_new_invite_works_and_a_room_without_a_pin_needs_none(core):
    made = rooms.create(core, PIN, LAPTOP)
    fresh = rooms.invite(core, made.entered)
    assert fresh and fresh != made.invite
    assert rooms.enter(core, made.entered.room.id, phone(invite=fresh, joins=True)).device_token
    assert rooms.invite(core, rooms.create(core, None, LAPTOP).entered) is None


def test_an_invite_used_without_joining_opens_the_room_for_that_request_and_mints_nothing(core):
    """A script using the join link on every call (the CLI does) piles up no device tokens,
    which would push members' out past MAX_DEVICE_KEYS."""
    made = rooms.create(core, PIN, LAPTOP)
    for _ in range(rooms.MAX_DEVICE_KEYS + 1):
        entered = rooms.enter(core, made.entered.room.id, phone(invite=made.invite))
        assert entered.device_token is None
    member = phone(device_token=made.entered.device_token)
    assert rooms.enter(core, made.entered.room.id, member).room.id == made.entered.room.id


def test_at_most_max_invites_live_per_room_the_oldest_dropped(core):
    made = rooms.create(core, PIN, LAPTOP)
    invites = [rooms.invite(core, made.entered) for _ in range(rooms.MAX_INVITES)]
    with pytest.raises(Unauthorized):  # the creation's invite was the oldest
        rooms.enter(core, made.entered.room.id, phone(invite=made.invite))
    assert rooms.enter(
        core, made.entered.room.id, phone(invite=invites[0], joins=True)
    ).device_token


def test_wrong_invites_are_throttled(core):
    room_id = rooms.create(core, PIN, LAPTOP).entered.room.id
    for n in range(10):
        with pytest.raises(Unauthorized):
            rooms.enter(core, room_id, phone(invite=f"not-an-invite-{n}"))
    with pytest.raises(RateLimited):
        rooms.enter(core, room_id, phone(invite="not-an-invite"))


def test_a_deleted_room_is_not_found_at_once_even_with_a_device_token(core):
    made = rooms.create(core, PIN, LAPTOP)
    rooms.delete(core, made.entered)
    with pytest.raises(NotFound):
        rooms.enter(core, made.entered.room.id, RoomPass(device_token=made.entered.device_token))
    with pytest.raises(NotFound):
        rooms.delete(core, made.entered)


def test_a_room_expires_after_its_idle_time_from_its_creation(core, cfg, clock):
    room = rooms.create(core, None, LAPTOP).entered.room
    assert room.expires_at == clock() + cfg.room_idle_ttl
