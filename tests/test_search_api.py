"""GET /api/v1/search, in process: titles, file names and content found with snippets,
terms, phrases and prefixes, only public pastes (and the key holder's own), never burn or e2ee
pastes, old words forgotten, paging, and hostile queries."""

import pytest
from helpers import (
    PASTES,
    SEALED,
    SEARCH,
    assert_json_error,
    create_paste,
    key_header,
    token_header,
)

# -- helpers ---------------------------------------------------------------------------------


def search_ids(app, q: str, headers: dict[str, str] | None = None) -> list[str]:
    res = app.get(SEARCH, params={"q": q}, headers=headers or {}, status=200)
    return [hit["publicId"] for hit in res.json["results"]]


# -- GET /api/v1/search ----------------------------------------------------------------------


def test_search_finds_a_public_paste_by_title(app):
    paste_id = create_paste(app, exposure="public", title="quarterly zebra report")["publicId"]
    assert search_ids(app, "zebra") == [paste_id]


def test_search_finds_a_public_paste_by_file_name(app):
    files = [{"name": "flamingo.py", "content": "x = 1\n"}]
    paste_id = create_paste(app, exposure="public", files=files)["publicId"]
    assert search_ids(app, "flamingo") == [paste_id]


def test_search_finds_a_public_paste_by_content_with_a_snippet(app):
    paste_id = create_paste(app, exposure="public", content="the quick brown aardvark\n")[
        "publicId"
    ]
    res = app.get(SEARCH, params={"q": "aardvark"}).json
    (hit,) = res["results"]
    assert hit["publicId"] == paste_id
    assert "aardvark" in hit["snippet"]
    assert "\x02" not in hit["snippet"] and "\x03" not in hit["snippet"]
    assert hit["fileName"] == "paste.txt"
    assert res["query"] == "aardvark"


def test_search_matches_every_term(app):
    both = create_paste(app, exposure="public", content="alpha beta\n")["publicId"]
    create_paste(app, exposure="public", content="alpha gamma\n")
    assert search_ids(app, "alpha beta") == [both]


def test_search_supports_a_quoted_phrase_and_a_prefix(app):
    paste_id = create_paste(app, exposure="public", content="ordinary marmalade sandwich\n")[
        "publicId"
    ]
    create_paste(app, exposure="public", content="sandwich of ordinary marmalade\n")
    assert search_ids(app, '"marmalade sandwich"') == [paste_id]
    assert len(search_ids(app, "marma*")) == 2


@pytest.mark.parametrize("exposure", ["unlisted", "private"])
def test_search_hides_non_public_pastes_from_anonymous_readers(app, alice_key, exposure):
    create_paste(app, headers=key_header(alice_key), exposure=exposure, content="wombat\n")
    create_paste(app, exposure=exposure, content="wombat\n")
    assert search_ids(app, "wombat") == []


@pytest.mark.parametrize("exposure", ["unlisted", "private"])
def test_search_shows_the_key_holder_their_own_non_public_pastes_only(
    app, alice_key, bob_key, exposure
):
    mine = create_paste(app, headers=key_header(alice_key), exposure=exposure, content="wombat\n")
    create_paste(app, headers=key_header(bob_key), exposure=exposure, content="wombat\n")
    assert search_ids(app, "wombat", key_header(alice_key)) == [mine["publicId"]]
    assert search_ids(app, "wombat", {"Authorization": f"Bearer {alice_key}"}) == [mine["publicId"]]


def test_search_never_indexes_burn_pastes(app, alice_key):
    create_paste(app, exposure="public", burnAfterRead=True, content="ephemeral\n")
    create_paste(
        app, headers=key_header(alice_key), exposure="public", burnAfterRead=True, title="ephemeral"
    )
    assert search_ids(app, "ephemeral") == []
    assert search_ids(app, "ephemeral", key_header(alice_key)) == []


def test_search_never_indexes_e2ee_pastes(app, alice_key):
    create_paste(app, exposure="public", isE2ee=True, content=SEALED)
    create_paste(app, headers=key_header(alice_key), exposure="public", isE2ee=True, content=SEALED)
    assert search_ids(app, SEALED) == []
    assert search_ids(app, SEALED, key_header(alice_key)) == []


def test_search_forgets_an_edited_pastes_old_words(app):
    created = create_paste(app, exposure="public", content="before\n")
    app.patch_json(
        f"{PASTES}/{created['publicId']}",
        {"content": "after\n"},
        headers=token_header(created["manageToken"]),
    )
    assert search_ids(app, "before") == []
    assert search_ids(app, "after") == [created["publicId"]]


def test_search_leaves_out_deleted_and_expired_pastes(app, clock):
    deleted = create_paste(app, exposure="public", content="ocelot\n")
    create_paste(app, exposure="public", content="ocelot\n", ttlSeconds=60)
    app.delete(f"{PASTES}/{deleted['publicId']}", headers=token_header(deleted["manageToken"]))
    clock.advance(61)
    assert search_ids(app, "ocelot") == []


def test_search_pages_with_limit_and_offset(app):
    ids = {
        create_paste(app, exposure="public", content=f"heron {i}\n")["publicId"] for i in range(3)
    }
    first = app.get(SEARCH, params={"q": "heron", "limit": 2}).json["results"]
    rest = app.get(SEARCH, params={"q": "heron", "limit": 2, "offset": 2}).json["results"]
    assert len(first) == 2 and len(rest) == 1
    assert {h["publicId"] for h in first + rest} == ids


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
def test_search_paging_out_of_range_is_refused(app, params):
    assert_json_error(app.get(SEARCH, params={"q": "x", **params}, status=400), 400)


def test_search_with_a_bad_api_key_is_401(app):
    res = app.get(SEARCH, params={"q": "x"}, headers=key_header("nope"), status=401)
    assert_json_error(res, 401, "invalid_key")


HOSTILE_QUERIES = [
    "", " ", '"', '""', '"unclosed', "*", "**", "x*", "*x", "NEAR(", "NEAR(a b)", "NEAR/2",
    "col:x", "title:x", "content:x", "{title}: x", "AND", "OR", "NOT", "a AND", "NOT a", "(",
    ")", "(a OR b)", "^a", "-a", "+a", "a - b", "'", "\\", "%", "a;b", "--", "a\x00b", "\x00",
    "\x01", "\t", "\u2028", "\ufeff", "\U0001f600", "é*", "a" * 500, "a" * 501, "a " * 16,
    "a " * 17, '"a" "b" "c"', 'a"b', "rank:x", "MATCH",
]  # fmt: skip


@pytest.mark.parametrize("q", HOSTILE_QUERIES, ids=repr)
def test_a_hostile_search_query_is_answered_200_or_400_never_an_error_of_ours(app, q):
    create_paste(app, exposure="public", content="a b c x\n")
    res = app.get(SEARCH, params={"q": q}, expect_errors=True)
    assert res.status_int in (200, 400), res.text
    assert res.content_type == "application/json"
    if res.status_int == 400:
        assert_json_error(res, 400, "invalid")
    else:
        assert isinstance(res.json["results"], list)


@pytest.mark.parametrize("raw", ["q", "q=", ""], ids=repr)
def test_a_missing_or_empty_search_query_is_400(app, raw):
    assert_json_error(app.get(f"{SEARCH}?{raw}", status=400), 400, "invalid")


@pytest.mark.parametrize("raw", ["q=%ff", "q=%ed%a0%80", "q=ok%c3"], ids=repr)
def test_a_search_query_that_is_not_utf8_is_refused_as_such(app, raw):
    body = assert_json_error(app.get(f"{SEARCH}?{raw}", status=400), 400, "invalid")
    assert body["field"] == "q"
    assert "UTF-8" in body["message"]


def test_a_search_term_with_a_nul_still_finds_its_words(app):
    paste_id = create_paste(app, exposure="public", content="narwhal\n")["publicId"]
    assert search_ids(app, "narwhal\x00") == [paste_id]
