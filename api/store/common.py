"""Pieces every store module shares: what a reader may see, and id-or-slug references.

Queries bind a named `:now` once per request wherever visibility is checked, so a
query never reads the clock twice nor miscounts positional parameters.

Who is reading decides what exists. The public sees published content only; an
editor's key previews drafts and scheduled content too. The visibility clauses mark
their public-only part, and `for_viewer` drops it for a previewing reader, so one
query text serves both (and the public one keeps matching the partial indexes).
Deleted content exists for nobody.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

import orjson
from sqlite_utils import Database

_previewing: ContextVar[bool] = ContextVar("previewing", default=False)


def set_previewing(on: bool) -> None:
    """For the current request (each request runs in a context of its own)."""
    _previewing.set(on)


def public_only(clause: str, name: str) -> str:
    """A condition that holds for the public and is dropped for a previewing editor."""
    return f"/*public:{name}*/{clause}/*end:{name}*/"


_PUBLIC_PART = re.compile(r"/\*public:([\w-]+)\*/.*?/\*end:\1\*/", re.S)


def for_viewer(sql: str) -> str:
    return _PUBLIC_PART.sub("1", sql) if _previewing.get() else sql


# Scheduled articles become visible by themselves once their time has come.
VISIBLE_ARTICLE = "a.deleted_at IS NULL AND " + public_only(
    "a.status != 'draft' AND a.published_at <= :now", "article"
)
# An issue dated in the future is scheduled: it shows on its day.
VISIBLE_ISSUE = "i.deleted_at IS NULL AND " + public_only(
    "i.status = 'published' AND (i.published_on IS NULL OR i.published_on <= substr(:now, 1, 10))",
    "issue",
)
# What an editor calls the state of an article: scheduled is published with a future date.
ARTICLE_STATUS = (
    "CASE WHEN a.status = 'draft' THEN 'draft'"
    " WHEN a.published_at IS NULL OR a.published_at > :now THEN 'scheduled'"
    " ELSE 'published' END"
)
ISSUE_STATUS = (
    "CASE WHEN i.status = 'draft' THEN 'draft'"
    " WHEN i.published_on > substr(:now, 1, 10) THEN 'scheduled' ELSE 'published' END"
)
# When the public last saw an article change: a scheduled article "changes" the
# moment it appears, although its row was written long before.
ARTICLE_CHANGED_AT = "MAX(a.updated_at, COALESCE(a.published_at, ''))"

# What an article's web page template may need of its issue.
ISSUE_OF_ARTICLE = (
    "(SELECT i.slug FROM issues i WHERE i.id = a.issue_id) AS issue_slug,"
    " (SELECT i.number FROM issues i WHERE i.id = a.issue_id) AS issue_number"
)

FORMAT_SUFFIX = {"text": "", "html": "_html", "markdown": "_markdown"}

MAX_ID = 2**63 - 1  # SQLite's INTEGER; a larger number cannot be bound at all


# At most 19 digits (MAX_ID has 19): int() of 4,301 digits raises, and /v1/articles/<5,000
# digits> was a 500.
_UNPADDED_NUMBER = re.compile(r"0|[1-9][0-9]{0,18}")


def as_id(text: str) -> int | None:
    """The row id a reference names, if it is one (ASCII digits within SQLite's range).
    A padded number (`05`) is no id, as in a URL's `<int:…>`, so it names nothing: slugs
    are never all digits."""
    if _UNPADDED_NUMBER.fullmatch(text) and int(text) <= MAX_ID:
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


def inserted_id(cursor: Any) -> int:
    """The id an INSERT gave its row."""
    if cursor.lastrowid is None:
        raise RuntimeError("the statement inserted no row")
    return int(cursor.lastrowid)


def rows(db: Database, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run a read as the current reader may see it. Straight on the sqlite3 connection:
    sqlite-utils' db.query wraps every SELECT in a SAVEPOINT, three statements for one."""
    cursor = db.conn.execute(for_viewer(sql), params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def scalar(db: Database, sql: str, params: dict[str, Any]) -> Any:
    return db.conn.execute(for_viewer(sql), params).fetchone()[0]


def one(db: Database, sql: str, params: dict[str, Any]) -> dict[str, Any] | None:
    found = rows(db, sql, params)
    return found[0] if found else None


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
