"""Exposure, enforced on every surface.

public: listed and searchable. unlisted: reachable by its link only, never in search or in
anyone else's listing. private: its owner only (a user by API key, or the anonymous maker by
manage token, in a header or the cookie the web form sets); everyone else gets the 404 of a
paste that never existed, on every URL derived from the paste, whatever they send.
"""

import dataclasses
import io
import uuid
import zipfile
from urllib.parse import urlencode

import pytest
import webtest
from test_pages import BROWSER, CURL, csrf
from test_site import block, hit_ids, multipart, new_paste

from pastebox.core import accounts, ids

PASTES = "/api/v1/pastes"
SEARCH = "/api/v1/search"
FILE = "notes.py"
HOUR = 3600
PASSWORD = "exposure spec password"
FORM_TYPE = "application/x-www-form-urlencoded"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


# -- the URLs of a paste ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Url:
    """One request about a paste: `{id}` in `path` is its id; `body` is "reveal" (the burn
    interstitial's POST), "edit-form" or "delete-form" (the browser's forms), JSON text, or
    nothing."""

    method: str
    path: str
    browser: bool = False
    body: str = ""

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + (" as a browser" if self.browser else "")


VIEW = Url("GET", "/{id}")
VIEW_PAGE = Url("GET", "/{id}", browser=True)
API_GET = Url("GET", PASTES + "/{id}")
REVEAL = Url("POST", "/{id}", browser=True, body="reveal")
RAW = Url("GET", "/raw/{id}")
# Every URL that reads a paste (or a page made from it): the owner gets 200 and the content.
READ_URLS = (
    VIEW,
    VIEW_PAGE,
    Url("HEAD", "/{id}"),
    Url("HEAD", "/{id}", browser=True),
    Url("GET", "/{id}.py"),
    Url("GET", "/{id}.py", browser=True),
    RAW,
    Url("GET", "/raw/{id}/" + FILE),
    Url("GET", "/raw/{id}?download=1"),
    Url("GET", "/zip/{id}"),
    API_GET,
    Url("HEAD", PASTES + "/{id}"),
    Url("GET", PASTES + "/{id}/revisions"),
    Url("GET", "/{id}/fork", browser=True),
    Url("GET", "/new?from={id}", browser=True),
    Url("GET", "/{id}/edit", browser=True),
    Url("GET", "/{id}/delete", browser=True),
    REVEAL,
)
PATCH = Url("PATCH", PASTES + "/{id}", body='{"title": "changed"}')
EXTEND = Url("POST", PASTES + "/{id}/extend", body='{"ttlSeconds": 60}')
DELETE = Url("DELETE", PASTES + "/{id}")
API_CHANGES = (PATCH, EXTEND, DELETE)
FORM_CHANGES = (
    Url("POST", "/{id}/edit", browser=True, body="edit-form"),
    Url("POST", "/{id}/delete", browser=True, body="delete-form"),
)
EVERY_URL = READ_URLS + API_CHANGES + FORM_CHANGES
# Where the browser that made a paste sends its token cookie (Path=/ID, /raw/ID, /zip/ID).
MAKER_BROWSER_URLS = tuple(
    u for u in READ_URLS if u.path.startswith(("/{id}/", "/raw/", "/zip/")) or u.path == "/{id}"
)


# -- helpers ---------------------------------------------------------------------------------


def new_marker() -> str:
    """A word found nowhere else: what every search and every body is checked for."""
    return "zq" + uuid.uuid4().hex


def browser(app) -> webtest.TestApp:
    """Another client of the same server, with a cookie jar of its own."""
    return webtest.TestApp(app.app)


def key(api_key: str) -> dict[str, str]:
    return {"X-Api-Key": api_key}


def send(client, url: Url, paste_id: str, headers: dict[str, str] | None = None):
    """Make the request `url` describes, as `client`, with `headers` added; any status."""
    headers = {**(BROWSER if url.browser else CURL), **(headers or {})}
    body = b""
    if url.body == "reveal":
        body = urlencode({"csrf": csrf(client)}).encode()
        headers["Content-Type"] = FORM_TYPE
    elif url.body == "edit-form":
        fields = [("csrf", csrf(client)), ("title", "changed"), *block(FILE, "changed = 1\n")]
        body, headers["Content-Type"] = multipart([*fields, ("submit", "1")])
    elif url.body == "delete-form":
        body, headers["Content-Type"] = multipart([("csrf", csrf(client))])
    elif url.body:
        body = url.body.encode()
        headers["Content-Type"] = "application/json"
    extra = {"body": body} if url.method in WRITE_METHODS else {}
    path = url.path.format(id=paste_id)
    return client.request(path, method=url.method, headers=headers, status="*", **extra)


def shown_text(res, url: Url) -> str:
    if url.path.startswith("/zip/"):
        with zipfile.ZipFile(io.BytesIO(res.body)) as archive:
            return archive.read(FILE).decode()
    return res.body.decode()


def assert_shows(res, url: Url, marker: str) -> None:
    assert res.status_int == 200, f"{url}: {res.status} {res.text[:300]}"
    if url.method != "HEAD":
        assert marker in shown_text(res, url), f"{url}: the paste is not in the reply"


def assert_hidden(res, url: Url, marker: str) -> None:
    assert res.status_int == 404, f"{url}: {res.status} {res.text[:300]}"
    assert marker.encode() not in res.body, f"{url}: the reply shows the paste"


def answer(res) -> tuple:
    """Everything a client can tell a reply by, but the Set-Cookie of a first visit."""
    headers = sorted((k, v) for k, v in res.headerlist if k.lower() != "set-cookie")
    return res.status_int, headers, res.body


def make_paste(app, headers: dict[str, str], marker: str, **fields) -> dict:
    """A paste of one Python file holding `marker`, titled with it; the 201 body."""
    body = {
        "title": f"notes {marker}",
        "files": [{"name": FILE, "content": f"{marker} = 1\n"}],
        "ttlSeconds": HOUR,
        **fields,
    }
    return app.post_json(PASTES, body, headers=headers, status=201).json


@dataclasses.dataclass(frozen=True)
class Made:
    """A paste and what its owner sends to be known as such."""

    id: str
    marker: str
    owner: dict[str, str]
    expires_at: str


def make_owned(app, kind: str, owner_key: str, **fields) -> Made:
    """A paste with a fresh marker, owned by the user with `owner_key` (kind "user") or made
    anonymously and owned by whoever holds its manage token (kind "maker")."""
    marker = new_marker()
    if kind == "user":
        body = make_paste(app, key(owner_key), marker, **fields)
        return Made(body["publicId"], marker, key(owner_key), body["expiresAt"])
    body = make_paste(app, {}, marker, **fields)
    owner = {"X-Manage-Token": body["manageToken"]}
    return Made(body["publicId"], marker, owner, body["expiresAt"])


def assert_intact(app, made: Made) -> None:
    """The paste is still there, unchanged: its owner reads revision 1 with the same expiry."""
    body = app.get(f"{PASTES}/{made.id}", headers=made.owner, status=200).json
    assert body["title"] == f"notes {made.marker}"
    assert body["revision"] == 1
    assert body["expiresAt"] == made.expires_at


@pytest.fixture
def owner_key(core) -> str:
    return accounts.add_user(core, "owner")[1]


@pytest.fixture
def other_key(core) -> str:
    return accounts.add_user(core, "other")[1]


@pytest.fixture(params=["user", "maker"], ids=["owned by a user", "made anonymously"])
def private(request, app, owner_key) -> Made:
    return make_owned(app, request.param, owner_key, exposure="private")


def non_owner(who: str, other_key: str) -> dict[str, str]:
    return {} if who == "a stranger" else key(other_key)


NON_OWNERS = ("a stranger", "another user")


# -- a private paste: 404 to everyone but its owner, on every URL ----------------------------


@pytest.mark.parametrize("url", EVERY_URL, ids=str)
def test_a_private_paste_is_404_to_a_stranger_on_every_url(app, private, url):
    assert_hidden(send(browser(app), url, private.id), url, private.marker)
    assert_intact(app, private)


@pytest.mark.parametrize("url", EVERY_URL, ids=str)
def test_a_private_paste_is_404_to_another_user_on_every_url(app, private, other_key, url):
    assert_hidden(send(browser(app), url, private.id, key(other_key)), url, private.marker)
    assert_intact(app, private)


@pytest.mark.parametrize("url", READ_URLS, ids=str)
def test_a_private_paste_is_readable_by_its_owner_on_every_url(app, private, url):
    assert_shows(send(browser(app), url, private.id, private.owner), url, private.marker)


def test_the_owner_may_edit_their_private_paste(app, private):
    assert send(browser(app), PATCH, private.id, private.owner).status_int == 200
    body = app.get(f"{PASTES}/{private.id}", headers=private.owner, status=200).json
    assert (body["title"], body["revision"]) == ("changed", 2)


def test_the_owner_may_extend_their_private_paste(app, private):
    res = send(browser(app), EXTEND, private.id, private.owner)
    assert res.status_int == 200, res.text
    assert res.json["expiresAt"] > private.expires_at


def test_the_owner_may_delete_their_private_paste(app, private):
    assert send(browser(app), DELETE, private.id, private.owner).status_int == 200
    assert app.get(f"{PASTES}/{private.id}", headers=private.owner, status="*").status_int == 410


# -- no existence oracle ---------------------------------------------------------------------


@pytest.mark.parametrize("who", NON_OWNERS)
@pytest.mark.parametrize("url", EVERY_URL, ids=str)
def test_a_private_paste_answers_exactly_as_a_paste_that_never_existed(
    app, private, other_key, url, who
):
    client = browser(app)
    csrf(client)  # the browser has its anti-forgery cookie before either request
    headers = non_owner(who, other_key)
    seen = send(client, url, private.id, headers)
    never = send(client, url, ids.new_paste_id(), headers)
    assert seen.status_int == 404
    if url.method != "HEAD":
        assert seen.content_type == ("text/html" if url.browser else "application/json")
    assert answer(seen) == answer(never)


@pytest.mark.parametrize("url", EVERY_URL, ids=str)
def test_a_wrong_manage_token_gets_the_same_404_from_a_private_paste_as_from_a_missing_one(
    app, private, url
):
    client = browser(app)
    csrf(client)
    headers = {"X-Manage-Token": ids.new_token()}
    seen = send(client, url, private.id, headers)
    never = send(client, url, ids.new_paste_id(), headers)
    assert answer(seen) == answer(never)
    assert seen.status_int == 404
    assert_intact(app, private)


def test_a_private_paste_stays_404_to_a_stranger_guessing_manage_tokens(app, private):
    client = browser(app)
    statuses = [
        send(client, API_GET, private.id, {"X-Manage-Token": ids.new_token()}).status_int
        for _ in range(15)
    ]
    assert statuses == [404] * 15
    assert send(client, API_GET, private.id).status_int == 404


GONE_URLS = (API_GET, VIEW, VIEW_PAGE, RAW)


@pytest.mark.parametrize("who", NON_OWNERS)
@pytest.mark.parametrize("url", GONE_URLS, ids=str)
@pytest.mark.parametrize("how", ["deleted", "expired", "burned"])
def test_a_private_paste_that_is_gone_is_404_not_410_to_everyone_else(
    app, clock, owner_key, other_key, url, how, who
):
    made = make_owned(app, "user", owner_key, exposure="private", burnAfterRead=how == "burned")
    if how == "deleted":
        app.delete(f"{PASTES}/{made.id}", headers=made.owner, status=200)
    elif how == "expired":
        clock.advance(HOUR + 1)
    else:
        app.get(f"{PASTES}/{made.id}", headers=made.owner, status=200)
    assert app.get(f"{PASTES}/{made.id}", headers=made.owner, status="*").status_int == 410
    client = browser(app)
    headers = non_owner(who, other_key)
    assert answer(send(client, url, made.id, headers)) == answer(
        send(client, url, ids.new_paste_id(), headers)
    )


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


def found(client, surface: str, query: str, headers: dict[str, str]) -> set[str]:
    """The ids a search on the API or on the /search page shows."""
    if surface == "api":
        res = client.get(SEARCH, params={"q": query}, headers=headers, status=200)
        return {hit["publicId"] for hit in res.json["results"]}
    res = client.get("/search?" + urlencode({"q": query}), headers={**BROWSER, **headers})
    assert res.status_int == 200
    return set(hit_ids(res.text))


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
    assert_shows(send(browser(app), url, made.id, non_owner(who, other_key)), url, made.marker)


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


# -- burn after reading + private ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["user", "maker"])
@pytest.mark.parametrize("url", READ_URLS, ids=str)
def test_a_private_burn_paste_is_not_consumed_by_others_read_attempts(
    app, owner_key, other_key, url, kind
):
    made = make_owned(app, kind, owner_key, exposure="private", burnAfterRead=True)
    for who in NON_OWNERS:
        assert_hidden(send(browser(app), url, made.id, non_owner(who, other_key)), url, made.marker)
    first = app.get(f"{PASTES}/{made.id}", headers=made.owner, status="*")
    assert first.status_int == 200, first.text
    assert first.json["content"] == f"{made.marker} = 1\n"
    assert app.get(f"{PASTES}/{made.id}", headers=made.owner, status="*").status_int == 410


# -- a private paste made anonymously in the browser -----------------------------------------


@pytest.fixture
def made_in_browser(app) -> tuple[webtest.TestApp, str, str]:
    """The browser that made a private paste through the form, the paste id and its marker."""
    maker = browser(app)
    marker = new_marker()
    paste_id = new_paste(
        maker, block(FILE, f"{marker} = 1\n"), title=f"notes {marker}", exposure="private"
    )
    return maker, paste_id, marker


@pytest.mark.parametrize("url", MAKER_BROWSER_URLS, ids=str)
def test_a_private_paste_made_in_the_browser_is_read_by_its_makers_browser(made_in_browser, url):
    maker, paste_id, marker = made_in_browser
    assert_shows(send(maker, url, paste_id), url, marker)


@pytest.mark.parametrize("url", EVERY_URL, ids=str)
def test_a_private_paste_made_in_the_browser_is_404_to_another_browser(app, made_in_browser, url):
    maker, paste_id, marker = made_in_browser
    assert_hidden(send(browser(app), url, paste_id), url, marker)
    assert_shows(send(maker, VIEW_PAGE, paste_id), VIEW_PAGE, marker)  # still there, unchanged


def test_a_private_paste_made_in_the_browser_is_not_in_another_browsers_search(
    app, made_in_browser
):
    _, paste_id, marker = made_in_browser
    public = make_paste(app, {}, marker, exposure="public")["publicId"]
    assert found(browser(app), "page", marker, {}) == {public}
    assert found(browser(app), "api", marker, {}) == {public}


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
    seen = send(client, url, made.id, headers)
    assert seen.status_int == 404
    assert answer(seen) == answer(send(client, url, ids.new_paste_id(), headers))
    # Its owner passes the exposure check and is asked for the password.
    assert app.get(f"{PASTES}/{made.id}", headers=made.owner, status=401).json["error"] == (
        "password_required"
    )
