"""`flask --app api …` commands: thin click wrappers over plain functions."""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import click
import orjson
from flask import Flask, current_app
from flask.cli import with_appcontext

from .db import connect
from .importer.document import DocumentError
from .importer.write import WriteConflict, write_document

SEED_SUFFIXES = (".txt", ".md")


def find_documents(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and the editor documents inside folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SEED_SUFFIXES
            )
        else:
            yield path


@click.command("seed")
@with_appcontext
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Parse and report; write nothing.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print each parsed document as JSON, one object a line (JSON Lines).",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has articles.")
def seed_command(paths: tuple[Path, ...], dry_run: bool, as_json: bool, if_empty: bool) -> None:
    """Import editors' plain-text documents (files or folders; default: seed/).

    Each file is stored atomically: all of it or nothing. Seeding the same file
    twice changes nothing; seeding an edited file updates that article in place.
    A bad file fails alone; the exit status is 1 when any file failed.

    \b
    Examples:
      flask --app api seed                      # everything under seed/
      flask --app api seed seed/issue-1/ new.txt
      flask --app api seed --dry-run --json ../shared/seed-documents/*.txt
    """
    db = connect(current_app.config["DATABASE"], current_app.config["DATABASE_BUSY_TIMEOUT_MS"])
    try:
        if if_empty and db["articles"].count:
            click.echo("The database already has articles; nothing seeded (--if-empty).")
            return
        targets = list(find_documents(paths or [Path(current_app.config["SEED_PATH"])]))
        if not targets:
            raise click.UsageError("No documents found (looked for *.txt and *.md files).")
        counts: Counter[str] = Counter()
        warnings: list[str] = []
        errors: list[str] = []
        show_progress = len(targets) > 10 and not as_json and sys.stderr.isatty()
        with click.progressbar(
            targets, label="Seeding", file=sys.stderr, hidden=not show_progress
        ) as bar:
            for path in bar:
                outcome = _seed_one(db, path, dry_run=dry_run, as_json=as_json, warnings=warnings)
                if outcome.startswith("error:"):
                    errors.append(outcome.removeprefix("error:"))
                    counts["failed"] += 1
                else:
                    counts[outcome] += 1
        # With --json, stdout carries only the documents; the report goes to stderr.
        for line in warnings:
            click.echo(f"warning: {line}", err=True)
        for line in errors:
            click.echo(f"error: {line}", err=True)
        done = [f"{counts[k]} {k}" for k in ("created", "updated", "unchanged", "parsed")]
        summary = ", ".join(
            [d for d in done if not d.startswith("0 ")] + [f"{counts['failed']} failed"]
        )
        dry = " (dry run: nothing written)" if dry_run else ""
        click.echo(f"{len(targets)} file(s): {summary}{dry}", err=as_json)
        if counts["failed"]:
            sys.exit(1)
    finally:
        db.close()


def _seed_one(db, path: Path, *, dry_run: bool, as_json: bool, warnings: list[str]) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        return f"error:{path}: cannot read: {error.strerror or error}"
    from .importer.parse import parse_document  # the parser is the heavy import; CLI only

    try:
        document = parse_document(raw, name=str(path))
    except DocumentError as error:
        return f"error:{path}:{error.line}: {error.message}"
    warnings.extend(f"{path}:{w.line}: {w.message}" for w in document.warnings)
    if as_json:
        # JSON Lines: one document a line, so many files still parse line by line.
        click.echo(orjson.dumps(document.to_dict()).decode())
    if dry_run:
        return "parsed"
    try:
        return write_document(db, document).outcome
    except WriteConflict as error:
        return f"error:{path}: {error}"
    except sqlite3.Error as error:  # a locked or damaged database: this file is not stored
        return f"error:{path}: not stored: {error}"


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(export_text_command)


def export_texts(db, directory: Path, slugs: Iterable[str] | None = None) -> list[Path]:
    """Write each article (all of them when ``slugs`` is None) as ``<slug>.txt`` in the
    canonical editors' text; the paths written. Raises KeyError for an unknown slug."""
    from .importer.canonical import render_document
    from .store.documents import all_documents, document_by_slug

    if slugs is None:
        documents = all_documents(db)
    else:
        documents = []
        for slug in slugs:
            found = document_by_slug(db, slug)
            if found is None:
                raise KeyError(slug)
            documents.append(found)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for document in documents:
        path = directory / f"{document.slug}.txt"
        path.write_text(render_document(document), encoding="utf-8", newline="\n")
        written.append(path)
    return written


@click.command("export-text")
@with_appcontext
@click.argument("targets", nargs=-1, metavar="SLUG|--all DIRECTORY")
@click.option("--all", "export_all", is_flag=True, help="Export every article, drafts included.")
def export_text_command(targets: tuple[str, ...], export_all: bool) -> None:
    """Write articles as the plain text editors write, one <slug>.txt each, into DIRECTORY.

    Importing such a file again with `flask seed` changes nothing.

    \b
    Examples:
      flask --app api export-text russia-north-korea-defense-pact out/
      flask --app api export-text --all out/
    """
    if len(targets) != (1 if export_all else 2):
        raise click.UsageError("Give one SLUG or --all, then the DIRECTORY to write to.")
    *slugs, directory = targets
    db = connect(current_app.config["DATABASE"], current_app.config["DATABASE_BUSY_TIMEOUT_MS"])
    try:
        written = export_texts(db, Path(directory), None if export_all else slugs)
    except KeyError as missing:
        raise click.ClickException(f"No article has the slug {missing.args[0]!r}.") from None
    finally:
        db.close()
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written)} article(s) written to {directory}", err=True)
