"""The structured form of one editor document: what the parser produces and the writer stores.

Plain dataclasses, no database and no Flask: the parser builds them, the writer
reads them, and ``to_dict`` gives the JSON the CLI prints (the same names the API uses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SectionKind = Literal["body", "background"]
Status = Literal["draft", "scheduled", "published"]


@dataclass(frozen=True)
class Warning:
    """Something the parser had to guess, with the 1-based line it concerns."""

    line: int
    message: str


@dataclass
class Item:
    """One ``Label: text`` entry of a background subsection."""

    label: str
    text: str


@dataclass
class Section:
    kind: SectionKind
    heading: str
    anchor: str
    number: int | None = None  # background subsections only
    paragraphs: list[str] = field(default_factory=list)  # body only
    items: list[Item] = field(default_factory=list)  # background only
    line: int = 0  # where the heading stood, for messages
    # The stored row, when the section comes from the database (an edit over HTTP):
    # written back under the same id. Never part of the content or its hash.
    id: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "heading": self.heading, "anchor": self.anchor}
        if self.kind == "background":
            data["number"] = self.number
            data["items"] = [{"label": item.label, "text": item.text} for item in self.items]
        else:
            data["paragraphs"] = list(self.paragraphs)
        return data


@dataclass
class Source:
    url: str
    domain: str
    publisher: str | None = None
    published_on: str | None = None  # YYYY-MM-DD when the URL carries a date
    id: int | None = field(default=None, compare=False)  # as for Section.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "domain": self.domain,
            "publisher": self.publisher,
            "published_on": self.published_on,
        }


@dataclass
class Term:
    term: str
    definition: str

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "definition": self.definition}


@dataclass
class Question:
    text: str
    kinds: list[str] = field(default_factory=list)
    id: int | None = field(default=None, compare=False)  # as for Section.id

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kinds": list(self.kinds)}


@dataclass
class IssueRef:
    """The newsletter issue an article belongs to, as front matter names it."""

    number: int
    title: str | None = None
    slug: str | None = None
    published_on: str | None = None  # YYYY-MM-DD

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "slug": self.slug,
            "published_on": self.published_on,
        }


@dataclass
class Document:
    title: str
    slug: str
    lede: str
    published_at: str | None  # RFC 3339, UTC, e.g. "2024-06-19T00:00:00Z"
    status: Status = "published"
    issue: IssueRef | None = None
    sections: list[Section] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    glossary: list[Term] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    word_count: int = 0
    reading_minutes: int = 0
    reading_level: float | None = None  # Flesch–Kincaid grade
    # Whether the text said its status, or the caller's default was taken.
    status_stated: bool = field(default=True, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "slug": self.slug,
            "lede": self.lede,
            "published_at": self.published_at,
            "status": self.status,
            "issue": self.issue.to_dict() if self.issue else None,
            "word_count": self.word_count,
            "reading_minutes": self.reading_minutes,
            "reading_level": self.reading_level,
            "sections": [s.to_dict() for s in self.sections],
            "sources": [s.to_dict() for s in self.sources],
            "glossary": [t.to_dict() for t in self.glossary],
            "questions": [q.to_dict() for q in self.questions],
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
        }


class DocumentError(ValueError):
    """The text cannot be made sense of. ``line`` is 1-based, 0 for the whole text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message
