"""Many documents in one transaction, each in a savepoint of its own.

Seeding commits once per batch instead of once per document: a commit is where SQLite
writes the pages the transaction changed to the WAL and FTS5 flushes its pending terms
into a new index segment, so per-document commits paid for both per document (the index
segments then had to be merged again). Each document still lands whole or not at all: its
writes are a savepoint, rolled back alone when it fails, and readers see committed
batches only, so never part of an article. A batch is short (MAX_DOCUMENTS or
MAX_SECONDS), so the editor API's writers wait for it well within their busy timeout.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import TracebackType

from sqlite_utils import Database

from ..store import search_index

MAX_DOCUMENTS = 200
MAX_SECONDS = 0.5


class WriteBatch:
    """Use as a context manager; wrap each document's writes in `document()` and call
    `commit_if_due()` between documents. Leaving the block commits what is done, even
    when an exception leaves it (the earlier documents were stored, as they would have
    been one transaction each)."""

    def __init__(
        self,
        db: Database,
        *,
        max_documents: int | None = None,
        max_seconds: float | None = None,
    ) -> None:
        self.db = db
        self.max_documents = max_documents or MAX_DOCUMENTS
        self.max_seconds = max_seconds or MAX_SECONDS
        self.pending = 0  # documents written since the last commit
        self.lost = False  # an error ended the whole transaction: the pending ones are gone
        self._started = 0.0

    def __enter__(self) -> WriteBatch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is None:
            self.commit()
            return
        with suppress(sqlite3.Error):  # the exception on its way out says more than this
            self.commit()

    @contextmanager
    def document(self) -> Iterator[None]:
        """One document's writes: all of them, or (when the block raises) none.

        Raises sqlite3.Error when the batch's transaction cannot be opened (a locked
        database after the busy timeout), before anything is written."""
        conn = self.db.conn
        if not conn.in_transaction:
            # The writer's own write_transaction joins this one.
            self.db.execute("BEGIN IMMEDIATE")
            self._started = time.monotonic()
            self.pending = 0
            self.lost = False
        self.db.execute("SAVEPOINT batch_document")
        try:
            # The search index's FTS5 entries wait for the commit (api.store.search_index).
            with search_index.deferred_entries(self.db):
                yield
        except BaseException:
            if conn.in_transaction:
                self.db.execute("ROLLBACK TO batch_document")
                self.db.execute("RELEASE batch_document")
            else:
                # SQLite rolled the whole transaction back (disk full, I/O error): the
                # documents written since the last commit went with it.
                self.lost = True
            raise
        self.db.execute("RELEASE batch_document")
        self.pending += 1

    def due(self) -> bool:
        return self.pending >= self.max_documents or (
            self.pending > 0 and time.monotonic() - self._started >= self.max_seconds
        )

    def commit_if_due(self) -> bool:
        """Commit when the batch is full or old enough; True when it committed."""
        if self.due():
            self.commit()
            return True
        return False

    def commit(self) -> None:
        """Raises sqlite3.Error when the commit fails; the batch is then lost (rolled back)."""
        if not self.db.conn.in_transaction:
            return
        try:
            search_index.write_pending_entries(self.db)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self.db.rollback()
            self.lost = True
            raise
        self.pending = 0
