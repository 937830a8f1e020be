"""An article as a Document again, read back from its rows: what an edit over HTTP
starts from, so every write goes through the one writer whatever asked for it."""

from __future__ import annotations

from sqlite_utils import Database

from ..importer.document import Document, IssueRef, Item, Question, Section, Source, Term
from .common import loads, one, rows


def load_document(db: Database, article_id: int) -> Document | None:
    """The stored article (any status, not deleted), its children carrying their ids."""
    article = one(
        db,
        "SELECT a.*, i.number AS issue_number FROM articles a"
        " LEFT JOIN issues i ON i.id = a.issue_id WHERE a.id = :id AND a.deleted_at IS NULL",
        {"id": article_id},
    )
    if article is None:
        return None
    by_article = {"id": article_id}
    sections = [
        Section(
            kind=row["kind"],
            heading=row["heading"],
            anchor=row["anchor"],
            number=row["number"],
            paragraphs=loads(row["content"]) if row["kind"] == "body" else [],
            items=[Item(**i) for i in loads(row["content"])] if row["kind"] == "background" else [],
            id=row["id"],
        )
        for row in rows(
            db, "SELECT * FROM sections WHERE article_id = :id ORDER BY position", by_article
        )
    ]
    glossary = [
        Term(row["term"], row["definition"])
        for row in rows(
            db, "SELECT * FROM article_terms WHERE article_id = :id ORDER BY position", by_article
        )
    ]
    questions = [
        Question(row["text"], loads(row["kinds"]), id=row["id"])
        for row in rows(
            db, "SELECT * FROM questions WHERE article_id = :id ORDER BY position", by_article
        )
    ]
    sources = [
        Source(row["url"], row["domain"], row["publisher"], row["published_on"], id=row["id"])
        for row in rows(
            db, "SELECT * FROM sources WHERE article_id = :id ORDER BY position", by_article
        )
    ]
    number = article["issue_number"]
    return Document(
        title=article["title"],
        slug=article["slug"],
        lede=article["lede"],
        published_at=article["published_at"],
        status=article["status"],
        issue=IssueRef(number=number) if number is not None else None,
        sections=sections,
        sources=sources,
        glossary=glossary,
        questions=questions,
        word_count=article["word_count"],
        reading_minutes=article["reading_minutes"],
        reading_level=article["reading_level"],
    )
