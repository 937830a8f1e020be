"""The mobile sync: everything published, then only what changed, from the change log.

A sync runs between two points of the log, fixed when it starts: `from` (the
token's) and `to` (the log's end then). A delta is every (type, id) the log names in
between, plus what turned visible by time (a scheduled article whose moment came,
with its parts, terms and issue; the log lines the worker writes for such a
moment, for webhooks, are left out: the time window already has them). Each is
read when its page is served: an item the public can see comes in full, anything
else as a tombstone. A change made while a client pages is past `to`, so the next
sync brings it; nothing is lost, and an item unchanged since the token is not sent
again.

Tokens and cursors are opaque, versioned base64url JSON with a checksum: a made-up
or damaged one is refused rather than misread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlite_utils import Database

from .common import rows, scalar
from .glossary import visible_terms
from .issues import visible_issues
from .pagination import Query
from .questions import visible_questions
from .sources import visible_sources

TYPES = ("issue", "article", "term", "question", "source")
_TOKEN_VERSION = 1


class SyncTokenError(ValueError):
    """A token or cursor this API did not issue (or cannot read any more)."""


def _visible_articles_by_id() -> Query:
    from .articles import visible_articles

    return visible_articles("text")


# Each type's visible rows, with the alias of its id column.
VISIBLE: dict[str, tuple[Callable[[], Query], str]] = {
    "issue": (visible_issues, "i.id"),
    "article": (_visible_articles_by_id, "a.id"),
    "term": (visible_terms, "t.id"),
    "question": (visible_questions, "q.id"),
    "source": (visible_sources, "s.id"),
}


def encode(payload: dict[str, Any]) -> str:
    raw = orjson.dumps({"v": _TOKEN_VERSION, **payload})
    check = hashlib.blake2b(raw, digest_size=6, person=b"if-sync").hexdigest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + check


def decode(text: str) -> dict[str, Any]:
    body, _, check = text.partition(".")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        payload = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as error:
        raise SyncTokenError("Not a sync token or cursor this API issued.") from error
    expected = hashlib.blake2b(raw, digest_size=6, person=b"if-sync").hexdigest()
    if check != expected or not isinstance(payload, dict) or payload.get("v") != _TOKEN_VERSION:
        raise SyncTokenError("Not a sync token or cursor this API issued.")
    return payload


def log_end(db: Database) -> int:
    return int(scalar(db, "SELECT COALESCE(MAX(seq), 0) FROM changes", {}))


@dataclass
class Entry:
    kind: str
    item_id: int
    changed_at: str | None  # when the log last named it (deltas), for tombstones


def everything(
    db: Database, types: tuple[str, ...], after: tuple[int, int], limit: int
) -> tuple[list[Entry], tuple[int, int] | None, int]:
    """A page of every visible item, type by type in id order, after (type index, id);
    the position to go on from (None at the end) and the total."""
    total = 0
    for kind in types:
        build, id_column = VISIBLE[kind]
        query = build()
        total += int(
            scalar(db, f"SELECT COUNT(*) FROM {query.source}{query.where_sql()}", query.params)
        )
    found: list[Entry] = []
    type_index, last_id = after
    for index, kind in enumerate(TYPES):
        if kind not in types or index < type_index:
            continue
        build, id_column = VISIBLE[kind]
        query = build()
        query.select = f"{id_column} AS id"
        if index == type_index:
            query.filter(f"{id_column} > :after_id", after_id=last_id)
        wanted = limit - len(found)
        for row in rows(db, *query.sql(f" ORDER BY {id_column} LIMIT {wanted + 1}")):
            if len(found) == limit:
                return found, (TYPES.index(found[-1].kind), found[-1].item_id), total
            found.append(Entry(kind, int(row["id"]), None))
    return found, None, total


# What turned visible by time between two moments: a scheduled article whose moment came.
_RIPENED = (
    "SELECT 'article' AS type, a.id AS item_id, a.published_at AS at FROM articles a"
    " WHERE a.status != 'draft' AND a.deleted_at IS NULL"
    " AND a.published_at > :since AND a.published_at <= :until"
)
_RIPENED_PARTS = f"""
    SELECT 'question', q.id, r.at FROM questions q
        JOIN ({_RIPENED}) r ON r.item_id = q.article_id
    UNION ALL SELECT 'source', s.id, r.at FROM sources s
        JOIN ({_RIPENED}) r ON r.item_id = s.article_id
    UNION ALL SELECT 'term', u.term_id, r.at FROM article_terms u
        JOIN ({_RIPENED}) r ON r.item_id = u.article_id
    UNION ALL SELECT 'issue', b.issue_id, r.at FROM articles b
        JOIN ({_RIPENED}) r ON r.item_id = b.id WHERE b.issue_id IS NOT NULL
"""
_CHANGED = f"""
    SELECT type, item_id, MAX(at) AS at FROM (
        SELECT type, item_id, at FROM changes WHERE seq > :from_seq AND seq <= :to_seq
            AND cause IS NULL
        UNION ALL {_RIPENED}
        UNION ALL {_RIPENED_PARTS}
    ) WHERE type IN ({{types}}) GROUP BY type, item_id
"""


def _changed_sql(types: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    marks = {f"type{i}": kind for i, kind in enumerate(types)}
    return _CHANGED.format(types=", ".join(f":{m}" for m in marks)), marks


def changes(
    db: Database,
    types: tuple[str, ...],
    window: dict[str, Any],
    after: tuple[int, int],
    limit: int,
) -> tuple[list[Entry], tuple[int, int] | None, int]:
    """A page of what changed in the window, in (type, id) order after `after`."""
    sql, marks = _changed_sql(types)
    params = {**window, **marks}
    total = int(scalar(db, f"SELECT COUNT(*) FROM ({sql})", params))
    order = "CASE type " + " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(TYPES)) + " END"
    page = rows(
        db,
        f"SELECT type, item_id, at, {order} AS type_index FROM ({sql})"
        f" WHERE ({order}, item_id) > (:after_type, :after_id)"
        f" ORDER BY type_index, item_id LIMIT :limit",
        {**params, "after_type": after[0], "after_id": after[1], "limit": limit + 1},
    )
    more = len(page) > limit
    page = page[:limit]
    found = [Entry(r["type"], int(r["item_id"]), r["at"]) for r in page]
    position = (int(page[-1]["type_index"]), found[-1].item_id) if more else None
    return found, position, total
