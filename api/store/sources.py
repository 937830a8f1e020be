"""The news articles a story is based on, readable only through a visible article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .common import one, visible_article
from .pagination import Page, Query, SortKey, paginate

SOURCE_COLUMNS = (
    "s.id, s.article_id, s.position, s.url, s.domain, s.publisher, s.published_on,"
    " (SELECT a.updated_at FROM articles a WHERE a.id = s.article_id) AS last_modified"
)


@dataclass
class SourceFilters:
    domain: str | None = None
    article_id: int | None = None


def _visible_sources() -> Query:
    query = Query(SOURCE_COLUMNS, "sources s JOIN articles a ON a.id = s.article_id")
    return query.filter(visible_article(query.params))


def list_sources(db: Database, filters: SourceFilters, *, limit: int, cursor: str | None) -> Page:
    query = _visible_sources()
    if filters.domain:
        query.filter("s.domain = ?", filters.domain.lower().removeprefix("www."))
    if filters.article_id is not None:
        query.filter("s.article_id = ?", filters.article_id)
    return paginate(db, query, [SortKey("id", "s.id")], limit=limit, cursor=cursor)


def get_source(db: Database, source_id: int) -> dict[str, Any] | None:
    query = _visible_sources().filter("s.id = ?", source_id)
    return one(db, *query.sql())
