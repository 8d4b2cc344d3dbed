"""Exposure in search and listings: public pastes found by everyone, unlisted and private
ones only by their owner (never by the holder of an anonymous paste's token), unlisted pastes
readable by link, and password pastes never found."""

import dataclasses

import pytest
from helpers import (
    API_GET,
    NON_OWNERS,
    PASTES,
    RAW,
    READ_URLS,
    REVEAL,
    VIEW,
    VIEW_PAGE,
    Made,
    answer,
    assert_shows,
    browser,
    csrf,
    found,
    key,
    make_owned,
    make_paste,
    new_marker,
    non_owner,
    send_url,
)

from pastebox.core import ids

PASSWORD = "exposure spec password"


# -- search and listings ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class World:
    """Pastes of every exposure, all holding one marker word in their title and a Python file."""

    marker: str
    ids: dict[str, str]
    maker_tokens: dict[str, str]


@pytest.fixture
def world(app, owner_key, other_key) -> World:
    marker = new_marker()
    made, tokens = {}, {}
    for label, headers, exposure in (
        ("public", key(owner_key), "public"),
        ("unlisted", key(owner_key), "unlisted"),
        ("private", key(owner_key), "private"),
        ("other's private", key(other_key), "private"),
        ("anonymous unlisted", {}, "unlisted"),
        ("anonymous private", {}, "private"),
    ):
        body = make_paste(app, headers, marker, exposure=exposure)
        made[label] = body["publicId"]
        if "manageToken" in body:
            tokens[label] = body["manageToken"]
    return World(marker, made, tokens)


SEARCHES = ("{m}", "title:{m}", "file:notes.py {m}", "{p}*", "lang:python", "lang:python {m}")


def searched(world: World, template: str) -> str:
    return template.format(m=world.marker, p=world.marker[:10])


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize("query", SEARCHES)
def test_search_never_shows_a_private_or_unlisted_paste_to_a_stranger(app, world, query, surface):
    hits = found(browser(app), surface, searched(world, query), {})
    assert hits == {world.ids["public"]}


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize("query", SEARCHES)
def test_search_shows_another_user_only_public_pastes_and_their_own(
    app, world, other_key, query, surface
):
    hits = found(browser(app), surface, searched(world, query), key(other_key))
    assert hits == {world.ids["public"], world.ids["other's private"]}


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize("query", SEARCHES)
def test_search_shows_the_owner_their_own_private_and_unlisted_pastes(
    app, world, owner_key, query, surface
):
    hits = found(browser(app), surface, searched(world, query), key(owner_key))
    assert hits == {world.ids["public"], world.ids["unlisted"], world.ids["private"]}


@pytest.mark.parametrize("label", ["anonymous unlisted", "anonymous private"])
def test_search_never_shows_an_anonymous_paste_even_to_the_holder_of_its_token(app, world, label):
    headers = {"X-Manage-Token": world.maker_tokens[label]}
    for query in SEARCHES:
        assert found(browser(app), "api", searched(world, query), headers) == {
            world.ids["public"]
        }, query


@pytest.mark.parametrize("who", NON_OWNERS + ("the owner",))
def test_a_public_paste_is_found_by_search_by_everyone(app, owner_key, other_key, who):
    marker = new_marker()
    paste_id = make_paste(app, key(owner_key), marker, exposure="public")["publicId"]
    headers = key(owner_key) if who == "the owner" else non_owner(who, other_key)
    assert found(browser(app), "api", marker, headers) == {paste_id}
    assert found(browser(app), "page", marker, headers) == {paste_id}


def listed(client, headers: dict[str, str]) -> dict[str, str]:
    res = client.get(PASTES, params={"limit": 100}, headers=headers, status=200)
    return {row["publicId"]: row["exposure"] for row in res.json["pastes"]}


def test_another_users_listing_never_includes_the_owners_pastes(app, world, other_key):
    assert listed(browser(app), key(other_key)) == {world.ids["other's private"]: "private"}


def test_the_owners_listing_includes_their_private_and_unlisted_pastes(app, world, owner_key):
    assert listed(browser(app), key(owner_key)) == {
        world.ids["public"]: "public",
        world.ids["unlisted"]: "unlisted",
        world.ids["private"]: "private",
    }


@pytest.mark.parametrize(
    "headers", [{}, {"X-Manage-Token": "x" * 43}], ids=["no key", "a manage token"]
)
def test_there_is_no_listing_without_an_api_key(app, world, headers):
    res = browser(app).get(PASTES, headers=headers, status=401)
    assert world.marker not in res.text
    assert not any(paste_id in res.text for paste_id in world.ids.values())


# -- unlisted: by link only ------------------------------------------------------------------


@pytest.mark.parametrize("who", NON_OWNERS)
@pytest.mark.parametrize("url", READ_URLS, ids=str)
def test_an_unlisted_paste_is_readable_by_link_by_anyone(app, owner_key, other_key, url, who):
    made = make_owned(app, "user", owner_key, exposure="unlisted")
    assert_shows(send_url(browser(app), url, made.id, non_owner(who, other_key)), url, made.marker)


@pytest.mark.parametrize("who", NON_OWNERS)
def test_an_unlisted_paste_is_absent_from_search_for_everyone_but_its_owner(
    app, owner_key, other_key, who
):
    made = make_owned(app, "user", owner_key, exposure="unlisted")
    public = make_paste(app, {}, made.marker, exposure="public")["publicId"]
    for surface in ("api", "page"):
        for query in SEARCHES:
            query = query.format(m=made.marker, p=made.marker[:10])
            assert found(browser(app), surface, query, non_owner(who, other_key)) == {public}


# -- password-protected pastes ---------------------------------------------------------------


@pytest.fixture
def sealed_public(app, owner_key) -> tuple[Made, str]:
    """A public password paste of the owner's and a plain public paste with the same marker."""
    made = make_owned(app, "user", owner_key, exposure="public", password=PASSWORD)
    control = make_paste(app, {}, made.marker, exposure="public")["publicId"]
    return made, control


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize("who", ["a stranger", "the owner"])
def test_a_password_paste_is_never_found_by_search_even_when_public(
    app, sealed_public, owner_key, who, surface
):
    made, control = sealed_public
    headers = key(owner_key) if who == "the owner" else {}
    for query in SEARCHES:
        query = query.format(m=made.marker, p=made.marker[:10])
        assert found(browser(app), surface, query, headers) == {control}, query


def test_a_password_paste_title_is_sealed_and_not_in_its_owners_listing(
    app, store, clock, sealed_public, owner_key
):
    made, _ = sealed_public
    res = browser(app).get(PASTES, headers=key(owner_key), status=200)
    rows = {row["publicId"]: row for row in res.json["pastes"]}
    assert rows[made.id]["title"] == ""
    assert made.marker not in res.text
    assert store.get_paste(made.id, clock()).title == ""
    # The title was there all along, under the password.
    opened = {**made.owner, "Paste-Authorization": PASSWORD}
    assert app.get(f"{PASTES}/{made.id}", headers=opened).json["title"] == f"notes {made.marker}"


@pytest.mark.parametrize("who", NON_OWNERS)
@pytest.mark.parametrize("url", (API_GET, VIEW, VIEW_PAGE, RAW, REVEAL), ids=str)
def test_a_private_password_paste_is_404_not_401_to_everyone_else(
    app, owner_key, other_key, url, who
):
    made = make_owned(app, "user", owner_key, exposure="private", password=PASSWORD)
    client = browser(app)
    csrf(client)
    headers = non_owner(who, other_key)
    seen = send_url(client, url, made.id, headers)
    assert seen.status_int == 404
    assert answer(seen) == answer(send_url(client, url, ids.new_paste_id(), headers))
    # Its owner passes the exposure check and is asked for the password.
    assert app.get(f"{PASTES}/{made.id}", headers=made.owner, status=401).json["error"] == (
        "password_required"
    )
