"""The search page, in process: how to search, public pastes found with the word marked, never
unlisted, private, burn or encrypted ones, qualifiers and phrases, paging and invalid queries."""

import re
from urllib.parse import urlencode

import pytest
from helpers import BROWSER, SEALED, assert_html_security_headers, create, hit_ids, search_page

from pastebox.web.pages.search import SEARCH_PAGE_SIZE

# -- the search page -------------------------------------------------------------------------


def test_the_search_page_without_a_query_shows_how_to_search(app):
    res = app.get("/search", headers=BROWSER, status=200)
    assert "How to search" in res.text and "lang:python" in res.text
    assert hit_ids(res.text) == []


def test_a_blank_query_shows_how_to_search(app):
    assert "How to search" in search_page(app, "   ").text


def test_a_word_finds_a_public_paste_with_the_word_marked(app):
    paste_id = create(app, title="Found", content="the quick brown fox\n", exposure="public")
    res = search_page(app, "brown")
    assert hit_ids(res.text) == [paste_id]
    assert "<mark>brown</mark>" in res.text
    assert "How to search" not in res.text


def test_unlisted_private_and_burn_pastes_never_appear_in_search(app):
    public = create(app, content="walrus\n", exposure="public")
    create(app, content="walrus\n", exposure="unlisted")
    create(app, content="walrus\n", exposure="private")
    create(app, content="walrus\n", exposure="public", burnAfterRead=True)
    assert hit_ids(search_page(app, "walrus").text) == [public]


def test_an_end_to_end_encrypted_paste_never_appears_in_search(app):
    public = create(app, content=f"{SEALED}\n", exposure="public")
    create(app, content=SEALED, exposure="public", isE2ee=True)
    assert hit_ids(search_page(app, SEALED).text) == [public]


def test_a_query_without_matches_says_so(app):
    res = search_page(app, "nothingmatchesthis")
    assert "No public paste matches" in res.text and hit_ids(res.text) == []


@pytest.fixture
def corpus(app) -> dict[str, str]:
    """Public pastes that tell the qualifiers apart."""
    return {
        "python": create(
            app,
            files=[{"name": "tool.py", "content": "def hello(): pass\n"}],
            exposure="public",
            title="helpers",
        ),
        "rust": create(
            app,
            files=[{"name": "main.rs", "content": "fn hello() {}\n"}],
            exposure="public",
            title="deploy",
        ),
        "title": create(app, title="deploy notes", content="see elsewhere\n", exposure="public"),
        "file": create(
            app, files=[{"name": "setup.py", "content": "print(3)\n"}], exposure="public"
        ),
        "words": create(
            app,
            content="run setup.py, then deploy; connection refused\n",
            exposure="public",
            syntax="text",
        ),
        "phrase": create(app, content="refused connection\n", exposure="public", syntax="text"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lang:python hello", {"python"}),
        ("lang:python", {"python", "file"}),
        ("lang:rust", {"rust"}),
        ("title:deploy", {"rust", "title"}),
        ('title:"deploy notes"', {"title"}),
        ("file:setup.py", {"file"}),
        ('"connection refused"', {"words"}),
        ("connection refused", {"words", "phrase"}),
    ],
)
def test_search_qualifiers_and_phrases_on_the_page_and_in_the_api(app, corpus, query, expected):
    found = set(hit_ids(search_page(app, query).text))
    api = {
        hit["publicId"]
        for hit in app.get("/api/v1/search?" + urlencode({"q": query}), status=200).json["results"]
    }
    assert found == {corpus[name] for name in expected}
    assert api == found


def test_search_results_are_paged_twenty_at_a_time(app):
    ids = {create(app, content=f"pagination {n}\n", exposure="public") for n in range(25)}
    first = search_page(app, "pagination")
    second = search_page(app, "pagination", page=2)
    first_ids, second_ids = hit_ids(first.text), hit_ids(second.text)
    assert (len(first_ids), len(second_ids)) == (SEARCH_PAGE_SIZE, 5)
    assert set(first_ids) | set(second_ids) == ids
    assert '<a rel="next" href="/search?q=pagination&amp;page=2">' in first.text
    assert 'rel="prev"' not in first.text
    assert '<a rel="prev" href="/search?q=pagination">' in second.text
    assert 'rel="next"' not in second.text


@pytest.mark.parametrize("number", ["0", "-1", "x", "1001", "١", ""])
def test_a_page_number_out_of_range_is_400(app, number):
    res = search_page(app, "anything", status=400, page=number)
    assert "page must be a number" in res.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("word " * 120, "longer than 500 characters"),
        ("lang:klingon", "unknown language"),
        ("lang:klingon words", "unknown language"),
        (" ".join(f"w{n}" for n in range(17)), "at most 16 terms"),
        ("!!! ???", "at least one word"),
    ],
    ids=["too-long", "unknown-lang", "unknown-lang-with-words", "too-many-terms", "no-words"],
)
def test_an_invalid_query_is_a_400_page_with_the_message(app, query, message):
    res = search_page(app, query, status=400)
    assert message in res.text
    assert_html_security_headers(res)


def test_the_search_box_keeps_the_query(app):
    res = search_page(app, 'lang:python "a phrase"')
    assert 'value="lang:python &quot;a phrase&quot;"' in res.text


# -- search snippets and big pastes --------------------------------------------------------------


def test_control_characters_in_a_paste_never_pose_as_search_matches(app):
    create(app, content="hello \x02fake\x03 world\n", exposure="public")
    text = app.get("/search?q=world", headers=BROWSER, status=200).text
    assert re.findall(r"<mark>(.*?)</mark>", text) == ["world"]
