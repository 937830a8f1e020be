"""Public reads cached by content version, answered before Flask is reached.

A repeat read of the same URL at the same content version gets the bytes (and headers)
Flask produced the first time: no SQL beyond the version, no marshmallow, no orjson, no
gzip. The cache is a WSGI middleware around the whole app, so a hit costs no request
context, no routing and no hooks either.

The content version is read from SQLite at the start of every request, before anything
is built, so a body is never stored under a newer version than the one it was read at:

- the change log's end, `MAX(changes.seq)`: every content write logs in its own
  transaction (api.store.writes.log_change), whichever process makes it;
- the newest moment already come of a scheduled article (`MAX(published_at) <= now`, one
  seek in the partial index `articles_visible_by_date`), since a scheduled article shows
  by itself when its time comes, and a change of status alone is not logged;
- the newest day already come of a scheduled issue. Every issue write is logged, so the
  next scheduled day only has to be looked up again when the log moves or the day comes;
- which file the database is (a file restored from a backup is another one).

What is cached: GET and HEAD (HEAD is the GET without its body) of /v1 without an
`Authorization` header, answered 200 by a view that marked its response public
(api.http.cache_headers), with no `Set-Cookie` and varying on nothing but
Authorization, Accept-Encoding and Origin. Never a preview (it needs a key), never a
sync page (its token carries the time of the request), never a URL with a cache-buster
(`_=`: no other request has it). The key: the version, path, raw
query string, Host, Origin, the X-Forwarded-* headers a trusted proxy sets, and the
content coding chosen for the request (api.compression.choose_encoding).

Conditional requests are answered from the entry: `If-None-Match` against the stored
ETag (a hash of the body bytes, the same on every node, computed once when the entry was
built), `If-Modified-Since` against its Last-Modified. A 304 builds nothing. Requests
with `If-Match` or `If-Unmodified-Since` go to the app, which answers 412 as a problem.

Per worker, in memory, least recently used out first, bounded by bytes
(`FLASK_RESPONSE_CACHE_BYTES`, 8 MiB; 0 turns the cache off). Shared by a worker's
threads behind one lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.http import http_date, is_entity_header, is_resource_modified, unquote_etag

from .compression import choose_encoding
from .store import pagination
from .store.pagination import content_version as current_version
from .surrogate import HEADER as SURROGATE_HEADER

# 8 MiB (≈ 650 articles): the issue's limit is 100 MB per worker. Full, the cache costs more
# than its count (≈ 1.25×: allocator overhead). Measured after the bench's cases twice over
# at 100k articles (round 4, bench/README.md): 16 MiB gave workers of 94–95 MB, 8 MiB
# 84–87 MB; the 10k bench run with 16 MiB had one of 98 MB. A miss of an article is a
# rendition (api/renditions.py, ≈ 0.1 ms), so memory is for the hot: a random article over
# 10k was a memory hit ≈ 10 % of the time at 16 MiB, and is a rendition otherwise.
DEFAULT_BYTES = 8 * 1024 * 1024
CACHEABLE = "api.response_cache.public"  # set in the WSGI environ by api.http
CACHED_PREFIXES = ("/v1",)
UNCACHED_PREFIXES = ("/v1/sync",)
VARY_ALLOWED = frozenset({"authorization", "accept-encoding", "origin"})
# Any of these makes the request one for the app alone.
_BYPASS = ("HTTP_AUTHORIZATION", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE")
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
_FORWARDED = (
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)
_ENTRY_OVERHEAD = 600  # bytes of Python objects around an entry's strings, roughly
# What a 304 keeps of the entity headers (werkzeug.http.remove_entity_headers' default).
_ENTITY_KEPT = frozenset({"expires", "content-location"})
_SURROGATE = SURROGATE_HEADER.lower()

Version = tuple[Any, ...]

StartResponse = Callable[..., Any]


class ContentVersion:
    """Reads the content version of one SQLite file, on a connection per thread."""

    _SQL = (
        "SELECT (SELECT COALESCE(MAX(seq), 0) FROM changes),"
        " (SELECT MAX(published_at) FROM articles"
        "  WHERE status != 'draft' AND published_at <= :now)"
    )
    _ISSUE_DAYS = (
        "SELECT (SELECT MAX(published_on) FROM issues WHERE status = 'published'"
        "  AND deleted_at IS NULL AND published_on <= :today),"
        " (SELECT MIN(published_on) FROM issues WHERE status = 'published'"
        "  AND deleted_at IS NULL AND published_on > :today)"
    )

    def __init__(self, path: str, busy_timeout_ms: int = 5000, *, keep_open: bool = True) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        # A read replica's file is rewritten in place by Litestream's follower, which a
        # connection held open stalls (api.replica): there, one connection per request.
        self.keep_open = keep_open
        self._local = threading.local()
        # (file, seq) -> (newest issue day come, next issue day to come or None)
        self._issue_days: tuple[Any, int, str | None, str | None, str] | None = None

    def _connection(self) -> tuple[sqlite3.Connection, tuple[int, int]]:
        stat = os.stat(self.path)
        identity = (stat.st_dev, stat.st_ino)
        held = getattr(self._local, "held", None)
        if held is not None and held[1] == identity:
            return held
        if held is not None:
            held[0].close()
        conn = self._open()
        self._local.held = (conn, identity)
        return conn, identity

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        conn.execute("PRAGMA query_only = ON")
        return conn

    def current(self) -> Version:
        if self.keep_open:
            return self._read(*self._connection())
        stat = os.stat(self.path)
        conn = self._open()
        try:
            return self._read(conn, (stat.st_dev, stat.st_ino))
        finally:
            conn.close()

    def _read(self, conn: sqlite3.Connection, identity: tuple[int, int]) -> Version:
        now = pagination.utc_now()  # the clock the store's visibility tests read
        seq, ripened = conn.execute(self._SQL, {"now": now}).fetchone()
        today = now[:10]
        days = self._issue_days
        if (
            days is None
            or days[:2] != (identity, seq)
            or (days[3] is not None and today >= days[3])
            or today < days[4]
        ):
            came, coming = conn.execute(self._ISSUE_DAYS, {"today": today}).fetchone()
            days = (identity, seq, came, coming, today)
            self._issue_days = days
        return (identity, seq, ripened, days[2])


@dataclass(frozen=True, slots=True)
class Entry:
    status: str
    headers: list[tuple[str, str]]  # as the app sent them, without Date
    headers_304: list[tuple[str, str]]
    body: bytes
    etag: str | None  # unquoted, as werkzeug compares it
    etag_header: str | None  # as sent, for the common If-None-Match of exactly it
    # A compressed variant's ETag is the identity one with ":gzip" (flask-compress); the
    # app also answers 304 to the identity ETag, with that ETag: so does the cache.
    identity_etag: str | None
    identity_304: list[tuple[str, str]]
    last_modified: str | None
    size: int


class ResponseCache:
    """Entries by key, least recently used out first, within a byte budget."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        if entry.size > self.max_bytes // 8:
            return  # one huge body would push out hundreds of articles
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= evicted.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


_dates: tuple[int, str] = (0, "")


def _date_now() -> str:
    """The Date header, formatted once a second."""
    global _dates
    second = int(time.time())
    if _dates[0] != second:
        _dates = (second, http_date(second))
    return _dates[1]


def _busted(query: str) -> bool:
    """A cache-buster (`_=`, which the app ignores) makes the URL one no other request has:
    kept, it would only push out entries that are asked for again. (An article's variant
    is still answered without a render, from api.renditions, which leaves `_` out of its key.)"""
    return "_=" in query and any(part.startswith("_=") for part in query.split("&"))


def _cacheable_path(path: str) -> bool:
    return path.startswith(CACHED_PREFIXES) and not path.startswith(UNCACHED_PREFIXES)


class ResponseCacheMiddleware:
    """The WSGI app in front of Flask's: answers hits, stores what it may keep."""

    def __init__(
        self, app: Callable[..., Iterable[bytes]], versions: ContentVersion, cache: ResponseCache
    ) -> None:
        self.app = app
        self.versions = versions
        self.cache = cache

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (
            (method != "GET" and method != "HEAD")
            or not _cacheable_path(environ.get("PATH_INFO", ""))
            or any(name in environ for name in _BYPASS)
        ):
            return self.app(environ, start_response)
        try:
            version = self.versions.current()
        except (OSError, sqlite3.Error):
            return self.app(environ, start_response)  # no version, no cache
        if _busted(environ.get("QUERY_STRING", "")):
            # Not kept (no other request has this URL), but built at the version read, so
            # what is kept by version below the cache (a list's total) still serves it.
            token = current_version.set(version)
            try:
                return self.app(environ, start_response)
            finally:
                current_version.reset(token)
        key = (
            version,
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("HTTP_ORIGIN"),
            *(environ.get(name) for name in _FORWARDED),
            choose_encoding(environ.get("HTTP_ACCEPT_ENCODING")),
        )
        entry = self.cache.get(key)
        if entry is None:
            token = current_version.set(version)
            try:
                entry, passed = self._build(environ)
            finally:
                current_version.reset(token)
            if entry is None:
                return passed(environ, start_response, method == "HEAD")
            self.cache.put(key, entry)
        return self._answer(entry, environ, start_response, method == "HEAD")

    def _build(self, environ: dict[str, Any]) -> tuple[Entry | None, Any]:
        """The app's answer to the unconditional GET of this URL: an entry when it may be
        kept, else a replay of the answer itself."""
        inner, status, headers, body = unconditional_get(self.app, environ)
        entry = _entry(status, headers, body)
        if status.startswith("200") and inner.get(CACHEABLE) and _keepable(headers):
            return entry, None
        if status.startswith("200"):
            # Not to be kept, but the conditions taken off the request still apply.
            def answer(env: dict[str, Any], start: StartResponse, head: bool) -> Iterable[bytes]:
                return self._answer(entry, env, start, head)

            return None, answer

        def replay(env: dict[str, Any], start: StartResponse, head: bool) -> Iterable[bytes]:
            start(status, headers)
            return [] if head else [body]

        return None, replay

    def _answer(
        self, entry: Entry, environ: dict[str, Any], start_response: StartResponse, head: bool
    ) -> Iterable[bytes]:
        return answer(entry, environ, start_response, head)


def answer(
    entry: Entry, environ: dict[str, Any], start_response: StartResponse, head: bool
) -> Iterable[bytes]:
    """The stored answer to this request: a 304 when its conditions say the client has it
    (also used by api.renditions, which answers from its own store the same way)."""
    if _not_modified(entry, environ, entry.etag):
        start_response("304 NOT MODIFIED", [*entry.headers_304, ("Date", _date_now())])
        return []
    if entry.identity_etag is not None and _not_modified(entry, environ, entry.identity_etag):
        start_response("304 NOT MODIFIED", [*entry.identity_304, ("Date", _date_now())])
        return []
    start_response(entry.status, [*entry.headers, ("Date", _date_now())])
    return [] if head else [entry.body]


def unconditional_get(
    app: Callable[..., Iterable[bytes]], environ: dict[str, Any]
) -> tuple[dict[str, Any], str, list[tuple[str, str]], bytes]:
    """What `app` answers the unconditional GET of this request's URL, read whole: the
    environ it was called with (the request's own when nothing had to be taken off),
    status, headers and body. A cached answer is built this way, then answered to the
    request's own conditions and method."""
    inner = environ
    if environ.get("REQUEST_METHOD") != "GET" or any(n in environ for n in _CONDITIONAL):
        inner = {k: v for k, v in environ.items() if k not in _CONDITIONAL}
        inner["REQUEST_METHOD"] = "GET"
    captured: dict[str, Any] = {}
    chunks: list[bytes] = []

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, list(headers)
        return chunks.append

    result = app(inner, capture)
    try:
        chunks.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return inner, captured["status"], captured["headers"], b"".join(chunks)


def _not_modified(entry: Entry, environ: dict[str, Any], etag: str | None) -> bool:
    if not entry.status.startswith("200"):
        return False
    asked = environ.get("HTTP_IF_NONE_MATCH")
    if asked is not None and asked == entry.etag_header and etag == entry.etag:
        return True
    if asked is None and "HTTP_IF_MODIFIED_SINCE" not in environ:
        return False
    return not is_resource_modified(environ, etag, last_modified=entry.last_modified)


def _entry(status: str, headers: list[tuple[str, str]], body: bytes) -> Entry:
    """What the app sent, ready to send again (Date is set afresh each time). Plain lists,
    not werkzeug's Headers: every miss makes one, a rendition's too (≈ 50 → 10 µs)."""
    kept = [(name, value) for name, value in headers if name.lower() != "date"]
    etag_header = last_modified = coding = None
    # As the app answers a 304: without entity headers (werkzeug's remove_entity_headers)
    # and without surrogate keys, which a cache tier would merge over the stored object's
    # (api.surrogate).
    short = []
    for name, value in kept:
        lowered = name.lower()
        if lowered == "etag":
            etag_header = value if etag_header is None else etag_header
        elif lowered == "last-modified":
            last_modified = value if last_modified is None else last_modified
        elif lowered == "content-encoding":
            coding = value if coding is None else coding
        if lowered == _SURROGATE or (is_entity_header(lowered) and lowered not in _ENTITY_KEPT):
            continue
        short.append((name, value))
    size = len(body) + sum(len(n) + len(v) for n, v in kept) * 4 + _ENTRY_OVERHEAD
    etag = unquote_etag(etag_header)[0] if etag_header else None
    identity = None
    identity_short = short
    if etag and coding and etag.endswith(f":{coding}"):
        identity = etag[: -len(coding) - 1]
        identity_short = _with_etag(short, f'"{identity}"')
    return Entry(
        status=status,
        headers=kept,
        headers_304=short,
        body=body,
        etag=etag,
        etag_header=etag_header,
        identity_etag=identity,
        identity_304=identity_short,
        last_modified=last_modified,
        size=size,
    )


def _with_etag(headers: list[tuple[str, str]], etag: str) -> list[tuple[str, str]]:
    """`headers` with its ETag set to `etag` where the first one stood (as Headers.set)."""
    out: list[tuple[str, str]] = []
    placed = False
    for name, value in headers:
        if name.lower() == "etag":
            if not placed:
                out.append(("ETag", etag))
                placed = True
            continue
        out.append((name, value))
    if not placed:
        out.append(("ETag", etag))
    return out


def _keepable(headers: list[tuple[str, str]]) -> bool:
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie" or lowered.startswith("ratelimit-"):
            return False  # a cookie, or a rate limit's count, is this request's alone
        if lowered == "vary" and any(
            part.strip().lower() not in VARY_ALLOWED for part in value.split(",")
        ):
            return False
        if lowered == "cache-control" and ("private" in value or "no-store" in value):
            return False
    return True


def init_response_cache(app: Flask) -> None:
    """Put the response cache in front of the app (after ProxyFix, so it sees the
    request as the client sent it and keys on the forwarded headers itself)."""
    max_bytes = int(app.config.get("RESPONSE_CACHE_BYTES", DEFAULT_BYTES))
    database = str(app.config["DATABASE"])
    if max_bytes <= 0 or database == ":memory:" or app.config.get("READS_REQUIRE_KEY"):
        return
    cache = ResponseCache(max_bytes)
    versions = ContentVersion(
        database,
        int(app.config["DATABASE_BUSY_TIMEOUT_MS"]),
        keep_open=not app.config.get("REPLICA_OF"),
    )
    app.extensions["response_cache"] = cache
    app.wsgi_app = ResponseCacheMiddleware(app.wsgi_app, versions, cache)  # type: ignore[method-assign]
