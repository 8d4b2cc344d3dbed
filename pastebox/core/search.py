"""Search text: what users type (words, "phrases", prefixes*, title:/file:/lang:) made safe for
FTS5, and the search itself, within bounds (the SQL is store/search.py's)."""

import dataclasses
import re

from pastebox.core.context import Core
from pastebox.core.errors import Invalid
from pastebox.core.model import Actor, SearchHit
from pastebox.core.pastes import MAX_LIST_LIMIT
from pastebox.core.validation import clean_language

MAX_SEARCH_TERMS = 16
MAX_QUERY_CHARS = 500
MAX_SEARCH_OFFSET = 20_000  # the web pages go up to 1000 pages of 20; a search's work grows with it


@dataclasses.dataclass(frozen=True)
class SearchQuery:
    """A parsed search: a safe FTS5 expression (None: no words) and a language filter."""

    match: str | None
    language: str | None = None


# Qualifier -> FTS5 column; `lang:` filters on the stored language instead of the text.
SEARCH_COLUMNS = {"title": "title", "file": "name", "name": "name"}
_QUERY_TOKEN_RE = re.compile(r'(?:([A-Za-z]+):)?(?:"([^"]*)"|(\S+))')


def _fts_term(text: str, prefix: bool) -> str | None:
    if not any(c.isalnum() for c in text):
        return None
    return '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")


def parse_search(query: str) -> SearchQuery:
    """User search text -> a SearchQuery: every term and "phrase" quoted, ANDed.

    `title:word`, `file:name.py` (and `title:"a phrase"`) search one column; `lang:python`
    keeps files in that language. A trailing * on a bare term keeps its prefix meaning; nothing
    else of the FTS5 syntax (NEAR, column filters, parentheses, operators) reaches MATCH.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise Invalid(f"search text is longer than {MAX_QUERY_CHARS} characters", field="q")
    # FTS5 reads its expression as a C string: a NUL would end it inside a quoted term (a syntax
    # error). The tokenizer separates words at NUL anyway, so it is a space here too.
    query = query.replace("\x00", " ")
    parts: list[str] = []
    language = None
    for match in _QUERY_TOKEN_RE.finditer(query):
        qualifier, phrase, bare = match.groups()
        qualifier = qualifier.lower() if qualifier else None
        if qualifier not in (None, "lang", *SEARCH_COLUMNS):  # "http://x" is a word, not a field
            phrase, bare = None, match.group(0)
            qualifier = None
        text = phrase if phrase is not None else bare
        if qualifier == "lang":
            language = clean_language(text)
            if language is None:
                raise Invalid("lang: needs a language, e.g. lang:python", field="q")
            continue
        prefix = bare is not None and bare.endswith("*")
        term = _fts_term(text.rstrip("*") if prefix else text, prefix)
        if term is None:
            continue
        parts.append(f"{SEARCH_COLUMNS[qualifier]} : {term}" if qualifier else term)
    if not parts and language is None:
        raise Invalid("search for at least one word", field="q")
    if len(parts) > MAX_SEARCH_TERMS:
        raise Invalid(f"search for at most {MAX_SEARCH_TERMS} terms", field="q")
    return SearchQuery(" ".join(parts) if parts else None, language)


def find_pastes(
    core: Core, query: str, actor: Actor, limit: int = 20, offset: int = 0
) -> list[SearchHit]:
    """Public pastes (and the actor's own) matching `query`; see parse_search for the syntax."""
    if not (1 <= limit <= MAX_LIST_LIMIT) or not (0 <= offset <= MAX_SEARCH_OFFSET):
        raise Invalid(f"limit must be 1..{MAX_LIST_LIMIT} and offset 0..{MAX_SEARCH_OFFSET}")
    parsed = parse_search(query)
    return core.store.search(
        parsed.match,
        language=parsed.language,
        viewer_id=actor.user_id,
        now=core.now(),
        limit=limit,
        offset=offset,
    )
