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

Ranking is by windows, so a word nearly every article says costs what a rare one costs:
bm25 costs more per matching row than the rest of a search together, and ranking all of
100,000 matches for one page took seconds. The index rows that match are taken newest
first (by rowid) in windows of RANKED_AT_ONCE, each window ranked as above, and page
after page walks window after window: every hit is seen once and `total` counts them all.
A query with no more matches than a window holds (nearly every query) is ranked whole,
exactly as before. A term used in several articles is found once, in the window of its
newest matching visible use, ranked there by its best use in that window.

Each full-text MATCH costs a pass over the query's doclists (for a prefix, a merge of
every term it covers, as often as the MATCH is evaluated): a search evaluates it a
handful of times, never once per row.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

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
# Index rows ranked together: a query that matches more is ranked a window at a time.
RANKED_AT_ONCE = 1000

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
    issue = ""
    if filters.issue is not None:
        clause, issue_params = issue_clause(filters.issue, "issue")
        issue = f"a.issue_id IN (SELECT i.id FROM issues i WHERE {clause})"
        where.append(issue)
        params.update(issue_params)
    signature = _signature(match, types, filters.issue)
    position = _decode(cursor, signature) if cursor else None
    ranked, total = _rank_windows(db, where, issue, params, limit, position)
    if total is None:
        total = _counted(db, where, params, cacheable=filters.issue is None)
    next_cursor = None
    if len(ranked) > limit:
        ranked = ranked[:limit]
        next_cursor = _encode(signature, list(ranked[-1][1:]))
    return Page(_hits(db, match, [row[0] for row in ranked]), total, limit, next_cursor)


def _hits_sql(where: list[str]) -> str:
    """The CTEs `scored` (the matches, with their bm25) and `hits` (a term once, at its
    best use: SQLite gives the bare columns of a MIN() aggregate from the row holding it)."""
    weights = ", ".join(str(w) for w in SEARCH_WEIGHTS)
    # Every type but terms has one row per item already, so only terms pay for grouping.
    return f"""
        WITH scored AS MATERIALIZED (
            SELECT d.id AS doc, d.type, d.item_id, bm25(search_index, {weights}) AS score
            FROM {_MATCHED} WHERE {" AND ".join(f"({w})" for w in where)}
        ), hits AS (
            SELECT doc, type, item_id, score FROM scored WHERE type != 'term'
            UNION ALL
            SELECT doc, type, item_id, MIN(score) FROM scored WHERE type = 'term'
            GROUP BY item_id
        )"""


def _count(db: Database, where: list[str], params: dict[str, Any]) -> int:
    """What `hits` counts over every window, without a score: a term counts once."""
    return int(
        scalar(
            db,
            "SELECT COUNT(*) FILTER (WHERE d.type != 'term')"
            " + COUNT(DISTINCT CASE WHEN d.type = 'term' THEN d.item_id END)"
            f" FROM {_MATCHED} WHERE {' AND '.join(f'({w})' for w in where)}",
            params,
        )
    )


# Totals of searches that span windows, per connection: counting every match costs what
# ranking all of them did. A total holds while the content does (the change log's last
# seq: every write adds to it, in the writer's transaction) and until the next scheduled
# article's moment, when the visible set grows by itself. Searches within an issue are
# not kept (an issue's own date can make it visible too).
_TOTALS: WeakKeyDictionary[Database, dict[tuple[Any, ...], tuple[int, int, str | None]]] = (
    WeakKeyDictionary()
)
_TOTALS_KEPT = 256


def _counted(db: Database, where: list[str], params: dict[str, Any], *, cacheable: bool) -> int:
    if not cacheable:
        return _count(db, where, params)
    version = scalar(db, "SELECT seq FROM sqlite_sequence WHERE name = 'changes'", {}) or 0
    key = (
        for_viewer(" AND ".join(where)),
        tuple(sorted(params.items() - {("now", params["now"])})),
    )
    kept = _TOTALS.setdefault(db, {})
    held = kept.get(key)
    if held is not None:
        total, at_version, until = held
        if at_version == version and (until is None or params["now"] < until):
            return total
    total = _count(db, where, params)
    until = scalar(
        db,
        "SELECT MIN(a.published_at) FROM articles a WHERE a.status != 'draft'"
        " AND a.published_at > :now AND a.deleted_at IS NULL",
        {"now": params["now"]},
    )
    if len(kept) >= _TOTALS_KEPT:
        kept.clear()
    kept[key] = (total, version, until)
    return total


_AFTER = (
    " WHERE score > :k0 OR (score = :k0 AND type > :k1)"
    " OR (score = :k0 AND type = :k1 AND item_id > :k2)"
)


def _rank_windows(
    db: Database,
    where: list[str],
    issue: str,
    params: dict[str, Any],
    limit: int,
    position: list[Any] | None,
) -> tuple[list[tuple[Any, ...]], int | None]:
    """Up to limit + 1 rows (doc, score, type, item_id, window) from the cursor's window
    (the newest without a cursor) on, and the total when one window held every match
    (None: count them). `window` is a window's highest rowid: a cursor keeps it, so rows
    written later never shift the bounds of a window already walked."""
    weights = ", ".join(str(w) for w in SEARCH_WEIGHTS)
    # A term is ranked in a window only if none of its visible uses newer than the window
    # matches (that one was found in an earlier window). One pass over the newer matches.
    visible_use = VISIBLE_ARTICLE.replace("a.", "ua.") + (
        f" AND {issue.replace('a.', 'ua.')}" if issue else ""
    )
    found_earlier = (
        "(d.type != 'term' OR d.item_id NOT IN (SELECT u.item_id FROM search_index"
        " CROSS JOIN search_docs u ON u.id = search_index.rowid"
        " CROSS JOIN articles ua ON ua.id = u.article_id"
        " WHERE search_index MATCH :match AND search_index.rowid > :top"
        f" AND u.type = 'term' AND {visible_use}))"
    )
    # The window's matches with their bm25, in one pass over the doclists: FTS5 walks them
    # newest first and stops after the window, scoring only the rows it hands out.
    # The window's size is written out, not bound: it is the planner's estimate of the
    # window's rows; with none, it built a Bloom filter over all of search_docs first. For
    # the same reason each row's article is tested in a subquery, not joined (80 ms at 10k).
    filters = [w for w in where if w != "search_index MATCH :match" and "a." not in w]
    of_article = " AND ".join(f"({w})" for w in where if "a." in w and "MATCH" not in w)
    filters.append(f"EXISTS (SELECT 1 FROM articles a WHERE a.id = d.article_id AND {of_article})")
    top = position[3] if position is not None else None
    found: list[tuple[Any, ...]] = []
    total: int | None = None
    while len(found) <= limit:
        first = top is None  # the newest window: nothing matched before it
        # Spelt out (not `:top IS NULL OR …`), so that FTS5 seeks to it.
        below = "" if first else " AND search_index.rowid <= :top"
        conditions = " AND ".join(f"({w})" for w in filters + ([] if first else [found_earlier]))
        after, cursor_params = "", {}
        if position is not None:
            after = _AFTER
            cursor_params = dict(zip(("k0", "k1", "k2"), position[:3], strict=True))
            position = None  # the window after this one starts from its top
        rows = db.conn.execute(
            for_viewer(
                f"""WITH window AS MATERIALIZED (
                    SELECT d.id AS doc, d.type, d.item_id, d.article_id,
                        bm25(search_index, {weights}) AS score
                    FROM {_DOCS} WHERE search_index MATCH :match{below}
                    ORDER BY search_index.rowid DESC LIMIT {int(RANKED_AT_ONCE)}
                ), scored AS MATERIALIZED (
                    SELECT d.doc, d.type, d.item_id, d.score FROM window d WHERE {conditions}
                ), hits AS (
                    SELECT doc, type, item_id, score FROM scored WHERE type != 'term'
                    UNION ALL
                    SELECT doc, type, item_id, MIN(score) FROM scored WHERE type = 'term'
                    GROUP BY item_id
                ), page AS (
                    SELECT doc, score, type, item_id FROM hits{after}
                    ORDER BY score, type, item_id LIMIT :limit
                )
                SELECT page.*, edge.high, edge.low, edge.size, (SELECT COUNT(*) FROM hits)
                FROM (SELECT MAX(doc) AS high, MIN(doc) AS low, COUNT(*) AS size FROM window)
                    AS edge LEFT JOIN page ON 1
                ORDER BY page.score, page.type, page.item_id"""
            ),
            {
                **params,
                **cursor_params,
                "top": top,
                "limit": limit + 1 - len(found),
            },
        ).fetchall()
        high, low, size, hit_count = rows[0][4:]
        if not size:
            break
        last = size < RANKED_AT_ONCE
        if first and last:
            total = hit_count  # one window held every match: the whole ranking
        window = high if top is None else top
        found.extend((*row[:4], window) for row in rows if row[0] is not None)
        if last:
            break
        top = low - 1
    return found, total


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
        WHERE search_index MATCH :match AND search_index.rowid BETWEEN :low AND :high
            AND +search_index.rowid IN ({marks})"""
    # FTS5 evaluates the MATCH once for a rowid range, but once per value of an IN list:
    # for a prefix, once per hit a merge of every term it covers (half a second a page).
    # The unary + keeps the list a plain filter.
    params = {
        "match": match,
        "low": min(docs),
        "high": max(docs),
        **{f"doc{n}": doc for n, doc in enumerate(docs)},
    }
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
        or len(values) != 4
        or not _is_id(values[3])
        or not isinstance(values[0], float | int)
        or isinstance(values[0], bool)
        or values[1] not in TYPES
        or not _is_id(values[2])
    ):
        raise CursorError("Not a cursor this API issued.")
    return values


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
