"""Readers for the blocks after the body: Background Information, Key Terms, questions.

Each reader takes the lines between its heading and the next block and returns
what it found, warning about every liberty it took (a missing number, a stray
list marker, a label on its own line). The sources block has its own module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import CANONICAL_HEADINGS, QUESTION_HEADINGS, kinds_line
from .document import Question, Term
from .layout import Layout, Paragraph
from .lines import Line, Warn
from .shapes import (
    ENDS_SENTENCE,
    LIST_MARKER,
    NUMBERED_HEADING,
    heading_number,
    heading_shape,
    split_label,
    without_emphasis,
    without_marker,
)
from .text import shorten

# The words in a questions heading that name a kind, and the kind each names.
_QUESTION_KINDS = {
    "debate": "debate",
    "essay": "essay",
    "discussion": "discussion",
    "discuss": "discussion",
}


@dataclass
class Subsection:
    """A background subsection while it is being read."""

    line: int
    number: int | None
    heading: str
    items: list[tuple[str, Paragraph]] = field(default_factory=list)  # (label, text)


def holds_subsections(body: list[Line]) -> bool:
    """Whether the lines under a background heading hold subsections or items, not prose."""
    return any(
        NUMBERED_HEADING.match(line.text) or split_label(without_marker(line.text)) for line in body
    )


def read_background(
    body: list[Line], heading: Line, layout: Layout, warn: Warn
) -> list[Subsection]:
    """The numbered subsections of ``Label: text`` items under the background heading."""
    subs: list[Subsection] = []
    pending: str | None = None  # a label that stood on its own line
    for offset, line in enumerate(body):
        following = body[offset + 1] if offset + 1 < len(body) else None
        plain = without_emphasis(line.text)
        numbered = NUMBERED_HEADING.match(plain)
        numbered_shape = numbered and heading_shape(numbered["rest"])
        if numbered and numbered_shape and not split_label(numbered["rest"]):
            number = heading_number(numbered)
            notes = numbered_shape[1] + (["markdown emphasis"] if plain != line.text else [])
            for note in notes:
                warn(line.no, f"background heading had {note}; removed it")
            if not plain.startswith(f"{number}. "):
                written = plain[: numbered.start("rest")].strip()
                warn(
                    line.no,
                    f"background subsection numbered as '{written}'; read it as '{number}.'",
                )
            if numbered_shape[0].endswith("?"):
                warn(line.no, f"read the question '{shorten(numbered_shape[0])}' as a heading")
            subs.append(Subsection(line.no, number, numbered_shape[0]))
            continue
        current = subs[-1] if subs else None
        text = line.text
        marker = LIST_MARKER.match(text)
        if marker and split_label(marker["rest"]):
            warn(line.no, f"background item had the list marker '{marker['marker']}'; removed it")
            text = marker["rest"]
        pair = split_label(text)
        last = current.items[-1][1] if current and current.items else None
        if last is not None and not pair and layout.continues(last, line, lists=True):
            last.add(line)
            continue
        shape = None if pair else heading_shape(text)
        if shape and following is not None and split_label(without_marker(following.text)):
            warn(
                line.no,
                f"background subsection '{shape[0]}' has no number; numbered it {len(subs) + 1}",
            )
            subs.append(Subsection(line.no, None, shape[0]))
            continue
        if shape and text.endswith(":") and following is not None and not following.gap:
            pending = shape[0]
            warn(
                line.no,
                f"label '{pending}' stands on its own line; read the next line as its text",
            )
            continue
        if pending:
            pair, pending = (pending, text, ":"), None
        if current is None:
            current = Subsection(heading.no, None, CANONICAL_HEADINGS["background"])
            subs.append(current)
            warn(
                line.no,
                "background item before any numbered subsection; put it in a"
                " subsection 'Background Information'",
            )
        if pair:
            label, item_text, separator = pair
            if separator != ":":
                warn(line.no, f"read '{separator}' between label and text as ':'")
            current.items.append((label, Paragraph.start(line, item_text)))
        elif last is not None:
            warn(
                line.no,
                "background line without a label; appended it to the item"
                f" '{current.items[-1][0] or shorten(last.parts[0], 30)}'",
            )
            last.add(line)
        else:
            warn(line.no, "background item without a label; kept it with an empty label")
            current.items.append(("", Paragraph.start(line, text)))
    return subs


def read_glossary(body: list[Line], known: list[Term], layout: Layout, warn: Warn) -> list[Term]:
    """The ``Term: definition`` entries of a glossary block; ``known`` holds earlier ones."""
    entries: list[tuple[str, Paragraph]] = []
    seen = {term.term.casefold(): term.definition for term in known}
    last: Paragraph | None = None
    for line in body:
        marker = LIST_MARKER.match(line.text)
        text = marker["rest"] if marker else line.text
        pair = split_label(text, glossary=True)
        # In wrapped text a "Word: more" line inside an unfinished definition continues it.
        if pair and (
            marker
            or last is None
            or line.gap
            or not layout.wrapped
            or ENDS_SENTENCE.search(last.last)
        ):
            term, definition, separator = pair
            term = term.rstrip(" *_")
            _note_marker(line, marker, "glossary", warn)
            if separator != ":":
                warn(line.no, f"read '{separator}' between term and definition as ':'")
            if term.casefold() in seen:
                same = seen[term.casefold()] == definition
                warn(
                    line.no,
                    f"term '{term}' is listed twice; kept the first{'' if same else ' definition'}",
                )
                last = None
                continue
            seen[term.casefold()] = definition
            last = Paragraph.start(line, definition)
            entries.append((term, last))
        elif last is not None and not marker and layout.continues(last, line, lists=True):
            last.add(line)
        elif last is not None and not marker:
            warn(
                line.no,
                f"glossary line without a term; appended it to the definition"
                f" of '{entries[-1][0]}'",
            )
            last.add(line)
        else:
            warn(
                line.no,
                f"glossary line '{shorten(text)}' has no definition; kept it as a term without one",
            )
            term = text.rstrip(" :")
            seen[term.casefold()] = ""
            last = Paragraph.start(line, "")
            entries.append((term, last))
    return [Term(term, para.text.strip()) for term, para in entries]


def _note_marker(line: Line, marker: re.Match[str] | None, block: str, warn: Warn) -> None:
    """Warn when a list line lacks the '- ' marker or uses another; a "Q1." label counts."""
    if marker is None:
        warn(line.no, f"{block} line has no '- ' marker; read it as a list item")
    elif "marker" in marker.groupdict() and marker["marker"] != "-":
        warn(line.no, f"{block} line has the marker '{marker['marker']}'; read it as '- '")


def read_questions(
    body: list[Line], heading: Line, known: list[Question], layout: Layout, warn: Warn
) -> list[Question]:
    """The questions of a questions block, each with its kinds; ``known`` holds earlier ones."""
    kinds = _question_kinds(heading.text)
    written = heading.text
    if not kinds:
        kinds = ["discussion"]
        warn(
            heading.no,
            f"'{written}' names no kind of question; read them as discussion questions",
        )
    elif written != QUESTION_HEADINGS.get(tuple(kinds)):
        warn(heading.no, f"read '{written}' as the questions heading (kinds: {', '.join(kinds)})")
    entries: list[tuple[Paragraph, list[str]]] = []
    last: Paragraph | None = None
    last_marked = False  # whether ``last`` began with a list marker or a "Q1." label
    for line in body:
        marker = LIST_MARKER.match(line.text)
        text = marker["rest"] if marker else line.text
        shape = None if marker else heading_shape(line.text, max_words=4)
        if shape and _question_kinds(shape[0]) and not line.text.endswith("?"):
            # "Debate:" / "Essay questions" inside the block: the kind of what follows.
            kinds = _question_kinds(shape[0])
            if line.text != kinds_line(kinds):
                warn(
                    line.no,
                    f"read '{line.text}' as the kind of the questions below it"
                    f" ({', '.join(kinds)})",
                )
            last = None
            continue
        numbered = re.match(r"^Q\s?\d{0,2}\s*[.:)]\s+(?P<rest>\S.*)$", text)
        if numbered:
            warn(line.no, f"removed the question label '{text[: numbered.start('rest')]}'")
            text, marker = numbered["rest"], marker or numbered
        if last is not None and not marker and layout.continues(last, line, lists=True):
            last.add(line)
            continue
        if last is not None and not marker and last_marked and _unfinished(last, line):
            # "- Should the West respond … against" / "North Korea and Russia?": one question.
            warn(
                line.no,
                f"the question on line {last.line} does not end in '?' or '.';"
                " read this line as its continuation",
            )
            last.add(line)
            continue
        _note_marker(line, marker, "question", warn)
        last, last_marked = Paragraph.start(line, text), marker is not None
        entries.append((last, list(kinds)))
    questions: list[Question] = []
    seen = {question.text.casefold() for question in known}
    for para, entry_kinds in entries:
        text = para.text
        if text.casefold() in seen:
            warn(para.line, "question is listed twice; kept it once")
            continue
        seen.add(text.casefold())
        questions.append(Question(text=text, kinds=entry_kinds))
    return questions


def _unfinished(entry: Paragraph, line: Line) -> bool:
    """Whether ``line`` carries on ``entry``: it stands straight under an entry with no stop."""
    return not line.gap and not ENDS_SENTENCE.search(entry.last)


def _question_kinds(heading: str) -> list[str]:
    """The kinds of question ("debate", "essay", "discussion") a heading names, sorted."""
    found = {
        _QUESTION_KINDS[word]
        for word in re.findall(r"debate|essay|discussion|discuss", heading.casefold())
    }
    return sorted(found)
