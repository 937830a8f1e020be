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
from html import escape

from ..links import html_term, markdown_term

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&]|^-)", re.MULTILINE)
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


class TermLinker:
    """Finds the article's glossary terms in text; longest terms win an overlap."""

    def __init__(self, terms: Sequence[LinkedTerm]) -> None:
        usable = sorted((t for t in terms if t.term.strip()), key=lambda t: -len(t.term))
        self._terms = usable
        if usable:
            alternatives = "|".join(
                f"(?P<t{i}>{_term_pattern(t.term)})" for i, t in enumerate(usable)
            )
            self._regex: re.Pattern[str] | None = re.compile(
                rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE
            )
        else:
            self._regex = None

    def _render(
        self, text: str, plain: Callable[[str], str], link: Callable[[str, LinkedTerm], str]
    ) -> str:
        if self._regex is None:
            return plain(text)
        out: list[str] = []
        cursor = 0
        for match in self._regex.finditer(text):
            term = self._terms[int(match.lastgroup[1:])]  # type: ignore[index]
            out.append(plain(text[cursor : match.start()]))
            out.append(link(match.group(0), term))
            cursor = match.end()
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
    return _LIST_NUMBER.sub(r"\1\\\2", _MARKDOWN_SPECIAL.sub(r"\\\1", text))
