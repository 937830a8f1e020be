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

import orjson
from sqlite_utils import Database

from ..db import write_transaction
from ..slugs import slugify
from ..store import search_index, writes
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


def content_hash(document: Document, *, leave_out: tuple[str, ...] = ()) -> str:
    """Hash of what the document says (warnings aside), to tell an edit from a re-seed."""
    return _digest(document.to_dict(), leave_out)


def _digest(content: dict[str, Any], leave_out: tuple[str, ...] = ()) -> str:
    content = {key: value for key, value in content.items() if key not in ("warnings", *leave_out)}
    return "sha256:" + hashlib.sha256(_canonical_json(content)).hexdigest()


def _canonical_json(content: dict[str, Any]) -> bytes:
    """The stdlib's text (sorted keys, compact, UTF-8): stored hashes were made with it,
    and a re-seed of the same text must keep matching them. orjson writes the same bytes
    for strings (every code point), ints, None, bools, lists and dicts, at a tenth of
    the cost; floats it may write otherwise (1e-05 as 0.00001, NaN as null), so a float
    it does not write as repr() does sends the whole text to the stdlib. Document.to_dict
    has floats at the top level only (reading_level). tests/test_speed.py compares."""
    floats_agree = all(
        orjson.dumps(value) == repr(value).encode()
        for value in content.values()
        if isinstance(value, float)
    )
    if floats_agree:
        try:
            return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # an int past 64 bits, a lone surrogate: the stdlib decides
            pass
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode()


# What publishing changes (status and date): the body hash leaves it out.
_PUBLISHING = ("status", "published_at")


def body_hash(document: Document) -> str:
    """The content hash without what publishing changes (status and date)."""
    return content_hash(document, leave_out=_PUBLISHING)


def write_document(
    db: Database, document: Document, *, article_id: int | None = None
) -> WriteResult:
    """Raises WriteConflict (nothing written) when the document contradicts stored content.

    The article is the one with the document's slug, or, when `article_id` is given
    (an edit over HTTP, which may rename the slug), that one. Joins the caller's
    transaction when one is open (a route that checked If-Match first); the change log
    is written in the same transaction as the content."""
    with write_transaction(db):
        existing = _target(db, document.slug, article_id)
        # A deleted article's slug written again restores it, as a new article would be.
        live = existing if existing is not None and existing["deleted_at"] is None else None
        now = utc_now()
        # Hash what will be stored, so the article's canonical text (which states the date
        # and the issue as stored) imports back as "unchanged", as does the same file again.
        document = _as_stored(db, document, live, now)
        content = document.to_dict()  # once, for both hashes
        digest = _digest(content)
        if live is not None and live["content_hash"] == digest:
            return WriteResult("unchanged", live["id"], document.slug)
        before = writes.child_snapshot(db, live["id"]) if live else None
        issue_id = _issue_id(db, document, now)
        # The terms' slugs are known before their rows are: the lede is rendered in time to
        # be stored with the article's row, not in an UPDATE after it.
        linker = TermLinker(
            [LinkedTerm(entry.term, slugify(entry.term)) for entry in document.glossary]
        )
        hashes = (digest, _digest(content, _PUBLISHING))
        article_id = _write_article(db, document, issue_id, hashes, linker, now, existing)
        _write_terms(db, article_id, document, now)
        writes.replace_rows(db, "sections", article_id, _section_rows(document.sections, linker))
        writes.replace_rows(db, "questions", article_id, _question_rows(document))
        writes.replace_rows(db, "sources", article_id, _source_rows(document))
        changes = _article_changes(db, article_id, live, before, now)
        for changed_issue in {issue_id, existing["issue_id"] if existing else None}:
            if changed_issue is not None:
                changes.append(("issue", changed_issue, "updated"))
        writes.log_changes(db, changes, now)
        # Last: FTS5 keeps the new entries in memory only until the next statement journal.
        search_index.index_article(db, article_id, replace=existing is not None)
    return WriteResult("updated" if live else "created", article_id, document.slug)


def _target(db: Database, slug: str, article_id: int | None) -> dict[str, Any] | None:
    if article_id is None:
        return writes.find_article(db, slug)
    existing = writes.find_article_by_id(db, article_id)
    owner = writes.find_article(db, slug)
    if owner is not None and owner["id"] != article_id:
        raise WriteConflict(f"the slug {slug!r} belongs to article {owner['id']}")
    return existing


def _publicly_visible(status: str, published_at: str | None, now: str) -> bool:
    return status != "draft" and published_at is not None and published_at <= now


def _moment_moved_back(existing: dict[str, Any], stored: dict[str, Any], now: str) -> bool:
    """A scheduled moment that has come, moved earlier: the sync finds an article that
    turned visible by time through its published_at (api.store.sync), so from the new,
    earlier date a client whose last sync fell between the two never learns of its
    parts unless they are in the log. (Found by tests/test_sync.py's property.)"""
    old, new = existing["published_at"], stored["published_at"]
    return bool(
        old is not None and new is not None and new < old <= now and stored["status"] != "draft"
    )


def _article_changes(
    db: Database,
    article_id: int,
    existing: dict[str, Any] | None,
    before: dict[str, dict[int, str]] | None,
    now: str,
) -> list[tuple[str, int, str]]:
    """The change-log lines of the write, in order (type, item id, action): created /
    updated, and published / unpublished when what the public sees flips.
    A change of status alone is not an update. A scheduled article's publication is
    its moment passing, which the sync reads from the article itself."""
    changes: list[tuple[str, int, str]] = []
    stored = writes.find_article_by_id(db, article_id)
    visible = _publicly_visible(stored["status"], stored["published_at"], now)
    if existing is None:
        changes.append(("article", article_id, "created"))
        if visible:
            changes.append(("article", article_id, "published"))
    else:
        was_visible = _publicly_visible(existing["status"], existing["published_at"], now)
        # A change of status alone is publishing or unpublishing, not an update; a new
        # date on an article that stays visible (or hidden) is one.
        redated = stored["published_at"] != existing["published_at"] and visible == was_visible
        if stored["body_hash"] != existing["body_hash"] or redated:
            changes.append(("article", article_id, "updated"))
        if visible != was_visible:
            action = "published" if visible else "unpublished"
            changes.append(("article", article_id, action))
    after = writes.child_snapshot(db, article_id)
    if existing is not None and (
        # Its parts appear or vanish with it; a term's page lists its articles by title.
        visible != _publicly_visible(existing["status"], existing["published_at"], now)
        or (stored["title"], stored["slug"]) != (existing["title"], existing["slug"])
        or _moment_moved_back(existing, stored, now)
    ):
        for kind, now_rows in after.items():
            for item_id in now_rows.keys() & (before or {}).get(kind, {}).keys():
                changes.append((kind, item_id, "updated"))
    for kind, now_rows in after.items():
        old_rows = (before or {}).get(kind, {})
        for item_id in old_rows.keys() - now_rows.keys():
            changes.append((kind, item_id, "deleted" if kind != "term" else "updated"))
        for item_id, content in now_rows.items():
            if item_id not in old_rows:
                changes.append((kind, item_id, "created" if kind != "term" else "updated"))
            elif old_rows[item_id] != content:
                changes.append((kind, item_id, "updated"))
    return changes


def _as_stored(
    db: Database, document: Document, existing: dict[str, Any] | None, now: str
) -> Document:
    """The document with what the writer fills in: the date and the issue's details.

    An article with no date anywhere is published at the moment of its first import;
    an edit without a date keeps the date it has. The issue's title, slug and date are
    the stored issue's (or the defaults a new issue gets) where the text does not state them.
    """
    # A draft may stay undated: it gets the moment it is published.
    publish_now = None if document.status == "draft" else now
    published_at = document.published_at or (existing or {}).get("published_at") or publish_now
    issue = document.issue
    if issue is not None:
        row = writes.issue_by_number(db, issue.number) or {
            "slug": f"issue-{issue.number}",
            "title": f"Issue {issue.number}",
            "published_on": published_at[:10] if published_at else None,
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
    hashes: tuple[str, str],
    linker: TermLinker,
    now: str,
    existing: dict[str, Any] | None,
) -> int:
    values: dict[str, Any] = {
        "issue_id": issue_id,
        "slug": document.slug,
        "title": document.title,
        "lede": document.lede,
        "lede_html": linker.html(document.lede),
        "lede_markdown": linker.markdown(document.lede),
        "status": document.status,
        "word_count": document.word_count,
        "reading_minutes": document.reading_minutes,
        "reading_level": document.reading_level,
        "body_text": _body_text(document),
        "content_hash": hashes[0],
        "body_hash": hashes[1],
        "updated_at": now,
        "deleted_at": None,  # writing a deleted article's slug again restores it
    }
    values["published_at"] = document.published_at  # settled by _as_stored
    if existing is None:
        return writes.insert_article(
            db,
            {**values, "position": writes.next_position(db, issue_id), "created_at": now},
        )
    if existing["issue_id"] != issue_id:
        values["position"] = writes.next_position(db, issue_id)
    writes.update_article(db, existing["id"], values)
    return int(existing["id"])


def _write_terms(db: Database, article_id: int, document: Document, now: str) -> None:
    uses = []
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
    writes.replace_article_terms(db, article_id, uses)


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
                "id": section.id,
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
    return [{"id": q.id, "text": q.text, "kinds": _json(q.kinds)} for q in document.questions]


def _source_rows(document: Document) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "url": s.url,
            "domain": s.domain,
            "publisher": s.publisher,
            "published_on": s.published_on,
        }
        for s in document.sources
    ]


def _json(value: Any) -> str:
    # orjson writes the same text as json.dumps(ensure_ascii=False, compact separators)
    # for lists and dicts of strings, at a tenth of the cost.
    return orjson.dumps(value).decode()
