"""Small text helpers every stage shares: word sets, quoting in messages, unique anchors.

Pure functions, no I/O. Titles live in ``titles``, dates in ``dates``, publishers in
``publishers``; slugs come from ``api.slugs`` and reading metrics from ``readability``.
"""

from __future__ import annotations

# What ends a sentence, and what may close around its stop (quotes, brackets): every
# sentence-end pattern of the importer is built from these two.
STOPS = ".!?…"
CLOSERS = "”\"’')\\]"


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The small words of English headlines and prose, written once: a headline keeps them in
# lowercase and a heading does not end on one; a line that ends on one has more to come.
MINOR_WORDS = word_set("a an and or but of to in on for with by from as at the")


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for quoting it in a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Anchors:
    """Unique anchors for one document: ``base``, then ``base-2``, ``base-3``… in order.

    The next suffix to try is remembered per base, so a document of thousands of equal
    headings costs linear time, not a rescan of every suffix taken so far.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}  # base -> the suffix to try next

    def claim(self, base: str) -> str:
        """``base`` or the first free ``base-N``; it is taken from now on."""
        n = self._next.get(base, 1)
        anchor = base if n == 1 else f"{base}-{n}"
        # Another heading may have claimed "base-3" as its own base; skip it.
        while anchor in self._taken:
            n += 1
            anchor = f"{base}-{n}"
        self._next[base] = n + 1
        self._taken.add(anchor)
        return anchor
