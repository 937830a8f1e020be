"""Articles and what hangs off them: sections, glossary entries, questions, sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .common import FORMAT_SUFFIX, as_id, fts_query, loads, one, ref_clause, visible_article
from .glossary import ARTICLE_TERM_COLUMNS
from .pagination import Page, Query, SortKey, paginate, sort_keys
from .questions import QUESTION_COLUMNS, shape_question
from .sources import SOURCE_COLUMNS

ARTICLE_SORTS = {
    "published_at": SortKey("published_at", "a.published_at"),
    "title": SortKey("title", "a.title COLLATE NOCASE"),
    "updated_at": SortKey("updated_at", "a.updated_at"),
}
RELATED = ("sections", "glossary", "questions", "sources", "issue")


def _article_columns(fmt: str) -> str:
    return (
        "a.id, a.slug, a.title, a.lede" + FORMAT_SUFFIX[fmt] + " AS lede, a.issue_id,"
        " a.published_at, a.status, a.word_count, a.reading_minutes, a.reading_level,"
        " a.created_at, a.updated_at, '/v1/articles/' || a.slug AS url"
    )


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
    query = Query(_article_columns(fmt), "articles a")
    query.filter(visible_article(query.params))
    if filters.issue is not None:
        clause, value = ref_clause("i", filters.issue)
        query.filter(f"a.issue_id IN (SELECT i.id FROM issues i WHERE {clause})", value)
    if filters.published_after:
        query.filter("a.published_at >= ?", filters.published_after)
    if filters.published_before:
        query.filter("a.published_at < ?", filters.published_before)
    if filters.updated_since:
        query.filter("a.updated_at >= ?", filters.updated_since)
    if filters.term is not None:
        clause, value = ref_clause("t", filters.term)
        query.filter(
            "a.id IN (SELECT at.article_id FROM article_terms at"
            f" JOIN terms t ON t.id = at.term_id WHERE {clause})",
            value,
        )
    if filters.q:
        # Never raw: user text as FTS syntax breaks on c++, foo" or -x.
        match = fts_query(filters.q)
        if match is None:
            query.filter("0")
        else:
            query.filter(
                "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", match
            )
    keys = sort_keys(sort, ARTICLE_SORTS, "a.id")
    return paginate(db, query, keys, limit=limit, cursor=cursor)


def get_article(db: Database, ref: str, fmt: str = "text") -> dict[str, Any] | None:
    params: list[Any] = []
    visible = visible_article(params)
    clause, value = ref_clause("a", ref)
    return one(
        db,
        f"SELECT {_article_columns(fmt)} FROM articles a WHERE {visible} AND {clause}",
        [*params, value],
    )


def articles_of_issue(db: Database, issue_id: int, fmt: str = "text") -> list[dict[str, Any]]:
    params: list[Any] = []
    visible = visible_article(params)
    return list(
        db.query(
            f"SELECT {_article_columns(fmt)} FROM articles a"
            f" WHERE {visible} AND a.issue_id = ? ORDER BY a.position, a.id",
            [*params, issue_id],
        )
    )


# Sections --------------------------------------------------------------------------------


def _section_columns(fmt: str) -> str:
    return (
        "s.id, s.article_id, s.kind, s.position, s.number, s.heading, s.anchor,"
        f" s.content{FORMAT_SUFFIX[fmt]} AS content,"
        " (SELECT a.updated_at FROM articles a WHERE a.id = s.article_id) AS last_modified"
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
    query = Query(_section_columns(fmt), "sections s").filter("s.article_id = ?", article_id)
    if kind:
        query.filter("s.kind = ?", kind)
    page = paginate(db, query, [SortKey("position", "s.position")], limit=limit, cursor=cursor)
    page.items = [_shape_section(r) for r in page.items]
    return page


def get_section(
    db: Database, article_id: int, ref: str, fmt: str = "text"
) -> dict[str, Any] | None:
    """A section by its anchor or its position in the article."""
    position = as_id(ref)
    column, value = ("s.position", position) if position is not None else ("s.anchor", ref)
    row = one(
        db,
        f"SELECT {_section_columns(fmt)} FROM sections s WHERE s.article_id = ? AND {column} = ?",
        [article_id, value],
    )
    return _shape_section(row) if row else None


# What include= embeds, fetched for many articles at once ------------------------------


def _grouped(rows: Iterable[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["article_id"]].append(row)
    return groups


def _marks(ids: list[int]) -> str:
    return ", ".join("?" for _ in ids)


def sections_for(
    db: Database, ids: list[int], fmt: str = "text"
) -> dict[int, list[dict[str, Any]]]:
    rows = db.query(
        f"SELECT {_section_columns(fmt)} FROM sections s WHERE s.article_id IN ({_marks(ids)})"
        " ORDER BY s.article_id, s.position",
        ids,
    )
    return _grouped(_shape_section(r) for r in rows)


def glossary_for(db: Database, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = db.query(
        f"SELECT at.article_id, {ARTICLE_TERM_COLUMNS} FROM article_terms at"
        f" JOIN terms t ON t.id = at.term_id WHERE at.article_id IN ({_marks(ids)})"
        " ORDER BY at.article_id, at.position",
        ids,
    )
    groups = _grouped(rows)
    for entries in groups.values():
        for entry in entries:
            del entry["article_id"]
    return groups


def questions_for(db: Database, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = db.query(
        f"SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.article_id IN ({_marks(ids)})"
        " ORDER BY q.article_id, q.position",
        ids,
    )
    return _grouped(shape_question(r) for r in rows)


def sources_for(db: Database, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    return _grouped(
        db.query(
            f"SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.article_id IN ({_marks(ids)})"
            " ORDER BY s.article_id, s.position",
            ids,
        )
    )


def attach_related(
    db: Database, articles: list[dict[str, Any]], include: Iterable[str], fmt: str = "text"
) -> list[dict[str, Any]]:
    """Embed what `include` names, one query per kind of content, not per article."""
    wanted = set(include)
    ids = [a["id"] for a in articles]
    if not ids or not wanted:
        return articles
    fetchers = {
        "sections": lambda: sections_for(db, ids, fmt),
        "glossary": lambda: glossary_for(db, ids),
        "questions": lambda: questions_for(db, ids),
        "sources": lambda: sources_for(db, ids),
    }
    for name, fetch in fetchers.items():
        if name in wanted:
            groups = fetch()
            for article in articles:
                article[name] = groups.get(article["id"], [])
    if "issue" in wanted:
        from .issues import issues_by_id

        issues = issues_by_id(db, {a["issue_id"] for a in articles if a["issue_id"]})
        for article in articles:
            article["issue"] = issues.get(article["issue_id"])
    return articles


def resolve_article_id(db: Database, ref: str) -> int | None:
    params: list[Any] = []
    visible = visible_article(params)
    clause, value = ref_clause("a", ref)
    row = one(db, f"SELECT a.id FROM articles a WHERE {visible} AND {clause}", [*params, value])
    return int(row["id"]) if row else None
