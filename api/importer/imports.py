"""Importing editors' documents, one or many: what `flask seed` and `POST /v1/imports`
share. Each document is parsed and written on its own (all of it or nothing); what
happened to it is an Outcome, and a batch's tally is a Report."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlite_utils import Database

from ..store import writes
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
) -> Outcome:
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
    """Import every file; a file that cannot be read or stored fails alone."""
    report = Report()
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as error:
            outcome = Outcome(str(path), "failed", error=f"cannot read: {error.strerror or error}")
        else:
            outcome = import_document(db, raw, name=str(path), dry_run=dry_run)
        report.outcomes.append(outcome)
        each(outcome)
    return report
