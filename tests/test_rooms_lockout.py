"""Guessing a room's PIN is hopeless: every guess is counted per room and per client before it
is checked; after five failures each further one locks for 60 s x 2^(n-5); while locked even the
right PIN is refused; one client's success unlocks nothing for another; members holding a
device token (or a fresh invite) are never locked out."""

import threading

import pytest

from pastebox.core import rooms
from pastebox.core.context import Core
from pastebox.core.crypto import KdfGate
from pastebox.core.errors import Forbidden, RateLimited
from pastebox.core.model import RoomPass
from pastebox.limits import Lockout

PIN = "4821"
OWNER = RoomPass(client="10.0.0.1", device_id="owner")
GUESSER = RoomPass(client="203.0.113.9", device_id="guesser")
FRIEND = RoomPass(client="198.51.100.7", device_id="friend")


def wrong(who: RoomPass, n: int = 0) -> RoomPass:
    return RoomPass(pin=f"{(int(PIN) + 1 + n) % 10000:04d}", client=who.client)


def right(who: RoomPass) -> RoomPass:
    return RoomPass(pin=PIN, client=who.client)


def test_a_guesser_who_waits_a_day_between_guesses_gets_no_fresh_tries():
    """Failures are remembered longer than any room lives (30 days, and room_max_ttl is capped
    there): with a day's memory a patient guesser got 15 tries a day, 48 in a week."""
    lockout, now = Lockout(), 0.0
    for _ in range(5):
        lockout.begin(("room",), now)
    for _ in range(7):
        now += 86400  # a day later, every lock of the first days long over
        lockout.begin(("room",), now)
    assert lockout.locked_for("room", now) >= 60 * 2**7


def guess(core: Core, room_id: str, who: RoomPass) -> str:
    """'in', 'wrong' or 'locked'."""
    try:
        rooms.enter(core, room_id, who)
    except Forbidden:
        return "wrong"
    except RateLimited:
        return "locked"
    return "in"


def test_sixty_wrong_pins_in_a_row_are_refused_with_429_after_five(core):
    room_id = rooms.create(core, PIN, OWNER).entered.room.id
    answers = [guess(core, room_id, wrong(GUESSER, n)) for n in range(60)]
    assert answers == ["wrong"] * 5 + ["locked"] * 55


def test_the_lock_grows_with_every_failure_after_it(core, clock):
    room_id = rooms.create(core, PIN, OWNER).entered.room.id
    waits = []
    for n in range(5 + 2 * 8):  # five free, then a lock and a guess each time (within a day)
        try:
            rooms.enter(core, room_id, wrong(GUESSER, n))
        except RateLimited as refused:
            assert refused.code == "too_many_attempts"
            waits.append(refused.retry_after)
            clock.advance(refused.retry_after)
        except Forbidden:
            pass
    assert waits == [60 * 2**k for k in range(8)]


def test_the_right_pin_is_refused_while_the_room_is_locked(core, clock):
    room_id = rooms.create(core, PIN, OWNER).entered.room.id
    for n in range(5):
        guess(core, room_id, wrong(GUESSER, n))
    assert guess(core, room_id, right(GUESSER)) == "locked"
    clock.advance(61)
    assert guess(core, room_id, right(GUESSER)) == "in"


def test_another_client_with_the_right_pin_is_refused_while_the_room_is_locked(core):
    room_id = rooms.create(core, PIN, OWNER).entered.room.id
    for n in range(5):
        guess(core, room_id, wrong(GUESSER, n))
    assert guess(core, room_id, right(FRIEND)) == "locked"


def test_a_client_locked_by_its_guesses_across_rooms_stays_locked_when_another_succeeds(core):
    rooms_guessed = [rooms.create(core, PIN, OWNER).entered.room.id for _ in range(6)]
    for n, room_id in enumerate(rooms_guessed[:5]):  # one guess a room: no room is locked
        assert guess(core, room_id, wrong(GUESSER, n)) == "wrong"
    last = rooms_guessed[5]
    assert guess(core, last, right(FRIEND)) == "in"
    assert guess(core, last, right(GUESSER)) == "locked"  # the guesser is, wherever it goes


def test_a_right_pin_after_the_lock_does_not_lock_the_room_again(core, clock):
    room_id = rooms.create(core, PIN, OWNER).entered.room.id
    for n in range(5):
        guess(core, room_id, wrong(GUESSER, n))
    clock.advance(61)
    assert guess(core, room_id, right(FRIEND)) == "in"
    assert guess(core, room_id, right(OWNER)) == "in"


def test_a_member_s_device_token_keeps_working_while_the_pin_is_locked(core):
    made = rooms.create(core, PIN, OWNER)
    room_id, token = made.entered.room.id, made.entered.device_token
    for n in range(30):
        guess(core, room_id, wrong(GUESSER, n))
    assert guess(core, room_id, right(OWNER)) == "locked"
    member = RoomPass(device_token=token, client=GUESSER.client)  # even from the guesser's address
    assert rooms.enter(core, room_id, member).room.id == room_id


def test_an_invite_still_joins_while_the_pin_is_locked(core):
    made = rooms.create(core, PIN, OWNER)
    for n in range(30):
        guess(core, made.entered.room.id, wrong(GUESSER, n))
    joined = rooms.enter(
        core, made.entered.room.id, RoomPass(invite=made.invite, client=FRIEND.client, joins=True)
    )
    assert joined.device_token


class CountingGate(KdfGate):
    """The real KDF gate, wide enough for every thread, counting the hashes run inside it."""

    def __init__(self) -> None:
        super().__init__(slots=20, queue=20, wait=30)
        self.entered = 0
        self._count_lock = threading.Lock()

    def __enter__(self) -> "CountingGate":
        with self._count_lock:
            self.entered += 1
        super().__enter__()
        return self


def test_guesses_sent_at_once_get_no_more_than_five_checks(store, cfg, clock):
    gate = CountingGate()  # only the count-before-check can stop the threads
    core = Core(store, cfg, clock, kdf_gate=gate)
    room_id = rooms.create(core, PIN, OWNER).entered.room.id
    hashed_at_create = gate.entered
    start = threading.Barrier(20)
    answers: list[str] = []

    def attempt(n: int) -> None:
        start.wait()
        answers.append(guess(core, room_id, RoomPass(pin=f"{n:04d}", client=f"10.1.0.{n}")))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert gate.entered - hashed_at_create == 5  # PINs checked
    assert sorted(answers) == ["locked"] * 15 + ["wrong"] * 5


# -- limits.Lockout on its own ------------------------------------------------------------------


def test_a_lockout_forgets_a_target_after_a_day_without_failures():
    lockout = Lockout(free=5, base=60, forget=86400)
    for _ in range(5):
        lockout.begin(("t",), 0)
    assert lockout.locked_for("t", 10) == 50
    with pytest.raises(RateLimited):
        lockout.begin(("t",), 10)
    lockout.begin(("t",), 86400)  # a day after the last failure: counted from zero again
    assert lockout.locked_for("t", 86400) == 0


def test_a_forgiven_guess_leaves_its_targets_as_they_were():
    lockout = Lockout(free=2, base=60)
    lockout.begin(("room", "client"), 0)
    ticket = lockout.begin(("room", "client"), 1)
    assert lockout.locked_for("room", 1) == 60
    lockout.forgive(ticket)
    assert lockout.locked_for("room", 1) == lockout.locked_for("client", 1) == 0
    lockout.begin(("room",), 2)  # the second failure still locks
    assert lockout.locked_for("room", 2) == 60


def test_a_lockout_remembers_a_bounded_number_of_targets():
    lockout = Lockout(free=1, base=60, max_targets=100)
    for n in range(1000):
        lockout.begin((f"client-{n}",), 0)
    assert len(lockout._failures) == 100
    assert lockout.locked_for("client-999", 0) == 60


def test_a_locked_target_outlives_a_flood_of_other_targets():
    lockout = Lockout(free=5, base=60, max_targets=100)
    for _ in range(5):
        lockout.begin(("room-pin:kept",), 0)
    for n in range(1000):  # one failure each, all after the lock's
        lockout.begin((f"room-pin-client:{n}",), 1)
    assert lockout.locked_for("room-pin:kept", 2) == 58
    assert len(lockout._failures) == 100


def test_a_count_whose_lock_has_ended_outlives_a_flood_of_other_targets():
    """A flood of fresh targets must not make the lockout forget a room's failures once its
    lock is over: the room would get 5 free guesses again after every flood."""
    lockout = Lockout(free=5, base=60, max_targets=100)
    now = 0.0
    for _ in range(8):  # waiting out each lock: 60, 120, 240 s
        now += lockout.locked_for("room-pin:kept", now)
        lockout.begin(("room-pin:kept",), now)
    now += lockout.locked_for("room-pin:kept", now)  # the last lock is over
    for n in range(1000):
        lockout.begin((f"room-pin-client:{n}",), now)
    lockout.begin(("room-pin:kept",), now)  # the ninth failure locks for 60 s x 2^4
    assert lockout.locked_for("room-pin:kept", now) == 60 * 2**4
