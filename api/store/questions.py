"""Debate and essay questions, readable only through a visible article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .common import loads, one, ref_clause, visible_article
from .pagination import Page, Query, SortKey, paginate

QUESTION_COLUMNS = (
    "q.id, q.article_id, q.position, q.text, q.kinds,"
    " (SELECT a.updated_at FROM articles a WHERE a.id = q.article_id) AS last_modified"
)


def shape_question(row: dict[str, Any]) -> dict[str, Any]:
    row["kinds"] = loads(row["kinds"])
    return row


@dataclass
class QuestionFilters:
    kind: str | None = None
    article_id: int | None = None
    issue: str | None = None


def _visible_questions() -> Query:
    query = Query(QUESTION_COLUMNS, "questions q JOIN articles a ON a.id = q.article_id")
    return query.filter(visible_article(query.params))


def list_questions(
    db: Database, filters: QuestionFilters, *, limit: int, cursor: str | None
) -> Page:
    query = _visible_questions()
    if filters.kind:
        query.filter("EXISTS (SELECT 1 FROM json_each(q.kinds) WHERE value = ?)", filters.kind)
    if filters.article_id is not None:
        query.filter("q.article_id = ?", filters.article_id)
    if filters.issue is not None:
        clause, value = ref_clause("i", filters.issue)
        query.filter(f"a.issue_id IN (SELECT i.id FROM issues i WHERE {clause})", value)
    page = paginate(db, query, [SortKey("id", "q.id")], limit=limit, cursor=cursor)
    page.items = [shape_question(r) for r in page.items]
    return page


def get_question(db: Database, question_id: int) -> dict[str, Any] | None:
    query = _visible_questions().filter("q.id = ?", question_id)
    row = one(db, *query.sql())
    return shape_question(row) if row else None
