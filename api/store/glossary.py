"""Glossary terms: one row per term, shared by every article that uses it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..timefmt import utc_now
from .common import VISIBLE_ARTICLE, one, ref_clause
from .pagination import Page, Query, SortKey, paginate, sort_keys

# A term as one article uses it: with the definition that article was published with.
ARTICLE_TERM_COLUMNS = "t.id, t.slug, t.term, at.definition, '/v1/glossary/' || t.slug AS url"

TERM_SORTS = {"term": SortKey("term", "t.term COLLATE NOCASE")}

_VISIBLE_USES = (
    "FROM article_terms at JOIN articles a ON a.id = at.article_id"
    f" WHERE at.term_id = t.id AND {VISIBLE_ARTICLE}"
)
# The shared entry reads as the newest visible article has it: a draft's rewording
# stays private until that draft is published.
_TERM_COLUMNS = (
    "t.id, t.slug, t.term,"
    f" (SELECT at.definition {_VISIBLE_USES} ORDER BY a.published_at DESC, a.id DESC LIMIT 1)"
    " AS definition,"
    f" (SELECT COUNT(*) {_VISIBLE_USES}) AS article_count,"
    f" MAX(t.updated_at, (SELECT MAX(a.updated_at) {_VISIBLE_USES})) AS last_modified,"
    " '/v1/glossary/' || t.slug AS url"
)


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


@dataclass
class TermFilters:
    letter: str | None = None
    prefix: str | None = None
    article_id: int | None = None


def _visible_terms() -> Query:
    now = utc_now()
    query = Query(_TERM_COLUMNS, "terms t", select_params=[now, now, now])
    # A term shows only while a visible article uses it.
    return query.filter(f"EXISTS (SELECT 1 {_VISIBLE_USES})", now)


def list_terms(
    db: Database,
    filters: TermFilters,
    *,
    sort: list[tuple[str, bool]],
    limit: int,
    cursor: str | None,
) -> Page:
    query = _visible_terms()
    if filters.letter:
        query.filter("t.term LIKE ? ESCAPE '\\'", _like_prefix(filters.letter))
    if filters.prefix:
        query.filter("t.term LIKE ? ESCAPE '\\'", _like_prefix(filters.prefix))
    if filters.article_id is not None:
        query.filter(
            "t.id IN (SELECT term_id FROM article_terms WHERE article_id = ?)", filters.article_id
        )
    return paginate(db, query, sort_keys(sort, TERM_SORTS, "t.id"), limit=limit, cursor=cursor)


def article_terms(db: Database, article_id: int, *, limit: int, cursor: str | None) -> Page:
    query = Query(
        ARTICLE_TERM_COLUMNS, "article_terms at JOIN terms t ON t.id = at.term_id"
    ).filter("at.article_id = ?", article_id)
    return paginate(db, query, [SortKey("position", "at.position")], limit=limit, cursor=cursor)


def get_term(db: Database, ref: str) -> dict[str, Any] | None:
    query = _visible_terms()
    clause, value = ref_clause("t", ref)
    query.filter(clause, value)
    term = one(db, *query.sql())
    if term is None:
        return None
    term["articles"] = list(
        db.query(
            "SELECT a.id, a.slug, a.title, '/v1/articles/' || a.slug AS url, at.definition"
            " FROM article_terms at JOIN articles a ON a.id = at.article_id"
            f" WHERE at.term_id = ? AND {VISIBLE_ARTICLE}"
            " ORDER BY a.published_at DESC, a.id",
            [term["id"], utc_now()],
        )
    )
    return term
