"""Writing one article and its parts. The caller owns the transaction (api.db.write_transaction).

Ids are AUTOINCREMENT and child rows keep their id position by position across
edits, so an id a client holds always names the same thing or nothing.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .common import one


class WriteConflict(ValueError):
    """The content contradicts what is stored (e.g. an issue slug taken by another number)."""


def find_article(db: Database, slug: str) -> dict[str, Any] | None:
    return one(
        db,
        "SELECT id, issue_id, content_hash, published_at FROM articles WHERE slug = :slug",
        {"slug": slug},
    )


def find_issue(db: Database, number: int) -> dict[str, Any] | None:
    return one(
        db,
        "SELECT slug, title, published_on FROM issues WHERE number = :number",
        {"number": number},
    )


def upsert_issue(
    db: Database, number: int, stated: dict[str, Any], defaults: dict[str, Any], now: str
) -> int:
    """The issue with this number, created if new; only what the editor stated explicitly
    overrides an existing one."""
    row = one(db, "SELECT * FROM issues WHERE number = :number", {"number": number})
    wanted = {**defaults, **stated}
    slug_owner = one(db, "SELECT number FROM issues WHERE slug = :slug", {"slug": wanted["slug"]})
    if slug_owner and slug_owner["number"] != number and (row is None or "slug" in stated):
        raise WriteConflict(
            f"issue slug {wanted['slug']!r} already belongs to issue {slug_owner['number']}"
        )
    if row is None:
        cursor = db.execute(
            "INSERT INTO issues (number, slug, title, published_on, status, created_at,"
            " updated_at) VALUES (:number, :slug, :title, :published_on, 'published', :now, :now)",
            {"number": number, **wanted, "now": now},
        )
        return int(cursor.lastrowid)
    changed = {key: value for key, value in stated.items() if row[key] != value}
    if changed:
        assignments = ", ".join(f"{key} = :{key}" for key in changed)
        db.execute(
            f"UPDATE issues SET {assignments}, updated_at = :now WHERE id = :id",
            {**changed, "now": now, "id": row["id"]},
        )
    return int(row["id"])


def next_position(db: Database, issue_id: int | None) -> int:
    if issue_id is None:
        return 1
    row = one(
        db,
        "SELECT COALESCE(MAX(position), 0) + 1 AS next FROM articles WHERE issue_id = :issue_id",
        {"issue_id": issue_id},
    )
    return int(row["next"]) if row else 1


def insert_article(db: Database, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join(f":{column}" for column in values)
    return int(db.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", values).lastrowid)


def update_article(db: Database, article_id: int, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    db.execute(f"UPDATE articles SET {assignments} WHERE id = :id", {**values, "id": article_id})


def term_id(db: Database, slug: str, term: str, now: str) -> int:
    """The shared row for a term, created on first use."""
    row = one(db, "SELECT id FROM terms WHERE slug = :slug", {"slug": slug})
    if row is not None:
        return int(row["id"])
    cursor = db.execute(
        "INSERT INTO terms (slug, term, created_at) VALUES (:slug, :term, :now)",
        {"slug": slug, "term": term, "now": now},
    )
    return int(cursor.lastrowid)


def replace_article_terms(db: Database, article_id: int, uses: list[dict[str, Any]]) -> None:
    db.execute("DELETE FROM article_terms WHERE article_id = :id", {"id": article_id})
    for use in uses:
        db.execute(
            "INSERT OR IGNORE INTO article_terms (article_id, term_id, position, term, definition)"
            " VALUES (:article_id, :term_id, :position, :term, :definition)",
            {"article_id": article_id, **use},
        )


CHILD_TABLES = ("sections", "questions", "sources")


def replace_rows(db: Database, table: str, article_id: int, rows: list[dict[str, Any]]) -> None:
    """Rewrite an article's child rows, reusing the old id at each position."""
    if table not in CHILD_TABLES:
        raise ValueError(f"not a child table: {table}")
    old_ids = {
        r["position"]: r["id"]
        for r in db.query(
            f"SELECT id, position FROM {table} WHERE article_id = :id", {"id": article_id}
        )
    }
    db.execute(f"DELETE FROM {table} WHERE article_id = :id", {"id": article_id})
    for position, row in enumerate(rows, start=1):
        values = {
            "id": old_ids.get(position),
            "article_id": article_id,
            "position": position,
            **row,
        }
        columns = ", ".join(values)
        marks = ", ".join(f":{column}" for column in values)
        db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


def set_lede_formats(db: Database, article_id: int, html: str, markdown: str) -> None:
    db.execute(
        "UPDATE articles SET lede_html = :html, lede_markdown = :markdown WHERE id = :id",
        {"html": html, "markdown": markdown, "id": article_id},
    )
