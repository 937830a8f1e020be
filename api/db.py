"""SQLite access: one connection per thread, schema migrations, write transactions.

Connections are per thread, never shared (``check_same_thread`` stays on): a fresh
connection per request re-reads the schema and starts with a cold page cache,
which cost about 0.4 ms a request on our machines (STACK-NOTES.md).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("insight-fortnight")

_local = threading.local()


def connect(path: str | Path, busy_timeout_ms: int = 5000) -> Database:
    """Open a database with the settings every connection needs."""
    db = Database(str(path))
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    db.execute("PRAGMA foreign_keys = ON")
    if not db.memory:
        db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


READ_METHODS = frozenset({"GET", "HEAD"})


def get_db() -> Database:
    """The current thread's connection to the app's database; in a GET or HEAD request,
    inside that request's read transaction (see `init_read_snapshots`)."""
    db = _thread_connection()
    if not db.conn.in_transaction and has_request_context() and request.method in READ_METHODS:
        # Deferred: the snapshot is taken by the first SELECT and holds no lock a writer
        # waits for (WAL); every later statement of this response sees the same version.
        db.conn.execute("BEGIN DEFERRED")
        g.read_snapshot = db
    return db


def _end_read_snapshot(error: BaseException | None = None) -> None:
    db = g.pop("read_snapshot", None)
    if db is not None and db.conn.in_transaction:
        # Nothing was written in it: ending it either way only releases the snapshot.
        if error is None:
            db.conn.commit()
        else:
            db.conn.rollback()


def init_read_snapshots(app: Flask) -> None:
    """One response, one snapshot: a list's count, its page and what it embeds come from
    the same version of the database even while an import commits between the statements."""
    app.teardown_request(_end_read_snapshot)


def _thread_connection() -> Database:
    """The current thread's connection to the app's database.

    A file restored from a backup or replaced by hand is a new file: the connection to
    the old one is dropped rather than serving (or health-checking) a deleted file.
    """
    if current_app.config.get("REPLICA_OF"):
        from .replica import request_db  # Litestream's copy: read-only, one connection a request

        return request_db()
    path = current_app.config["DATABASE"]
    cache: dict[str, tuple[Database, tuple[int, int] | None]] = (
        getattr(_local, "connections", None) or {}
    )
    _local.connections = cache
    identity = _file_identity(path)
    cached = cache.get(path)
    if cached is not None:
        db, opened = cached
        if opened == identity and identity is not None:
            return db
        db.close()
    db = connect(path, current_app.config["DATABASE_BUSY_TIMEOUT_MS"])
    cache[path] = (db, _file_identity(path))
    return db


def init_db(path: str | Path, busy_timeout_ms: int = 5000) -> None:
    """Create or upgrade the schema. Safe to run on every start, from many processes at
    once (gunicorn workers): a lock file next to the database lets one migrate at a time."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        db = connect(path, busy_timeout_ms)
        try:
            migrations.apply(db)
        finally:
            db.close()


# Called with the connection at the end of every write transaction, before COMMIT, so
# what they write commits (or rolls back) with the content. db.py knows nothing of them:
# a higher layer registers itself (api.webhooks feeds the outbox from the change log).
before_commit: list[Callable[[Database], None]] = []


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """All-or-nothing write. BEGIN IMMEDIATE takes the write lock up front, so a
    transaction that reads then writes waits on busy_timeout instead of failing
    with 'database is locked' when it tries to upgrade its lock.

    Re-entrant: inside a transaction already open on this connection it joins that one,
    so a route can check a precondition and call the writer in one transaction. A GET's
    read transaction is not one to join: it ends first (its snapshot could be stale)."""
    if db.conn.in_transaction and not _is_read_snapshot(db):
        yield db
        return
    if db.conn.in_transaction:
        _end_read_snapshot()
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        for hook in before_commit:
            hook(db)
    except BaseException:
        db.rollback()
        raise
    else:
        try:
            db.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise


def _is_read_snapshot(db: Database) -> bool:
    return has_request_context() and g.get("read_snapshot") is db


def ping(db: Database) -> bool:
    try:
        db.execute("SELECT 1 FROM articles LIMIT 1").fetchall()
    except sqlite3.Error:
        return False
    return True


_SCHEMA_V1 = [
    """CREATE TABLE issues (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        number INTEGER NOT NULL UNIQUE,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        published_on TEXT,
        status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE articles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        issue_id INTEGER REFERENCES issues(id),
        position INTEGER NOT NULL DEFAULT 1,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        lede TEXT NOT NULL,
        lede_html TEXT NOT NULL,
        lede_markdown TEXT NOT NULL,
        published_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'published')),
        word_count INTEGER NOT NULL,
        reading_minutes INTEGER NOT NULL,
        reading_level REAL,
        body_text TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    # Partial indexes matching the visibility test, so the default order (newest first)
    # and the title order are read straight from an index, page after page.
    "CREATE INDEX articles_visible_by_date ON articles (published_at, id) WHERE status != 'draft'",
    "CREATE INDEX articles_visible_by_title ON articles (title COLLATE NOCASE, id)"
    " WHERE status != 'draft'",
    "CREATE INDEX articles_issue ON articles (issue_id, position)",
    "CREATE INDEX articles_updated ON articles (updated_at, id)",
    """CREATE TABLE sections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('body', 'background')),
        position INTEGER NOT NULL,
        number INTEGER,
        heading TEXT NOT NULL,
        anchor TEXT NOT NULL,
        content TEXT NOT NULL,
        content_html TEXT NOT NULL,
        content_markdown TEXT NOT NULL,
        UNIQUE (article_id, position),
        UNIQUE (article_id, anchor)
    )""",
    # One row per term, named by its slug; the wording lives with each article's use.
    """CREATE TABLE terms (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        slug TEXT NOT NULL UNIQUE,
        term TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE article_terms (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        term_id INTEGER NOT NULL REFERENCES terms(id),
        position INTEGER NOT NULL,
        term TEXT NOT NULL,
        definition TEXT NOT NULL,
        PRIMARY KEY (article_id, term_id)
    )""",
    "CREATE INDEX article_terms_term ON article_terms (term_id)",
    """CREATE TABLE questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        kinds TEXT NOT NULL,
        UNIQUE (article_id, position)
    )""",
    """CREATE TABLE sources (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        url TEXT NOT NULL,
        domain TEXT NOT NULL,
        publisher TEXT,
        published_on TEXT,
        UNIQUE (article_id, position)
    )""",
    "CREATE INDEX sources_domain ON sources (domain, id)",
]


@migrations()
def m001_initial_schema(db: Database) -> None:
    for statement in _SCHEMA_V1:
        db.execute(statement)
    # Triggers keep the index in step with every write, whoever makes it. Glossary
    # wording is indexed with its article (body_text), never on its own, so a draft's
    # definition cannot be found through a shared index.
    db.table("articles").enable_fts(["title", "lede", "body_text"], create_triggers=True)


_OLD_HTML_TERM = re.compile(
    r'<a class="glossary-term" href="/v1/glossary/[^"]*" data-term="([a-z0-9-]+)">'
    r"<dfn>(.*?)</dfn></a>"
)
_OLD_MARKDOWN_TERM = re.compile(r"\]\(/v1/glossary/([a-z0-9-]+)\)")


def _rewrite_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_rewrite_strings(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_strings(v, change) for k, v in value.items()}
    return value


@migrations()
def m002_neutral_glossary_marks(db: Database) -> None:
    """Glossary links were written as relative API links; they are now neutral marks
    that api.links resolves to the configured website when served."""

    def html(text: str) -> str:
        return _OLD_HTML_TERM.sub(r'<dfn data-term="\1">\2</dfn>', text)

    def markdown(text: str) -> str:
        return _OLD_MARKDOWN_TERM.sub(r"](glossary:\1)", text)

    for row in db.execute("SELECT id, lede_html, lede_markdown FROM articles").fetchall():
        db.execute(
            "UPDATE articles SET lede_html = ?, lede_markdown = ? WHERE id = ?",
            [html(row[1]), markdown(row[2]), row[0]],
        )
    # Section content is JSON (paragraphs, or items of label and text).
    for row in db.execute("SELECT id, content_html, content_markdown FROM sections").fetchall():
        db.execute(
            "UPDATE sections SET content_html = ?, content_markdown = ? WHERE id = ?",
            [
                json.dumps(
                    _rewrite_strings(json.loads(row[1]), html),
                    ensure_ascii=False,
                    separators=(",", ":"),
                ),
                json.dumps(
                    _rewrite_strings(json.loads(row[2]), markdown),
                    ensure_ascii=False,
                    separators=(",", ":"),
                ),
                row[0],
            ],
        )


@migrations()
def m003_editorial(db: Database) -> None:
    """Editors over HTTP: API keys (hashes only), soft deletes, and the change log that
    the sync (and webhooks) read, written in the same transaction as the content."""
    db.execute(
        """CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
            secret_hash TEXT NOT NULL UNIQUE,
            hint TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            last_used_at TEXT
        )"""
    )
    # A name names one live key; a revoked key's name may be given to a new one.
    db.execute("CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL")
    for table in ("articles", "issues"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN deleted_at TEXT")
    # The content hash without status and date: a change of status alone is no update.
    db.execute("ALTER TABLE articles ADD COLUMN body_hash TEXT")
    db.execute(
        """CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('issue', 'article', 'term', 'question', 'source')),
            item_id INTEGER NOT NULL,
            action TEXT NOT NULL
                CHECK (action IN ('created', 'updated', 'published', 'unpublished', 'deleted'))
        )"""
    )
    db.execute("CREATE INDEX changes_item ON changes (type, item_id, seq)")


# Search (m010) ---------------------------------------------------------------------------
# One row per searchable item in search_docs (type, item, article: small rows, so a search
# that matches tens of thousands of them reads few pages), its text in search_text, and
# search_index, the porter-stemmed FTS5 index of that text (external content: stored once).
# Triggers on the content tables keep all three in step, so every writer is covered.
# Rows carry the article they belong to, so a query filters them with the article
# visibility test: a glossary term is indexed once per article that uses it, with that
# article's wording, and so can only be found through a visible article's use (a draft's
# rewording stays private).
#   article     title, lede, body_text (everything a reader can search for in it)
#   background  a Background Information section: heading, "label: text" items
#   term        an article's use of a Key Term: term, definition
#   question    a debate/essay question: its text
SEARCH_COLUMNS = ("title", "summary", "body")
_BACKGROUND_ITEMS = (
    "(SELECT COALESCE(group_concat(json_extract(value, '$.label') || ': '"
    " || json_extract(value, '$.text'), char(10)), '') FROM json_each({row}.content))"
)


@dataclass(frozen=True)
class _SearchSource:
    """How one content table's rows become search rows; SQL with `{row}` for new/old."""

    when: str
    type: str
    item_id: str
    article_id: str
    texts: tuple[str, str, str]  # title, summary, body
    columns: str  # an UPDATE of any other column leaves the index alone

    def sql(self, row: str) -> dict[str, str]:
        """Statements for one row of the content table, named `row` (new, old, an alias)."""
        key = (
            f"type = '{self.type}' AND item_id = {self.item_id} AND article_id = {self.article_id}"
        ).format(row=row)
        texts = ", ".join(t.format(row=row) for t in self.texts)
        return {
            "when": self.when.format(row=row),
            "insert_doc": "INSERT INTO search_docs (type, item_id, article_id)"
            f" SELECT '{self.type}', {self.item_id.format(row=row)},"
            f" {self.article_id.format(row=row)}",
            "insert_text": f"INSERT INTO search_text (id, {', '.join(SEARCH_COLUMNS)})"
            f" SELECT (SELECT id FROM search_docs WHERE {key}), {texts}",
            "delete": f"DELETE FROM search_docs WHERE {key}",
        }


_SEARCH_SOURCES = {
    "articles": _SearchSource(
        "1",
        "article",
        "{row}.id",
        "{row}.id",
        ("{row}.title", "{row}.lede", "{row}.body_text"),
        "id, title, lede, body_text",
    ),
    "sections": _SearchSource(
        "{row}.kind = 'background'",
        "background",
        "{row}.id",
        "{row}.article_id",
        ("{row}.heading", "''", _BACKGROUND_ITEMS),
        "id, article_id, kind, heading, content",
    ),
    "article_terms": _SearchSource(
        "1",
        "term",
        "{row}.term_id",
        "{row}.article_id",
        ("{row}.term", "{row}.definition", "''"),
        "article_id, term_id, term, definition",
    ),
    "questions": _SearchSource(
        "1",
        "question",
        "{row}.id",
        "{row}.article_id",
        ("''", "{row}.text", "''"),
        "id, article_id, text",
    ),
}


@migrations()
def m010_search_index(db: Database) -> None:
    db.execute(
        """CREATE TABLE search_docs (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL CHECK (type IN ('article', 'background', 'term', 'question')),
            item_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            UNIQUE (type, item_id, article_id)
        )"""
    )
    db.execute("CREATE INDEX search_docs_article ON search_docs (article_id)")
    columns = ", ".join(SEARCH_COLUMNS)
    db.execute(
        f"CREATE TABLE search_text (id INTEGER PRIMARY KEY,"
        f" {', '.join(f'{c} TEXT NOT NULL' for c in SEARCH_COLUMNS)})"
    )
    db.execute(
        f"CREATE VIRTUAL TABLE search_index USING fts5({columns}, content='search_text',"
        " content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')"
    )
    old = ", ".join(f"old.{c}" for c in SEARCH_COLUMNS)
    new = ", ".join(f"new.{c}" for c in SEARCH_COLUMNS)
    delete_entry = (
        f"INSERT INTO search_index (search_index, rowid, {columns})"
        f" VALUES ('delete', old.id, {old})"
    )
    insert_entry = f"INSERT INTO search_index (rowid, {columns}) VALUES (new.id, {new})"
    for event, body in (
        ("INSERT", [insert_entry]),
        ("DELETE", [delete_entry]),
        ("UPDATE", [delete_entry, insert_entry]),
    ):
        db.execute(
            f"CREATE TRIGGER search_text_{event.lower()} AFTER {event} ON search_text BEGIN"
            + "".join(f" {statement};" for statement in body)
            + " END"
        )
    # Whatever removes a doc (a trigger below, the cascade from articles) removes its text.
    db.execute(
        "CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs"
        " BEGIN DELETE FROM search_text WHERE id = old.id; END"
    )
    for table, source in _SEARCH_SOURCES.items():
        new_row, old_row = source.sql("new"), source.sql("old")
        db.execute(
            f"CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table}"
            f" WHEN {new_row['when']} BEGIN"
            f" {new_row['insert_doc']}; {new_row['insert_text']}; END"
        )
        db.execute(
            f"CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table}"
            f" WHEN {old_row['when']} BEGIN {old_row['delete']}; END"
        )
        # Delete then insert: a row's kind or keys may change, not only its text.
        db.execute(
            f"CREATE TRIGGER {table}_search_update AFTER UPDATE OF {source.columns} ON {table}"
            f" BEGIN {old_row['delete']} AND {old_row['when']};"
            f" {new_row['insert_doc']} WHERE {new_row['when']};"
            f" {new_row['insert_text']} WHERE {new_row['when']}; END"
        )
        row = source.sql("r")
        db.execute(f"{row['insert_doc']} FROM {table} r WHERE {row['when']}")
        db.execute(f"{row['insert_text']} FROM {table} r WHERE {row['when']}")


# Speed (m011) ----------------------------------------------------------------------------


@migrations()
def m011_speed(db: Database) -> None:
    """m001's articles_fts is no longer read by anything (search and `q=` read m010's
    search_index), yet its triggers rewrote it on every article insert and update: drop
    it. Its triggers go first, so no write can fire into a table that is gone.

    search_docs_term: a term's uses by index row, for a windowed search (api.store.search),
    which asks of each term in a window whether a newer use matches too."""
    for trigger in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    db.execute("CREATE INDEX search_docs_term ON search_docs (type, item_id, id)")


# Webhooks and cache purges (m012) ---------------------------------------------------------
# The outbox: webhook_events (one per change-log event, its body as sent), deliveries (one
# per event and endpoint: its webhook-id, state and schedule), delivery_attempts (each try)
# and purges (one per write and cache node). They are written in the content's own
# transaction; the worker process reads them, so a crash of the worker loses nothing.
# outbox_state holds how far the change log has been turned into events (fed_seq) and when
# the worker last looked for scheduled content coming due (schedule_checked_at).
# changes.cause is NULL for a write; 'schedule' for a moment passing, which the sync
# already reads from the content itself.
@migrations()
def m012_webhooks(db: Database) -> None:
    from .timefmt import utc_now

    db.execute("ALTER TABLE changes ADD COLUMN cause TEXT")
    db.execute(
        """CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL,
            description TEXT,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            disabled_at TEXT,
            disabled_reason TEXT,
            after_seq INTEGER NOT NULL,
            lease_until TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE webhook_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            timestamp TEXT NOT NULL,
            body TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
            event_id INTEGER NOT NULL REFERENCES webhook_events(id),
            message_id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_attempt_at TEXT,
            last_response_code INTEGER,
            last_error TEXT,
            created_at TEXT NOT NULL,
            delivered_at TEXT
        )"""
    )
    db.execute("CREATE INDEX deliveries_due ON deliveries (state, webhook_id, next_attempt_at)")
    db.execute("CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, id)")
    db.execute(
        """CREATE TABLE delivery_attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            response_code INTEGER,
            error TEXT,
            duration_ms INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id)")
    db.execute(
        """CREATE TABLE purges (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            node TEXT NOT NULL,
            keys TEXT NOT NULL,
            -- the write's last change-log seq: replicas must hold it before the purge goes
            position INTEGER,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            lease_until TEXT,
            last_response_code INTEGER,
            last_error TEXT,
            created_at TEXT NOT NULL,
            done_at TEXT
        )"""
    )
    db.execute("CREATE INDEX purges_due ON purges (state, next_attempt_at)")
    db.execute(
        """CREATE TABLE outbox_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            fed_seq INTEGER NOT NULL,
            schedule_checked_at TEXT NOT NULL
        )"""
    )
    db.execute(
        "INSERT INTO outbox_state (id, fed_seq, schedule_checked_at)"
        " SELECT 1, COALESCE(MAX(seq), 0), ? FROM changes",
        [utc_now()],
    )


# The search index from the store (m013) --------------------------------------------------


@migrations()
def m013_search_index_from_store(db: Database) -> None:
    """The store writes the search index since m013 (api.store.search_index.index_article,
    called by the one content writer), not m010's triggers: a statement whose triggers
    write to FTS5 runs with a statement journal, and each one made FTS5 flush its pending
    terms as a new index segment, several a document (most of seeding's time).

    The triggers that follow a removal stay (search_docs_delete, search_text_delete), so
    a hard DELETE of an article still takes its index rows with it (the cascade). What is
    indexed does not change: nothing is rebuilt."""
    for table in _SEARCH_SOURCES:
        for event in ("insert", "delete", "update"):
            db.execute(f"DROP TRIGGER IF EXISTS {table}_search_{event}")
    for event in ("insert", "update"):
        db.execute(f"DROP TRIGGER IF EXISTS search_text_{event}")


# Renditions (m014) ------------------------------------------------------------------------
# api.renditions keeps built article responses in a file of their own and must know, at
# read time, whether anything a stored one embeds changed since it was built. Triggers on
# every table an article response reads answer that for every writer (any code path, any
# process, a hand-made UPDATE): each changed row bumps rendition_clock.tick and stamps the
# article(s) it belongs to in rendition_marks with the new tick, in the writer's own
# transaction. A rendition built after reading tick G is current while its article's mark
# is <= G. Rows of terms and issues are shared: a change stamps every article using them.
_RENDITION_ARTICLE_ROWS = {
    # table: how a row names its article(s), as a SELECT over {row} (new or old)
    "articles": "SELECT {row}.id AS article_id",
    "sections": "SELECT {row}.article_id AS article_id",
    "article_terms": "SELECT {row}.article_id AS article_id",
    "questions": "SELECT {row}.article_id AS article_id",
    "sources": "SELECT {row}.article_id AS article_id",
    "terms": "SELECT article_id FROM article_terms WHERE term_id = {row}.id",
    "issues": "SELECT id AS article_id FROM articles WHERE issue_id = {row}.id",
}


_EVENT_ROWS = (("INSERT", ("new",)), ("UPDATE", ("old", "new")), ("DELETE", ("old",)))


@migrations()
def m014_renditions(db: Database) -> None:
    db.execute(
        "CREATE TABLE rendition_clock (id INTEGER PRIMARY KEY CHECK (id = 1),"
        " tick INTEGER NOT NULL)"
    )
    db.execute("INSERT INTO rendition_clock (id, tick) VALUES (1, 1)")
    db.execute(
        "CREATE TABLE rendition_marks (article_id INTEGER PRIMARY KEY, tick INTEGER NOT NULL)"
    )
    for table, articles_of in _RENDITION_ARTICLE_ROWS.items():
        for event, rows_of in _EVENT_ROWS:
            if event == "INSERT" and table in ("terms", "issues"):
                continue  # a new term or issue is in no article until a row of those says so
            stamps = "".join(
                " INSERT INTO rendition_marks (article_id, tick)"
                f" SELECT ids.article_id, c.tick FROM ({articles_of.format(row=row)}) ids,"
                " rendition_clock c WHERE c.id = 1 AND ids.article_id IS NOT NULL"
                " ON CONFLICT (article_id) DO UPDATE SET tick = excluded.tick;"
                for row in rows_of
            )
            db.execute(
                f"CREATE TRIGGER {table}_rendition_{event.lower()} AFTER {event} ON {table}"
                " BEGIN UPDATE rendition_clock SET tick = tick + 1 WHERE id = 1;"
                f"{stamps} END"
            )
