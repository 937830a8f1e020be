"""Reading metadata computed at import: word count, reading time, Flesch–Kincaid grade.

Syllables come from pyphen's hyphenation dictionaries (shipped inside the package),
not textstat: textstat 0.7.13 downloads the CMU dictionary from the internet on
first use, which fails on an offline server.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pyphen

from .text import CLOSERS, STOPS

WORDS_PER_MINUTE = 200

_WORD = re.compile(r"[A-Za-z0-9’']+(?:[-–][A-Za-z0-9’']+)*")
# An ellipsis inside a quote ("munitions to Russia … and other weapons") marks words left
# out, not a sentence end: the count for the reading level leaves it out.
_SENTENCE_END = re.compile(rf"[{STOPS.replace('…', '')}]+(?=[\s{CLOSERS}]|$)")


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def reading_minutes(count: int) -> int:
    return max(1, math.ceil(count / WORDS_PER_MINUTE))


def _syllables(word: str) -> int:
    hyphenator = _hyphenator()
    return sum(len(hyphenator.positions(part)) + 1 for part in re.split(r"[-–]", word) if part)


def flesch_kincaid_grade(text: str) -> float | None:
    """US school grade of the text; None when there is no sentence to measure."""
    found = words(text)
    if not found:
        return None
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    syllables = sum(_syllables(w) for w in found)
    grade = 0.39 * len(found) / sentences + 11.8 * syllables / len(found) - 15.59
    return round(grade, 1)
