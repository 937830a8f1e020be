"""The body pass: one walk over the content lines for the title, lede, sections and blocks.

It decides where each part starts and ends and hands the lines of a block to its
reader (``sources``, ``block_readers``); the result is a ``Content`` that
``assemble`` turns into a Document.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .block_readers import (
    Subsection,
    holds_subsections,
    read_background,
    read_glossary,
    read_questions,
)
from .blocks import BLOCK_NAMES, CANONICAL_HEADINGS, normalise_heading, opened_block
from .dates import find_date
from .document import DocumentError, Question, Term
from .layout import Layout, Paragraph
from .lines import Line, Warn
from .shapes import (
    ENDS_SENTENCE,
    NUMBERED_HEADING,
    URL,
    heading_shape,
    in_title_case,
    is_title_case,
    starts_lowercase,
    unusual_title,
)
from .sources import SourceList, add_sources, read_sources
from .text import shorten
from .titles import derive_title

# Labels editors put above (or in front of) the lede; they are not part of it.
_LEDE_LABELS = frozenset({"introduction", "intro", "overview", "summary", "lede", "lead"})
_LEDE_LABEL_PREFIX = re.compile(
    r"^(?:introduction|intro|overview|summary|lede|lead)\s*:\s+(?=\S)", re.IGNORECASE
)


@dataclass
class Content:
    """Everything the body pass collected, before titles, dates and metrics are settled."""

    title: str | None = None
    title_line: int = 0
    dateline: tuple[dt.date, int] | None = None  # a date on its own line above the lede
    lede: list[Paragraph] = field(default_factory=list)
    body: list[tuple[Line, str, list[Paragraph]]] = field(default_factory=list)  # line, heading
    background: list[Subsection] = field(default_factory=list)
    sources: SourceList = field(default_factory=SourceList)
    glossary: list[Term] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    blocks_seen: dict[str, int] = field(default_factory=dict)  # kind -> line of its heading


def read_content(lines: list[Line], warn: Warn, *, title: str | None = None) -> Content:
    """Everything the content lines hold, in the order the document gives it.

    ``title`` is the front matter's title, if it sets one: a lede line repeating it is
    left out of the lede.
    """
    return _BodyReader(lines, warn, title).run()


class _BodyReader:
    """One pass over the content lines: title, lede, body sections, then the blocks."""

    def __init__(self, lines: list[Line], warn: Warn, title: str | None = None) -> None:
        self.lines = lines
        self.front_title = title
        # Where each line stands, to resume after a block without searching the list.
        self.index_of = {line.no: index for index, line in enumerate(lines)}
        self.warn = warn
        self.found = Content()
        self.layout = Layout(lines, warn)
        # The readers ask about the same lines again and again.
        self.opened: dict[int, tuple[str, str] | None] = {}
        # Short lines already reported as kept in the prose (so they are reported once).
        self.kept_as_prose: set[int] = set()

    def _line(self, index: int) -> Line | None:
        return self.lines[index] if 0 <= index < len(self.lines) else None

    def _block_at(self, index: int) -> tuple[str, str] | None:
        """(kind, inline rest) when the line at ``index`` opens a known block."""
        if index not in self.opened:
            following = self._line(index + 1)
            self.opened[index] = opened_block(
                self.lines[index].text, None if following is None else following.text
            )
        return self.opened[index]

    def _is_heading(
        self, index: int, previous: Paragraph | None, *, quiet: bool = False, depth: int = 0
    ) -> tuple[str, list[str]] | None:
        """The heading (text, drift notes) the line at ``index`` is, or None if it is prose.

        ``quiet`` leaves out the warning about a heading with nothing under it;
        ``depth`` keeps the look at the following line from going further.
        """
        line = self.lines[index]
        following = self._line(index + 1)
        if following is None:
            return None
        shape = heading_shape(line.text)
        numbered = None if shape else NUMBERED_HEADING.match(line.text)
        if numbered and not NUMBERED_HEADING.match(following.text):
            # "2. International Reactions": a numbered heading, unless a numbered list goes on.
            rest = heading_shape(numbered["rest"])
            shape = (rest[0], [*rest[1], "a number"]) if rest else None
        if shape is None:
            return None
        if starts_lowercase(following.text) and not following.gap:
            return None
        # A heading needs text under it: before a block or another heading, the line is prose.
        if self._block_at(index + 1) is not None or (
            depth == 0
            and heading_shape(following.text)
            and self._is_heading(index + 1, None, quiet=True, depth=1)
        ):
            if not quiet:
                self.kept_as_prose.add(line.no)
                self.warn(
                    line.no,
                    f"'{line.text}' looks like a heading but nothing stands under"
                    " it; kept it as a paragraph",
                )
            return None
        if (
            self.layout.wrapped
            and previous is not None
            and not line.gap
            and not ENDS_SENTENCE.search(previous.last)
        ):
            return None  # the paragraph above is still running
        # A wrapped paragraph's first line is full; a heading leaves room for the next word.
        if not following.gap and self.layout.broke_before(line.text, following.text):
            return None
        return shape

    def _source_line_in_body(self, index: int) -> str | None:
        """What follows "Source:" when the line cites a source with more of the body after it.

        Such a line opens no sources block: the prose or heading below it is still the body.
        """
        opened = self._block_at(index)
        following = self._line(index + 1)
        if (
            opened is None
            or opened[0] != "sources"
            or not opened[1]
            or following is None
            or URL.search(following.text)
            or self._block_at(index + 1) is not None
        ):
            return None
        return opened[1]

    # -- the pass

    def run(self) -> Content:
        index = self._preamble(0)
        index = self._preamble(self._title(index))
        index = self._lede_and_body(index)
        while index < len(self.lines):
            opened = self._block_at(index)
            # The body and block readers stop only at the end or where a block opens.
            assert opened is not None, f"no block opens on line {self.lines[index].no}"
            kind, inline = opened
            index = self._block(kind, index, inline)
        self.layout.report_joins()
        return self.found

    def _preamble(self, index: int) -> int:
        """Skip a byline, a dateline or a label such as "Introduction" above the lede."""
        while index + 1 < len(self.lines):
            line = self.lines[index]
            words = line.text.split()
            stated = find_date(line.text)
            if re.match(r"(?:by|written by|author:)\s+\S", line.text, re.IGNORECASE) and (
                len(words) <= 8 and not ENDS_SENTENCE.search(line.text)
            ):
                self.warn(line.no, f"dropped the byline '{line.text}'")
            elif stated and len(stated[1]) >= len(line.text.rstrip(".:")) - 14 and len(words) <= 8:
                self.warn(line.no, f"read '{line.text}' as the date of the article")
                self.found.dateline = self.found.dateline or (stated[0], line.no)
            elif normalise_heading(line.text) in _LEDE_LABELS:
                self.warn(line.no, f"ignored the label '{line.text}' above the lede")
            elif (labelled := _LEDE_LABEL_PREFIX.match(line.text)) and len(words) > 6:
                self.warn(line.no, f"removed the label '{labelled.group(0).strip()}' from the lede")
                self.lines[index] = Line(line.no, line.text[labelled.end() :], line.gap)
                return index
            else:
                return index
            index += 1
        return index

    def _title(self, index: int) -> int:
        """Take the line at ``index`` as the title if it is one; the index of the next line."""
        first = self.lines[index]
        labelled = re.match(r"^title\s*:\s*(?P<title>\S.*)$", first.text, re.IGNORECASE)
        if labelled:
            self.warn(first.no, "read the 'Title:' line as the title")
            self.found.title, self.found.title_line = labelled["title"].strip(), first.no
            return index + 1
        shape = heading_shape(first.text, max_words=20)
        following = self._line(index + 1)
        unusual: list[str] = []
        if shape is None and following is not None:
            # A headline no heading could be (a closing quote, "Analysis: …") is still the
            # title when it stands apart: a blank line or the lede's prose comes next.
            unusual = unusual_title(first.text)
            if unusual and (following.gap or heading_shape(following.text) is None):
                shape = (first.text, [])
            else:
                unusual = []
        if shape is None or following is None or self._block_at(index):
            return index
        if self._block_at(index + 1) or URL.match(following.text):
            return index
        if not following.gap and (
            starts_lowercase(following.text) or self.layout.broke_before(first.text, following.text)
        ):
            return index  # the first line of a wrapped lede
        if self._is_heading(index + 1, None, quiet=True):
            if not is_title_case(shape[0]):
                self.warn(
                    first.no,
                    "the first line reads like a title but no lede follows it; read it as the lede",
                )
                return index
            # A title in Title Case over a short line: that line is a subtitle, not a heading.
            self.kept_as_prose.add(following.no)
            self.warn(
                following.no,
                f"'{shorten(following.text)}' reads like a subtitle; kept it as the first"
                " paragraph of the lede",
            )
        title, notes = shape
        for note in notes:
            self.warn(first.no, f"title line had {note}; removed it")
        if unusual:
            self.warn(
                first.no,
                f"read '{shorten(title)}' as the title although it {' and '.join(unusual)}",
            )
        self.found.title, self.found.title_line = title, first.no
        return index + 1

    def _lede_and_body(self, index: int, *, resume: bool = False) -> int:
        """Read the lede and body sections; ``resume`` starts at a body heading after a block."""
        found = self.found
        current: list[Paragraph] = found.lede
        paragraph: Paragraph | None = None
        started: list[Paragraph] = []
        first = index
        while index < len(self.lines):
            line = self.lines[index]
            heading: tuple[str, list[str]] | None = None
            if resume and index == first:
                heading = heading_shape(line.text) or (line.text, [])
            elif (cited := self._source_line_in_body(index)) is not None:
                self.warn(line.no, "a 'Source:' line inside the body; read it as a source")
                add_sources(cited, line.no, found.sources, self.warn, labelled=True)
                paragraph = None
                index += 1
                continue
            elif self._block_at(index):
                break
            elif found.lede and index > first:
                heading = self._is_heading(index, paragraph)
            if heading is not None:
                text, notes = heading
                for note in notes:
                    self.warn(line.no, f"heading '{line.text}' had {note}; removed it")
                shown = text  # as the editor wrote it: a front end styles the case
                if text.endswith("?"):
                    self.warn(line.no, f"read the question '{shorten(text)}' as a heading")
                elif not in_title_case(text):
                    # "Officials in Seoul said they would watch closely": a sentence without
                    # its full stop stands like a heading; say so rather than guess silently.
                    self.warn(
                        line.no,
                        f"'{shorten(text)}' is not in Title Case but stands alone like a"
                        " heading; read it as a heading",
                    )
                current = []
                found.body.append((line, shown, current))
                paragraph = None
            elif URL.fullmatch(line.text.strip("<>.,;")) and found.lede:
                self.warn(
                    line.no, "a URL on its own line outside the sources block; read it as a source"
                )
                add_sources(line.text, line.no, self.found.sources, self.warn)
            elif paragraph is not None and self.layout.continues(paragraph, line):
                paragraph.add(line)
            else:
                paragraph = Paragraph.start(line)
                current.append(paragraph)
                started.append(paragraph)
            index += 1
        if not resume:
            self._title_out_of_lede()
        self._warn_short_prose(started)
        if not found.lede and not resume:
            line = self.lines[min(index, len(self.lines) - 1)]
            raise DocumentError(
                line.no, f"no lede: expected a paragraph before '{shorten(line.text)}'"
            )
        return index

    def _title_out_of_lede(self) -> None:
        """Take a first lede line that is the title itself out of the lede.

        A headline the title reader did not take (in sentence case, say) must not be both
        the title and the lede's first paragraph: when that line, standing alone, is the
        title already read (front matter, title line) or exactly the title the lede
        would give, it is the title.
        """
        found = self.found
        lede = [para for para in found.lede if para.text]
        if len(lede) < 2 or len(lede[0].parts) > 1:
            return
        first = lede[0]
        given = self.front_title or found.title
        headline = given or derive_title(first.text)
        if " ".join(first.text.split()).casefold() != headline.casefold():
            return
        if given:
            self.warn(
                first.line,
                f"the line '{shorten(first.text)}' repeats the title; left it out of the lede",
            )
        else:
            self.warn(first.line, f"read the line '{shorten(first.text)}' as the title")
            found.title, found.title_line = headline, first.line
        found.lede.remove(first)
        self.kept_as_prose.add(first.line)

    def _warn_short_prose(self, paragraphs: list[Paragraph]) -> None:
        """Report a short one-line paragraph with no full stop: it might have been a heading.

        "What happens next?" or a line without punctuation, standing alone, is kept as
        prose (a heading is in Title Case with text under it), but that is a guess too.
        """
        for para in paragraphs:
            text = para.text
            if len(para.parts) > 1 or para.line in self.kept_as_prose or URL.search(text):
                continue
            words = len(text.split())
            question = text.endswith("?") and words <= 10
            unpunctuated = words <= 12 and re.search(r"[\w”’\"')]$", text)
            if question or (unpunctuated and not ENDS_SENTENCE.search(text)):
                self.warn(
                    para.line,
                    f"short line '{shorten(text)}' stands alone like a heading;"
                    " kept it as a paragraph",
                )

    # -- blocks

    def _block(self, kind: str, index: int, inline: str) -> int:
        """Read the block whose heading is at ``index``; the index of the line after it."""
        line = self.lines[index]
        end = index + 1
        while end < len(self.lines) and not self._block_at(end):
            end += 1
        body = self.lines[index + 1 : end]
        if kind == "background" and body and not holds_subsections(body):
            self.warn(
                line.no,
                f"'{line.text}' holds paragraphs, not numbered subsections;"
                " read it as a body section",
            )
            return self._lede_and_body(index, resume=True)
        written = line.text if not inline else line.text.split(":", 1)[0] + ":"
        if kind in self.found.blocks_seen:
            self.warn(
                line.no,
                f"a second {BLOCK_NAMES[kind]} block (the first is on line"
                f" {self.found.blocks_seen[kind]}); merged them",
            )
        else:
            self.found.blocks_seen[kind] = line.no
        if kind != "questions" and written != CANONICAL_HEADINGS[kind]:
            self.warn(line.no, f"read '{written}' as the '{CANONICAL_HEADINGS[kind]}' heading")
        if kind == "sources":
            if inline:
                add_sources(inline, line.no, self.found.sources, self.warn, labelled=True)
            resume = read_sources(body, line, self.found.sources, self.warn)
            if resume is not None:
                # Body sections after the sources: hand the rest back to the body reader.
                return self._lede_and_body(self.index_of[resume.no], resume=True)
            return end
        if not body:
            self.warn(line.no, f"the '{line.text}' block is empty")
            return end
        if kind == "background":
            self.found.background.extend(read_background(body, line, self.layout, self.warn))
        elif kind == "glossary":
            self.found.glossary.extend(
                read_glossary(body, self.found.glossary, self.layout, self.warn)
            )
        else:
            self.found.questions.extend(
                read_questions(body, line, self.found.questions, self.layout, self.warn)
            )
        return end
