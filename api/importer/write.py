"""Store one parsed Document: all of it or nothing, and nothing at all when unchanged.

The article's slug is its identity: writing a document whose slug exists updates
that article in place (same ids). The SQL lives in api.store.writes; this module
decides what to write and renders the text formats once, at write time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any, Literal

from sqlite_utils import Database

from ..db import write_transaction
from ..slugs import slugify
from ..store import writes
from ..store.writes import WriteConflict
from ..timefmt import utc_now
from .document import Document, IssueRef, Section
from .render import LinkedTerm, TermLinker

Outcome = Literal["created", "updated", "unchanged"]

__all__ = ["WriteConflict", "WriteResult", "content_hash", "write_document"]


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
    """Raises WriteConflict (nothing written) when the document contradicts stored content."""
    with write_transaction(db):
        existing = writes.find_article(db, document.slug)
        now = utc_now()
        # Hash what will be stored, so the article's canonical text (which states the date
        # and the issue as stored) imports back as "unchanged", as does the same file again.
        document = _as_stored(db, document, existing, now)
        digest = content_hash(document)
        if existing and existing["content_hash"] == digest:
            return WriteResult("unchanged", existing["id"], document.slug)
        issue_id = _issue_id(db, document, now)
        article_id = _write_article(db, document, issue_id, digest, now, existing)
        linker = TermLinker(_write_terms(db, article_id, document, now))
        writes.replace_rows(db, "sections", article_id, _section_rows(document.sections, linker))
        writes.replace_rows(db, "questions", article_id, _question_rows(document))
        writes.replace_rows(db, "sources", article_id, _source_rows(document))
        writes.set_lede_formats(
            db, article_id, linker.html(document.lede), linker.markdown(document.lede)
        )
    return WriteResult("updated" if existing else "created", article_id, document.slug)


def _as_stored(
    db: Database, document: Document, existing: dict[str, Any] | None, now: str
) -> Document:
    """The document with what the writer fills in: the date and the issue's details.

    An article with no date anywhere is published at the moment of its first import;
    an edit without a date keeps the date it has. The issue's title, slug and date are
    the stored issue's (or the defaults a new issue gets) where the text does not state them.
    """
    published_at = document.published_at or (existing or {}).get("published_at") or now
    issue = document.issue
    if issue is not None:
        row = writes.find_issue(db, issue.number) or {
            "slug": f"issue-{issue.number}",
            "title": f"Issue {issue.number}",
            "published_on": published_at[:10],
        }
        issue = IssueRef(
            number=issue.number,
            title=issue.title if issue.title is not None else row["title"],
            slug=issue.slug if issue.slug is not None else row["slug"],
            published_on=(
                issue.published_on if issue.published_on is not None else row["published_on"]
            ),
        )
    return replace(document, published_at=published_at, issue=issue)


def _issue_id(db: Database, document: Document, now: str) -> int | None:
    ref = document.issue
    if ref is None:
        return None
    stated = {
        key: getattr(ref, key)
        for key in ("slug", "title", "published_on")
        if getattr(ref, key) is not None
    }
    published = document.published_at[:10] if document.published_at else None
    defaults = {
        "slug": f"issue-{ref.number}",
        "title": f"Issue {ref.number}",
        "published_on": published,
    }
    return writes.upsert_issue(db, ref.number, stated, defaults, now)


def _body_text(document: Document) -> str:
    """Everything a reader can search for, besides the title and lede."""
    parts: list[str] = []
    for section in document.sections:
        parts.append(section.heading)
        parts.extend(section.paragraphs)
        parts.extend(f"{item.label}: {item.text}" for item in section.items)
    parts.extend(f"{t.term}: {t.definition}" for t in document.glossary)
    parts.extend(q.text for q in document.questions)
    return "\n".join(parts)


def _write_article(
    db: Database,
    document: Document,
    issue_id: int | None,
    digest: str,
    now: str,
    existing: dict[str, Any] | None,
) -> int:
    values: dict[str, Any] = {
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
        return writes.insert_article(
            db,
            {
                **values,
                "published_at": document.published_at or now,
                "position": writes.next_position(db, issue_id),
                "created_at": now,
            },
        )
    if document.published_at:  # an edit without a date keeps the one it had
        values["published_at"] = document.published_at
    if existing["issue_id"] != issue_id:
        values["position"] = writes.next_position(db, issue_id)
    writes.update_article(db, existing["id"], values)
    return int(existing["id"])


def _write_terms(db: Database, article_id: int, document: Document, now: str) -> list[LinkedTerm]:
    uses = []
    linked = []
    for position, entry in enumerate(document.glossary, start=1):
        slug = slugify(entry.term)
        term_id = writes.term_id(db, slug, entry.term, now)
        uses.append(
            {
                "term_id": term_id,
                "position": position,
                "term": entry.term,
                "definition": entry.definition,
            }
        )
        linked.append(LinkedTerm(entry.term, slug))
    writes.replace_article_terms(db, article_id, uses)
    return linked


def _section_rows(sections: list[Section], linker: TermLinker) -> list[dict[str, Any]]:
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
        {"url": s.url, "domain": s.domain, "publisher": s.publisher, "published_on": s.published_on}
        for s in document.sources
    ]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
