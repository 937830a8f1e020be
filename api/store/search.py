"""Full-text search over everything a reader can find: articles, Background Information
sections, glossary terms and questions, from the one index migration m010 builds.

Ranking is FTS5 bm25 with column weights: a match in a title (an article's title, a
section's heading, a term) counts SEARCH_WEIGHTS[0] times a match in the long body text,
and a lede, a definition or a question counts in between. Equal scores are ordered by type
then id, so the order is total and pages never overlap.

Only visible content is found: every index row carries its article, tested with
VISIBLE_ARTICLE. A term is indexed once per article that uses it, with that article's
wording; it is found through its best-ranked visible use, once.

`/v1/articles?q=` uses the same matcher and index (article_match), so the two agree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
from dataclasses import dataclass
from typing import Any

import orjson
from sqlite_utils import Database

from ..timefmt import utc_now
from .common import ARTICLE_CHANGED_AT, VISIBLE_ARTICLE, for_viewer, fts_query, rows, scalar
from .issues import issue_clause
from .pagination import CursorError, Page

TYPES = ("article", "background", "term", "question")
# bm25 weights of search_index's columns: title, summary, body (see api/db.py m010).
SEARCH_WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_TOKENS = 24

# snippet() wraps matches in these; they are swapped for <mark> only after escaping. They
# are control characters no editor types; one that turns up in content anyway is dropped.
_OPEN, _CLOSE = "\x02", "\x03"

# CROSS JOIN keeps the full-text match as the outer loop: the planner would otherwise
# walk search_docs by type and run the whole MATCH once per row (seconds, not ms). Each
# match then looks up its article for the visibility test: 0.05 ms for a rare word, where
# building the set of visible articles first cost 9 ms over 10,000 articles.
_DOCS = "search_index CROSS JOIN search_docs d ON d.id = search_index.rowid"
_MATCHED = f"{_DOCS} CROSS JOIN articles a ON a.id = d.article_id"


def article_match(text: str, column: str = "a.id") -> tuple[str, dict[str, Any]]:
    """SQL (and its parameters) true when the article `column` names matches `text`, as the
    article hits of /v1/search do. Never raw FTS syntax: c++, foo" or -x cannot break it."""
    match = fts_query(text)
    if match is None:
        return "0", {}
    return (
        f"{column} IN (SELECT d.item_id FROM {_DOCS}"
        " WHERE search_index MATCH :article_match AND d.type = 'article')",
        {"article_match": match},
    )


@dataclass
class SearchFilters:
    q: str
    types: tuple[str, ...] = TYPES
    issue: str | None = None  # id, slug or "latest"


def search(db: Database, filters: SearchFilters, *, limit: int, cursor: str | None) -> Page:
    match = fts_query(filters.q)
    if match is None:
        return Page([], 0, limit, None)
    where = ["search_index MATCH :match", VISIBLE_ARTICLE]
    params: dict[str, Any] = {"match": match, "now": utc_now()}
    types = tuple(t for t in TYPES if t in filters.types)
    if types != TYPES:
        marks = ", ".join(f":type{n}" for n in range(len(types)))
        where.append(f"d.type IN ({marks})")
        params.update({f"type{n}": t for n, t in enumerate(types)})
    if filters.issue is not None:
        clause, issue_params = issue_clause(filters.issue, "issue")
        where.append(f"a.issue_id IN (SELECT i.id FROM issues i WHERE {clause})")
        params.update(issue_params)
    signature = _signature(match, types, filters.issue)
    after = ""
    if cursor:
        after = (
            " WHERE score > :k0 OR (score = :k0 AND type > :k1)"
            " OR (score = :k0 AND type = :k1 AND item_id > :k2)"
        )
        params.update(zip(("k0", "k1", "k2"), _decode(cursor, signature), strict=True))
    weights = ", ".join(str(w) for w in SEARCH_WEIGHTS)
    # A term used by several articles has a row per use: keep its best one (SQLite gives
    # the bare columns of a MIN() aggregate from the row holding the minimum). Every other
    # type has one row per item already, so only terms pay for the grouping.
    ctes = f"""
        WITH scored AS MATERIALIZED (
            SELECT d.id AS doc, d.type, d.item_id, bm25(search_index, {weights}) AS score
            FROM {_MATCHED} WHERE {" AND ".join(f"({w})" for w in where)}
        ), hits AS (
            SELECT doc, type, item_id, score FROM scored WHERE type != 'term'
            UNION ALL
            SELECT doc, type, item_id, MIN(score) FROM scored WHERE type = 'term'
            GROUP BY item_id
        )"""
    ranked = db.conn.execute(
        for_viewer(
            f"{ctes} SELECT doc, type, item_id, score, (SELECT COUNT(*) FROM hits) AS total"
            f" FROM hits{after} ORDER BY score, type, item_id LIMIT :limit"
        ),
        {**params, "limit": limit + 1},
    ).fetchall()
    # Past the last hit there is no row to carry the total: count without the cursor.
    total = ranked[0][4] if ranked else scalar(db, f"{ctes} SELECT COUNT(*) FROM hits", params)
    next_cursor = None
    if len(ranked) > limit:
        ranked = ranked[:limit]
        _, kind, item_id, score, _ = ranked[-1]
        next_cursor = _encode(signature, [score, kind, item_id])
    return Page(_hits(db, match, [row[0] for row in ranked]), total, limit, next_cursor)


def _hits(db: Database, match: str, docs: list[int]) -> list[dict[str, Any]]:
    """The page's hits in rank order, with titles, what their URLs need, and snippets."""
    if not docs:
        return []
    marks = ", ".join(f":doc{n}" for n in range(len(docs)))
    snippet = f"'{_OPEN}', '{_CLOSE}', '…', {SNIPPET_TOKENS}"
    sql = f"""
        SELECT d.id AS doc, d.type, d.item_id AS id,
            CASE d.type WHEN 'background' THEN s.heading WHEN 'term' THEN st.title
                ELSE a.title END AS title,
            a.slug AS article_slug, s.anchor, t.slug AS term_slug,
            snippet(search_index, 1, {snippet}) AS summary_snippet,
            -- A long body is tokenized for its snippet only when the short text has no match.
            CASE WHEN instr(snippet(search_index, 1, {snippet}), '{_OPEN}') THEN NULL
                ELSE snippet(search_index, 2, {snippet}) END AS body_snippet,
            {ARTICLE_CHANGED_AT} AS last_modified
        FROM {_MATCHED}
        JOIN search_text st ON st.id = d.id
        LEFT JOIN sections s ON d.type = 'background' AND s.id = d.item_id
        LEFT JOIN terms t ON d.type = 'term' AND t.id = d.item_id
        WHERE search_index MATCH :match AND search_index.rowid IN ({marks})"""
    params = {"match": match, **{f"doc{n}": doc for n, doc in enumerate(docs)}}
    found = {row["doc"]: row for row in rows(db, sql, params)}
    hits = []
    for doc in docs:
        row = found[doc]
        candidates = (row.pop("summary_snippet"), row.pop("body_snippet"))
        marked = [c for c in candidates if c and _OPEN in c]
        row["snippet"] = mark_snippet((marked or [c for c in candidates if c] or [""])[0])
        del row["doc"]
        hits.append(row)
    return hits


def mark_snippet(text: str) -> str:
    """FTS5 snippet text as safe HTML: everything escaped, the matches in <mark>, every
    <mark> closed, whatever sentinels the content itself contained."""
    out: list[str] = []
    open_mark = False
    for char_run in _split_sentinels(text):
        if char_run == _OPEN:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif char_run == _CLOSE:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(html.escape(char_run, quote=True))
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def _split_sentinels(text: str) -> list[str]:
    parts: list[str] = []
    run: list[str] = []
    for char in text:
        if char in (_OPEN, _CLOSE):
            if run:
                parts.append("".join(run))
                run = []
            parts.append(char)
        else:
            run.append(char)
    if run:
        parts.append("".join(run))
    return parts


# Cursors: the last hit's (score, type, id), bound to the query that made it -------------


def _signature(match: str, types: tuple[str, ...], issue: Any) -> str:
    raw = orjson.dumps([match, types, issue])
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def _encode(signature: str, values: list[Any]) -> str:
    raw = orjson.dumps({"s": signature, "v": values})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, signature: str) -> list[Any]:
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as error:
        raise CursorError("Not a cursor this API issued.") from error
    if not isinstance(decoded, dict) or decoded.get("s") != signature:
        raise CursorError("This cursor belongs to another search; start again without it.")
    values = decoded.get("v")
    if (
        not isinstance(values, list)
        or len(values) != 3
        or not isinstance(values[0], float | int)
        or isinstance(values[0], bool)
        or values[1] not in TYPES
        or not isinstance(values[2], int)
        or isinstance(values[2], bool)
        or not -(2**63) <= values[2] < 2**63
    ):
        raise CursorError("Not a cursor this API issued.")
    return values
