"""`flask --app api …` commands: thin click wrappers over plain functions."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

import click
import orjson
from flask import Flask, current_app
from flask.cli import with_appcontext

from .auth import ROLES, create_key, list_keys, revoke_key
from .db import Database, connect, write_transaction
from .importer.imports import Outcome, find_documents, import_files
from .store import search_index


def _cli_db() -> Database:
    return connect(current_app.config["DATABASE"], current_app.config["DATABASE_BUSY_TIMEOUT_MS"])


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
    db = _cli_db()
    try:
        if if_empty and db["articles"].count:
            click.echo("The database already has articles; nothing seeded (--if-empty).")
            return
        targets = list(find_documents(paths or [Path(current_app.config["SEED_PATH"])]))
        if not targets:
            raise click.UsageError("No documents found (looked for *.txt and *.md files).")

        def show(outcome: Outcome) -> None:
            if as_json and outcome.document is not None:
                # JSON Lines: one document a line, so many files still parse line by line.
                click.echo(orjson.dumps(outcome.document.to_dict()).decode())

        show_progress = len(targets) > 10 and not as_json and sys.stderr.isatty()
        with click.progressbar(
            targets, label="Seeding", file=sys.stderr, hidden=not show_progress
        ) as bar:
            report = import_files(db, bar, dry_run=dry_run, each=show)
        # With --json, stdout carries only the documents; the report goes to stderr.
        for outcome in report.outcomes:
            for warning in outcome.document.warnings if outcome.document else ():
                click.echo(f"warning: {outcome.name}:{warning.line}: {warning.message}", err=True)
        for outcome in report.outcomes:
            if outcome.failed:
                click.echo(f"error: {outcome.message()}", err=True)
        click.echo(report.summary(dry_run=dry_run), err=as_json)
        if report.failed:
            sys.exit(1)
    finally:
        db.close()


@click.group("keys")
def keys_group() -> None:
    """Make, list and revoke API keys (Authorization: Bearer <key>).

    \b
    Roles: reader (reads, when reads need a key), editor (writes and previews drafts),
    admin (an editor who also manages keys and webhooks).
    """


@keys_group.command("create")
@with_appcontext
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the key may do.")
@click.option("--name", required=True, help="Who or what holds it, e.g. 'Jane (laptop)'.")
@click.option("--quiet", is_flag=True, help="Print only the secret, on one line (for scripts).")
def keys_create(role: str, name: str, quiet: bool) -> None:
    """Make a key and print its secret: it is shown this once and stored only as a hash.

    \b
    Example:
      flask --app api keys create --role editor --name "Jane"
      KEY=$(flask --app api keys create --role editor --name ci --quiet)
    """
    db = _cli_db()
    try:
        secret, row = create_key(db, name, role)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    finally:
        db.close()
    if quiet:
        click.echo(secret)
        return
    click.echo(f"Created {row['role']} key {row['name']!r}. Its secret, shown only this once:")
    click.echo(f"\n    {secret}\n")
    click.echo("Send it as: Authorization: Bearer <secret>")


@keys_group.command("list")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def keys_list(as_json: bool) -> None:
    """List keys (never their secrets): name, role, hint, created, revoked.

    \b
    Example:
      flask --app api keys list
    """
    db = _cli_db()
    try:
        found = list_keys(db)
    finally:
        db.close()
    for row in found:
        if as_json:
            click.echo(orjson.dumps(row).decode())
        else:
            state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "live"
            click.echo(
                f"{row['name']}\t{row['role']}\t{row['hint']}\tcreated {row['created_at']}\t{state}"
            )
    if not found and not as_json:
        click.echo("No keys yet: flask --app api keys create --role editor --name NAME", err=True)


@keys_group.command("revoke")
@with_appcontext
@click.argument("name")
def keys_revoke(name: str) -> None:
    """End the live key with this name; requests with it get 401 from now on.

    \b
    Example:
      flask --app api keys revoke "Jane (laptop)"
    """
    db = _cli_db()
    try:
        revoked = revoke_key(db, name)
    finally:
        db.close()
    if not revoked:
        raise click.ClickException(
            f"no live key is named {name!r} (see: flask --app api keys list)"
        )
    click.echo(f"Revoked {name!r}.")


@click.command("search-reindex")
@with_appcontext
def search_reindex_command() -> None:
    """Build the search index again from the content. A repair: every writer keeps it
    exact (api.store.search_index), so a healthy index comes out the same."""
    db = _cli_db()
    try:
        with write_transaction(db):
            indexed = search_index.rebuild(db)
    finally:
        db.close()
    click.echo(f"Indexed {indexed} search rows.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(keys_group)
    app.cli.add_command(export_text_command)
    app.cli.add_command(search_reindex_command)
    register_backup_commands(app)
    from .front import register_serve_command

    register_serve_command(app)


def export_texts(db: Database, directory: Path, slugs: Iterable[str] | None = None) -> list[Path]:
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
    db = _cli_db()
    try:
        written = export_texts(db, Path(directory), None if export_all else slugs)
    except KeyError as missing:
        raise click.ClickException(f"No article has the slug {missing.args[0]!r}.") from None
    finally:
        db.close()
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written)} article(s) written to {directory}", err=True)


# Backup and restore (api/backup.py) ---------------------------------------------------------


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the live database to PATH (a new file), safely while the API serves and writes.

    Uses SQLite's online backup API: the copy is one committed state, checked with
    PRAGMA integrity_check before it is put in place. Restore by stopping the server
    and putting the copy where FLASK_DATABASE points.

    \b
    Example:
      flask --app api backup backups/content-$(date +%F).db
    """
    from .backup import backup_database

    try:
        size = backup_database(current_app.config["DATABASE"], path)
    except (OSError, sqlite3.Error) as error:
        raise click.ClickException(f"backup failed: {error}") from None
    click.echo(f"Backed up {current_app.config['DATABASE']} to {path} ({size} bytes).")


@click.command("export")
@with_appcontext
@click.argument("path", default="-", type=click.Path(dir_okay=False, allow_dash=True))
def export_command(path: str) -> None:
    """Write all content as JSON to PATH (default: standard output).

    Every issue, article (sections, glossary, questions, sources), glossary term and
    tombstone (deleted articles and issues), drafts included; not API keys or the change
    log. `flask --app api import` reads it back.

    \b
    Examples:
      flask --app api export content.json
      flask --app api export - | gzip > content.json.gz
    """
    from .backup import export_json, write_file_atomically

    db = _cli_db()
    try:
        content = export_json(db)
    finally:
        db.close()
    if path == "-":
        sys.stdout.buffer.write(content)
    else:
        write_file_atomically(Path(path), content)
        click.echo(f"Exported to {path} ({len(content)} bytes).", err=True)


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
def import_command(path: str) -> None:
    """Read a `flask export` file into an empty database: all of it or nothing.

    Every article goes through the same writer as `flask seed` and the editors' API.
    A file that cannot be imported is reported with its name and the place (JSON line
    and column, or e.g. articles[3].sections[0].kind), and nothing is written.

    \b
    Example:
      FLASK_DATABASE=restored.db flask --app api import content.json
    """
    from .backup import ContentFileError, import_content

    name = "<stdin>" if path == "-" else path
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise click.ClickException(f"{name}: cannot read: {error.strerror or error}") from None
    db = _cli_db()
    try:
        summary = import_content(db, raw, name=name)
    except ContentFileError as error:
        raise click.ClickException(str(error)) from None
    finally:
        db.close()
    click.echo(f"{name}: {summary}.")


def register_backup_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
