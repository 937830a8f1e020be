"""Writing one article and its parts. The caller owns the transaction (api.db.write_transaction).

Ids are AUTOINCREMENT and child rows keep their id position by position across
edits, so an id a client holds always names the same thing or nothing.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .common import inserted_id, one, rows


class WriteConflict(ValueError):
    """The content contradicts what is stored (e.g. an issue slug taken by another number)."""


def find_article(db: Database, slug: str) -> dict[str, Any] | None:
    """The article with this slug, deleted or not (a slug names one article for good)."""
    return one(
        db,
        f"SELECT {_STATE} FROM articles WHERE slug = :slug",
        {"slug": slug},
    )


_STATE = "id, slug, title, issue_id, content_hash, body_hash, status, published_at, deleted_at"


def find_article_by_id(db: Database, article_id: int) -> dict[str, Any]:
    found = one(db, f"SELECT {_STATE} FROM articles WHERE id = :id", {"id": article_id})
    if found is None:
        raise LookupError(f"no article {article_id}")
    return found


def child_snapshot(db: Database, article_id: int) -> dict[str, dict[int, str]]:
    """Each child row's content by id, to tell what a write created, changed or removed."""
    return {
        "question": {
            r["id"]: f"{r['text']}\x1f{r['kinds']}"
            for r in rows(db, "SELECT * FROM questions WHERE article_id = :id", {"id": article_id})
        },
        "source": {
            r["id"]: r["url"]
            for r in rows(db, "SELECT * FROM sources WHERE article_id = :id", {"id": article_id})
        },
        "term": {
            r["term_id"]: f"{r['term']}\x1f{r['definition']}"
            for r in rows(
                db, "SELECT * FROM article_terms WHERE article_id = :id", {"id": article_id}
            )
        },
    }


def log_change(
    db: Database, kind: str, item_id: int, action: str, now: str, *, cause: str | None = None
) -> None:
    """One line of the change log, in the writer's transaction: the sync reads it, and so
    do webhooks (api.webhooks turns the lines into events before the commit). What the
    item looks like is decided when it is read, never stored. `cause` is None for a write,
    "schedule" when the line only records a moment passing (the sync reads that from the
    content itself)."""
    values = {"now": now, "type": kind, "id": item_id, "action": action}
    if cause is None:  # the columns every schema since m003 has
        db.execute(
            "INSERT INTO changes (at, type, item_id, action) VALUES (:now, :type, :id, :action)",
            values,
        )
        return
    db.execute(
        "INSERT INTO changes (at, type, item_id, action, cause)"
        " VALUES (:now, :type, :id, :action, :cause)",
        {**values, "cause": cause},
    )


def log_changes(db: Database, entries: list[tuple[str, int, str]], now: str) -> None:
    """Lines of (type, item id, action), all at `now`, in order: what log_change writes
    for each, in one INSERT (a dozen a document when seeding)."""
    if not entries:
        return
    marks = ", ".join(f"(:now, :type_{n}, :id_{n}, :action_{n})" for n in range(len(entries)))
    params: dict[str, Any] = {"now": now}
    for n, (kind, item_id, action) in enumerate(entries):
        params[f"type_{n}"], params[f"id_{n}"], params[f"action_{n}"] = kind, item_id, action
    db.conn.execute(f"INSERT INTO changes (at, type, item_id, action) VALUES {marks}", params)


def _issue_visible(row: dict[str, Any], now: str) -> bool:
    """The public sees it (store.common.VISIBLE_ISSUE, for one row)."""
    day = row.get("published_on")
    return row["status"] == "published" and (day is None or day <= now[:10])


def issue_by_number(db: Database, number: int) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM issues WHERE number = :number", {"number": number})


def issue_by_slug(db: Database, slug: str) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM issues WHERE slug = :slug", {"slug": slug})


def insert_issue(db: Database, values: dict[str, Any], now: str) -> int:
    cursor = db.execute(
        "INSERT INTO issues (number, slug, title, published_on, status, created_at, updated_at)"
        " VALUES (:number, :slug, :title, :published_on, :status, :now, :now)",
        {**values, "now": now},
    )
    issue_id = inserted_id(cursor)
    log_change(db, "issue", issue_id, "created", now)
    if _issue_visible(values, now):
        log_change(db, "issue", issue_id, "published", now)
    return issue_id


def update_issue(db: Database, issue_id: int, values: dict[str, Any], now: str) -> None:
    """A change of what the public sees is publishing or unpublishing, not an update."""
    before = one(db, "SELECT * FROM issues WHERE id = :id", {"id": issue_id})
    assignments = ", ".join(f"{key} = :{key}" for key in values)
    db.execute(
        f"UPDATE issues SET {assignments}, deleted_at = NULL, updated_at = :now WHERE id = :id",
        {**values, "now": now, "id": issue_id},
    )
    if before is None:
        log_change(db, "issue", issue_id, "updated", now)
        return
    was, now_visible = _issue_visible(before, now), _issue_visible(values, now)
    others = any(
        before.get(k) != v for k, v in values.items() if k not in ("status", "published_on")
    )
    if others or was == now_visible:
        log_change(db, "issue", issue_id, "updated", now)
    if was != now_visible:
        log_change(db, "issue", issue_id, "published" if now_visible else "unpublished", now)


def live_articles_in_issue(db: Database, issue_id: int) -> int:
    row = one(
        db,
        "SELECT COUNT(*) AS n FROM articles WHERE issue_id = :id AND deleted_at IS NULL",
        {"id": issue_id},
    )
    return int(row["n"]) if row else 0


def delete_issue(db: Database, issue_id: int, now: str) -> None:
    db.execute(
        "UPDATE issues SET deleted_at = :now, updated_at = :now WHERE id = :id",
        {"id": issue_id, "now": now},
    )
    log_change(db, "issue", issue_id, "deleted", now)


def articles_using_term(db: Database, term_id: int) -> list[int]:
    """Every live article (any status) whose glossary has the term."""
    return [
        int(r["article_id"])
        for r in rows(
            db,
            "SELECT at.article_id FROM article_terms at JOIN articles a ON a.id = at.article_id"
            " WHERE at.term_id = :id AND a.deleted_at IS NULL ORDER BY at.article_id",
            {"id": term_id},
        )
    ]


def issue_number(db: Database, issue_id: int) -> int | None:
    row = one(
        db,
        "SELECT number FROM issues WHERE id = :id AND deleted_at IS NULL",
        {"id": issue_id},
    )
    return int(row["number"]) if row else None


def delete_article(db: Database, article_id: int, now: str) -> None:
    """A soft delete: the row stays (ids are never reused) and leaves tombstones in the
    change log for the article, its questions and sources; its terms and issue change."""
    state = find_article_by_id(db, article_id)
    db.execute(
        "UPDATE articles SET deleted_at = :now, updated_at = :now WHERE id = :id",
        {"id": article_id, "now": now},
    )
    log_change(db, "article", article_id, "deleted", now)
    for kind, children in child_snapshot(db, article_id).items():
        for item_id in children:
            log_change(db, kind, item_id, "updated" if kind == "term" else "deleted", now)
    if state["issue_id"] is not None:
        log_change(db, "issue", state["issue_id"], "updated", now)


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
        issue_id = inserted_id(cursor)
        log_change(db, "issue", issue_id, "created", now)
        if _issue_visible({"status": "published", **wanted}, now):
            log_change(db, "issue", issue_id, "published", now)
        return issue_id
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
    return inserted_id(db.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", values))


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
    created = inserted_id(cursor)
    log_change(db, "term", created, "created", now)
    return created


def replace_article_terms(db: Database, article_id: int, uses: list[dict[str, Any]]) -> None:
    db.execute("DELETE FROM article_terms WHERE article_id = :id", {"id": article_id})
    _insert_rows(
        db,
        "INSERT OR IGNORE INTO article_terms",
        [{"article_id": article_id, **use} for use in uses],
    )


def _insert_rows(db: Database, insert: str, rows: list[dict[str, Any]]) -> None:
    """One INSERT for all the rows (same columns), in order.

    Why one statement: until m013 a statement whose triggers wrote to the FTS5 index ran
    with a statement journal, and opening one made FTS5 flush its pending terms as a new
    index segment (fts5's xSavepoint): a segment per row. The index is written by
    api.store.search_index since; one statement a table is still the fewest."""
    if not rows:
        return
    columns = list(rows[0])
    values = ", ".join(
        "(" + ", ".join(f":{column}_{n}" for column in columns) + ")" for n in range(len(rows))
    )
    params = {f"{column}_{n}": row[column] for n, row in enumerate(rows) for column in columns}
    db.execute(f"{insert} ({', '.join(columns)}) VALUES {values}", params)


CHILD_TABLES = ("sections", "questions", "sources")


def replace_rows(db: Database, table: str, article_id: int, new: list[dict[str, Any]]) -> None:
    """Rewrite an article's child rows. Rows that name their id (an edit over HTTP, which
    knows them) keep it and the others get new ones; rows from a text, which has no ids,
    reuse the old id at each position."""
    if table not in CHILD_TABLES:
        raise ValueError(f"not a child table: {table}")
    old_ids = {
        r["position"]: r["id"]
        for r in rows(
            db, f"SELECT id, position FROM {table} WHERE article_id = :id", {"id": article_id}
        )
    }
    owned = set(old_ids.values())
    by_identity = any(row.get("id") is not None for row in new)
    db.execute(f"DELETE FROM {table} WHERE article_id = :id", {"id": article_id})
    written = []
    for position, row in enumerate(new, start=1):
        given = row.get("id")
        kept = given if given in owned else None
        row_id = kept if by_identity else old_ids.get(position)
        written.append({**row, "id": row_id, "article_id": article_id, "position": position})
    _insert_rows(db, f"INSERT INTO {table}", written)
