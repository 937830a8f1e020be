"""Pieces every store module shares: what the public may see, and id-or-slug references."""

from __future__ import annotations

from typing import Any

import orjson
from sqlite_utils import Database

from ..timefmt import utc_now

# Scheduled articles become visible by themselves once their time has come.
VISIBLE_ARTICLE = "a.status != 'draft' AND a.published_at <= ?"
VISIBLE_ISSUE = "i.status = 'published'"

FORMAT_SUFFIX = {"text": "", "html": "_html", "markdown": "_markdown"}


def visible_article(query_params: list[Any]) -> str:
    query_params.append(utc_now())
    return VISIBLE_ARTICLE


def ref_clause(alias: str, ref: str | int) -> tuple[str, Any]:
    """A detail URL takes the id or the slug; slugs are never all digits."""
    text = str(ref)
    if text.isdigit():
        return f"{alias}.id = ?", int(text)
    return f"{alias}.slug = ?", text


def one(db: Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    for row in db.query(sql, params):
        return row
    return None


def loads(value: str) -> Any:
    return orjson.loads(value)
