"""The newsletter's masthead and footer around an article: not content, dropped with a warning.

It runs after the lines are clean and uses the block names (``blocks``) to tell a
footer after the last block from a stray newsletter line between blocks, and a
glossary entry whose term is a footer word ("Copyright: …") from the footer itself.
"""

from __future__ import annotations

import re

from .blocks import block_kind
from .lines import Line, Warn
from .shapes import split_label, without_marker
from .text import shorten

# Boilerplate of the newsletter around an article (sign-up calls, copyright, farewells).
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


def drop_masthead_and_footer(lines: list[Line], warn: Warn) -> list[Line]:
    """The lines without the "Insight Fortnight …" masthead and the newsletter footer."""
    if (
        len(lines) > 1
        and re.match(r"insight fortnight\b", lines[0].text, re.IGNORECASE)
        and len(lines[0].text.split()) <= 12
    ):
        warn(lines[0].no, f"dropped the masthead line '{lines[0].text}'")
        lines = lines[1:]
    kinds = [block_kind(line.text) for line in lines]
    last_block = max((i for i, kind in enumerate(kinds) if kind), default=-1)
    kept: list[Line] = []
    block: str | None = None
    for index, line in enumerate(lines):
        block = kinds[index] or block
        if (
            index == 0
            or len(line.text.split()) > 30
            or not _FOOTER.search(line.text)
            or (block == "glossary" and _is_term(line.text))
        ):
            kept.append(line)
            continue
        if index < last_block:
            # Content blocks still follow: a stray boilerplate line, not the end of the article.
            warn(line.no, f"dropped the newsletter line '{shorten(line.text)}' before the end")
            continue
        warn(line.no, f"dropped the newsletter footer '{shorten(line.text)}'")
        leftover = [later for later in lines[index + 1 :] if not _FOOTER.search(later.text)]
        if leftover:
            warn(
                leftover[0].no,
                f"dropped {len(leftover)} line(s) after the footer on line {line.no}",
            )
        break
    return kept


def _is_term(text: str) -> bool:
    """Whether a glossary line is a ``Term: definition`` entry ("Copyright: The legal right…").

    Such a line is content even when its term is a footer word; a definition that is
    itself boilerplate ("Copyright: 2024 Insight Fortnight") is still the footer.
    """
    pair = split_label(without_marker(text), glossary=True)
    return pair is not None and not _FOOTER.search(pair[1])
