"""The known blocks after the body (sources, background, glossary, questions) and their names.

Editors spell the block headings many ways ("Sources", "Key Terms & Concepts",
"Discussion questions"); this module recognises them and says which line opens a
block. What stands inside a block is read by ``sources`` and ``block_readers``.
"""

from __future__ import annotations

import re

from .shapes import (
    LIST_MARKER,
    NUMBERED_HEADING,
    URL,
    heading_shape,
    split_label,
    without_emphasis,
)

# Block names, compared after normalise_heading(); each pattern is matched in full.
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
# The headings as DESIGN.md spells them; any other spelling is read with a warning.
CANONICAL_HEADINGS = {
    "sources": "This article is based on the following articles:",
    "background": "Background Information",
    "glossary": "Key Terms and Concepts",
    "questions": "Debate/Essay Questions",
}
# The questions heading that names each set of kinds, as the canonical text writes it;
# such a heading (or a line inside the block naming the kinds below it) is no guess.
QUESTION_HEADINGS: dict[tuple[str, ...], str] = {
    ("debate", "essay"): CANONICAL_HEADINGS["questions"],
    ("debate",): "Debate Questions",
    ("essay",): "Essay Questions",
    ("discussion",): "Discussion Questions",
    ("debate", "discussion"): "Debate/Discussion Questions",
    ("discussion", "essay"): "Discussion/Essay Questions",
    ("debate", "discussion", "essay"): "Debate/Discussion/Essay Questions",
}


def kinds_line(kinds: list[str] | tuple[str, ...]) -> str:
    """The line inside a questions block naming the kinds of the questions below it."""
    return "/".join(kind.capitalize() for kind in kinds) + ":"


# What warnings call each block.
BLOCK_NAMES = {
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
# "Sources: https://…" names the block and gives its first entry on one line; the
# publisher may come first ("Source: The Guardian, https://…", "Sources: Reuters (https://…)").
_INLINE_SOURCE = re.compile(
    r"^(?P<head>[^:]{2,60}):\s*(?P<rest>(?:[^:]{0,80}?[\s(<\[]|- )?(?:https?://|www\.)\S.*)$"
)


def normalise_heading(text: str) -> str:
    """Lowercase, one spelling of "and" and "/", no emphasis or trailing punctuation."""
    text = without_emphasis(text).casefold().replace("&", " and ").replace("＆", " and ")
    text = re.sub(r"\s*/\s*", "/", text)
    text = " ".join(text.split())
    return text.rstrip(" :.-–—").strip()


def block_kind(text: str) -> str | None:
    """The known block a standalone heading line names exactly, if any."""
    if len(text) > 90:
        return None
    norm = normalise_heading(text)
    return next((kind for kind, pattern in _BLOCKS.items() if pattern.fullmatch(norm)), None)


def opened_block(text: str, following: str | None) -> tuple[str, str] | None:
    """(kind, inline rest) when the line ``text`` opens a known block, else None.

    ``following`` is the next line's text, if there is one: a heading that only hints
    at a block ("Some useful articles") counts when that line looks like the block.
    """
    kind = block_kind(text)
    if kind:
        return kind, ""
    inline = _INLINE_SOURCE.match(text)
    if inline and block_kind(inline["head"]) == "sources":
        return "sources", inline["rest"]
    shape = heading_shape(text)
    if not shape or following is None:
        return None
    norm = normalise_heading(shape[0])
    for kind, hint in _BLOCK_HINTS.items():
        if hint.search(norm) and _looks_like(kind, following):
            return kind, ""
    return None


def _looks_like(kind: str, text: str) -> bool:
    """Whether the first line under a hinting heading reads like an entry of ``kind``."""
    marker = LIST_MARKER.match(text)
    rest = marker["rest"] if marker else text
    if kind == "sources":
        return bool(URL.search(text))
    if kind == "glossary":
        return bool(marker and split_label(rest, glossary=True))
    if kind == "questions":
        return bool(marker) and rest.endswith("?")
    numbered = NUMBERED_HEADING.match(text)
    return bool(numbered and heading_shape(numbered["rest"]))
