"""Pieces every store module shares: what the public may see, and id-or-slug references.

Queries bind a named `:now` once per request wherever visibility is checked, so a
query never reads the clock twice nor miscounts positional parameters.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from sqlite_utils import Database

# Scheduled articles become visible by themselves once their time has come.
VISIBLE_ARTICLE = "a.status != 'draft' AND a.published_at <= :now"
VISIBLE_ISSUE = "i.status = 'published'"
# When the public last saw an article change: a scheduled article "changes" the
# moment it appears, although its row was written long before.
ARTICLE_CHANGED_AT = "MAX(a.updated_at, a.published_at)"

# What an article's web page template may need of its issue.
ISSUE_OF_ARTICLE = (
    "(SELECT i.slug FROM issues i WHERE i.id = a.issue_id) AS issue_slug,"
    " (SELECT i.number FROM issues i WHERE i.id = a.issue_id) AS issue_number"
)

FORMAT_SUFFIX = {"text": "", "html": "_html", "markdown": "_markdown"}

MAX_ID = 2**63 - 1  # SQLite's INTEGER; a larger number cannot be bound at all


def as_id(text: str) -> int | None:
    """The row id a reference names, if it is one (ASCII digits within SQLite's range)."""
    if text.isascii() and text.isdigit() and int(text) <= MAX_ID:
        return int(text)
    return None


def ref_clause(alias: str, ref: str | int, name: str) -> tuple[str, dict[str, Any]]:
    """A detail URL takes the id or the slug; slugs are never all digits."""
    text = str(ref)
    row_id = as_id(text)
    if row_id is not None:
        return f"{alias}.id = :{name}", {name: row_id}
    return f"{alias}.slug = :{name}", {name: text}


def visible_article_ids(ref: str) -> tuple[str, dict[str, Any]]:
    """SQL for the id of the visible article `ref` names (none when it names nothing)."""
    clause, params = ref_clause("a", ref, "article_ref")
    return f"SELECT a.id FROM articles a WHERE {VISIBLE_ARTICLE} AND {clause}", params


def one(db: Database, sql: str, params: dict[str, Any]) -> dict[str, Any] | None:
    for row in db.query(sql, params):
        return row
    return None


def loads(value: str) -> Any:
    return orjson.loads(value)


_SEARCH_WORD = re.compile(r"\w+")
# All words are required, so a long paste finds nothing past a few dozen words anyway;
# the cap keeps a 2 KB query from costing a hundred index lookups.
MAX_SEARCH_WORDS = 32
MIN_PREFIX_LENGTH = 2  # a one-letter prefix matches half the dictionary


def fts_query(text: str, *, prefix: bool = True) -> str | None:
    """User text as an FTS5 query that cannot be a syntax error: every word quoted, all
    required. None when the text has no word to look for (only punctuation, say).

    For type-ahead, the last word is also a prefix (`sanc` finds "Sanctions") while it is
    still being typed: the text ends in it (or in `*`), not in a space or punctuation."""
    words = list(dict.fromkeys(w.lower() for w in _SEARCH_WORD.findall(text)))
    if not words:
        return None
    words = words[:MAX_SEARCH_WORDS]
    phrases = [f'"{word}"' for word in words]
    last = _SEARCH_WORD.findall(text)[-1]
    typing = text.rstrip("*").endswith(last)
    if prefix and typing and len(last) >= MIN_PREFIX_LENGTH and last.lower() in words:
        phrases[words.index(last.lower())] = f'"{last.lower()}"*'
    return " ".join(phrases)
