"""Guessing a room's PIN is hopeless: wrong PINs are counted before they are checked, per room
and per client; past five a room locks for a time that doubles, even against the right PIN and
from any address; a joined device's token keeps working through it; unknown room ids are
throttled per client."""

from helpers import (
    PIN,
    ROOMS,
    WRONG_PIN,
    assert_json_error,
    assert_rate_limited,
    device_header,
    from_address,
    new_room,
    pin_header,
)

GUESSER = "203.0.113.7"
OTHER = "198.51.100.9"
FREE_GUESSES = 5


def guess(app, room_id: str, pin: str, addr: str = GUESSER, status="*"):
    return app.get(
        f"{ROOMS}/{room_id}",
        headers=pin_header(pin),
        extra_environ=from_address(addr),
        status=status,
    )


def locked_room(app) -> dict:
    """A PIN room (its maker's device token kept) that a guesser has locked."""
    made = new_room(app, PIN)
    app.reset()  # the maker's cookie: not the guesser's
    for _ in range(FREE_GUESSES + 1):
        guess(app, made["roomId"], WRONG_PIN)
    return made


def test_sixty_wrong_pins_in_a_row_are_answered_429_after_the_first_few(app):
    room_id = new_room(app, PIN)["roomId"]
    app.reset()
    statuses = [guess(app, room_id, WRONG_PIN).status_int for _ in range(60)]
    assert statuses[:FREE_GUESSES] == [403] * FREE_GUESSES
    assert set(statuses) <= {403, 429}
    assert statuses.count(403) <= FREE_GUESSES + 1
    assert statuses[-50:] == [429] * 50


def test_a_locked_room_answers_429_with_retry_after(app):
    made = locked_room(app)
    seconds = assert_rate_limited(guess(app, made["roomId"], WRONG_PIN), "too_many_attempts")
    assert seconds >= 60


def test_the_right_pin_still_fails_while_the_room_is_locked(app):
    made = locked_room(app)
    assert_rate_limited(guess(app, made["roomId"], PIN), "too_many_attempts")


def test_another_client_is_not_helped_by_the_lock_being_someone_elses(app):
    made = locked_room(app)
    assert_rate_limited(guess(app, made["roomId"], WRONG_PIN, OTHER), "too_many_attempts")
    assert_rate_limited(guess(app, made["roomId"], PIN, OTHER), "too_many_attempts")


def test_the_lock_doubles_with_each_failure_after_it(app, clock):
    made = locked_room(app)
    first = assert_rate_limited(guess(app, made["roomId"], WRONG_PIN), "too_many_attempts")
    clock.advance(first)
    guess(app, made["roomId"], WRONG_PIN)  # tried once the lock is over: wrong again
    second = assert_rate_limited(guess(app, made["roomId"], WRONG_PIN), "too_many_attempts")
    assert second >= 2 * first - 2


def test_the_right_pin_works_once_the_lock_is_over(app, clock):
    made = locked_room(app)
    clock.advance(assert_rate_limited(guess(app, made["roomId"], PIN), "too_many_attempts"))
    assert guess(app, made["roomId"], PIN, OTHER).status_int == 200


def test_a_joined_devices_token_keeps_working_while_the_pin_is_locked(app):
    made = locked_room(app)
    headers = device_header(made["deviceToken"])
    room_id = made["roomId"]
    assert app.get(f"{ROOMS}/{room_id}", headers=headers).json["hasPin"] is True
    app.put_json(f"{ROOMS}/{room_id}/content", {"content": "still mine"}, headers=headers)
    assert app.get(f"{ROOMS}/{room_id}/content", headers=headers).json["content"] == "still mine"


def test_one_client_guessing_many_rooms_is_locked_out_per_client(app):
    rooms = [new_room(app, PIN)["roomId"] for _ in range(12)]
    app.reset()
    statuses = [guess(app, room_id, WRONG_PIN).status_int for room_id in rooms for _ in range(3)]
    assert statuses[-1] == 429
    assert statuses.count(403) < len(statuses) // 2


def test_unknown_room_ids_are_throttled_per_client(app):
    room_id = new_room(app)["roomId"]
    missing = [f"zzzzzzzz{a}{b}" for a in "23" for b in "456789"]
    statuses = [app.get(f"{ROOMS}/{m}", status="*").status_int for m in missing]
    assert statuses[:10] == [404] * 10
    assert statuses[10:] == [429] * 2
    other = app.get(f"{ROOMS}/{room_id}", extra_environ=from_address(OTHER))
    assert other.json["roomId"] == room_id
    assert_json_error(app.get(f"{ROOMS}/zzzzzzzz99", status=429), 429)


def test_each_read_with_a_pin_costs_a_write_token_and_the_device_token_none(make_app):
    """A PIN is an argon2 run on every request that sends it: it is paid for from the client's
    write rate, as a paste password is; the device token the reply hands back costs nothing."""
    app = make_app(rate_limit=4)
    room_id = new_room(app, PIN)["roomId"]  # from another address than the GUESSER's
    app.reset()
    joined = app.get(
        f"{ROOMS}/{room_id}",
        headers={**pin_header(PIN), "X-Room-Join": "1"},
        extra_environ=from_address(GUESSER),
    )
    token = joined.headers["X-Device-Token"]
    for _ in range(3):
        guess(app, room_id, PIN, status=200)
    assert_rate_limited(guess(app, room_id, PIN, status=429))
    for _ in range(10):
        app.get(f"{ROOMS}/{room_id}/content", headers=device_header(token), status=200)
