"""What `flask export` reads and what `flask import` sets after the writer has written.

Content itself is written by api.importer.write.write_document and the functions of
api.store.writes; this module only reads whole tables for an export and puts back what
the writer decides by itself on a fresh write (timestamps, positions, deletion times).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .common import rows, scalar

CONTENT_TABLES = (
    "issues",
    "articles",
    "sections",
    "terms",
    "article_terms",
    "questions",
    "sources",
)


def has_content(db: Database) -> bool:
    """Whether any content row exists (deleted ones included)."""
    return any(scalar(db, f"SELECT EXISTS (SELECT 1 FROM {t})", {}) for t in CONTENT_TABLES)


def issues(db: Database) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT id, number, slug, title, published_on, status, created_at, updated_at,"
        " deleted_at FROM issues ORDER BY id",
        {},
    )


def terms(db: Database) -> list[dict[str, Any]]:
    return rows(db, "SELECT id, slug, term, created_at FROM terms ORDER BY id", {})


def articles(db: Database) -> list[dict[str, Any]]:
    """Every article, deleted ones included, in the order they were made."""
    return rows(
        db,
        "SELECT a.id, a.slug, a.position, a.created_at, a.updated_at, a.deleted_at,"
        " (SELECT i.number FROM issues i WHERE i.id = a.issue_id) AS issue_number"
        " FROM articles a ORDER BY a.id",
        {},
    )


def restore_issue_state(
    db: Database, issue_id: int, *, created_at: str, updated_at: str, deleted_at: str | None
) -> None:
    db.execute(
        "UPDATE issues SET created_at = :created_at, updated_at = :updated_at,"
        " deleted_at = :deleted_at WHERE id = :id",
        {
            "id": issue_id,
            "created_at": created_at,
            "updated_at": updated_at,
            "deleted_at": deleted_at,
        },
    )


def restore_article_state(
    db: Database,
    article_id: int,
    *,
    position: int,
    created_at: str,
    updated_at: str,
    deleted_at: str | None,
) -> None:
    db.execute(
        "UPDATE articles SET position = :position, created_at = :created_at,"
        " updated_at = :updated_at, deleted_at = :deleted_at WHERE id = :id",
        {
            "id": article_id,
            "position": position,
            "created_at": created_at,
            "updated_at": updated_at,
            "deleted_at": deleted_at,
        },
    )


def restore_term_created(db: Database, slug: str, created_at: str) -> None:
    db.execute(
        "UPDATE terms SET created_at = :created_at WHERE slug = :slug",
        {"slug": slug, "created_at": created_at},
    )
