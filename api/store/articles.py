"""Articles and what hangs off them: sections, glossary entries, questions, sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .common import (
    ARTICLE_CHANGED_AT,
    ARTICLE_STATUS,
    FORMAT_SUFFIX,
    ISSUE_OF_ARTICLE,
    VISIBLE_ARTICLE,
    as_id,
    loads,
    one,
    ref_clause,
    rows,
)
from .glossary import ARTICLE_TERM_COLUMNS, ARTICLE_TERMS_SOURCE
from .issues import issue_clause, issues_by_id
from .pagination import Page, Query, SortKey, paginate, sort_keys
from .questions import QUESTION_COLUMNS, shape_question
from .search import article_match
from .sources import SOURCE_COLUMNS

ARTICLE_SORTS = {
    "published_at": SortKey("published_at", "a.published_at"),
    "title": SortKey("title", "a.title COLLATE NOCASE"),
    "updated_at": SortKey("updated_at", ARTICLE_CHANGED_AT),
}
RELATED = ("sections", "glossary", "questions", "sources", "issue")


def _article_columns(fmt: str) -> str:
    # A visible scheduled article is, for its readers, simply published.
    return (
        f"a.id, a.slug, a.title, a.lede{FORMAT_SUFFIX[fmt]} AS lede, a.issue_id,"
        f" a.published_at, {ARTICLE_STATUS} AS status, a.word_count, a.reading_minutes,"
        " a.reading_level, a.created_at,"
        f" {ARTICLE_CHANGED_AT} AS updated_at, {ISSUE_OF_ARTICLE}"
    )


def visible_articles(fmt: str) -> Query:
    return Query(_article_columns(fmt), "articles a").filter(VISIBLE_ARTICLE)


@dataclass
class ArticleFilters:
    issue: str | None = None
    published_after: str | None = None
    published_before: str | None = None
    updated_since: str | None = None
    term: str | None = None
    q: str | None = None


def list_articles(
    db: Database,
    filters: ArticleFilters,
    *,
    sort: list[tuple[str, bool]],
    limit: int,
    cursor: str | None,
    fmt: str = "text",
) -> Page:
    query = visible_articles(fmt)
    if filters.issue is not None:
        clause, params = issue_clause(filters.issue, "issue")
        query.filter(f"a.issue_id IN (SELECT i.id FROM issues i WHERE {clause})", **params)
    if filters.published_after:
        query.filter("a.published_at >= :after", after=filters.published_after)
    if filters.published_before:
        query.filter("a.published_at < :before", before=filters.published_before)
    if filters.updated_since:
        query.filter(f"{ARTICLE_CHANGED_AT} >= :since", since=filters.updated_since)
    if filters.term is not None:
        clause, params = ref_clause("t", filters.term, "term")
        query.filter(
            "a.id IN (SELECT at.article_id FROM article_terms at"
            f" JOIN terms t ON t.id = at.term_id WHERE {clause})",
            **params,
        )
    if filters.q:
        # The same matcher and index as /v1/search, so the two agree.
        clause, params = article_match(filters.q)
        query.filter(clause, **params)
    keys = sort_keys(sort, ARTICLE_SORTS, "a.id")
    return paginate(db, query, keys, limit=limit, cursor=cursor)


def get_article(db: Database, ref: str, fmt: str = "text") -> dict[str, Any] | None:
    clause, params = ref_clause("a", ref, "ref")
    return one(db, *visible_articles(fmt).filter(clause, **params).sql())


def resolve_article_id(db: Database, ref: str) -> int | None:
    clause, params = ref_clause("a", ref, "ref")
    row = one(
        db, *Query("a.id", "articles a").filter(VISIBLE_ARTICLE).filter(clause, **params).sql()
    )
    return int(row["id"]) if row else None


def articles_of_issue(db: Database, issue_id: int, fmt: str = "text") -> list[dict[str, Any]]:
    query = visible_articles(fmt).filter("a.issue_id = :issue_id", issue_id=issue_id)
    return rows(db, *query.sql(" ORDER BY a.position, a.id"))


# Sections --------------------------------------------------------------------------------


def _section_columns(fmt: str) -> str:
    return (
        "s.id, s.article_id, s.kind, s.position, s.number, s.heading, s.anchor,"
        f" s.content{FORMAT_SUFFIX[fmt]} AS content,"
        f" (SELECT {ARTICLE_CHANGED_AT} FROM articles a WHERE a.id = s.article_id)"
        " AS last_modified"
    )


def _shape_section(row: dict[str, Any]) -> dict[str, Any]:
    content = loads(row.pop("content"))
    body = row["kind"] == "body"
    row["paragraphs"] = content if body else None
    row["items"] = None if body else content
    return row


def list_sections(
    db: Database,
    article_id: int,
    *,
    kind: str | None,
    limit: int,
    cursor: str | None,
    fmt: str = "text",
) -> Page:
    query = Query(_section_columns(fmt), "sections s").filter(
        "s.article_id = :article_id", article_id=article_id
    )
    if kind:
        query.filter("s.kind = :kind", kind=kind)
    page = paginate(db, query, [SortKey("position", "s.position")], limit=limit, cursor=cursor)
    page.items = [_shape_section(r) for r in page.items]
    return page


def get_section(
    db: Database, article_id: int, ref: str, fmt: str = "text"
) -> dict[str, Any] | None:
    """A section by its anchor or its position in the article."""
    position = as_id(ref)
    clause = "s.position = :ref" if position is not None else "s.anchor = :ref"
    query = Query(_section_columns(fmt), "sections s").filter(
        f"s.article_id = :article_id AND {clause}",
        article_id=article_id,
        ref=ref if position is None else position,
    )
    row = one(db, *query.sql())
    return _shape_section(row) if row else None


# What include= embeds, fetched for many articles at once ------------------------------

Rows = dict[int, list[dict[str, Any]]]


def _grouped(rows: Iterable[dict[str, Any]], *, keep_article_id: bool = True) -> Rows:
    groups: Rows = defaultdict(list)
    for row in rows:
        article_id = row["article_id"] if keep_article_id else row.pop("article_id")
        groups[article_id].append(row)
    return groups


def _for_articles(db: Database, columns: str, source: str, ids: list[int]) -> Any:
    marks = ", ".join(f":id{i}" for i in range(len(ids)))
    alias = source.split()[1]
    return rows(
        db,
        f"SELECT {columns} FROM {source} WHERE {alias}.article_id IN ({marks})"
        f" ORDER BY {alias}.article_id, {alias}.position",
        {f"id{i}": article_id for i, article_id in enumerate(ids)},
    )


def attach_related(
    db: Database, articles: list[dict[str, Any]], include: Iterable[str], fmt: str = "text"
) -> list[dict[str, Any]]:
    """Embed what `include` names, one query per kind of content, not per article."""
    wanted = set(include)
    ids = [a["id"] for a in articles]
    if not ids or not wanted:
        return articles
    fetchers: dict[str, Callable[[], Rows]] = {
        "sections": lambda: _grouped(
            _shape_section(r) for r in _for_articles(db, _section_columns(fmt), "sections s", ids)
        ),
        "glossary": lambda: _grouped(
            _for_articles(db, f"at.article_id, {ARTICLE_TERM_COLUMNS}", ARTICLE_TERMS_SOURCE, ids),
            keep_article_id=False,
        ),
        "questions": lambda: _grouped(
            shape_question(r) for r in _for_articles(db, QUESTION_COLUMNS, "questions q", ids)
        ),
        "sources": lambda: _grouped(_for_articles(db, SOURCE_COLUMNS, "sources s", ids)),
    }
    for name, fetch in fetchers.items():
        if name in wanted:
            groups = fetch()
            for article in articles:
                article[name] = groups.get(article["id"], [])
    if "issue" in wanted:
        issues = issues_by_id(db, {a["issue_id"] for a in articles if a["issue_id"]})
        for article in articles:
            article["issue"] = issues.get(article["issue_id"])
    return articles
