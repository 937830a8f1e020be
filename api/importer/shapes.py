"""What one cleaned line looks like: a heading, a list item, a ``Label: text`` pair, a URL.

Pure predicates and splitters over a single line of text, shared by every stage of the
parser. They decide nothing about where a line stands in the document; the readers
in ``layout``, ``body`` and ``block_readers`` do that.
"""

from __future__ import annotations

import re

from .text import CLOSERS, MINOR_WORDS, STOPS
from .titles import ends_with_abbreviation, two_sentences

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”‘’]+", re.IGNORECASE)
ENDS_SENTENCE = re.compile(rf"[{STOPS}][{CLOSERS}]*$")
LIST_MARKER = re.compile(
    r"^(?P<marker>[-*•·‣▪◦–—+]|\d{1,3}[.)]|\(\d{1,3}\)|[a-z]\))"
    r"(?:\s+|(?<=-)(?=[A-Z“\"]))(?P<rest>\S.*)$"
)
# "1. Heading", "1) Heading", "(1) Heading", "1 - Heading", "I. Heading", "Part 1 – Heading",
# "Part 1: Heading", "Section 1. Heading", "Part II: Heading"; never "1961 Treaty:".
NUMBERED_HEADING = re.compile(
    r"^(?:(?P<word>(?i:part|section|chapter))\s+(?P<p>\d{1,2}|[IVXivx]{1,5})(?:\s*[.:)]|\s+[-–—])"
    r"|\(?(?P<n>\d{1,2})\s*[.)]|\((?P<pr>[IVX]{1,5})\)|(?P<m>\d{1,2})\s*[-–—:]\s"
    r"|(?P<roman>[IVX]{1,5})[.)])"
    r"\s*(?P<rest>\S.*)$"
)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def roman_number(numeral: str) -> int:
    """The value of a Roman numeral up to XXXIX ("iv" -> 4)."""
    values = [_ROMAN_VALUES[ch] for ch in numeral.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def heading_number(match: re.Match[str]) -> int:
    """The number a NUMBERED_HEADING match states, in digits or Roman numerals."""
    written = match["p"] or match["n"] or match["m"] or match["pr"] or match["roman"]
    return int(written) if written.isdigit() else roman_number(written)


_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD = re.compile(r"^(\*\*|__)(?P<inner>.+)\1(?P<colon>:?)$")
# Words a headline does not capitalise and does not end on.
_SMALL_ENDINGS = MINOR_WORDS


def starts_lowercase(text: str) -> bool:
    """Whether a line runs on from the one before: lowercase, but not a name like "iPhone"."""
    return text[:1].islower() and not text[1:2].isupper()


def first_word(text: str) -> str:
    return text.split(" ", 1)[0]


def heading_shape(text: str, max_words: int = 12) -> tuple[str, list[str]] | None:
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
    if not words or len(words) > max_words or len(text) > 90 or URL.search(text):
        return None
    if LIST_MARKER.match(text) or re.search(r"[.,;:!…][\"”’')]*$|[\"”']$", text):
        return None
    # A question is a heading only in Title Case ("What Comes Next?"), else it is a sentence.
    if text.endswith("?") and (len(words) > 10 or not is_title_case(text)):
        return None
    # Wrapped prose breaks after "of" or "the"; a heading ends on a word ("Regulators Step In").
    if words[-1] in _SMALL_ENDINGS and len(words) > 2:
        return None
    if two_sentences(text):  # "Mr. Putin’s Gamble" is one
        return None
    if ":" in text and len(text.split(":", 1)[1].split()) > 6:  # a "Label: text" line
        return None
    if not (text[0].isalnum() or text[0] in "“\"‘'("):
        return None
    return text, notes


def unusual_title(text: str) -> list[str]:
    """What keeps a Title-Case first line from being a heading, if it is still a headline.

    A title may end in a closing quote (His “Dearest Friend”), put a long subtitle after
    a colon ("Analysis: Why …") or hold two short sentences ("… a Pact. What Now?"),
    which a body heading may not. Returns those features, in words, for a warning;
    empty when the line is no such headline (or an ordinary heading).
    """
    words = text.split()
    if len(words) > 20 or len(text) > 150 or URL.search(text) or LIST_MARKER.match(text):
        return []
    # A sentence ends on a stop, a comma or a colon, inside a quote or not; a headline does not.
    if re.search(r"[.,;:!…][\"”’')]*$", text) or not is_title_case(text):
        return []
    unusual = []
    if re.search(r"[\"”’']$", text):
        unusual.append("ends in a closing quote")
    if ":" in text:
        unusual.append("has a subtitle after a colon")
    if two_sentences(text):
        unusual.append("holds two sentences")
    return unusual


def split_label(
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
    """A label is a short name; glossary terms may also be lowercase ("de facto").

    A label may hold commas, digits, parentheses and years ("Vienna, 1815") and
    abbreviations ("St. Petersburg Forum", "Mr. Putin’s Role"); a sentence before a
    colon may not.
    """
    label = _unbold(label)
    if not label or len(label) > 80 or len(label.split()) > max_words:
        return False
    if not (label[0].isupper() or label[0].isdigit() or label[0] in "“\"‘'(" or glossary):
        return False
    if any(ch in label for ch in ";!?"):
        return False
    # "Talks failed. Then: …" is prose; the stop in "St. Petersburg" closes an abbreviation.
    stops = (match.start() + 2 for match in re.finditer(r"[a-z]\. ", label))
    # Commas are fine: "Vienna, 1815", "Russia, from 2015", "Sanctions, Trade and Aid" are
    # labels, as is whatever stands before the first colon.
    return all(ends_with_abbreviation(label[:end]) for end in stops)


def is_title_case(text: str) -> bool:
    """Most words that a headline would capitalise are capitalised ("Russia and North Korea")."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if w.lower() not in _SMALL_ENDINGS]
    capitalised = sum(1 for w in words if w[0].isupper())
    return len(words) >= 2 and capitalised >= 0.75 * len(words)


def in_title_case(text: str) -> bool:
    """Whether a heading is written in Title Case; a single word only needs its capital."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if w.lower() not in _SMALL_ENDINGS]
    if len(words) <= 1:  # "Reactions", "2024"
        return not words or words[0][0].isupper()
    return is_title_case(text)


def without_emphasis(text: str) -> str:
    """The line without markdown heading hashes or bold markers around all of it."""
    text = _MARKDOWN_HEADING.sub("", text)
    bold = _BOLD.match(text)
    return bold["inner"] + bold["colon"] if bold else text


# Markdown emphasis inside prose: "**bold**", "__bold__", "*italic*" (not "5 * 3", "a*b" or
# "a__b"). The span holds no marker character and is matched possessively, so each one is
# read once and a paragraph of unclosed markers still costs linear time.
_INLINE_EMPHASIS = re.compile(
    r"\*\*(?=\S)(?P<bold>[^*\n]{1,500}+)(?<=\S)\*\*"
    r"|(?<!\w)__(?=\S)(?P<under>[^_\n]{1,500}+)(?<=\S)__(?!\w)"
    r"|(?<![\w*])\*(?=\S)(?P<italic>[^*\n]{1,500}+)(?<=\S)\*(?![\w*])"
)


def without_inline_emphasis(text: str) -> tuple[str, list[str]]:
    """The text without markdown emphasis markers, and the markers that were removed."""
    removed: list[str] = []

    def unmark(match: re.Match[str]) -> str:
        kind = match.lastgroup or "italic"
        mark = {"bold": "**", "under": "__", "italic": "*"}[kind]
        if mark not in removed:
            removed.append(mark)
        return match[kind]

    return _INLINE_EMPHASIS.sub(unmark, text), removed


def without_marker(text: str) -> str:
    """The line without a leading list marker ("- ", "1.", "•")."""
    marker = LIST_MARKER.match(text)
    return marker["rest"] if marker else text
