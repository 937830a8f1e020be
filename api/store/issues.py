"""Newsletter issues (editions) as rows: lists, lookups, the latest one."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .common import (
    ARTICLE_CHANGED_AT,
    ISSUE_STATUS,
    VISIBLE_ARTICLE,
    VISIBLE_ISSUE,
    one,
    public_only,
    ref_clause,
    rows,
)
from .pagination import Page, Query, SortKey, paginate, sort_keys

ISSUE_SORTS = {
    "published_on": SortKey("published_on", "COALESCE(i.published_on, '')"),
    "number": SortKey("number", "i.number"),
}

_ITS_ARTICLES = f"FROM articles a WHERE a.issue_id = i.id AND {VISIBLE_ARTICLE}"
_COLUMNS = (
    f"i.id, i.number, i.slug, i.title, i.published_on, {ISSUE_STATUS} AS status,"
    f" (SELECT COUNT(*) {_ITS_ARTICLES}) AS article_count, i.created_at, i.updated_at,"
    # An edition's representation changes with its articles.
    f" MAX(i.updated_at, COALESCE((SELECT MAX({ARTICLE_CHANGED_AT}) {_ITS_ARTICLES}), ''))"
    " AS last_modified"
)


def _visible_issues() -> Query:
    # An edition shows once something in it is published: no empty shells in the app.
    return (
        Query(_COLUMNS, "issues i")
        .filter(VISIBLE_ISSUE)
        .filter(public_only(f"EXISTS (SELECT 1 {_ITS_ARTICLES})", "issue-articles"))
    )


def list_issues(
    db: Database, *, sort: list[tuple[str, bool]], limit: int, cursor: str | None
) -> Page:
    keys = sort_keys(sort, ISSUE_SORTS, "i.id")
    return paginate(db, _visible_issues(), keys, limit=limit, cursor=cursor)


def issues_by_id(db: Database, ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    marks = ", ".join(f":id{n}" for n in range(len(ids)))
    query = _visible_issues().filter(
        f"i.id IN ({marks})", **{f"id{n}": issue_id for n, issue_id in enumerate(sorted(ids))}
    )
    return {row["id"]: row for row in rows(db, *query.sql())}


LATEST = "latest"
_NEWEST_FIRST = " ORDER BY COALESCE(i.published_on, '') DESC, i.number DESC"


def issue_clause(ref: str, name: str) -> tuple[str, dict[str, Any]]:
    """`i.id` matching an issue reference: an id, a slug, or `latest`, the newest visible
    issue (a slug is never `latest`: it is reserved)."""
    if ref == LATEST:
        newest = _visible_issues()
        newest.select = "i.id"
        sql, params = newest.sql(_NEWEST_FIRST + " LIMIT 1")
        return f"i.id = ({sql})", params
    return ref_clause("i", ref, name)


def get_issue(db: Database, ref: str) -> dict[str, Any] | None:
    clause, params = issue_clause(ref, "ref")
    return one(db, *_visible_issues().filter(clause, **params).sql())


def latest_issue(db: Database) -> dict[str, Any] | None:
    return get_issue(db, LATEST)
