"""The SQL of a search, bounded whatever the query, in one read snapshot (a table group of
Store: the file_search index, which triggers keep in step with pastes and files).

Who may find what: public pastes for everyone, and the viewer's own unlisted and private ones
(the owner's search). That is why unlisted and private pastes are indexed at all, and why the
schema's in_index leaves them in (only burn, password and E2EE pastes are never indexed):
every statement here filters by exposure and owner itself, so others never see them.
"""

import json
import secrets
import sqlite3

from pastebox.core.model import SearchHit
from pastebox.store.db import Db
from pastebox.store.pastes import CURRENT_PASTE, LIVE

# A search ranks (bm25) the newest RANK_WINDOW matching files at most; see search().
RANK_WINDOW = 1000
PREVIEW_CHARS = 160  # the start of a file, standing in for a snippet when no words were searched
# Candidates of a search, newest first: files in a language (the files_language index), and
# matches older than the rank window.
IN_LANGUAGE = "SELECT id FROM files WHERE language = :lang ORDER BY id DESC"
OLDER_MATCHES = (
    "SELECT rowid AS id FROM file_search WHERE file_search MATCH :match AND rowid < :below"
    " ORDER BY rowid DESC"
)


class SearchTables(Db):
    """The search index (file_search) over files and pastes."""

    def search(
        self,
        match: str | None,
        *,
        language: str | None = None,
        viewer_id: int | None,
        now: float,
        limit: int,
        offset: int,
    ) -> list[SearchHit]:
        """Search hits in one read snapshot (see search())."""
        params = {"match": match, "lang": language, "now": now, "viewer": viewer_id}
        with self.read() as conn:
            return search(conn, params, limit, offset)


def search(conn: sqlite3.Connection, params: dict, limit: int, offset: int) -> list[SearchHit]:
    """Files whose text matches the FTS5 expression params["match"] and are in
    params["lang"] when given; with no match, the newest files in that language.

    The newest RANK_WINDOW matches are ranked best first; older ones follow, newest first.
    The work is bounded whatever the number of matches: bm25 ranks every row it is asked
    to before any LIMIT applies, so it is only ever asked to rank the window, and every scan
    stops after RANK_WINDOW + offset + limit rows. Public pastes for everyone; the viewer's
    own unlisted and private ones too.
    """
    if params["match"] is None:
        ids = _newest_visible(conn, IN_LANGUAGE, params, offset + limit)[offset:]
        return previews(conn, ids[:limit], params)
    ranked, lowest = _ranked_window(conn, params)
    page = ranked[offset : offset + limit]
    if len(page) < limit and lowest is not None:
        skip = max(0, offset - len(ranked))
        below = {**params, "below": lowest}
        older = _newest_visible(conn, OLDER_MATCHES, below, skip + limit - len(page))
        page += older[skip:]
    return snippets(conn, page[:limit], params)


def _visible(params: dict) -> str:
    """What a search may show (over aliases f and p, p joined by CURRENT_PASTE). Every
    statement of a search applies it, so none relies on the others' snapshot."""
    language = " AND f.language = :lang" if params["lang"] else ""
    return f"{LIVE} AND p.in_index AND (p.exposure = 'public' OR p.owner_id = :viewer){language}"


def _ranked_window(conn: sqlite3.Connection, params: dict) -> tuple[list[int], int | None]:
    """The visible files among the newest RANK_WINDOW matches, best first, and the oldest
    rowid looked at when there may be older matches (else None)."""
    rows = conn.execute(
        f"SELECT s.rowid, s.score, {_visible(params)} FROM"
        " (SELECT rowid, bm25(file_search) AS score FROM file_search"
        "  WHERE file_search MATCH :match ORDER BY rowid DESC LIMIT :window) AS s"
        " LEFT JOIN files f ON f.id = s.rowid"
        f" LEFT JOIN {CURRENT_PASTE}",
        {**params, "window": RANK_WINDOW},
    ).fetchall()
    ranked = sorted(((score, -rowid) for rowid, score, shown in rows if shown))
    lowest = min(row[0] for row in rows) if len(rows) == RANK_WINDOW else None
    return [-negated for _, negated in ranked], lowest


def _newest_visible(
    conn: sqlite3.Connection, candidates: str, params: dict, count: int
) -> list[int]:
    """Up to `count` visible files among `candidates` (a query of file ids, newest first),
    looking at no more than count + RANK_WINDOW of them."""
    rows = conn.execute(
        f"SELECT s.id FROM ({candidates} LIMIT :scan) AS s JOIN files f ON f.id = s.id"
        f" JOIN {CURRENT_PASTE}"
        f" WHERE {_visible(params)} ORDER BY s.id DESC LIMIT :count",
        {**params, "scan": count + RANK_WINDOW, "count": count},
    ).fetchall()
    return [row[0] for row in rows]


def previews(conn: sqlite3.Connection, ids: list[int], params: dict) -> list[SearchHit]:
    """Hits for files found without words: the start of the file stands in for a snippet."""
    rows = conn.execute(
        "SELECT f.id, p.id, p.title, f.name, f.language,"
        f" substr(CAST(f.content AS TEXT), 1, {PREVIEW_CHARS}), p.created_at, p.exposure"
        f" FROM files f JOIN {CURRENT_PASTE}"
        f" WHERE f.id IN (SELECT value FROM json_each(:ids)) AND {_visible(params)}",
        {**params, "ids": json.dumps(ids)},
    ).fetchall()
    return _in_order(ids, rows, None)


def snippets(conn: sqlite3.Connection, ids: list[int], params: dict) -> list[SearchHit]:
    """Hits with snippets for these matching files. snippet() needs the MATCH cursor; the
    rowid range bounds its scan to the page's span, the + keeps IN from being a lookup per
    value (each of which would rebuild a prefix term's whole doclist)."""
    if not ids:
        return []
    # Matches come back between STX and ETX. The markers asked of FTS5 are random, so that
    # an STX or ETX in someone's text cannot pose as a match; those are dropped.
    mark = secrets.token_hex(8)
    markers = (f"[{mark}[", f"]{mark}]")
    rows = conn.execute(
        "SELECT f.id, p.id, p.title, f.name, f.language,"
        " snippet(file_search, 2, :open, :close, '…', 16), p.created_at, p.exposure"
        f" FROM file_search JOIN files f ON f.id = file_search.rowid JOIN {CURRENT_PASTE}"
        " WHERE file_search MATCH :match AND file_search.rowid BETWEEN :low AND :high"
        " AND +file_search.rowid IN (SELECT value FROM json_each(:ids))"
        f" AND {_visible(params)}",
        {**params, "low": min(ids), "high": max(ids), "ids": json.dumps(ids),
         "open": markers[0], "close": markers[1]},
    ).fetchall()  # fmt: skip
    return _in_order(ids, rows, markers)


def _in_order(
    ids: list[int], rows: list[tuple], markers: tuple[str, str] | None
) -> list[SearchHit]:
    """SearchHits of (file id, hit columns…) rows, in the order of `ids`; with `markers`, the
    snippet's random match markers become STX/ETX (and any STX/ETX of the text is dropped)."""
    by_id = {row[0]: row[1:] for row in rows}
    hits = []
    for file_id in ids:
        row = by_id.get(file_id)
        if row is None:
            continue
        snippet = row[4]
        if markers:
            snippet = snippet.replace("\x02", "").replace("\x03", "")
            snippet = snippet.replace(markers[0], "\x02").replace(markers[1], "\x03")
        hits.append(SearchHit(*row[:4], snippet, *row[5:]))
    return hits
