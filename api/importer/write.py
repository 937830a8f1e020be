"""Store one parsed Document: all of it or nothing, and nothing at all when unchanged.

The article's slug is its identity: writing a document whose slug exists updates
that article in place, keeping the ids of its rows position by position, so
clients holding an id (a section, a question) keep a working link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database

from ..db import write_transaction
from ..slugs import slugify
from ..timefmt import utc_now
from .document import Document, IssueRef, Section
from .render import LinkedTerm, TermLinker

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class WriteResult:
    outcome: Outcome
    article_id: int
    slug: str


def content_hash(document: Document) -> str:
    """Hash of what the document says (warnings aside), to tell an edit from a re-seed."""
    content = document.to_dict()
    content.pop("warnings", None)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def write_document(db: Database, document: Document) -> WriteResult:
    digest = content_hash(document)
    with write_transaction(db):
        existing = _one(db, "SELECT id, content_hash FROM articles WHERE slug = ?", document.slug)
        if existing and existing["content_hash"] == digest:
            return WriteResult("unchanged", existing["id"], document.slug)
        now = utc_now()
        issue_id = _upsert_issue(db, document.issue, document.published_at, now)
        article_id = _upsert_article(db, document, issue_id, digest, now, existing)
        linker = TermLinker(_replace_terms(db, article_id, document, now))
        _replace_rows(db, "sections", article_id, _section_rows(document.sections, linker))
        _replace_rows(db, "questions", article_id, _question_rows(document))
        _replace_rows(db, "sources", article_id, _source_rows(document))
        db.execute(
            "UPDATE articles SET lede_html = ?, lede_markdown = ? WHERE id = ?",
            [linker.html(document.lede), linker.markdown(document.lede), article_id],
        )
    return WriteResult("updated" if existing else "created", article_id, document.slug)


def _one(db: Database, sql: str, *params: Any) -> dict[str, Any] | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


def _upsert_issue(
    db: Database, ref: IssueRef | None, published_at: str | None, now: str
) -> int | None:
    if ref is None:
        return None
    wanted = {
        "number": ref.number,
        "slug": ref.slug or f"issue-{ref.number}",
        "title": ref.title or f"Issue {ref.number}",
        "published_on": ref.published_on or (published_at[:10] if published_at else None),
    }
    row = _one(db, "SELECT * FROM issues WHERE number = ?", ref.number)
    if row is None:
        cursor = db.execute(
            "INSERT INTO issues (number, slug, title, published_on, status, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, 'published', ?, ?)",
            [*wanted.values(), now, now],
        )
        return int(cursor.lastrowid)
    # Only what the front matter states explicitly overrides an existing issue.
    stated = {
        key: value
        for key, value in wanted.items()
        if getattr(ref, key, None) is not None and row[key] != value
    }
    if stated:
        assignments = ", ".join(f"{key} = ?" for key in stated)
        db.execute(
            f"UPDATE issues SET {assignments}, updated_at = ? WHERE id = ?",
            [*stated.values(), now, row["id"]],
        )
    return int(row["id"])


def _body_text(document: Document) -> str:
    parts: list[str] = []
    for section in document.sections:
        parts.append(section.heading)
        parts.extend(section.paragraphs)
        parts.extend(f"{item.label}: {item.text}" for item in section.items)
    return "\n".join(parts)


def _upsert_article(
    db: Database,
    document: Document,
    issue_id: int | None,
    digest: str,
    now: str,
    existing: dict[str, Any] | None,
) -> int:
    values = {
        "issue_id": issue_id,
        "slug": document.slug,
        "title": document.title,
        "lede": document.lede,
        "lede_html": "",  # rendered once the article's terms are known
        "lede_markdown": "",
        "status": document.status,
        "word_count": document.word_count,
        "reading_minutes": document.reading_minutes,
        "reading_level": document.reading_level,
        "body_text": _body_text(document),
        "content_hash": digest,
        "updated_at": now,
    }
    if existing is None:
        values["published_at"] = document.published_at or now
        values["position"] = _next_position(db, issue_id)
        values["created_at"] = now
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = db.execute(
            f"INSERT INTO articles ({columns}) VALUES ({marks})", list(values.values())
        )
        return int(cursor.lastrowid)
    article_id = int(existing["id"])
    if document.published_at:
        values["published_at"] = document.published_at
    current = _one(db, "SELECT issue_id FROM articles WHERE id = ?", article_id)
    if current and current["issue_id"] != issue_id:
        values["position"] = _next_position(db, issue_id)
    assignments = ", ".join(f"{column} = ?" for column in values)
    db.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), article_id])
    return article_id


def _next_position(db: Database, issue_id: int | None) -> int:
    if issue_id is None:
        return 1
    row = _one(
        db,
        "SELECT COALESCE(MAX(position), 0) + 1 AS next FROM articles WHERE issue_id = ?",
        issue_id,
    )
    return int(row["next"]) if row else 1


def _replace_terms(db: Database, article_id: int, document: Document, now: str) -> list[LinkedTerm]:
    db.execute("DELETE FROM article_terms WHERE article_id = ?", [article_id])
    linked: list[LinkedTerm] = []
    for position, entry in enumerate(document.glossary, start=1):
        slug = slugify(entry.term)
        row = _one(db, "SELECT id FROM terms WHERE slug = ?", slug)
        if row is None:
            term_id = int(
                db.execute(
                    "INSERT INTO terms (slug, term, definition, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [slug, entry.term, entry.definition, now, now],
                ).lastrowid
            )
        else:
            # Each article keeps its own wording (below); the API reads the shared entry
            # from the newest visible article, so nothing here is overwritten.
            term_id = int(row["id"])
        db.execute(
            "INSERT OR IGNORE INTO article_terms (article_id, term_id, position, definition)"
            " VALUES (?, ?, ?, ?)",
            [article_id, term_id, position, entry.definition],
        )
        linked.append(LinkedTerm(entry.term, slug))
    return linked


def _section_rows(sections: Iterable[Section], linker: TermLinker) -> list[dict[str, Any]]:
    rows = []
    for section in sections:
        if section.kind == "background":
            plain: Any = [{"label": i.label, "text": i.text} for i in section.items]
            html: Any = [{"label": i.label, "text": linker.html(i.text)} for i in section.items]
            markdown: Any = [
                {"label": i.label, "text": linker.markdown(i.text)} for i in section.items
            ]
        else:
            plain = list(section.paragraphs)
            html = [linker.html(p) for p in section.paragraphs]
            markdown = [linker.markdown(p) for p in section.paragraphs]
        rows.append(
            {
                "kind": section.kind,
                "number": section.number,
                "heading": section.heading,
                "anchor": section.anchor,
                "content": _json(plain),
                "content_html": _json(html),
                "content_markdown": _json(markdown),
            }
        )
    return rows


def _question_rows(document: Document) -> list[dict[str, Any]]:
    return [{"text": q.text, "kinds": _json(q.kinds)} for q in document.questions]


def _source_rows(document: Document) -> list[dict[str, Any]]:
    return [
        {
            "url": s.url,
            "domain": s.domain,
            "publisher": s.publisher,
            "published_on": s.published_on,
        }
        for s in document.sources
    ]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _replace_rows(db: Database, table: str, article_id: int, rows: list[dict[str, Any]]) -> None:
    """Rewrite an article's child rows, reusing the old id at each position."""
    old_ids = {
        r["position"]: r["id"]
        for r in db.query(f"SELECT id, position FROM {table} WHERE article_id = ?", [article_id])
    }
    db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
    for position, row in enumerate(rows, start=1):
        values = {
            "id": old_ids.get(position),
            "article_id": article_id,
            "position": position,
            **row,
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
