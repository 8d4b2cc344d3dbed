"""The search page: public pastes matching a query, SEARCH_PAGE_SIZE a page, or the syntax help
when there is no query."""

import html
from urllib.parse import urlencode

import bottle

from pastebox.core.errors import Invalid
from pastebox.core.model import SearchHit
from pastebox.core.search import find_pastes
from pastebox.web.context import Services
from pastebox.web.errors import page_response
from pastebox.web.gates import searching
from pastebox.web.pages.layout import human_ago, language_label, page
from pastebox.web.requests import actor, client, page_number, query_text

SEARCH_PAGE_SIZE = 20
MAX_SEARCH_PAGE = 1000


def snippet_html(snippet: str) -> str:
    """Escape a search snippet, then turn FTS5's match markers (STX/ETX) into <mark>."""
    escaped = html.escape(snippet.replace("\r", ""), quote=False)
    if escaped.count("\x02") != escaped.count("\x03"):
        return escaped.replace("\x02", "").replace("\x03", "")
    return escaped.replace("\x02", "<mark>").replace("\x03", "</mark>")


def search(services: Services) -> bottle.HTTPResponse:
    """GET /search?q=&page=: a query the search cannot take comes back on the page, with 400."""
    query = bottle.request.query
    number = page_number(query, MAX_SEARCH_PAGE)
    text = query_text(query, "q")
    hits: list[SearchHit] = []
    refused = None
    more = False
    if text.strip():
        asker = actor(services, bottle.request)
        offset = (number - 1) * SEARCH_PAGE_SIZE
        try:
            with searching(services, client(bottle.request)):
                hits = find_pastes(services.core, text, asker, SEARCH_PAGE_SIZE + 1, offset)
        except Invalid as exc:
            refused = exc
        more = len(hits) > SEARCH_PAGE_SIZE
        hits = hits[:SEARCH_PAGE_SIZE]

    def page_link(n: int) -> str:
        return "/search?" + urlencode({"q": text, "page": n} if n > 1 else {"q": text})

    body = page(
        "search.tpl",
        query=text,
        hits=hits,
        error=refused.message if refused else "",
        page_number=number,
        previous_link=page_link(number - 1) if number > 1 and not refused else "",
        next_link=page_link(number + 1) if more else "",
        snippet_html=snippet_html,
        ago=lambda t: human_ago(t, services.now()),
        language_label=language_label,
    )
    return page_response(body, refused)
