"""A stored article read back whole, as the importer's Document: the way back to the editor.

``render_document`` (api.importer.canonical) turns the result into the plain text editors
write; importing that text again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..importer.document import Document, IssueRef, Item, Question, Section, Source, Term
from .common import ARTICLE_CHANGED_AT, VISIBLE_ARTICLE, loads, one, ref_clause
from .pagination import Query


@dataclass(frozen=True)
class StoredDocument:
    document: Document
    updated_at: str  # when the public last saw it change, for Last-Modified


def _document(db: Database, row: dict[str, Any]) -> Document:
    article_id = {"id": row["id"]}
    issue = None
    if row["issue_id"] is not None:
        found = one(
            db,
            "SELECT number, title, slug, published_on FROM issues WHERE id = :id",
            {"id": row["issue_id"]},
        )
        issue = IssueRef(**found) if found else None
    sections = []
    for section in db.query(
        "SELECT kind, number, heading, anchor, content FROM sections"
        " WHERE article_id = :id ORDER BY position",
        article_id,
    ):
        content = loads(section["content"])
        if section["kind"] == "background":
            items = [Item(item["label"], item["text"]) for item in content]
            sections.append(
                Section(
                    "background",
                    section["heading"],
                    section["anchor"],
                    section["number"],
                    [],
                    items,
                )
            )
        else:
            sections.append(Section("body", section["heading"], section["anchor"], None, content))
    sources = [
        Source(**source)
        for source in db.query(
            "SELECT url, domain, publisher, published_on FROM sources"
            " WHERE article_id = :id ORDER BY position",
            article_id,
        )
    ]
    glossary = [
        Term(term["term"], term["definition"])
        for term in db.query(
            "SELECT term, definition FROM article_terms WHERE article_id = :id ORDER BY position",
            article_id,
        )
    ]
    questions = [
        Question(question["text"], loads(question["kinds"]))
        for question in db.query(
            "SELECT text, kinds FROM questions WHERE article_id = :id ORDER BY position",
            article_id,
        )
    ]
    return Document(
        title=row["title"],
        slug=row["slug"],
        lede=row["lede"],
        published_at=row["published_at"],
        status=row["status"],
        issue=issue,
        sections=sections,
        sources=sources,
        glossary=glossary,
        questions=questions,
        word_count=row["word_count"],
        reading_minutes=row["reading_minutes"],
        reading_level=row["reading_level"],
    )


_COLUMNS = (
    "a.id, a.issue_id, a.slug, a.title, a.lede, a.published_at, a.status, a.word_count,"
    f" a.reading_minutes, a.reading_level, {ARTICLE_CHANGED_AT} AS changed_at"
)


def published_document(db: Database, ref: str) -> StoredDocument | None:
    """The visible article ``ref`` (id or slug) names, as a Document; None when there is none."""
    clause, params = ref_clause("a", ref, "ref")
    query = Query(_COLUMNS, "articles a").filter(VISIBLE_ARTICLE).filter(clause, **params)
    row = one(db, *query.sql())
    return StoredDocument(_document(db, row), row["changed_at"]) if row else None


def all_documents(db: Database) -> list[Document]:
    """Every stored article, drafts included, in a stable order (for exports by editors)."""
    rows = db.query(f"SELECT {_COLUMNS} FROM articles a ORDER BY a.slug")
    return [_document(db, row) for row in list(rows)]


def document_by_slug(db: Database, slug: str) -> Document | None:
    """The stored article with this slug, drafts included (for exports by editors)."""
    row = one(db, f"SELECT {_COLUMNS} FROM articles a WHERE a.slug = :slug", {"slug": slug})
    return _document(db, row) if row else None
