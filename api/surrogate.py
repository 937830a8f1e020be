"""Surrogate keys: which cached responses a write makes stale.

Every cacheable response (public, 200/304, GET/HEAD) carries an ``xkey`` header naming

- each object it shows: ``article-7``, ``issue-3``, ``term-5``, ``question-9``, ``source-2``
  (its own, the ones embedded in it, the ones it lists), and
- each collection whose membership decides what it lists: ``articles``, ``issues``,
  ``glossary``, ``questions``, ``sources``, ``search``, ``sync`` (``index`` and ``static``
  for pages no content write changes).

A change of one item purges ``purge_keys(db, kind, id)``: the item's key, its collection,
the objects whose representation shows it (its issue, its article, the articles using a
term...), and ``search`` and ``sync``, which every content write changes. A cached response
is stale after a write only if it shows a changed object or lists a changed collection, so
it shares at least one key with the write's purge. The outbox calls ``purge_keys`` for each
change-log line a write made, after the write committed, and purges the union.

A response showing many objects of one kind names the collection instead of each one (the
collection's key is purged by every change of that kind): the header stays small.
"""

from __future__ import annotations

import gzip
import time
import urllib.request
from typing import Any

import orjson
from flask import Flask, Response, g, request
from sqlite_utils import Database

from .store.common import rows

COLLECTIONS = {
    "issue": "issues",
    "article": "articles",
    "term": "glossary",
    "question": "questions",
    "source": "sources",
}
# Every content write changes what a search finds and what a sync sends.
EVERY_WRITE = ("search", "sync")
# More objects of one kind than this in one response: its collection key instead.
MAX_KEYS_PER_KIND = 50
HEADER = "xkey"

# Nested members of a payload, and the kind of object they hold.
_MEMBERS = {
    "issue": "issue",
    "articles": "article",
    "glossary": "term",
    "questions": "question",
    "sources": "source",
    "sections": "section",
}
# Fields naming another object by id.
_REFERENCES = {"article_id": "article", "issue_id": "issue"}

# What each endpoint's `data` holds, and the collections it lists.
_ENDPOINTS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "articles.list_articles": ("article", ("articles",)),
    "articles.get_article": ("article", ()),
    "articles.list_sections": ("section", ()),
    "articles.get_section": ("section", ()),
    "articles.list_article_questions": ("question", ("questions",)),
    "articles.list_article_glossary": ("term", ("glossary",)),
    "articles.list_article_sources": ("source", ("sources",)),
    "issues.list_issues": ("issue", ("issues",)),
    # Which issue is the latest depends on every issue and article.
    "issues.latest_issue": ("issue", ("issues", "articles")),
    "issues.get_issue": ("issue", ()),
    "issues.latest_bundle": ("issue", ("issues", "articles")),
    "issues.get_bundle": ("issue", ()),
    "glossary.list_terms": ("term", ("glossary",)),
    "glossary.get_term": ("term", ()),
    "questions.list_questions": ("question", ("questions",)),
    "questions.get_question": ("question", ()),
    "sources.list_sources": ("source", ("sources",)),
    "sources.get_source": ("source", ()),
    "search.search": (None, ("search",)),
    "sync.sync": (None, ("sync",)),
    "index.root": (None, ("index",)),
    "index.api_index": (None, ("index",)),
}
# Sub-resources of one article: their keys name it even when the list is empty.
_ARTICLE_PARTS = {
    "articles.list_sections",
    "articles.get_section",
    "articles.list_article_questions",
    "articles.list_article_glossary",
    "articles.list_article_sources",
}


# What a write purges ------------------------------------------------------------------------


def _ids(db: Database, sql: str, params: dict[str, Any]) -> list[int]:
    return [int(r["id"]) for r in rows(db, sql, params) if r["id"] is not None]


def purge_keys(db: Database, kind: str, item_id: int) -> list[str]:
    """The surrogate keys a change of this item touches (call it after the write committed,
    once per change-log line; a deleted item's row may be gone, its own keys stay)."""
    if kind not in COLLECTIONS:
        raise ValueError(f"unknown kind {kind!r}")
    keys = {f"{kind}-{item_id}", COLLECTIONS[kind], *EVERY_WRITE}
    params = {"id": item_id}
    if kind == "article":
        # Its issue lists it (and counts it); its terms' pages list it by title; its
        # parts appear in their lists only while it is visible.
        keys |= {"issues"}
        keys |= {
            f"issue-{i}"
            for i in _ids(db, "SELECT issue_id AS id FROM articles WHERE id = :id", params)
        }
        for part, table, column in (
            ("term", "article_terms", "term_id"),
            ("question", "questions", "id"),
            ("source", "sources", "id"),
        ):
            found = _ids(db, f"SELECT {column} AS id FROM {table} WHERE article_id = :id", params)
            keys |= {f"{part}-{i}" for i in found}
            if found:
                keys.add(COLLECTIONS[part])
    elif kind == "issue":
        # Its articles are visible with it; article lists filter by it.
        keys |= {"articles"}
        found = _ids(db, "SELECT id FROM articles WHERE issue_id = :id", params)
        keys |= {f"article-{i}" for i in found}
    elif kind == "term":
        found = _ids(db, "SELECT article_id AS id FROM article_terms WHERE term_id = :id", params)
        keys |= {f"article-{i}" for i in found}
    else:
        table = COLLECTIONS[kind]
        found = _ids(db, f"SELECT article_id AS id FROM {table} WHERE id = :id", params)
        keys |= {f"article-{i}" for i in found}
    return sorted(keys)


# What a response shows ----------------------------------------------------------------------


class _Keys:
    def __init__(self) -> None:
        self.objects: dict[str, set[int]] = {}
        self.collections: set[str] = set()

    def add(self, kind: str | None, item_id: Any) -> None:
        if kind in COLLECTIONS and isinstance(item_id, int) and not isinstance(item_id, bool):
            self.objects.setdefault(kind, set()).add(item_id)

    def walk(self, value: Any, kind: str | None) -> None:
        if isinstance(value, list):
            for element in value:
                self.walk(element, kind)
            return
        if not isinstance(value, dict):
            return
        typed = value.get("type")
        if kind is None and isinstance(typed, str):
            # A search hit or a sync element names its own type; a section hit its article
            # only through the search key.
            kind = typed
            self.add(typed, value.get("id"))
            self.walk(value.get("data"), typed)
            return
        self.add(kind, value.get("id"))
        for name, other in _REFERENCES.items():
            self.add(other, value.get(name))
        for name, member in _MEMBERS.items():
            if name in value and isinstance(value[name], list | dict):
                self.walk(value[name], member)

    def header(self) -> str:
        keys = set(self.collections)
        for kind, ids in self.objects.items():
            if len(ids) > MAX_KEYS_PER_KIND:
                keys.add(COLLECTIONS[kind])
            else:
                keys |= {f"{kind}-{i}" for i in ids}
        return " ".join(sorted(keys))


def _article_ref(ref: str) -> int | None:
    if ref.isdigit():
        return int(ref)
    from .db import get_db
    from .store.articles import resolve_article_id

    return resolve_article_id(get_db(), ref)


def response_keys(endpoint: str | None, view_args: dict[str, Any], payload: Any) -> str:
    """The xkey header of one response: from its route and the ids in its JSON."""
    kind, collections = _ENDPOINTS.get(endpoint or "", (None, ("static",)))
    keys = _Keys()
    keys.collections.update(collections)
    if isinstance(payload, dict):
        keys.walk(payload.get("data"), kind)
    if endpoint in _ARTICLE_PARTS and "article" not in keys.objects:
        keys.add("article", _article_ref(str(view_args.get("ref", ""))))
    return keys.header()


def cacheable(response: Response) -> bool:
    """What a shared cache may keep: a public GET/HEAD answer, 200 or 304, no cookie."""
    if request.method not in ("GET", "HEAD") or response.status_code not in (200, 304):
        return False
    if response.status_code == 304:
        # Varnish refreshes a stored object from a 304 by merging its headers over the
        # stored ones: a 304 has no body to read ids from, and an incomplete xkey would
        # replace the stored object's complete one. Leave it out.
        return False
    directives = response.cache_control
    return (
        bool(directives.public)
        and not directives.no_store
        and not directives.private
        and ("Set-Cookie" not in response.headers)
    )


def _tag(response: Response) -> Response:
    if HEADER in response.headers or not cacheable(response):
        return response
    payload = None
    if response.mimetype == "application/json" and not response.is_streamed:
        body = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        payload = orjson.loads(body)
    response.headers[HEADER] = response_keys(request.endpoint, request.view_args or {}, payload)
    g.surrogate_keys = response.headers[HEADER]
    return response


def init_surrogate(app: Flask) -> None:
    """Tag every cacheable response with its surrogate keys. Registered after compression,
    so it runs before it (Flask runs after_request hooks last-registered first) and reads
    the JSON as written."""
    app.after_request(_tag)


# Sending a purge ------------------------------------------------------------------------------


class PurgeError(RuntimeError):
    """A purge that did not happen (a cache node refused or a replica lags): retry it."""


def _get_json(url: str, timeout: float) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return orjson.loads(answer.read())


def wait_for_replicas(
    replica_urls: tuple[str, ...] | list[str], position: int, *, wait: float = 10.0
) -> None:
    """Block until every replica's /healthz position has reached `position` (the change-log
    sequence of the write), so a refetch after the purge cannot read the old version."""
    deadline = time.monotonic() + wait
    pending = [url.rstrip("/") for url in replica_urls]
    while pending:
        behind = []
        for url in pending:
            try:
                seen = int(_get_json(f"{url}/healthz", 2.0).get("position", -1))
            except (OSError, ValueError):
                seen = -1
            if seen < position:
                behind.append(url)
        pending = behind
        if pending and time.monotonic() > deadline:
            raise PurgeError(f"replicas behind change {position}: {', '.join(pending)}")
        if pending:
            time.sleep(0.02)


def send_purge(
    keys: list[str],
    *,
    cache_urls: list[str],
    replica_urls: tuple[str, ...] | list[str] = (),
    position: int | None = None,
    timeout: float = 5.0,
) -> int:
    """PURGE the keys from every cache node, in one request per node (`xkey: k1 k2 ...`),
    once the replicas hold change `position`. The number of objects purged; PurgeError
    when a node does not answer 200 (the caller retries, e.g. from the outbox)."""
    if not keys or not cache_urls:
        return 0
    if position is not None and replica_urls:
        wait_for_replicas(replica_urls, position)
    purged = 0
    for url in cache_urls:
        purge = urllib.request.Request(
            url.rstrip("/") + "/", method="PURGE", headers={HEADER: " ".join(sorted(set(keys)))}
        )
        try:
            with urllib.request.urlopen(purge, timeout=timeout) as answer:
                purged += int(answer.headers.get("X-Purged") or 0)
        except (OSError, ValueError) as error:
            raise PurgeError(f"PURGE {url}: {error}") from error
    return purged
