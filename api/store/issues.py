"""Newsletter issues (editions) and the bundle of one whole edition for offline reading."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from sqlite_utils import Database

from ..timefmt import utc_now
from .articles import RELATED, articles_of_issue, attach_related
from .common import VISIBLE_ARTICLE, VISIBLE_ISSUE, one, ref_clause
from .pagination import Page, Query, SortKey, paginate, sort_keys

ISSUE_SORTS = {
    "published_on": SortKey("published_on", "COALESCE(i.published_on, '')"),
    "number": SortKey("number", "i.number"),
}


_ITS_ARTICLES = f"FROM articles a WHERE a.issue_id = i.id AND {VISIBLE_ARTICLE}"


def _issue_query() -> Query:
    columns = (
        "i.id, i.number, i.slug, i.title, i.published_on, i.status,"
        f" (SELECT COUNT(*) {_ITS_ARTICLES}) AS article_count, i.created_at, i.updated_at,"
        f" MAX(i.updated_at, COALESCE((SELECT MAX(a.updated_at) {_ITS_ARTICLES}), ''))"
        " AS last_modified, '/v1/issues/' || i.slug AS url"
    )
    now = utc_now()
    query = Query(columns, "issues i", select_params=[now, now])
    # An edition shows once something in it is published: no empty shells in the app.
    return query.filter(VISIBLE_ISSUE).filter(f"EXISTS (SELECT 1 {_ITS_ARTICLES})", now)


def list_issues(
    db: Database, *, sort: list[tuple[str, bool]], limit: int, cursor: str | None
) -> Page:
    keys = sort_keys(sort, ISSUE_SORTS, "i.id")
    return paginate(db, _issue_query(), keys, limit=limit, cursor=cursor)


def issues_by_id(db: Database, ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    query = _issue_query().filter(f"i.id IN ({', '.join('?' for _ in ids)})", *sorted(ids))
    return {row["id"]: row for row in db.query(*query.sql())}


def get_issue(db: Database, ref: str, fmt: str = "text") -> dict[str, Any] | None:
    clause, value = ref_clause("i", ref)
    query = _issue_query().filter(clause, value)
    issue = one(db, *query.sql())
    if issue is not None:
        issue["articles"] = articles_of_issue(db, issue["id"], fmt)
    return issue


def latest_issue(db: Database) -> dict[str, Any] | None:
    query = _issue_query()
    newest_first = " ORDER BY COALESCE(i.published_on, '') DESC, i.number DESC LIMIT 1"
    issue = one(db, *query.sql(newest_first))
    if issue is not None:
        issue["articles"] = articles_of_issue(db, issue["id"])
    return issue


def issue_bundle(db: Database, ref: str, fmt: str = "text") -> dict[str, Any] | None:
    """The whole edition, every article complete, with a hash of its content."""
    issue = get_issue(db, ref, fmt)
    if issue is None:
        return None
    related = [name for name in RELATED if name != "issue"]
    attach_related(db, issue["articles"], related, fmt)
    digest = hashlib.sha256(orjson.dumps(issue, option=orjson.OPT_SORT_KEYS)).hexdigest()
    issue["content_hash"] = f"sha256:{digest}"
    return issue
