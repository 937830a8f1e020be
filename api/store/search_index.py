"""Writing the search index (m010's search_docs, search_text and the FTS5 search_index).

Since m013 the store writes it, not triggers: every writer of an article's searchable
content (api.importer.write.write_document, which the HTTP editor, `flask seed`, imports
and restores all go through) calls `index_article` once, after the article's rows are
written. What is indexed is m010's definition, row for row and text for text:

    article     title, lede, body_text
    background  a Background Information section: heading, '', its "label: text" items
    term        an article's use of a Key Term: term, definition, ''
    question    '', its text, ''

Why not triggers: a statement whose triggers write to an FTS5 table runs with a statement
journal, and opening one makes FTS5 flush its pending terms to disk as a new index segment
(its xSavepoint), to be merged again later. The triggers did that four times a document and
more. Here the FTS5 insert is one statement, the write's last; in a batch of documents
(`flask seed`, api.importer.batch) it waits for the batch's commit (`deferred_entries`),
so FTS5 writes a batch as a few segments instead of one a document.

Removals still follow through by trigger (m013 keeps search_docs_delete and
search_text_delete): deleting an article's search_docs rows, here or by the cascade of a
hard DELETE of the article, removes their text and their FTS5 entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakSet

from sqlite_utils import Database

# One row per searchable item of the article, in the order m010's triggers inserted them
# (the article, then its terms, Background Information sections and questions, each by
# position), so new rows get the ids the triggers gave them.
_PARTS = {
    "article": "SELECT 0 AS part, 0 AS position, 'article' AS type, id AS item_id"
    " FROM articles WHERE id = :article",
    "term": "SELECT 1 AS part, position, 'term' AS type, term_id AS item_id"
    " FROM article_terms WHERE article_id = :article",
    "background": "SELECT 2 AS part, position, 'background' AS type, id AS item_id"
    " FROM sections WHERE article_id = :article AND kind = 'background'",
    "question": "SELECT 3 AS part, position, 'question' AS type, id AS item_id"
    " FROM questions WHERE article_id = :article",
}


def _insert_docs(*parts: str) -> str:
    union = " UNION ALL ".join(_PARTS[part] for part in parts)
    return (
        "INSERT INTO search_docs (type, item_id, article_id)"
        f" SELECT type, item_id, :article FROM ({union}) ORDER BY part, position"
    )


_INSERT_DOCS = _insert_docs(*_PARTS)
_INSERT_PART_DOCS = {part: _insert_docs(part) for part in _PARTS}

# The items' text exactly as m010 builds it (json_each keeps the array's order).
_BACKGROUND_ITEMS = (
    "(SELECT COALESCE(group_concat(json_extract(value, '$.label') || ': '"
    " || json_extract(value, '$.text'), char(10)), '') FROM json_each(s.content))"
)

# Each part from the article's own rows (CROSS JOIN keeps them the outer loop) to its doc by
# the doc's whole unique key: led by `type` alone, the planner walked every doc of that type,
# so each article cost more than the one before (quadratic over a seeding).
_INSERT_TEXT = f"""
INSERT INTO search_text (id, title, summary, body)
SELECT d.id, a.title, a.lede, a.body_text FROM articles a CROSS JOIN search_docs d
    ON d.type = 'article' AND d.item_id = a.id AND d.article_id = a.id
    WHERE a.id = :article
UNION ALL SELECT d.id, t.term, t.definition, '' FROM article_terms t CROSS JOIN search_docs d
    ON d.type = 'term' AND d.item_id = t.term_id AND d.article_id = t.article_id
    WHERE t.article_id = :article
UNION ALL SELECT d.id, s.heading, '', {_BACKGROUND_ITEMS} FROM sections s CROSS JOIN search_docs d
    ON d.type = 'background' AND d.item_id = s.id AND d.article_id = s.article_id
    WHERE s.article_id = :article AND s.kind = 'background'
UNION ALL SELECT d.id, '', q.text, '' FROM questions q CROSS JOIN search_docs d
    ON d.type = 'question' AND d.item_id = q.id AND d.article_id = q.article_id
    WHERE q.article_id = :article
"""

# One FTS5 statement for the whole article: its terms stay pending in FTS5's memory until
# the next savepoint or the commit, then go to disk as one segment.
_INSERT_ENTRIES = """
INSERT INTO search_index (rowid, title, summary, body)
SELECT t.id, t.title, t.summary, t.body FROM search_docs d JOIN search_text t ON t.id = d.id
    WHERE d.article_id = :article ORDER BY t.id
"""


# A schema before m013 (a test that stops migrations early) has the triggers, or no index.
_STORE_WRITES_INDEX = (
    "SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'search_docs')"
    " AND NOT (SELECT COUNT(*) FROM sqlite_master"
    " WHERE type = 'trigger' AND name = 'articles_search_insert')"
)

# Connections inside a document of a batch (`deferred_entries`), and those with entries
# waiting in temp.search_pending for `write_pending_entries`.
# (By Database: a sqlite3.Connection takes no weak reference.)
_deferring: WeakSet[Database] = WeakSet()
_waiting: WeakSet[Database] = WeakSet()


def index_article(db: Database, article_id: int, *, replace: bool) -> None:
    """Index the article's current content; `replace`: it may have been indexed before
    (any write of an existing article, deleted or not), so what was indexed goes first.

    Call it after the article's own row and its terms, sections and questions are
    written, in the same transaction, as the last write of the article: FTS5 keeps the
    entries in memory only while no statement journal or savepoint opens after them."""
    conn = db.conn
    if not conn.execute(_STORE_WRITES_INDEX).fetchone()[0]:
        return
    params = {"article": article_id}
    if replace:
        # FTS5 must never be asked to delete an entry it does not hold yet.
        write_pending_entries(db)
        # Part by part, as the triggers did (the writer rewrites each part), so the new
        # rows get the ids they gave. The triggers kept by m013 remove the text and the
        # FTS5 entries with the rows.
        for part, insert in _INSERT_PART_DOCS.items():
            conn.execute(  # `+type`: by the article's index, not by every doc of the type
                "DELETE FROM search_docs WHERE article_id = :article AND +type = :type",
                {**params, "type": part},
            )
            conn.execute(insert, params)
    else:
        conn.execute(_INSERT_DOCS, params)
    conn.execute(_INSERT_TEXT, params)
    if db in _deferring:
        conn.execute(
            "INSERT INTO temp.search_pending (id)"
            " SELECT id FROM search_docs WHERE article_id = :article",
            params,
        )
        _waiting.add(db)
    else:
        conn.execute(_INSERT_ENTRIES, params)


@contextmanager
def deferred_entries(db: Database) -> Iterator[None]:
    """Inside the block, new FTS5 entries wait (in a TEMP table: a savepoint rolled back
    takes its own with it) until `write_pending_entries`, which whoever commits must call
    first. For many articles a transaction (`flask seed`, api.importer.batch): FTS5 then
    writes a batch's entries as a few segments, not one an article, which halved its cost
    (bench/README.md, Seeding). Open it outside a transaction the first time (it creates
    the TEMP table)."""
    if db not in _deferring:
        db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS search_pending (id INTEGER PRIMARY KEY)")
    _deferring.add(db)
    try:
        yield
    finally:
        _deferring.discard(db)


def write_pending_entries(db: Database) -> None:
    """Give FTS5 the entries waiting on this connection, in one statement."""
    if db not in _waiting:
        return
    conn = db.conn
    conn.execute(
        "INSERT INTO search_index (rowid, title, summary, body)"
        " SELECT t.id, t.title, t.summary, t.body FROM temp.search_pending p"
        " JOIN search_text t ON t.id = p.id ORDER BY p.id"
    )
    conn.execute("DELETE FROM temp.search_pending")
    _waiting.discard(db)


def rebuild(db: Database) -> int:
    """Build the whole index again from the content (a repair; the writers keep it exact).
    Returns the number of index rows. The caller owns the transaction."""
    conn = db.conn
    conn.execute("DELETE FROM search_docs")
    conn.execute("DELETE FROM search_text")  # rows no doc names any more, if any
    for (article_id,) in conn.execute("SELECT id FROM articles ORDER BY id").fetchall():
        params = {"article": article_id}
        conn.execute(_INSERT_DOCS, params)
        conn.execute(_INSERT_TEXT, params)
    # FTS5 reads search_text again from scratch: whatever its index held before is gone.
    conn.execute("INSERT INTO search_index (search_index) VALUES ('rebuild')")
    return int(conn.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0])
