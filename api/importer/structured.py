"""A Document from structured fields (the editors' API's JSON), so HTTP writes reach the
one writer in the same form the parser gives it.

What the text format leaves to the parser is settled here the same way: anchors from
headings, background numbers from their order, a source's domain, publisher and date
from its URL, and the reading metrics.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..slugs import slugify
from .assemble import measure
from .dates import url_date
from .document import Document, IssueRef, Item, Question, Section, Source, Term
from .publishers import publisher_for, url_domain
from .text import Anchors

DEFAULT_QUESTION_KINDS = ["debate", "essay"]


def document_from_fields(fields: dict[str, Any], *, issue_number: int | None) -> Document:
    """`fields` as the article body schemas load them (already validated)."""
    anchors = Anchors()
    sections: list[Section] = []
    background = 0
    for given in fields.get("sections", []):
        if given["kind"] == "background":
            background += 1
            sections.append(
                Section(
                    kind="background",
                    heading=given["heading"],
                    number=background,
                    anchor=anchors.claim(f"background-{background}-{slugify(given['heading'])}"),
                    items=[Item(i["label"], i["text"]) for i in given["items"]],
                    id=given.get("id"),
                )
            )
        else:
            sections.append(
                Section(
                    kind="body",
                    heading=given["heading"],
                    anchor=anchors.claim(slugify(given["heading"])),
                    paragraphs=list(given["paragraphs"]),
                    id=given.get("id"),
                )
            )
    document = Document(
        title=fields["title"],
        slug=fields.get("slug") or slugify(fields["title"]),
        lede=fields["lede"],
        published_at=fields.get("published_at"),
        status=fields.get("status", "draft"),
        issue=IssueRef(number=issue_number) if issue_number is not None else None,
        sections=sections,
        sources=[source_from_url(s["url"], s.get("id")) for s in fields.get("sources", [])],
        glossary=[Term(t["term"], t["definition"]) for t in fields.get("glossary", [])],
        questions=[
            Question(q["text"], list(q.get("kinds") or DEFAULT_QUESTION_KINDS), id=q.get("id"))
            for q in fields.get("questions", [])
        ],
    )
    measure(document)
    return document


def source_from_url(url: str, source_id: int | None = None) -> Source:
    domain = url_domain(urlsplit(url).hostname or "")
    return Source(
        url=url,
        domain=domain,
        publisher=publisher_for(domain),
        published_on=url_date(url),
        id=source_id,
    )
