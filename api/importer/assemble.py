"""From what the body pass found to a Document: sections, title, date and reading metrics.

The last stage. It checks that the article has a lede and some structure, settles
the title (front matter, title line, or one derived from the lede) and the
publication date (front matter, dateline, the lede, a source URL, the issue), and
reports repeated paragraphs and sentences.
"""

from __future__ import annotations

from ..slugs import slugify
from .blocks import BLOCK_NAMES
from .body import Content
from .dates import find_date, midnight_utc
from .document import Document, DocumentError, Item, Section
from .frontmatter import FrontMatter
from .layout import Paragraph
from .lines import Line, Warn
from .readability import flesch_kincaid_grade, reading_minutes, word_count
from .shapes import without_inline_emphasis
from .text import Anchors, shorten
from .titles import derive_title, split_sentences, title_case


def assemble(front: FrontMatter, found: Content, lines: list[Line], warn: Warn) -> Document:
    """The Document, or DocumentError when there is no real lede or no structure at all."""
    body_paras = [p for _, _, paras in found.body for p in paras]
    _strip_emphasis([*found.lede, *body_paras], warn)
    lede_paras = [p for p in found.lede if p.text]
    lede = "\n\n".join(p.text for p in lede_paras)
    if len(lede.split()) < 4:
        raise DocumentError(
            lede_paras[0].line if lede_paras else lines[0].no,
            f"the lede '{shorten(lede)}' is too short to be a paragraph",
        )
    anchors = Anchors()
    sections: list[Section] = []
    for heading_line, heading, paras in found.body:
        if not paras:
            continue
        sections.append(
            Section(
                kind="body",
                heading=heading,
                anchor=anchors.claim(slugify(heading)),
                paragraphs=[p.text for p in paras],
                line=heading_line.no,
            )
        )
    for position, sub in enumerate(found.background, start=1):
        if not sub.items:
            raise DocumentError(sub.line, f"background subsection '{sub.heading}' has no items")
        if sub.number is not None and sub.number != position:
            warn(sub.line, f"background subsection numbered {sub.number}; renumbered it {position}")
        sections.append(
            Section(
                kind="background",
                heading=sub.heading,
                number=position,
                anchor=anchors.claim(f"background-{position}-{slugify(sub.heading)}"),
                items=[Item(label=label, text=para.text) for label, para in sub.items],
                line=sub.line,
            )
        )
    if not sections and not (found.sources or found.glossary or found.questions):
        raise DocumentError(
            lede_paras[0].line,
            "no structure: the text has no headed section and none of the known blocks"
            " (sources, Background Information, Key Terms, questions)",
        )
    _warn_missing_blocks(found, lines, warn)

    title = front.title or found.title
    if front.title and found.title and front.title.casefold() != found.title.casefold():
        warn(
            found.title_line,
            f"title line '{found.title}' differs from the front matter title;"
            " used the front matter title",
        )
    elif front.title and found.title:
        warn(
            found.title_line, "the first line repeats the front matter title; read it as the title"
        )
    if not title:
        title = derive_title(lede)
        warn(lede_paras[0].line, f"no title line; derived the title '{title}' from the lede")
    elif not front.title and title == title.upper() and any(ch.isalpha() for ch in title):
        # A title line in capitals is re-cased; front matter says exactly what is meant.
        warn(found.title_line, f"title '{title}' is in capitals; title-cased it")
        title = title_case(title.lower())

    _warn_repeats(lede_paras + body_paras, warn)

    document = Document(
        title=title,
        slug=front.slug or slugify(title),
        lede=lede,
        published_at=front.published_at or _published_at(lede_paras, found, front, warn),
        status=front.status or "published",
        issue=front.issue,
        sections=sections,
        sources=found.sources.items,
        glossary=found.glossary,
        questions=found.questions,
    )
    measure(document)
    return document


def measure(document: Document) -> None:
    """Set the document's word count, reading minutes and reading level from its text.

    Words count the lede, body paragraphs and background items (label and text); headings,
    glossary, questions and sources are apparatus. The reading level is the prose alone.
    """
    paragraphs = [p for s in document.sections for p in s.paragraphs]
    prose = "\n".join([document.lede, *paragraphs])
    items = [f"{i.label} {i.text}" for s in document.sections for i in s.items]
    document.word_count = word_count("\n".join([prose, *items]))
    document.reading_minutes = reading_minutes(document.word_count)
    document.reading_level = flesch_kincaid_grade(prose)


def _warn_missing_blocks(found: Content, lines: list[Line], warn: Warn) -> None:
    """Warn about each known block left out, at the line where it was expected.

    That is the heading of the next block that is present (the blocks come in the order
    of ``BLOCK_NAMES``), or the article's last line when none follows.
    """
    order = list(BLOCK_NAMES)
    seen = dict(found.blocks_seen)
    if "sources" not in seen and found.sources:
        seen["sources"] = min(found.sources.lines.values())
    for position, (kind, name) in enumerate(BLOCK_NAMES.items()):
        if kind in seen:
            continue
        later = [seen[k] for k in order[position + 1 :] if k in seen]
        warn(min(later) if later else lines[-1].no, f"no {name} block")


def _strip_emphasis(paragraphs: list[Paragraph], warn: Warn) -> None:
    """Markdown emphasis in prose is formatting the API does not carry: drop the markers."""
    for para in paragraphs:
        text, removed = without_inline_emphasis(para.text)
        if removed:
            para.parts = [text]
            marks = "', '".join(removed)
            warn(para.line, f"removed the markdown emphasis markers '{marks}' from the paragraph")


def _published_at(
    lede: list[Paragraph], found: Content, front: FrontMatter, warn: Warn
) -> str | None:
    """The date the front matter did not give, from the likeliest place that states one."""
    if found.dateline:
        day, line = found.dateline
        warn(line, f"no published_at in the front matter; used the dateline ({day.isoformat()})")
        return midnight_utc(day)
    # The first lede paragraph that states a date (the first may be a subtitle).
    stated, where = next(
        ((found_date, para.line) for para in lede if (found_date := find_date(para.text))),
        (None, lede[0].line),
    )
    if stated:
        day, words = stated
        warn(
            where,
            f"no published_at in the front matter; used the date the lede states ('{words}')",
        )
        return midnight_utc(day)
    dated = next((source for source in found.sources if source.published_on), None)
    if dated and dated.published_on:
        which = (
            "the first source URL"
            if dated is found.sources.items[0]
            else f"the source URL {shorten(dated.url)}"
        )
        warn(
            found.sources.lines.get(dated.url, where),  # the line the editor would fix
            f"no published_at in the front matter or the lede; used the date in {which}"
            f" ({dated.published_on})",
        )
        return midnight_utc(dated.published_on)
    if front.issue and front.issue.published_on:
        warn(1, f"no published_at; used the issue's date ({front.issue.published_on})")
        return midnight_utc(front.issue.published_on)
    warn(
        1,
        "no published_at in the front matter, the lede, the source URLs or the issue;"
        " the article will be published at the moment it is imported",
    )
    return None


def _warn_repeats(paragraphs: list[Paragraph], warn: Warn) -> None:
    """Repeated paragraphs and sentences are kept (the editor may mean them) but reported."""
    first_paragraph: dict[str, int] = {}
    first_sentence: dict[str, int] = {}
    for para in paragraphs:
        key = " ".join(para.text.casefold().split())
        if key in first_paragraph:
            warn(
                para.line,
                f"paragraph repeats the one on line {first_paragraph[key]} verbatim; kept both",
            )
            continue
        first_paragraph[key] = para.line
        for sentence in split_sentences(para.text):
            if len(sentence.split()) < 6:
                continue
            skey = " ".join(sentence.casefold().split())
            if skey in first_sentence:
                where = first_sentence[skey]
                place = "earlier in this paragraph" if where == para.line else f"on line {where}"
                warn(
                    para.line,
                    f"sentence '{shorten(sentence, 50)}' repeats one {place} verbatim; kept both",
                )
            else:
                first_sentence[skey] = para.line
