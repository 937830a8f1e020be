"""The news articles a story is based on, readable only through a visible article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .common import ARTICLE_CHANGED_AT, VISIBLE_ARTICLE, one, visible_article_ids
from .pagination import Page, Query, SortKey, paginate

SOURCE_COLUMNS = (
    "s.id, s.article_id, s.position, s.url, s.domain, s.publisher, s.published_on,"
    f" (SELECT {ARTICLE_CHANGED_AT} FROM articles a WHERE a.id = s.article_id) AS last_modified"
)


@dataclass
class SourceFilters:
    domain: str | None = None
    article: str | None = None  # id or slug


def visible_sources() -> Query:
    return Query(SOURCE_COLUMNS, "sources s JOIN articles a ON a.id = s.article_id").filter(
        VISIBLE_ARTICLE
    )


def list_sources(db: Database, filters: SourceFilters, *, limit: int, cursor: str | None) -> Page:
    query = visible_sources()
    keys = [SortKey("id", "s.id")]
    if filters.domain:
        query.filter("s.domain = :domain", domain=filters.domain.lower().removeprefix("www."))
    if filters.article is not None:
        subquery, params = visible_article_ids(filters.article)
        query.filter(f"s.article_id IN ({subquery})", **params)
        keys = [SortKey("position", "s.position"), *keys]  # one article: in its own order
    return paginate(db, query, keys, limit=limit, cursor=cursor)


def get_source(db: Database, source_id: int) -> dict[str, Any] | None:
    return one(db, *visible_sources().filter("s.id = :id", id=source_id).sql())
