"""Debate and essay questions, readable only through a visible article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .common import ARTICLE_CHANGED_AT, VISIBLE_ARTICLE, loads, one, visible_article_ids
from .issues import issue_clause
from .pagination import Page, Query, SortKey, paginate

QUESTION_COLUMNS = (
    "q.id, q.article_id, q.position, q.text, q.kinds,"
    f" (SELECT {ARTICLE_CHANGED_AT} FROM articles a WHERE a.id = q.article_id) AS last_modified"
)


def shape_question(row: dict[str, Any]) -> dict[str, Any]:
    row["kinds"] = loads(row["kinds"])
    return row


@dataclass
class QuestionFilters:
    kind: str | None = None
    article: str | None = None  # id or slug
    issue: str | None = None  # id or slug


def _visible_questions() -> Query:
    return Query(QUESTION_COLUMNS, "questions q JOIN articles a ON a.id = q.article_id").filter(
        VISIBLE_ARTICLE
    )


def list_questions(
    db: Database, filters: QuestionFilters, *, limit: int, cursor: str | None
) -> Page:
    query = _visible_questions()
    keys = [SortKey("id", "q.id")]
    if filters.kind:
        query.filter(
            "EXISTS (SELECT 1 FROM json_each(q.kinds) WHERE value = :kind)", kind=filters.kind
        )
    if filters.article is not None:
        subquery, params = visible_article_ids(filters.article)
        query.filter(f"q.article_id IN ({subquery})", **params)
        keys = [SortKey("position", "q.position"), *keys]  # one article: in its own order
    if filters.issue is not None:
        clause, params = issue_clause(filters.issue, "issue")
        query.filter(f"a.issue_id IN (SELECT i.id FROM issues i WHERE {clause})", **params)
    page = paginate(db, query, keys, limit=limit, cursor=cursor)
    page.items = [shape_question(r) for r in page.items]
    return page


def get_question(db: Database, question_id: int) -> dict[str, Any] | None:
    row = one(db, *_visible_questions().filter("q.id = :id", id=question_id).sql())
    return shape_question(row) if row else None
