"""Editor plain text -> Document: the pure half of the importer (no database, no Flask, no files).

The format is the one DESIGN.md describes: optional YAML front matter, an optional
title line, the lede, headed body sections, then the known blocks (sources,
Background Information, Key Terms and Concepts, Debate/Essay Questions) and the
footer, which is not content.

The parser reads like an attentive human: it accepts drift in line endings, blank
lines, hard-wrapped paragraphs, heading colons and case, block names, list markers
and dashes, and it records every guess as a Warning naming the line. Text it cannot
make sense of raises DocumentError naming the line. Line numbers are 1-based lines
of the original text, front matter included; 0 means the whole document.

Layout modes. Most documents put one paragraph on one line (the seed does). A
document is *hard-wrapped* when lines inside a paragraph run on in lowercase at
least twice; then every run of lines without a blank between them is one
paragraph, and structure lines (headings, list items, labels, URLs) still start
something new. In one-line-per-paragraph documents, only a line that plainly
continues the one before (it starts in lowercase, or the line before breaks off on
a comma, a hyphen or a word like "the") is joined, with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..slugs import slugify
from ..timefmt import parse_instant, to_rfc3339
from .document import (
    Document,
    DocumentError,
    IssueRef,
    Item,
    Question,
    Section,
    Source,
    Status,
    Term,
    Warning,
)
from .readability import flesch_kincaid_grade, reading_minutes, word_count
from .text import (
    derive_title,
    find_date,
    publisher_for,
    split_sentences,
    title_case,
    title_case_shouting,
    unique_anchor,
    url_date,
    url_domain,
    word_set,
)

__all__ = ["MAX_DOCUMENT_BYTES", "parse_document", "slugify"]

MAX_DOCUMENT_BYTES = 1024 * 1024
STATUSES: tuple[Status, ...] = ("draft", "scheduled", "published")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_SEPARATOR = re.compile(r"(?:[-_*=~•·]\s*){3,}")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”‘’]+", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.!?…][”\"’')\]]*$")
_DANGLING = re.compile(
    r"(?:,|\b(?:a|an|the|and|or|but|of|to|in|on|for|with|by|from|as|at|that|which|its|their)"
    r"|[A-Za-z]-)$"
)
_MARKER = re.compile(
    r"^(?P<marker>[-*•·‣▪◦–—+]|\d{1,3}[.)]|\(\d{1,3}\)|[a-z]\))"
    r"(?:\s+|(?<=-)(?=[A-Z“\"]))(?P<rest>\S.*)$"
)
# "1. Heading", "1) Heading", "(1) Heading", "1 - Heading", "I. Heading"; never "1961 Treaty:".
_NUMBERED_HEADING = re.compile(
    r"^(?:\(?(?P<n>\d{1,2})\s*[.)]|(?P<m>\d{1,2})\s*[-–—:]\s|(?P<roman>[IVX]{1,4})[.)])"
    r"\s*(?P<rest>\S.*)$"
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD = re.compile(r"^(\*\*|__)(?P<inner>.+)\1(?P<colon>:?)$")
_SMALL_ENDINGS = word_set("a an and or but of to in on for with by from as at the")
_ROMAN = {
    numeral: number
    for number, numeral in enumerate(
        ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"), 1
    )
}

_FOOTER = re.compile(
    r"^(?:please\s+)?(?:subscribe|sign up)\b|^join (?:us|our)\b|insightfortnight\."
    r"|\b(?:this|our) (?:bi-?weekly |fortnightly )?newsletter\b|^enjoy(?:ed)? (?:this|reading)"
    r"|\binsight fortnight\b|^(?:thanks|thank you) for reading|\bunsubscribe\b"
    r"|all rights reserved|^(?:©|\(c\)\s|copyright\b)"
    r"|^view (?:this|it)?\s*(?:email|newsletter)?\s*in (?:your|a) browser"
    r"|^(?:forward|share) (?:this|it)\b|^follow us\b"
    r"|^you(?:’re|'re| are)? receiv|^(?:manage|update) your (?:preferences|subscription)"
    r"|^(?:see|until) you (?:next|in two weeks)|^(?:the )?insight fortnight team$",
    re.IGNORECASE,
)

# Block names, compared after _normalise_heading(); each pattern is matched in full.
_BLOCKS: dict[str, re.Pattern[str]] = {
    "sources": re.compile(
        r"(?:this (?:article|story|piece|report) (?:is|was) )?based on"
        r"(?: the following| these)?(?: (?:news |original )?"
        r"(?:articles?|article\(s\)|sources?|reports?|stories|reporting|pieces?|links?))?"
        r"|(?:news |original )?sources?(?: used| articles?)?|references?|source articles?"
        r"|original (?:articles?|reporting|stories)|further reading|read more|links?|citations?"
    ),
    "background": re.compile(
        r"background(?: (?:information|info|context|notes|briefing|facts|knowledge|reading))?"
        r"|context and background|additional background"
    ),
    "glossary": re.compile(
        r"(?:(?:key|important|useful) )?(?:terms?|concepts?|vocabulary|definitions?)"
        r"(?: ?(?:and|or|/) ?(?:concepts?|definitions?|terms?|vocabulary))?(?: to know)?"
        r"|glossary(?: of (?:key )?terms)?|key words?"
    ),
    "questions": re.compile(
        r"(?:(?:debate|essay|discussion|critical thinking|reflection|review|study|classroom)"
        r"(?: ?(?:/|and|or|,) ?(?:debate|essay|discussion|reflection))* )?(?:questions?|prompts?)"
        r"(?: (?:for|to) (?:debate|discussion|essays?|reflection|consider|discuss|think about)"
        r"(?: ?(?:and|or|/) ?(?:debate|discussion|essays?|reflection))?)?"
        r"|(?:debate|essay|discussion)(?: ?(?:/|and|or) ?(?:debate|essay|discussion))* topics?"
    ),
}
_CANONICAL = {
    "sources": "This article is based on the following articles:",
    "background": "Background Information",
    "glossary": "Key Terms and Concepts",
    "questions": "Debate/Essay Questions",
}
_BLOCK_NAMES = {
    "sources": "sources",
    "background": "Background Information",
    "glossary": "Key Terms",
    "questions": "questions",
}
# A heading that only hints at a block counts when the lines under it look like one.
_BLOCK_HINTS: dict[str, re.Pattern[str]] = {
    "sources": re.compile(r"\b(?:sources?|based on|references?|articles?|links?)\b"),
    "background": re.compile(r"\bbackground\b"),
    "glossary": re.compile(r"\b(?:terms?|glossary|vocabulary|concepts?|definitions?)\b"),
    "questions": re.compile(r"\b(?:questions?|prompts?)\b"),
}
_LEDE_LABELS = frozenset({"introduction", "intro", "overview", "summary", "lede", "lead"})
_LEDE_LABEL_PREFIX = re.compile(
    r"^(?:introduction|intro|overview|summary|lede|lead)\s*:\s+(?=\S)", re.IGNORECASE
)
_QUESTION_KINDS = {
    "debate": "debate",
    "essay": "essay",
    "discussion": "discussion",
    "discuss": "discussion",
}


_Warn = Callable[[int, str], None]


@dataclass(frozen=True, slots=True)
class _Line:
    no: int  # 1-based line in the original text
    text: str  # whitespace-normalised
    gap: bool  # one or more blank lines stand before it


@dataclass(slots=True)
class _Para:
    """A paragraph (or list entry) being read; lines are kept apart until the end."""

    line: int
    parts: list[str]
    last: str  # the last physical line, for join decisions

    @classmethod
    def start(cls, line: _Line, text: str | None = None) -> _Para:
        return cls(line.no, [line.text if text is None else text], line.text)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add(self, line: _Line) -> None:
        # A hyphen or dash at the end of a wrapped line belongs to the word it splits.
        glue = "" if re.search(r"[A-Za-z][-–—]$", self.last) else " "
        self.parts.append(glue + line.text)
        self.last = line.text


@dataclass
class _Front:
    title: str | None = None
    slug: str | None = None
    issue: IssueRef | None = None
    published_at: str | None = None
    status: Status = "published"


@dataclass
class _Sub:
    """A background subsection while it is being read."""

    line: int
    number: int | None
    heading: str
    items: list[tuple[str, _Para]] = field(default_factory=list)  # (label, text)


@dataclass
class _Found:
    """Everything the body pass collected, before titles, dates and metrics are settled."""

    title: str | None = None
    title_line: int = 0
    dateline: tuple[dt.date, int] | None = None  # a date on its own line above the lede
    lede: list[_Para] = field(default_factory=list)
    body: list[tuple[_Line, str, list[_Para]]] = field(default_factory=list)
    background: list[_Sub] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    glossary: list[Term] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    blocks_seen: dict[str, int] = field(default_factory=dict)


# --- entry point -----------------------------------------------------------------------


def parse_document(text: str | bytes, *, name: str | None = None) -> Document:
    """Read one editor document. Raises DocumentError (with the line) for unusable input.

    ``name`` (a file name) is attached to errors as a note: the CLI already prefixes
    its messages with the path, so it is kept out of the message itself.
    """
    try:
        return _parse(text)
    except DocumentError as error:
        if name:
            error.add_note(f"in {name}")
        raise


def _parse(text: str | bytes) -> Document:
    decoded = _decode(text)
    raw_lines = _LINE_BREAK.split(decoded)
    warnings: list[Warning] = []

    def warn(line: int, message: str) -> None:
        warnings.append(Warning(line, message))

    front, start = _front_matter(raw_lines, warn)
    lines = _content_lines(raw_lines, start, warn)
    if not lines:  # only front matter: name its closing line (``start`` is 1-based there)
        raise DocumentError(start, "no article text after the front matter")
    _reject_foreign_formats(lines[0], decoded)
    lines = _drop_masthead_and_footer(lines, warn)
    found = _BodyParser(lines, warn).run()
    return _assemble(front, found, lines, warn, warnings)


# --- bytes to lines --------------------------------------------------------------------


def _line_of(data: str | bytes, offset: int) -> int:
    if isinstance(data, bytes):
        return len(_BYTE_LINE_BREAK.findall(data[:offset])) + 1
    return len(_LINE_BREAK.findall(data[:offset])) + 1


def _decode(text: str | bytes) -> str:
    if isinstance(text, bytearray | memoryview):
        text = bytes(text)
    if isinstance(text, bytes):
        if len(text) > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                0, f"the document is {len(text)} bytes; the limit is {MAX_DOCUMENT_BYTES}"
            )
        if text.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise DocumentError(1, "the document is UTF-16 text; save it as UTF-8")
        if (nul := text.find(b"\x00")) >= 0:
            raise DocumentError(_line_of(text, nul), "NUL byte: this is a binary file, not text")
        try:
            decoded = text.decode("utf-8")
        except UnicodeDecodeError as error:
            line = _line_of(text, error.start)
            line_start = max(text.rfind(b"\n", 0, error.start), text.rfind(b"\r", 0, error.start))
            raise DocumentError(
                line,
                f"not valid UTF-8: byte 0x{text[error.start]:02x} at column"
                f" {error.start - line_start}; save the file as UTF-8",
            ) from None
    elif isinstance(text, str):
        decoded = text
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                0, f"the document is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}"
            )
        if (nul := text.find("\x00")) >= 0:
            raise DocumentError(_line_of(text, nul), "NUL character: this is binary data, not text")
        if surrogate := re.search("[\ud800-\udfff]", text):
            raise DocumentError(
                _line_of(text, surrogate.start()), "not valid Unicode text (a lone surrogate)"
            )
    else:
        raise TypeError(f"parse_document() takes str or bytes, not {type(text).__name__}")
    decoded = decoded.removeprefix("\ufeff")
    if not decoded.strip():
        raise DocumentError(
            0, "the document is empty" if not decoded else "the document holds only whitespace"
        )
    return decoded


def _clean(raw: str) -> tuple[str, bool]:
    """Whitespace-normalised text of one line, and whether control characters were removed."""
    text = _INVISIBLE.sub("", raw)
    controls = bool(_CONTROL.search(text))
    if controls:
        text = _CONTROL.sub("", text)
    return " ".join(text.split()), controls


def _content_lines(raw_lines: list[str], start: int, warn: _Warn) -> list[_Line]:
    lines: list[_Line] = []
    gap = False
    for index in range(start, len(raw_lines)):
        text, controls = _clean(raw_lines[index])
        if controls:
            warn(index + 1, "removed control characters")
        if text and _SEPARATOR.fullmatch(text):
            warn(index + 1, f"ignored the separator line '{text}'")
            text = ""
        if not text:
            gap = True
            continue
        lines.append(_Line(index + 1, text, gap and bool(lines)))
        gap = False
    return lines


def _reject_foreign_formats(first: _Line, decoded: str) -> None:
    if re.match(r"<(?:!doctype|html|\?xml|head|body|div|p|article)\b", first.text, re.IGNORECASE):
        raise DocumentError(first.no, "this is HTML or XML, not the plain-text article format")
    stripped = decoded.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]" and re.match(r"[{\[]\s*[\"{\[]", stripped):
        raise DocumentError(first.no, "this is JSON, not the plain-text article format")
    if _URL.fullmatch(first.text):
        raise DocumentError(
            first.no, "expected a title or the lede, found a URL: a list of links is not an article"
        )


def _drop_masthead_and_footer(lines: list[_Line], warn: _Warn) -> list[_Line]:
    if (
        len(lines) > 1
        and re.match(r"insight fortnight\b", lines[0].text, re.IGNORECASE)
        and len(lines[0].text.split()) <= 12
    ):
        warn(lines[0].no, f"dropped the masthead line '{lines[0].text}'")
        lines = lines[1:]
    last_block = max((i for i, line in enumerate(lines) if _block_kind(line.text)), default=-1)
    kept: list[_Line] = []
    for index, line in enumerate(lines):
        if index == 0 or len(line.text.split()) > 30 or not _FOOTER.search(line.text):
            kept.append(line)
            continue
        if index < last_block:
            # Content blocks still follow: a stray boilerplate line, not the end of the article.
            warn(line.no, f"dropped the newsletter line '{_short(line.text)}' before the end")
            continue
        leftover = [later for later in lines[index + 1 :] if not _FOOTER.search(later.text)]
        if leftover:
            warn(
                leftover[0].no,
                f"dropped {len(leftover)} line(s) after the footer on line {line.no}",
            )
        break
    return kept


# --- front matter ----------------------------------------------------------------------

_FRONT_KEYS = ("title", "slug", "issue", "published_at", "status")
_FRONT_ALIASES = {
    "date": "published_at",
    "published": "published_at",
    "published_on": "published_at",
    "publish_at": "published_at",
    "publish_date": "published_at",
    "state": "status",
}
_ISSUE_KEYS = ("number", "title", "slug", "published_on")


def _front_matter(raw_lines: list[str], warn: _Warn) -> tuple[_Front, int]:
    """The validated front matter and the index of the first line after it."""
    first = next((i for i, line in enumerate(raw_lines) if line.strip()), None)
    if first is None or _clean(raw_lines[first])[0] != "---":
        return _Front(), 0
    close = next(
        (i for i in range(first + 1, len(raw_lines)) if raw_lines[i].strip() in ("---", "...")),
        None,
    )
    if close is None:
        raise DocumentError(
            first + 1, "the front matter opened here is never closed: add a line '---' after it"
        )
    base = first + 2  # the 1-based line of the YAML text's first line
    source = "\n".join(line.replace("\ufeff", "") for line in raw_lines[first + 1 : close])
    loader = yaml.SafeLoader(source)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = base + mark.line if mark else first + 1
            raise DocumentError(
                line, f"the front matter is not valid YAML: {error.problem or error}"
            ) from None
        except yaml.YAMLError as error:
            raise DocumentError(first + 1, f"the front matter is not valid YAML: {error}") from None
        front = _Front()
        if root is None:
            return front, close + 1
        if not isinstance(root, yaml.MappingNode):
            raise DocumentError(base, "the front matter must be 'key: value' lines")
        seen: set[str] = set()
        for key_node, value_node in root.value:
            line = base + key_node.start_mark.line
            key = str(key_node.value).strip()
            canon = key.lower().replace("-", "_").replace(" ", "_")
            if canon in _FRONT_ALIASES:
                warn(line, f"read front matter key '{key}' as '{_FRONT_ALIASES[canon]}'")
                canon = _FRONT_ALIASES[canon]
            elif canon != key and canon in _FRONT_KEYS:
                warn(line, f"read front matter key '{key}' as '{canon}'")
            if canon not in _FRONT_KEYS:
                warn(line, f"ignored unknown front matter key '{key}'")
                continue
            if canon in seen:
                warn(line, f"front matter key '{canon}' appears twice; the last one counts")
            seen.add(canon)
            value = _construct(loader, value_node, base, canon)
            _set_front(front, canon, value, value_node, line, base, warn)
        return front, close + 1
    finally:
        loader.dispose()


def _construct(loader: yaml.SafeLoader, node: yaml.Node, base: int, key: str) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        raise DocumentError(
            base + node.start_mark.line, f"front matter '{key}' has an unreadable value: {error}"
        ) from None


def _set_front(
    front: _Front,
    key: str,
    value: Any,
    node: yaml.Node,
    line: int,
    base: int,
    warn: _Warn,
) -> None:
    """Validate one front matter value; ``line`` is where its key stands."""
    if key == "title":
        front.title = _front_text(value, line, "title")
    elif key == "slug":
        written = _front_text(value, line, "slug")
        front.slug = slugify(written)
        if front.slug != written:
            warn(line, f"slug '{written}' is not a slug; used '{front.slug}'")
    elif key == "status":
        status = str(value).strip().lower() if isinstance(value, str) else None
        if status not in STATUSES:
            raise DocumentError(
                line, f"status must be draft, scheduled or published, not {value!r}"
            )
        front.status = status  # type: ignore[assignment]  # checked against STATUSES above
    elif key == "published_at":
        front.published_at = None if value is None else _front_instant(value, line, warn)
    elif key == "issue":
        front.issue = _front_issue(value, node, line, base, warn)


def _front_text(value: Any, line: int, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DocumentError(line, f"front matter '{key}' must be text, not {value!r}")
    text = " ".join(str(value).split())
    if not text:
        raise DocumentError(line, f"front matter '{key}' is empty")
    return text


def _front_instant(value: Any, line: int, warn: _Warn) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            warn(line, "published_at has no time zone; read it as UTC")
        return to_rfc3339(value)
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    if isinstance(value, str) and value.strip():
        try:
            return to_rfc3339(parse_instant(value))
        except ValueError:
            pass
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            stated = find_date(value)
            if stated and len(stated[1]) >= len(value.strip()) - 1:
                warn(line, f"read published_at '{value.strip()}' as {stated[0].isoformat()}")
                return f"{stated[0].isoformat()}T00:00:00Z"
        else:
            warn(line, "published_at has no time zone; read it as UTC")
            return to_rfc3339(moment)
    raise DocumentError(
        line, f"published_at must be a date or an RFC 3339 date-time, not {value!r}"
    )


def _issue_number(value: Any, line: int, warn: _Warn) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and (
        match := re.fullmatch(r"(?:issue\s*)?(?:no\.?\s*)?#?\s*(\d+)", value.strip(), re.IGNORECASE)
    ):
        number = int(match[1])
        if number > 0:
            warn(line, f"read issue '{value}' as number {number}")
            return number
    raise DocumentError(line, f"issue number must be a positive whole number, not {value!r}")


def _front_issue(value: Any, node: yaml.Node, line: int, base: int, warn: _Warn) -> IssueRef | None:
    if value is None:
        warn(line, "issue is empty; the article belongs to no issue")
        return None
    if not isinstance(value, dict):
        return IssueRef(number=_issue_number(value, line, warn))
    lines = {
        str(key.value): base + key.start_mark.line
        for key, _ in (node.value if isinstance(node, yaml.MappingNode) else [])
    }
    for key in value:
        if key not in _ISSUE_KEYS:
            warn(lines.get(str(key), line), f"ignored unknown issue key '{key}'")
    if "number" not in value:
        raise DocumentError(line, "issue needs a number, e.g. 'number: 12'")
    ref = IssueRef(number=_issue_number(value["number"], lines.get("number", line), warn))
    if value.get("title") is not None:
        ref.title = _front_text(value["title"], lines.get("title", line), "issue title")
    if value.get("slug") is not None:
        written = _front_text(value["slug"], lines.get("slug", line), "issue slug")
        ref.slug = slugify(written)
        if ref.slug != written:
            warn(
                lines.get("slug", line), f"issue slug '{written}' is not a slug; used '{ref.slug}'"
            )
    published_on = value.get("published_on")
    if published_on is not None:
        at = lines.get("published_on", line)
        ref.published_on = _front_instant(published_on, at, warn)[:10]
    return ref


# --- line shapes -----------------------------------------------------------------------


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _starts_lowercase(text: str) -> bool:
    return text[:1].islower() and not text[1:2].isupper()


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0]


def _normalise_heading(text: str) -> str:
    """Lowercase, one spelling of "and" and "/", no emphasis or trailing punctuation."""
    text = _without_emphasis(text).casefold().replace("&", " and ").replace("＆", " and ")
    text = re.sub(r"\s*/\s*", "/", text)
    text = " ".join(text.split())
    return text.rstrip(" :.-–—").strip()


def _block_kind(text: str) -> str | None:
    """The known block a standalone heading line names exactly, if any."""
    if len(text) > 90:
        return None
    norm = _normalise_heading(text)
    return next((kind for kind, pattern in _BLOCKS.items() if pattern.fullmatch(norm)), None)


def _question_kinds(heading: str) -> list[str]:
    found = {
        _QUESTION_KINDS[word]
        for word in re.findall(r"debate|essay|discussion|discuss", heading.casefold())
    }
    return sorted(found)


def _heading_shape(text: str, max_words: int = 12) -> tuple[str, list[str]] | None:
    """The heading a line would be, with the drift it showed, or None if it is no heading.

    A heading is short, has no closing punctuation (a trailing colon is drift, a
    question mark is allowed), is no list item, label line or URL, and does not end
    on a word that needs a continuation ("of", "the", a comma).
    """
    notes: list[str] = []
    if _MARKDOWN_HEADING.match(text):
        text = _MARKDOWN_HEADING.sub("", text)
        notes.append("markdown '#'")
    if bold := _BOLD.match(text):
        text = bold["inner"] + bold["colon"]
        notes.append("bold markers")
    if text.endswith(":"):
        text = text[:-1].rstrip()
        notes.append("a trailing colon")
    words = text.split()
    if not words or len(words) > max_words or len(text) > 90 or _URL.search(text):
        return None
    if _MARKER.match(text) or re.search(r"[.,;:!…][\"”’')]*$|[\"”']$", text):
        return None
    # A question is a heading only in Title Case ("What Comes Next?"), else it is a sentence.
    if text.endswith("?") and (len(words) > 10 or not _is_title_case(text)):
        return None
    # Wrapped prose breaks after "of" or "the"; a heading ends on a word ("Regulators Step In").
    if words[-1] in _SMALL_ENDINGS and len(words) > 2:
        return None
    if re.search(r"[a-z][.!?] [A-Z]", text):  # two sentences
        return None
    if ":" in text and len(text.split(":", 1)[1].split()) > 6:  # a "Label: text" line
        return None
    if not (text[0].isalnum() or text[0] in "“\"‘'("):
        return None
    return text, notes


def _split_pair(
    text: str, *, max_words: int = 8, glossary: bool = False
) -> tuple[str, str, str] | None:
    """``Label: text`` (or the same with a dash) as (label, text, separator)."""
    # "**Term**: text" and "**Term:** text" are the same label in bold.
    text = re.sub(r"^(\*\*|__)([^*_]+?)(:?)\1(:?)", r"\2\3\4", text)
    candidates: list[tuple[int, int, str]] = []
    colon = text.find(":")
    if colon > 0 and text[colon + 1 : colon + 3] != "//":
        candidates.append((colon, colon + 1, ":"))
    # A spaced hyphen, or an en/em dash with or without spaces; "Cold War-era" is one word.
    if dash := re.search(r"\s+(?:--|[-–—])\s+|[–—]", text):
        candidates.append((dash.start(), dash.end(), dash.group(0).strip()))
    for start, end, separator in sorted(candidates):
        label, rest = text[:start].strip(), text[end:].strip()
        if rest and _is_label(label, max_words, glossary):
            return _unbold(label), rest, separator
    return None


def _unbold(text: str) -> str:
    match = re.fullmatch(r"(\*\*|__)(.+)\1", text)
    return match[2].strip() if match else text


def _is_label(label: str, max_words: int, glossary: bool) -> bool:
    """A label is a short name; glossary terms may also be lowercase ("de facto") or hold commas."""
    label = _unbold(label)
    if not label or len(label) > 80 or len(label.split()) > max_words:
        return False
    if not (label[0].isupper() or label[0].isdigit() or label[0] in "“\"‘'(" or glossary):
        return False
    forbidden = ";!?" if glossary else ",;!?"
    return not any(ch in label for ch in forbidden) and not re.search(r"[a-z]\. ", label)


def _is_title_case(text: str) -> bool:
    """Most words that a headline would capitalise are capitalised ("Russia and North Korea")."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if w.lower() not in _SMALL_ENDINGS]
    capitalised = sum(1 for w in words if w[0].isupper())
    return len(words) >= 2 and capitalised >= 0.75 * len(words)


def _without_emphasis(text: str) -> str:
    """The line without markdown heading hashes or bold markers around all of it."""
    text = _MARKDOWN_HEADING.sub("", text)
    bold = _BOLD.match(text)
    return bold["inner"] + bold["colon"] if bold else text


def _unmark(text: str) -> str:
    marker = _MARKER.match(text)
    return marker["rest"] if marker else text


# --- the body pass ---------------------------------------------------------------------


class _BodyParser:
    """One pass over the content lines: title, lede, body sections, then the blocks."""

    def __init__(self, lines: list[_Line], warn: _Warn) -> None:
        self.lines = lines
        self.warn = warn
        self.found = _Found()
        self.wrapped, self.width = self._layout()
        self.wrap_warned = False
        self.block_cache: dict[int, tuple[str, str] | None] = {}
        self.source_urls: set[str] = set()

    def _layout(self) -> tuple[bool, int]:
        """Whether paragraphs are hard-wrapped, and the widest line that was wrapped.

        The evidence is a prose line that stops mid-sentence with the next line running
        on in lowercase; one such pair may be a slip, two make a habit.
        """
        widths = [
            len(before.text)
            for before, line in zip(self.lines, self.lines[1:], strict=False)
            if not line.gap
            and len(before.text) >= 30
            and not _ENDS_SENTENCE.search(before.text)
            and _starts_lowercase(line.text)
            and not _MARKER.match(line.text)
            and not _URL.match(line.text)
            and not _URL.match(before.text)
            and not _block_kind(line.text)
        ]
        return len(widths) >= 2, max(widths, default=0)

    # -- helpers shared by every part

    def line(self, index: int) -> _Line | None:
        return self.lines[index] if 0 <= index < len(self.lines) else None

    def continues(self, previous: _Para, line: _Line, *, lists: bool = False) -> bool:
        """Whether ``line`` carries on the paragraph (or list entry) before it."""
        if line.gap:
            return False
        if self.wrapped:
            # In lists a complete line ends the entry unless the wrap was forced.
            if (
                lists
                and _ENDS_SENTENCE.search(previous.last)
                and not _starts_lowercase(line.text)
                and len(previous.last) + 1 + len(_first_word(line.text)) <= self.width
            ):
                return False
            if not self.wrap_warned:
                self.wrap_warned = True
                self.warn(
                    line.no, "paragraphs are hard-wrapped; joined their lines (first on this line)"
                )
            return True
        if _starts_lowercase(line.text):
            self.warn(line.no, "line starts in lowercase; joined it to the line before")
            return True
        if _DANGLING.search(previous.last):
            self.warn(
                line.no, f"line {line.no - 1} breaks off mid-sentence; joined this line to it"
            )
            return True
        return False

    def block_at(self, index: int) -> tuple[str, str] | None:
        """(kind, inline rest) when the line at ``index`` opens a known block."""
        if index not in self.block_cache:
            self.block_cache[index] = self._block_at(index)
        return self.block_cache[index]

    def _block_at(self, index: int) -> tuple[str, str] | None:
        line = self.lines[index]
        kind = _block_kind(line.text)
        if kind:
            return kind, ""
        inline = re.match(
            r"^(?P<head>[^:]{2,60}):\s*(?P<rest>(?:<|- )?(?:https?://|www\.)\S.*)$", line.text
        )
        if inline and _block_kind(inline["head"]) == "sources":
            return "sources", inline["rest"]
        shape = _heading_shape(line.text)
        following = self.line(index + 1)
        if not shape or following is None:
            return None
        norm = _normalise_heading(shape[0])
        for kind, hint in _BLOCK_HINTS.items():
            if hint.search(norm) and self._looks_like(kind, following.text):
                return kind, ""
        return None

    @staticmethod
    def _looks_like(kind: str, text: str) -> bool:
        marker = _MARKER.match(text)
        rest = marker["rest"] if marker else text
        if kind == "sources":
            return bool(_URL.search(text))
        if kind == "glossary":
            return bool(marker and _split_pair(rest, glossary=True))
        if kind == "questions":
            return bool(marker) and rest.endswith("?")
        numbered = _NUMBERED_HEADING.match(text)
        return bool(numbered and _heading_shape(numbered["rest"]))

    def is_heading(
        self, index: int, previous: _Para | None, *, quiet: bool = False, depth: int = 0
    ) -> tuple[str, list[str]] | None:
        line = self.lines[index]
        following = self.line(index + 1)
        if following is None:
            return None
        shape = _heading_shape(line.text)
        numbered = None if shape else _NUMBERED_HEADING.match(line.text)
        if numbered and not _NUMBERED_HEADING.match(following.text):
            # "2. International Reactions": a numbered heading, unless a numbered list goes on.
            rest = _heading_shape(numbered["rest"])
            shape = (rest[0], [*rest[1], "a number"]) if rest else None
        if shape is None:
            return None
        if _starts_lowercase(following.text) and not following.gap:
            return None
        # A heading needs text under it: before a block or another heading, the line is prose.
        if self.block_at(index + 1) is not None or (
            depth == 0
            and _heading_shape(following.text)
            and self.is_heading(index + 1, None, quiet=True, depth=1)
        ):
            if not quiet:
                self.warn(
                    line.no,
                    f"'{line.text}' looks like a heading but nothing stands under"
                    " it; kept it as a paragraph",
                )
            return None
        if (
            self.wrapped
            and previous is not None
            and not line.gap
            and not _ENDS_SENTENCE.search(previous.last)
        ):
            return None  # the paragraph above is still running
        # A wrapped paragraph's first line is full; a heading leaves room for the next word.
        if (
            self.wrapped
            and not following.gap
            and len(line.text) + 1 + len(_first_word(following.text)) > self.width
        ):
            return None
        return shape

    # -- the pass

    def run(self) -> _Found:
        index = self._preamble(0)
        index = self._preamble(self._title(index))
        index = self._lede_and_body(index)
        while index < len(self.lines):
            opened = self.block_at(index)
            # The body and block readers stop only at the end or where a block opens.
            assert opened is not None, f"no block opens on line {self.lines[index].no}"
            kind, inline = opened
            index = self._block(kind, index, inline)
        return self.found

    def _preamble(self, index: int) -> int:
        """Skip a byline, a dateline or a label such as "Introduction" above the lede."""
        while index + 1 < len(self.lines):
            line = self.lines[index]
            words = line.text.split()
            stated = find_date(line.text)
            if re.match(r"(?:by|written by|author:)\s+\S", line.text, re.IGNORECASE) and (
                len(words) <= 8 and not _ENDS_SENTENCE.search(line.text)
            ):
                self.warn(line.no, f"dropped the byline '{line.text}'")
            elif stated and len(stated[1]) >= len(line.text.rstrip(".:")) - 14 and len(words) <= 8:
                self.warn(line.no, f"read '{line.text}' as the date of the article")
                self.found.dateline = self.found.dateline or (stated[0], line.no)
            elif _normalise_heading(line.text) in _LEDE_LABELS:
                self.warn(line.no, f"ignored the label '{line.text}' above the lede")
            elif (labelled := _LEDE_LABEL_PREFIX.match(line.text)) and len(words) > 6:
                self.warn(line.no, f"removed the label '{labelled.group(0).strip()}' from the lede")
                self.lines[index] = _Line(line.no, line.text[labelled.end() :], line.gap)
                return index
            else:
                return index
            index += 1
        return index

    def _title(self, index: int) -> int:
        first = self.lines[index]
        labelled = re.match(r"^title\s*:\s*(?P<title>\S.*)$", first.text, re.IGNORECASE)
        if labelled:
            self.warn(first.no, "read the 'Title:' line as the title")
            self.found.title, self.found.title_line = labelled["title"].strip(), first.no
            return index + 1
        shape = _heading_shape(first.text, max_words=20)
        following = self.line(index + 1)
        if shape is None or following is None or self.block_at(index):
            return index
        if self.block_at(index + 1) or _URL.match(following.text):
            return index
        if not following.gap and (
            _starts_lowercase(following.text)
            or (
                self.wrapped and len(first.text) + 1 + len(_first_word(following.text)) > self.width
            )
        ):
            return index  # the first line of a wrapped lede
        if self.is_heading(index + 1, None, quiet=True):
            if not _is_title_case(shape[0]):
                self.warn(
                    first.no,
                    "the first line reads like a title but no lede follows it; read it as the lede",
                )
                return index
            # A title in Title Case over a short line: that line is a subtitle, not a heading.
            self.warn(
                following.no,
                f"'{_short(following.text)}' reads like a subtitle; kept it as the first"
                " paragraph of the lede",
            )
        title, notes = shape
        for note in notes:
            self.warn(first.no, f"title line had {note}; removed it")
        self.found.title, self.found.title_line = title, first.no
        return index + 1

    def _lede_and_body(self, index: int, *, resume: bool = False) -> int:
        """Read the lede and body sections; ``resume`` starts at a body heading after a block."""
        found = self.found
        current: list[_Para] = found.lede
        paragraph: _Para | None = None
        first = index
        while index < len(self.lines):
            line = self.lines[index]
            heading: tuple[str, list[str]] | None = None
            if resume and index == first:
                heading = _heading_shape(line.text) or (line.text, [])
            elif self.block_at(index):
                break
            elif found.lede and index > first:
                heading = self.is_heading(index, paragraph)
            if heading is not None:
                text, notes = heading
                for note in notes:
                    self.warn(line.no, f"heading '{line.text}' had {note}; removed it")
                shown = title_case_shouting(text)
                if shown != text:
                    self.warn(
                        line.no, f"heading '{text}' was not in title case; read it as '{shown}'"
                    )
                current = []
                found.body.append((line, shown, current))
                paragraph = None
            elif _URL.fullmatch(line.text.strip("<>.,;")) and found.lede:
                self.warn(
                    line.no, "a URL on its own line outside the sources block; read it as a source"
                )
                self._add_source(line.text, line.no)
            elif paragraph is not None and self.continues(paragraph, line):
                paragraph.add(line)
            else:
                paragraph = _Para.start(line)
                current.append(paragraph)
            index += 1
        if not found.lede and not resume:
            line = self.lines[min(index, len(self.lines) - 1)]
            raise DocumentError(
                line.no, f"no lede: expected a paragraph before '{_short(line.text)}'"
            )
        return index

    # -- blocks

    def _block(self, kind: str, index: int, inline: str) -> int:
        line = self.lines[index]
        end = index + 1
        while end < len(self.lines) and not self.block_at(end):
            end += 1
        body = self.lines[index + 1 : end]
        if (
            kind == "background"
            and body
            and not any(
                _NUMBERED_HEADING.match(item.text) or _split_pair(_unmark(item.text))
                for item in body
            )
        ):
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
                f"a second {_BLOCK_NAMES[kind]} block (the first is on line"
                f" {self.found.blocks_seen[kind]}); merged them",
            )
        else:
            self.found.blocks_seen[kind] = line.no
        if kind != "questions" and written != _CANONICAL[kind]:
            self.warn(line.no, f"read '{written}' as the '{_CANONICAL[kind]}' heading")
        if kind == "sources":
            if inline:
                self._add_source(inline, line.no)
            return self._sources(body, line, end)
        if not body:
            self.warn(line.no, f"the '{line.text}' block is empty")
            return end
        if kind == "background":
            self._background(body, line)
        elif kind == "glossary":
            self._glossary(body)
        else:
            self._questions(body, line)
        return end

    def _sources(self, body: list[_Line], heading: _Line, end: int) -> int:
        body = self._rejoin_split_urls(body)
        for offset, line in enumerate(body):
            if _URL.search(line.text):
                self._add_source(line.text, line.no)
                continue
            following = body[offset + 1] if offset + 1 < len(body) else None
            if (
                following is not None
                and _heading_shape(line.text)
                and not _URL.search(following.text)
            ):
                # Body sections after the sources: hand the rest back to the body reader.
                self.warn(
                    line.no,
                    f"body section '{line.text}' after the sources block;"
                    " read it as a body section",
                )
                return self._lede_and_body(self.lines.index(line), resume=True)
            self.warn(line.no, f"'{_short(line.text)}' in the sources block is not a URL; ignored")
        if not body and not self.found.sources:
            self.warn(heading.no, "the sources block is empty")
        return end

    def _rejoin_split_urls(self, body: list[_Line]) -> list[_Line]:
        """A long URL broken over two lines: the second half has no spaces and no scheme."""
        joined: list[_Line] = []
        for line in body:
            previous = joined[-1] if joined else None
            if (
                previous is not None
                and not line.gap
                and " " not in line.text
                and not _URL.search(line.text)
                and _URL.search(previous.text)
                and re.search(r"[-/_.?=&%]$", previous.text)
            ):
                self.warn(line.no, f"URL continues from line {previous.no}; joined them")
                joined[-1] = _Line(previous.no, previous.text + line.text, previous.gap)
            else:
                joined.append(line)
        return joined

    def _add_source(self, text: str, line_no: int) -> None:
        marker = _MARKER.match(text)
        if marker and not _URL.match(text):
            self.warn(line_no, f"source line had the list marker '{marker['marker']}'; removed it")
            text = marker["rest"]
        for url in _URL.findall(text):
            written = url
            url = url.rstrip(".,;:!?'\"’”>")
            if url.endswith(")") and url.count("(") < url.count(")"):
                url = url[:-1]
            around = text.replace(written, "", 1).strip()
            if around and not re.fullmatch(r"[<>\[\]().,;:!'\"’”\s]*", around):
                self.warn(line_no, f"kept only the URL from '{_short(text)}'")
            elif around or written != url:
                self.warn(line_no, f"removed '{around}{written[len(url) :]}' around the URL")
            if url.lower().startswith("www."):
                self.warn(line_no, f"source URL '{url}' had no scheme; read it as https")
                url = "https://" + url
            try:
                parts = urlsplit(url)
                host = parts.hostname or ""
            except ValueError:
                host = ""
            if not host or "." not in host:
                self.warn(line_no, f"'{_short(url)}' is not a usable URL; ignored")
                continue
            if url in self.source_urls:
                self.warn(line_no, f"source '{_short(url)}' is listed twice; kept it once")
                continue
            self.source_urls.add(url)
            domain = url_domain(host)
            self.found.sources.append(
                Source(
                    url=url,
                    domain=domain,
                    publisher=publisher_for(domain),
                    published_on=url_date(url),
                )
            )

    def _background(self, body: list[_Line], heading: _Line) -> None:
        subs: list[_Sub] = []
        pending: str | None = None  # a label that stood on its own line
        for offset, line in enumerate(body):
            following = body[offset + 1] if offset + 1 < len(body) else None
            plain = _without_emphasis(line.text)
            numbered = _NUMBERED_HEADING.match(plain)
            numbered_shape = numbered and _heading_shape(numbered["rest"])
            if numbered and numbered_shape and not _split_pair(numbered["rest"]):
                number = int(numbered["n"] or numbered["m"] or _ROMAN.get(numbered["roman"], 0))
                notes = numbered_shape[1] + (["markdown emphasis"] if plain != line.text else [])
                for note in notes:
                    self.warn(line.no, f"background heading had {note}; removed it")
                if not plain.startswith(f"{number}. "):
                    self.warn(
                        line.no,
                        f"background subsection numbered as '{plain.split()[0]}';"
                        f" read it as '{number}.'",
                    )
                subs.append(_Sub(line.no, number, title_case_shouting(numbered_shape[0])))
                continue
            current = subs[-1] if subs else None
            text = line.text
            marker = _MARKER.match(text)
            if marker and _split_pair(marker["rest"]):
                self.warn(
                    line.no, f"background item had the list marker '{marker['marker']}'; removed it"
                )
                text = marker["rest"]
            pair = _split_pair(text)
            last = current.items[-1][1] if current and current.items else None
            if last is not None and not pair and self.continues(last, line, lists=True):
                last.add(line)
                continue
            shape = None if pair else _heading_shape(text)
            if shape and following is not None and _split_pair(_unmark(following.text)):
                self.warn(
                    line.no,
                    f"background subsection '{shape[0]}' has no number;"
                    f" numbered it {len(subs) + 1}",
                )
                subs.append(_Sub(line.no, None, title_case_shouting(shape[0])))
                continue
            if shape and text.endswith(":") and following is not None and not following.gap:
                pending = shape[0]
                self.warn(
                    line.no,
                    f"label '{pending}' stands on its own line; read the next line as its text",
                )
                continue
            if pending:
                pair, pending = (pending, text, ":"), None
            if current is None:
                current = _Sub(heading.no, None, _CANONICAL["background"])
                subs.append(current)
                self.warn(
                    line.no,
                    "background item before any numbered subsection; put it in a"
                    " subsection 'Background Information'",
                )
            if pair:
                label, item_text, separator = pair
                if separator != ":":
                    self.warn(line.no, f"read '{separator}' between label and text as ':'")
                current.items.append((label, _Para.start(line, item_text)))
            elif last is not None:
                self.warn(
                    line.no,
                    "background line without a label; appended it to the item"
                    f" '{current.items[-1][0] or _short(last.parts[0], 30)}'",
                )
                last.add(line)
            else:
                self.warn(line.no, "background item without a label; kept it with an empty label")
                current.items.append(("", _Para.start(line, text)))
        self.found.background.extend(subs)

    def _glossary(self, body: list[_Line]) -> None:
        entries: list[tuple[str, _Para]] = []
        seen = {term.term.casefold(): term.definition for term in self.found.glossary}
        last: _Para | None = None
        for line in body:
            marker = _MARKER.match(line.text)
            text = marker["rest"] if marker else line.text
            pair = _split_pair(text, glossary=True)
            # In wrapped text a "Word: more" line inside an unfinished definition continues it.
            if pair and (
                marker
                or last is None
                or line.gap
                or not self.wrapped
                or _ENDS_SENTENCE.search(last.last)
            ):
                term, definition, separator = pair
                term = term.rstrip(" *_")
                self._note_marker(line, marker, "glossary")
                if separator != ":":
                    self.warn(line.no, f"read '{separator}' between term and definition as ':'")
                if term.casefold() in seen:
                    same = seen[term.casefold()] == definition
                    self.warn(
                        line.no,
                        f"term '{term}' is listed twice; kept the first"
                        f"{'' if same else ' definition'}",
                    )
                    last = None
                    continue
                seen[term.casefold()] = definition
                last = _Para.start(line, definition)
                entries.append((term, last))
            elif last is not None and not marker and self.continues(last, line, lists=True):
                last.add(line)
            elif last is not None and not marker:
                self.warn(
                    line.no,
                    f"glossary line without a term; appended it to the definition"
                    f" of '{entries[-1][0]}'",
                )
                last.add(line)
            else:
                self.warn(
                    line.no,
                    f"glossary line '{_short(text)}' has no definition;"
                    " kept it as a term without one",
                )
                term = text.rstrip(" :")
                seen[term.casefold()] = ""
                last = _Para.start(line, "")
                entries.append((term, last))
        self.found.glossary.extend(Term(term, para.text.strip()) for term, para in entries)

    def _note_marker(self, line: _Line, marker: re.Match[str] | None, block: str) -> None:
        if marker is None:
            self.warn(line.no, f"{block} line has no '- ' marker; read it as a list item")
        elif "marker" in marker.groupdict() and marker["marker"] != "-":
            self.warn(line.no, f"{block} line has the marker '{marker['marker']}'; read it as '- '")

    def _questions(self, body: list[_Line], heading: _Line) -> None:
        kinds = _question_kinds(heading.text)
        written = heading.text
        if not kinds:
            kinds = ["discussion"]
            self.warn(
                heading.no,
                f"'{written}' names no kind of question; read them as discussion questions",
            )
        elif written != _CANONICAL["questions"]:
            self.warn(
                heading.no, f"read '{written}' as the questions heading (kinds: {', '.join(kinds)})"
            )
        entries: list[tuple[_Para, list[str]]] = []
        last: _Para | None = None
        for line in body:
            marker = _MARKER.match(line.text)
            text = marker["rest"] if marker else line.text
            shape = None if marker else _heading_shape(line.text, max_words=4)
            if shape and _question_kinds(shape[0]) and not line.text.endswith("?"):
                # "Debate:" / "Essay questions" inside the block: the kind of what follows.
                kinds = _question_kinds(shape[0])
                self.warn(
                    line.no,
                    f"read '{line.text}' as the kind of the questions below it"
                    f" ({', '.join(kinds)})",
                )
                last = None
                continue
            numbered = re.match(r"^Q\s?\d{0,2}\s*[.:)]\s+(?P<rest>\S.*)$", text)
            if numbered:
                self.warn(line.no, f"removed the question label '{text[: numbered.start('rest')]}'")
                text, marker = numbered["rest"], marker or numbered
            if last is not None and not marker and self.continues(last, line, lists=True):
                last.add(line)
                continue
            self._note_marker(line, marker, "question")
            last = _Para.start(line, text)
            entries.append((last, list(kinds)))
        seen = {question.text.casefold() for question in self.found.questions}
        for para, question_kinds in entries:
            text = para.text
            if text.casefold() in seen:
                self.warn(para.line, "question is listed twice; kept it once")
                continue
            seen.add(text.casefold())
            self.found.questions.append(Question(text=text, kinds=question_kinds))


# --- putting it together ---------------------------------------------------------------


def _assemble(
    front: _Front, found: _Found, lines: list[_Line], warn: _Warn, warnings: list[Warning]
) -> Document:
    lede_paras = [p for p in found.lede if p.text]
    lede = "\n\n".join(p.text for p in lede_paras)
    if len(lede.split()) < 4:
        raise DocumentError(
            lede_paras[0].line if lede_paras else lines[0].no,
            f"the lede '{_short(lede)}' is too short to be a paragraph",
        )
    taken: set[str] = set()
    sections: list[Section] = []
    for heading_line, heading, paras in found.body:
        if not paras:
            continue
        sections.append(
            Section(
                kind="body",
                heading=heading,
                anchor=unique_anchor(slugify(heading), taken),
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
                anchor=unique_anchor(f"background-{position}-{slugify(sub.heading)}", taken),
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
    for kind, name in _BLOCK_NAMES.items():
        if kind not in found.blocks_seen and not (kind == "sources" and found.sources):
            warn(0, f"no {name} block")

    title = front.title or found.title
    if front.title and found.title and front.title.casefold() != found.title.casefold():
        warn(
            found.title_line,
            f"title line '{found.title}' differs from the front matter title;"
            " used the front matter title",
        )
    if not title:
        title = derive_title(lede)
        warn(lede_paras[0].line, f"no title line; derived the title '{title}' from the lede")
    elif title == title.upper() and any(ch.isalpha() for ch in title):
        warn(found.title_line, f"title '{title}' is in capitals; title-cased it")
        title = title_case(title.lower())

    body_paras = [p for _, _, paras in found.body for p in paras]
    _warn_repeats(lede_paras + body_paras, warn)

    document = Document(
        title=title,
        slug=front.slug or slugify(title),
        lede=lede,
        published_at=front.published_at or _published_at(lede_paras, found, front, warn),
        status=front.status,
        issue=front.issue,
        sections=sections,
        sources=found.sources,
        glossary=found.glossary,
        questions=found.questions,
    )
    # Words count the lede, body paragraphs and background items (label and text); headings,
    # glossary, questions and sources are apparatus. The reading level is the prose alone.
    prose = "\n".join([lede, *(p.text for p in body_paras)])
    counted = "\n".join([prose, *(f"{i.label} {i.text}" for s in sections for i in s.items)])
    document.word_count = word_count(counted)
    document.reading_minutes = reading_minutes(document.word_count)
    document.reading_level = flesch_kincaid_grade(prose)
    # Stable order: the line they concern, then the order they were found in.
    document.warnings = sorted(warnings, key=lambda w: w.line)
    return document


def _published_at(lede: list[_Para], found: _Found, front: _Front, warn: _Warn) -> str | None:
    if found.dateline:
        day, line = found.dateline
        warn(line, f"no published_at in the front matter; used the dateline ({day.isoformat()})")
        return f"{day.isoformat()}T00:00:00Z"
    # The first lede paragraph that states a date (the first may be a subtitle).
    stated, where = next(
        ((found_date, para.line) for para in lede if (found_date := find_date(para.text))),
        (None, lede[0].line if lede else 0),
    )
    if stated:
        day, words = stated
        warn(
            where,
            f"no published_at in the front matter; used the date the lede states ('{words}')",
        )
        return f"{day.isoformat()}T00:00:00Z"
    dated = next((source for source in found.sources if source.published_on), None)
    if dated and dated.published_on:
        which = (
            "the first source URL"
            if dated is found.sources[0]
            else f"the source URL {_short(dated.url)}"
        )
        warn(
            where,
            f"no published_at in the front matter or the lede; used the date in {which}"
            f" ({dated.published_on})",
        )
        return f"{dated.published_on}T00:00:00Z"
    if front.issue and front.issue.published_on:
        warn(0, f"no published_at; used the issue's date ({front.issue.published_on})")
        return f"{front.issue.published_on}T00:00:00Z"
    warn(0, "no published_at in the front matter, the lede or the source URLs")
    return None


def _warn_repeats(paragraphs: list[_Para], warn: _Warn) -> None:
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
                    f"sentence '{_short(sentence, 50)}' repeats one {place} verbatim; kept both",
                )
            else:
                first_sentence[skey] = para.line
