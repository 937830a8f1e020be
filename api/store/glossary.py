"""Glossary terms: one row per term, shared by every article that uses it.

Each article keeps the spelling and definition it was published with (in
article_terms); the shared entry reads as the newest visible article has it, so a
draft's rewording stays private until the draft is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..slugs import slugify
from .common import (
    ARTICLE_CHANGED_AT,
    ISSUE_OF_ARTICLE,
    VISIBLE_ARTICLE,
    one,
    ref_clause,
    rows,
    visible_article_ids,
)
from .pagination import Page, Query, SortKey, paginate, sort_keys

# A term as one article uses it.
ARTICLE_TERMS_SOURCE = "article_terms at JOIN terms t ON t.id = at.term_id"
ARTICLE_TERM_COLUMNS = "t.id, t.slug, at.term, at.definition"

_VISIBLE_USES = (
    "FROM article_terms at JOIN articles a ON a.id = at.article_id"
    f" WHERE at.term_id = t.id AND {VISIBLE_ARTICLE}"
)
_NEWEST_USE = "ORDER BY a.published_at DESC, a.id DESC LIMIT 1"
_TERM_COLUMNS = (
    f"t.id, t.slug, (SELECT at.term {_VISIBLE_USES} {_NEWEST_USE}) AS term,"
    f" (SELECT at.definition {_VISIBLE_USES} {_NEWEST_USE}) AS definition,"
    f" (SELECT COUNT(*) {_VISIBLE_USES}) AS article_count,"
    f" (SELECT MAX({ARTICLE_CHANGED_AT}) {_VISIBLE_USES}) AS last_modified"
)

# Sorting and type-ahead use the slug: the same for every spelling of a term.
TERM_SORTS = {"term": SortKey("term", "t.slug")}


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


@dataclass
class TermFilters:
    letter: str | None = None
    prefix: str | None = None
    article: str | None = None  # id or slug


def _visible_terms() -> Query:
    # A term shows only while a visible article uses it.
    return Query(_TERM_COLUMNS, "terms t").filter(f"EXISTS (SELECT 1 {_VISIBLE_USES})")


def list_terms(
    db: Database,
    filters: TermFilters,
    *,
    sort: list[tuple[str, bool]],
    limit: int,
    cursor: str | None,
) -> Page:
    query = _visible_terms()
    for name, value in (("letter", filters.letter), ("prefix", filters.prefix)):
        if value:
            # Against the slug too, so "cold w" finds "Cold War" (slug cold-war).
            query.filter(
                f"t.term LIKE :{name} ESCAPE '\\' OR t.slug LIKE :{name}_slug ESCAPE '\\'",
                **{name: _like_prefix(value), f"{name}_slug": _like_prefix(_slug_prefix(value))},
            )
    if filters.article is not None:
        subquery, params = visible_article_ids(filters.article)
        query.filter(
            f"t.id IN (SELECT term_id FROM article_terms WHERE article_id IN ({subquery}))",
            **params,
        )
    return paginate(db, query, sort_keys(sort, TERM_SORTS, "t.id"), limit=limit, cursor=cursor)


def _slug_prefix(text: str) -> str:
    return slugify(text) or text


def article_terms(db: Database, article_id: int, *, limit: int, cursor: str | None) -> Page:
    query = Query(ARTICLE_TERM_COLUMNS, ARTICLE_TERMS_SOURCE).filter(
        "at.article_id = :article_id", article_id=article_id
    )
    return paginate(db, query, [SortKey("position", "at.position")], limit=limit, cursor=cursor)


def get_term(db: Database, ref: str) -> dict[str, Any] | None:
    clause, params = ref_clause("t", ref, "ref")
    query = _visible_terms().filter(clause, **params)
    term = one(db, *query.sql())
    if term is None:
        return None
    uses = (
        Query(
            f"a.id, a.slug, a.title, at.definition, {ISSUE_OF_ARTICLE}",
            "article_terms at JOIN articles a ON a.id = at.article_id",
        )
        .filter(VISIBLE_ARTICLE)
        .filter("at.term_id = :term_id", term_id=term["id"])
    )
    term["articles"] = rows(db, *uses.sql(" ORDER BY a.published_at DESC, a.id DESC"))
    return term
