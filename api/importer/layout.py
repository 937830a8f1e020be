"""How the document lays out paragraphs, and the rule for joining lines that follows from it.

Most documents put one paragraph on one line. A document is *hard-wrapped* when
lines inside a paragraph run on in lowercase at least twice; then every run of
lines without a blank between them is one paragraph. In one-line-per-paragraph
documents only a line that plainly continues the one before is joined, with a
warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .blocks import block_kind
from .lines import Line, Warn
from .shapes import ENDS_SENTENCE, LIST_MARKER, URL, first_word, starts_lowercase
from .text import MINOR_WORDS, word_set

# A line that breaks off on a comma, a hyphen or a word like "the" has more to come.
_DANGLING = re.compile(
    r"(?:,|\b(?:"
    + "|".join(sorted(MINOR_WORDS | word_set("that which its their")))
    + r")|[A-Za-z]-)$"
)


@dataclass(slots=True)
class Paragraph:
    """A paragraph (or list entry) being read; lines are kept apart until the end."""

    line: int
    parts: list[str]
    last: str  # the last physical line, for join decisions
    end: int = 0  # the 1-based line of the last physical line

    @classmethod
    def start(cls, line: Line, text: str | None = None) -> Paragraph:
        return cls(line.no, [line.text if text is None else text], line.text, line.no)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add(self, line: Line) -> None:
        # A hyphen or dash at the end of a wrapped line belongs to the word it splits.
        glue = "" if re.search(r"[A-Za-z][-–—]$", self.last) else " "
        self.parts.append(glue + line.text)
        self.last = line.text
        self.end = line.no


class Layout:
    """Whether paragraphs are hard-wrapped, and when a line carries on the one before it."""

    def __init__(self, lines: list[Line], warn: Warn) -> None:
        self._warn = warn
        # Paragraphs (or list entries) whose hard-wrapped lines were joined, reported at the end.
        self._joined: dict[int, tuple[Paragraph, str]] = {}
        self.wrapped, self._width = _detect_wrapping(lines)

    def report_joins(self) -> None:
        """One warning per hard-wrapped paragraph or entry that was joined, naming its lines."""
        for para, what in self._joined.values():
            self._warn(
                para.line, f"joined the hard-wrapped lines {para.line}–{para.end} into {what}"
            )
        self._joined.clear()

    def broke_before(self, text: str, following: str) -> bool:
        """Whether a hard-wrapped line ``text`` was full: ``following``'s first word would not fit.

        A wrapped paragraph's lines run to the width; a heading or a finished entry leaves room.
        """
        return self.wrapped and len(text) + 1 + len(first_word(following)) > self._width

    def continues(self, previous: Paragraph, line: Line, *, lists: bool = False) -> bool:
        """Whether ``line`` carries on the paragraph (or list entry) before it."""
        if line.gap:
            return False
        if self.wrapped:
            # In lists a complete line ends the entry unless the wrap was forced.
            if (
                lists
                and ENDS_SENTENCE.search(previous.last)
                and not starts_lowercase(line.text)
                and not self.broke_before(previous.last, line.text)
            ):
                return False
            self._joined.setdefault(
                id(previous), (previous, "one entry" if lists else "one paragraph")
            )
            return True
        if starts_lowercase(line.text):
            self._warn(line.no, "line starts in lowercase; joined it to the line before")
            return True
        if _DANGLING.search(previous.last):
            self._warn(
                line.no, f"line {line.no - 1} breaks off mid-sentence; joined this line to it"
            )
            return True
        return False


def _detect_wrapping(lines: list[Line]) -> tuple[bool, int]:
    """Whether paragraphs are hard-wrapped, and the widest line that was wrapped.

    The evidence is a prose line that stops mid-sentence with the next line running
    on in lowercase; one such pair may be a slip, two make a habit.
    """
    widths = [
        len(before.text)
        for before, line in pairwise(lines)
        if not line.gap
        and len(before.text) >= 30
        and not ENDS_SENTENCE.search(before.text)
        and starts_lowercase(line.text)
        and not LIST_MARKER.match(line.text)
        and not URL.match(line.text)
        and not URL.match(before.text)
        and not block_kind(line.text)
    ]
    return len(widths) >= 2, max(widths, default=0)
