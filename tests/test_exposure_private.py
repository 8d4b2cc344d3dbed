"""Private pastes, enforced on every surface: 404 to everyone but the owner on every URL,
no existence oracle (a private paste answers as one that never existed), a private burn paste
not consumed by others, and private pastes made anonymously in the browser."""

import pytest
import webtest
from helpers import (
    API_GET,
    BROWSER,
    FILE,
    HOUR,
    NON_OWNERS,
    PASTES,
    RAW,
    READ_URLS,
    VIEW,
    VIEW_PAGE,
    FormPage,
    Made,
    Url,
    answer,
    assert_shows,
    block,
    browser,
    csrf,
    found,
    hit_ids,
    key,
    make_owned,
    make_paste,
    new_marker,
    new_paste,
    non_owner,
    page,
    search_page,
    send_url,
    stranger,
)

from pastebox.core import ids

# -- the URLs of a paste ---------------------------------------------------------------------

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


def assert_hidden(res, url: Url, marker: str) -> None:
    assert res.status_int == 404, f"{url}: {res.status} {res.text[:300]}"
    assert marker.encode() not in res.body, f"{url}: the reply shows the paste"


def assert_intact(app, made: Made) -> None:
    """The paste is still there, unchanged: its owner reads revision 1 with the same expiry."""
    body = app.get(f"{PASTES}/{made.id}", headers=made.owner, status=200).json
    assert body["title"] == f"notes {made.marker}"
    assert body["revision"] == 1
    assert body["expiresAt"] == made.expires_at


@pytest.fixture(params=["user", "maker"], ids=["owned by a user", "made anonymously"])
def private(request, app, owner_key) -> Made:
    return make_owned(app, request.param, owner_key, exposure="private")


# -- a private paste: 404 to everyone but its owner, on every URL ----------------------------


@pytest.mark.parametrize("url", EVERY_URL, ids=str)
def test_a_private_paste_is_404_to_a_stranger_on_every_url(app, private, url):
    assert_hidden(send_url(browser(app), url, private.id), url, private.marker)
    assert_intact(app, private)


@pytest.mark.parametrize("url", EVERY_URL, ids=str)
def test_a_private_paste_is_404_to_another_user_on_every_url(app, private, other_key, url):
    assert_hidden(send_url(browser(app), url, private.id, key(other_key)), url, private.marker)
    assert_intact(app, private)


@pytest.mark.parametrize("url", READ_URLS, ids=str)
def test_a_private_paste_is_readable_by_its_owner_on_every_url(app, private, url):
    assert_shows(send_url(browser(app), url, private.id, private.owner), url, private.marker)


def test_the_owner_may_edit_their_private_paste(app, private):
    assert send_url(browser(app), PATCH, private.id, private.owner).status_int == 200
    body = app.get(f"{PASTES}/{private.id}", headers=private.owner, status=200).json
    assert (body["title"], body["revision"]) == ("changed", 2)


def test_the_owner_may_extend_their_private_paste(app, private):
    res = send_url(browser(app), EXTEND, private.id, private.owner)
    assert res.status_int == 200, res.text
    assert res.json["expiresAt"] > private.expires_at


def test_the_owner_may_delete_their_private_paste(app, private):
    assert send_url(browser(app), DELETE, private.id, private.owner).status_int == 200
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
    seen = send_url(client, url, private.id, headers)
    never = send_url(client, url, ids.new_paste_id(), headers)
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
    seen = send_url(client, url, private.id, headers)
    never = send_url(client, url, ids.new_paste_id(), headers)
    assert answer(seen) == answer(never)
    assert seen.status_int == 404
    assert_intact(app, private)


def test_a_private_paste_stays_404_to_a_stranger_guessing_manage_tokens(app, private):
    client = browser(app)
    statuses = [
        send_url(client, API_GET, private.id, {"X-Manage-Token": ids.new_token()}).status_int
        for _ in range(15)
    ]
    assert statuses == [404] * 15
    assert send_url(client, API_GET, private.id).status_int == 404


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
    assert answer(send_url(client, url, made.id, headers)) == answer(
        send_url(client, url, ids.new_paste_id(), headers)
    )


# -- burn after reading + private ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["user", "maker"])
@pytest.mark.parametrize("url", READ_URLS, ids=str)
def test_a_private_burn_paste_is_not_consumed_by_others_read_attempts(
    app, owner_key, other_key, url, kind
):
    made = make_owned(app, kind, owner_key, exposure="private", burnAfterRead=True)
    for who in NON_OWNERS:
        assert_hidden(
            send_url(browser(app), url, made.id, non_owner(who, other_key)), url, made.marker
        )
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
    assert_shows(send_url(maker, url, paste_id), url, marker)


@pytest.mark.parametrize("url", EVERY_URL, ids=str)
def test_a_private_paste_made_in_the_browser_is_404_to_another_browser(app, made_in_browser, url):
    maker, paste_id, marker = made_in_browser
    assert_hidden(send_url(browser(app), url, paste_id), url, marker)
    assert_shows(send_url(maker, VIEW_PAGE, paste_id), VIEW_PAGE, marker)  # still there, unchanged


def test_a_private_paste_made_in_the_browser_is_not_in_another_browsers_search(
    app, made_in_browser
):
    _, paste_id, marker = made_in_browser
    public = make_paste(app, {}, marker, exposure="public")["publicId"]
    assert found(browser(app), "page", marker, {}) == {public}
    assert found(browser(app), "api", marker, {}) == {public}


# -- private pastes made in the browser ------------------------------------------------------


def test_a_private_paste_made_in_the_browser_is_shown_to_that_browser(app):
    paste_id = new_paste(app, block("a.txt", "my private words\n"), exposure="private")
    assert "my private words" in page(app, paste_id).text
    assert FormPage(app.get(f"/{paste_id}/edit", headers=BROWSER).text).files[0][2] == (
        "my private words\n"
    )


@pytest.mark.parametrize("path", ["/{}", "/raw/{}", "/zip/{}", "/{}/edit", "/{}/delete",
                                  "/new?from={}", "/{}.py"])  # fmt: skip
def test_a_private_paste_made_in_the_browser_is_404_to_other_browsers(app, path):
    paste_id = new_paste(app, block("a.txt", "my private words\n"), exposure="private")
    res = stranger(app).get(path.format(paste_id), headers=BROWSER, status=404)
    assert "my private words" not in res.text


def test_a_private_paste_is_not_found_by_other_browsers_search(app):
    new_paste(app, block("a.txt", "zanzibar\n"), exposure="private")
    assert hit_ids(search_page(stranger(app), "zanzibar").text) == []
