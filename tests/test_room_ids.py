"""Room ids: ten characters a phone keyboard types without confusion (no 0/o, 1/l/i), drawn
at random, shown as two groups of five and read back in any case, with or without the dash."""

import pytest

from pastebox.core import ids


def test_a_room_id_is_ten_characters_of_the_unambiguous_alphabet():
    drawn = {ids.new_room_id() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(len(room_id) == 10 and set(room_id) <= set(ids.ROOM_ALPHABET) for room_id in drawn)
    assert not set("01lio") & set(ids.ROOM_ALPHABET)
    assert len(ids.ROOM_ALPHABET) == 31


def test_every_symbol_of_the_alphabet_is_drawn():
    seen = set("".join(ids.new_room_id() for _ in range(500)))
    assert seen == set(ids.ROOM_ALPHABET)


def test_a_room_id_is_shown_as_two_groups_of_five():
    assert ids.show_room_id("abcdefghjk") == "abcde-fghjk"


@pytest.mark.parametrize(
    "typed", ["abcde-fghjk", "ABCDE-FGHJK", "abcdefghjk", " abcde fghjk ", "Abc-de-fgh-jk"]
)
def test_a_typed_room_id_is_read_in_any_case_with_dashes_and_spaces(typed):
    assert ids.normalize_room_id(typed) == "abcdefghjk"


@pytest.mark.parametrize(
    "typed",
    [
        "abcdefghj",  # too short
        "abcdefghjkm",  # too long
        "abcdefghj0",  # 0 is not in the alphabet
        "abcdefghjl",  # nor l
        "abcdefghj\u212a",  # the Kelvin sign lowercases to k: not ASCII, not an id
        "abcde/fghjk",
        "abcde\tfghjk",
        "-" * 60 + "abcdefghjk",
        "",
        None,
        1234567890,
    ],
)
def test_anything_else_is_no_room_id(typed):
    assert ids.normalize_room_id(typed) is None
