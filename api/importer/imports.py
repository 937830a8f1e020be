"""Importing editors' documents, one or many: what `flask seed` and `POST /v1/imports`
share. Each document is parsed and written on its own (all of it or nothing); what
happened to it is an Outcome, and a batch's tally is a Report. Many files are committed
a batch at a time (api.importer.batch), each file still standing or failing alone."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlite_utils import Database

from ..store import writes
from .batch import WriteBatch
from .document import Document, DocumentError, Status
from .write import WriteConflict, WriteResult, write_document

DOCUMENT_SUFFIXES = (".txt", ".md")

Kind = Literal["created", "updated", "unchanged", "parsed", "failed"]


@dataclass
class Outcome:
    """What importing one document did. `parsed` is a dry run's success."""

    name: str
    kind: Kind
    document: Document | None = None
    written: WriteResult | None = None
    error: str | None = None
    line: int | None = None  # where the document could not be read, when it is known
    conflict: bool = False  # the document contradicts stored content (a 409 over HTTP)

    @property
    def failed(self) -> bool:
        return self.kind == "failed"

    def message(self) -> str:
        """`name:line: error` for a failure, as the CLI prints it."""
        where = f"{self.name}:{self.line}" if self.line else self.name
        return f"{where}: {self.error}"


def import_document(
    db: Database,
    raw: bytes | str,
    *,
    name: str,
    dry_run: bool = False,
    default_status: Status = "published",
    batch: WriteBatch | None = None,
) -> Outcome:
    """With a `batch`, the document is written in the batch's transaction (committed with
    it); without one, in a transaction of its own (or the caller's, when one is open)."""
    from .parse import parse_document  # the parser is the heavy import

    try:
        document = parse_document(raw, name=name, default_status=default_status)
    except DocumentError as error:
        return Outcome(name, "failed", error=error.message, line=error.line or 1)
    if dry_run:
        return Outcome(name, "parsed", document)
    if not document.status_stated:
        # Importing an article again without a status keeps the one it has.
        existing = writes.find_article(db, document.slug)
        if existing is not None and existing["deleted_at"] is None:
            document.status = existing["status"]
    try:
        if batch is None:
            result = write_document(db, document)
        else:
            with batch.document():
                result = write_document(db, document)
    except WriteConflict as error:
        return Outcome(name, "failed", document, error=str(error), conflict=True)
    except sqlite3.Error as error:  # a locked or damaged database: this file is not stored
        return Outcome(name, "failed", document, error=f"not stored: {error}")
    return Outcome(name, result.outcome, document, result)


def find_documents(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and the editor documents inside folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
            )
        else:
            yield path


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(o.kind for o in self.outcomes)

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def summary(self, *, dry_run: bool) -> str:
        counts = self.counts
        kinds = ("created", "updated", "unchanged", "parsed")
        done = [f"{counts[k]} {k}" for k in kinds if counts[k]] + [f"{counts['failed']} failed"]
        dry = " (dry run: nothing written)" if dry_run else ""
        return f"{len(self.outcomes)} file(s): {', '.join(done)}{dry}"


def import_files(
    db: Database,
    paths: Iterable[Path],
    *,
    dry_run: bool = False,
    each: Callable[[Outcome], None] = lambda outcome: None,
) -> Report:
    """Import every file; a file that cannot be read or stored fails alone.

    Files are written in batches (one transaction each, a savepoint per file); a file's
    outcome is reported once its batch is committed. Should the database end a batch's
    transaction itself (disk full, an I/O error), that batch's files are written again
    one by one, so each gets the outcome it would have had alone."""
    report = Report()
    # Outcomes of files stored in the open batch, with their bytes should it be lost.
    waiting: list[tuple[Outcome, bytes | None]] = []

    def settle(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        each(outcome)

    def committed() -> None:
        for outcome, _ in waiting:
            settle(outcome)
        waiting.clear()

    def lost() -> None:
        for outcome, raw in waiting:
            settle(outcome if raw is None else import_document(db, raw, name=outcome.name))
        waiting.clear()

    with WriteBatch(db) as batch:
        for path in paths:
            try:
                raw = path.read_bytes()
            except OSError as error:
                reason = f"cannot read: {error.strerror or error}"
                waiting.append((Outcome(str(path), "failed", error=reason), None))
                if not db.conn.in_transaction:
                    committed()
                continue
            outcome = import_document(
                db, raw, name=str(path), dry_run=dry_run, batch=None if dry_run else batch
            )
            if batch.lost:
                lost()
                settle(outcome)  # failed, with the error that ended the batch
                batch.lost = False
                continue
            waiting.append((outcome, None if outcome.failed else raw))
            try:
                # Nothing uncommitted (a dry run, say): report at once.
                if batch.commit_if_due() or not db.conn.in_transaction:
                    committed()
            except sqlite3.Error:
                lost()
        try:
            batch.commit()
            committed()
        except sqlite3.Error:
            lost()
    return report
