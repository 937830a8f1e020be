"""Paragraph text in the three formats the API serves, built once at write time.

HTML is escaped text in which each occurrence of one of the article's glossary
terms (case-insensitive, whole words, singular or plural) is marked with the term's
slug, so front ends get "tap a word to see its definition" without parsing anything.
The marks are neutral; api.links turns them into links to the website when served.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from ..links import html_term, markdown_term

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&]|^-)", re.MULTILINE)
# What _MARKDOWN_SPECIAL escapes anywhere, as plain replacements, the backslash first (a
# regex substitution with a group reference cost a third of rendering), and the dash it
# escapes at a line's start.
_MARKDOWN_ANYWHERE = "\\`*_{}[]<>()#+!|~&"
_ANY_SPECIAL = re.compile(r"[\\`*_{}\[\]<>()#+!|~&]")
_LINE_DASH = re.compile(r"^-", re.MULTILINE)
# "1961. The treaty" at a line's start would become an ordered list: escape the dot.
_LIST_NUMBER = re.compile(r"^(\d+)([.)])", re.MULTILINE)


@dataclass(frozen=True)
class LinkedTerm:
    term: str
    slug: str


def _word_forms(word: str) -> list[str]:
    """The singular and plural spellings a reader would count as the same word."""
    lower = word.lower()
    forms = {lower}
    if lower.endswith("ies") and len(lower) > 4:
        forms.add(lower[:-3] + "y")
    elif lower.endswith(("ses", "xes", "zes", "ches", "shes")):
        forms.add(lower[:-2])
    elif lower.endswith("s") and not lower.endswith("ss"):
        forms.add(lower[:-1])
    if lower.endswith("y") and len(lower) > 2 and lower[-2] not in "aeiou":
        forms.add(lower[:-1] + "ies")
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(lower + "es")
    else:
        forms.add(lower + "s")
    return sorted(forms, key=len, reverse=True)


def _term_pattern(term: str) -> str:
    words = term.split()
    head = [re.escape(w) for w in words[:-1]]
    last = "(?:" + "|".join(re.escape(f) for f in _word_forms(words[-1])) + ")"
    return r"\s+".join([*head, last])


@lru_cache(maxsize=4096)
def _term_matcher(term: str) -> tuple[re.Pattern[str], str | None]:
    """One term's regex, compiled once per process (terms come from a shared glossary, so
    the same few hundred recur across articles while each article's set differs), and the
    lowercase ASCII text every match of it starts with, if there is one: a quick `find` of
    it in lowercased ASCII text says where the regex may match, and whether at all."""
    regex = re.compile(rf"(?<!\w)(?:{_term_pattern(term)})(?!\w)", re.IGNORECASE)
    words = term.split()
    # A one-word term's forms ("policy", "policies") share their start ("polic").
    forms = [words[0].lower()] if len(words) > 1 else _word_forms(words[0])
    needle = forms[0]
    for form in forms[1:]:
        while not form.startswith(needle):
            needle = needle[:-1]
    return regex, needle if needle and needle.isascii() else None


class TermLinker:
    """Finds the article's glossary terms in text; longest terms win an overlap.

    The matches are those of one alternation of the terms, longest first, scanned left to
    right: at the leftmost place where any term matches, the first (longest) term that
    matches there wins, and the scan goes on after it. Compiling that alternation for each
    article's set of terms was a quarter of the seeding time, so each term has its own
    cached regex and the scan merges their matches the same way."""

    def __init__(self, terms: Sequence[LinkedTerm]) -> None:
        usable = sorted((t for t in terms if t.term.strip()), key=lambda t: -len(t.term))
        self._terms = usable
        self._matchers = [_term_matcher(t.term) for t in usable]
        # html() and markdown() of the same text find the same matches once.
        self._spans: dict[str, list[tuple[int, int, LinkedTerm]]] = {}

    def _matches(self, text: str) -> list[tuple[int, int, LinkedTerm]]:
        found = self._spans.get(text)
        if found is not None:
            return found
        found = []
        # In ASCII text, IGNORECASE matching is ASCII's, so lowercasing keeps positions and
        # a match starts where its needle is found (other text is searched by regex alone).
        lowered = text.lower() if text.isascii() else None

        def search(matcher: tuple[re.Pattern[str], str | None], at: int) -> re.Match[str] | None:
            regex, needle = matcher
            if lowered is not None and needle is not None:
                at = lowered.find(needle, at)
                if at < 0:
                    return None
            return regex.search(text, at)

        # The next match of each term at or after the cursor (None: no more). One found
        # before the cursor moved past its start is looked for again from the cursor.
        upcoming = [search(matcher, 0) for matcher in self._matchers]
        cursor = 0
        while True:
            best: re.Match[str] | None = None
            best_term: LinkedTerm | None = None
            for index, match in enumerate(upcoming):
                if match is not None and match.start() < cursor:
                    match = upcoming[index] = search(self._matchers[index], cursor)
                # Strictly leftmost: at the same place, the earlier (longer) term stays.
                if match is not None and (best is None or match.start() < best.start()):
                    best, best_term = match, self._terms[index]
            if best is None or best_term is None:
                break
            found.append((best.start(), best.end(), best_term))
            cursor = best.end()
        self._spans[text] = found
        return found

    def _render(
        self, text: str, plain: Callable[[str], str], link: Callable[[str, LinkedTerm], str]
    ) -> str:
        if not self._terms:
            return plain(text)
        out: list[str] = []
        cursor = 0
        for start, end, term in self._matches(text):
            out.append(plain(text[cursor:start]))
            out.append(link(text[start:end], term))
            cursor = end
        out.append(plain(text[cursor:]))
        return "".join(out)

    def html(self, text: str) -> str:
        return self._render(
            text,
            lambda s: escape(s, quote=False),
            lambda word, t: html_term(t.slug, escape(word, quote=False)),
        )

    def markdown(self, text: str) -> str:
        return self._render(
            text,
            markdown_escape,
            lambda word, t: markdown_term(t.slug, markdown_escape(word)),
        )


def markdown_escape(text: str) -> str:
    """_MARKDOWN_SPECIAL's escapes, then _LIST_NUMBER's (tests/test_speed.py compares)."""
    escaped = text
    if _ANY_SPECIAL.search(text) is not None:
        for special in _MARKDOWN_ANYWHERE:
            if special in escaped:
                escaped = escaped.replace(special, "\\" + special)
    if "\n" not in escaped:  # one line: the only line start is the text's
        if escaped.startswith("-"):
            escaped = "\\" + escaped
        # \d is a Unicode decimal digit, and every one of those is isdigit().
        return _LIST_NUMBER.sub(r"\1\\\2", escaped) if escaped[:1].isdigit() else escaped
    if "-" in escaped:
        escaped = _LINE_DASH.sub(r"\\-", escaped)
    return _LIST_NUMBER.sub(r"\1\\\2", escaped)
