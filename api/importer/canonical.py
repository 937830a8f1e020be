"""Document -> the canonical editors' plain text: the way back from the database to the editor.

``render_document`` writes what ``parse_document`` reads without a guess: front matter
with what the text itself cannot say (slug, issue, status, published_at), the title
line, the lede, the body sections, the sources block, Background Information, Key
Terms and Concepts and Debate/Essay Questions, each part apart from the next by a
blank line. No footer. Pure: no database, no Flask, no files.

The promise, which tests/test_canonical.py checks: ``parse_document(render_document(d))``
holds the same content as ``d`` and adds no warning of its own; only the notes the
document itself deserves come back (a block it lacks, a sentence it repeats).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .blocks import CANONICAL_HEADINGS, QUESTION_HEADINGS, kinds_line
from .document import Document, IssueRef, Question, Source
from .publishers import publisher_for
from .shapes import heading_shape, is_title_case


def render_document(document: Document) -> str:
    """The canonical plain text of ``document``, ending in one newline."""
    parts: list[str] = []
    title_line = _reads_as_title_line(document.title)
    parts.append(_front_matter(document, with_title=not title_line))
    if title_line:
        parts.append(document.title)
    parts.extend(document.lede.split("\n\n"))
    for section in document.sections:
        if section.kind == "body":
            parts.append(section.heading)
            parts.extend(section.paragraphs)
    if document.sources:
        parts.append(
            "\n".join([CANONICAL_HEADINGS["sources"], *(_source_line(s) for s in document.sources)])
        )
    background = [s for s in document.sections if s.kind == "background"]
    if background:
        parts.append(CANONICAL_HEADINGS["background"])
        for position, section in enumerate(background, start=1):
            items = [f"{item.label}: {item.text}" for item in section.items]
            parts.append("\n".join([f"{position}. {section.heading}", *items]))
    if document.glossary:
        entries = [f"- {t.term}: {t.definition}" for t in document.glossary]
        parts.append("\n".join([CANONICAL_HEADINGS["glossary"], *entries]))
    parts.extend(_question_groups(document.questions))
    return "\n\n".join(parts) + "\n"


def _reads_as_title_line(title: str) -> bool:
    """Whether the title stands as a title line with nothing to strip or to guess.

    Any other title (a derived one ending in "…", one in sentence case, one with a
    subtitle after a colon, one in capitals that a title line would re-case) goes into
    the front matter instead.
    """
    shape = heading_shape(title, max_words=20)
    shouting = title == title.upper() and any(ch.isalpha() for ch in title)
    return shape is not None and shape == (title, []) and is_title_case(title) and not shouting


def _yaml(value: str) -> str:
    """A YAML scalar for ``value``: a JSON string is a valid double-quoted YAML scalar."""
    return json.dumps(value, ensure_ascii=False)


def _front_matter(document: Document, *, with_title: bool) -> str:
    lines = ["---"]
    if with_title:
        lines.append(f"title: {_yaml(document.title)}")
    lines.append(f"slug: {_yaml(document.slug)}")
    lines.extend(_issue_lines(document.issue))
    lines.append(f"status: {document.status}")
    if document.published_at:
        lines.append(f"published_at: {_yaml(document.published_at)}")
    lines.append("---")
    return "\n".join(lines)


def _issue_lines(issue: IssueRef | None) -> Iterator[str]:
    if issue is None:
        return
    stated = {
        key: getattr(issue, key)
        for key in ("title", "slug", "published_on")
        if getattr(issue, key) is not None
    }
    if not stated:
        yield f"issue: {issue.number}"
        return
    yield "issue:"
    yield f"  number: {issue.number}"
    for key, value in stated.items():
        yield f"  {key}: {_yaml(value)}"


def _source_line(source: Source) -> str:
    if source.publisher and source.publisher != publisher_for(source.domain):
        # A name the editor gave an unknown site: "Name: URL" names its publisher.
        return f"{source.publisher}: {source.url}"
    return source.url


def _question_groups(questions: list[Question]) -> Iterator[str]:
    """The questions block: a heading naming the first questions' kinds, then a line naming
    the kinds of each later run of questions of other kinds ("Essay:")."""
    if not questions:
        return
    kinds = questions[0].kinds
    lines = [QUESTION_HEADINGS.get(tuple(kinds), CANONICAL_HEADINGS["questions"])]
    for question in questions:
        if question.kinds != kinds:
            kinds = question.kinds
            lines.append(kinds_line(kinds))
        lines.append(f"- {question.text}")
    yield "\n".join(lines)
