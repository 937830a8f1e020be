"""A whole edition: an issue with its articles, and the bundle for offline reading."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlite_utils import Database

from .articles import RELATED, articles_of_issue, attach_related
from .issues import get_issue, latest_issue


def _with_articles(db: Database, issue: dict[str, Any] | None, fmt: str) -> dict[str, Any] | None:
    if issue is not None:
        issue["articles"] = articles_of_issue(db, issue["id"], fmt)
    return issue


def issue_with_articles(db: Database, ref: str) -> dict[str, Any] | None:
    return _with_articles(db, get_issue(db, ref), "text")


def latest_issue_with_articles(db: Database) -> dict[str, Any] | None:
    return _with_articles(db, latest_issue(db), "text")


def issue_bundle(db: Database, ref: str, fmt: str = "text") -> dict[str, Any] | None:
    """The whole edition, every article complete, with a hash of its content.

    The hash comes from what was hashed at write time (each article's content hash)
    and what can change without a rewrite (which articles are visible, in what order),
    so a client can tell "same edition" without downloading it twice."""
    issue = _with_articles(db, get_issue(db, ref), fmt)
    if issue is None:
        return None
    attach_related(db, issue["articles"], [n for n in RELATED if n != "issue"], fmt)
    hashes = dict(
        db.execute(
            "SELECT id, content_hash FROM articles WHERE issue_id = ?", [issue["id"]]
        ).fetchall()
    )
    digest = hashlib.sha256()
    for part in (issue["number"], issue["slug"], issue["title"], issue["published_on"], fmt):
        digest.update(f"{part}\x1f".encode())
    for article in issue["articles"]:
        digest.update(f"{article['id']}:{hashes[article['id']]}\x1e".encode())
    issue["content_hash"] = f"sha256:{digest.hexdigest()}"
    return issue
