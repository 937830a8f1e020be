"""Backups and the JSON export: what `flask backup`, `flask export` and `flask import` do.

- `backup_database` copies a live database with SQLite's online backup API: the copy is
  one committed state, however many writers are at work, and the server keeps serving.
- `export_content` writes every issue, article (with its sections, glossary, questions and
  sources), term and tombstone (deleted articles and issues) as one JSON document.
- `import_content` reads such a document into an empty database through the one content
  writer (api.importer.write.write_document and api.store.writes), in one transaction:
  all of it or nothing. A bad file is a ContentFileError that names the file and the place.

Database ids are not part of the export: issues are named by number, articles and terms by
slug, an article's parts by position. A backup (`flask backup`) keeps ids and the change log.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlite_utils import Database

from .db import write_transaction
from .importer.document import Document, IssueRef, Item, Question, Section, Source, Term
from .importer.write import WriteConflict, write_document
from .store import exports, writes
from .store.documents import document_by_slug

EXPORT_FORMAT = "insight-fortnight-content"
EXPORT_VERSION = 1


class ContentFileError(ValueError):
    """An export file that cannot be imported; the message names the file and the place."""


# Backup -----------------------------------------------------------------------------------


def backup_database(source: str | Path, target: str | Path) -> int:
    """Copy the database at `source` to `target` (a new file) with SQLite's backup API.

    The copy is taken in one step, under a read transaction, so it is one committed
    state even while others write (WAL: readers and the writer do not block each other).
    It is written next to `target` and renamed into place only once it passes
    `PRAGMA integrity_check`, so `target` is never a half-written file. Returns its size.
    """
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists; give a new file name")
    if not Path(source).exists():
        raise FileNotFoundError(f"no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        source_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        copy_conn = sqlite3.connect(partial)
        try:
            source_conn.backup(copy_conn)  # pages=-1: the whole database in one step
            # A single file: a backup should not need its -wal beside it.
            copy_conn.execute("PRAGMA journal_mode = DELETE")
            verdict = copy_conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy_conn.close()
            source_conn.close()
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy failed integrity_check: {verdict}")
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return target.stat().st_size


# Export -----------------------------------------------------------------------------------


@contextmanager
def _snapshot(db: Database) -> Iterator[None]:
    """One read transaction, so the export is one committed state."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")


def export_content(db: Database) -> dict[str, Any]:
    """Everything an editor made, as JSON-ready data (deterministic: same content, same JSON)."""
    with _snapshot(db):
        issues = [{key: row[key] for key in _ISSUE_KEYS} for row in exports.issues(db)]
        terms = [
            {key: row[key] for key in ("slug", "term", "created_at")} for row in exports.terms(db)
        ]
        articles = []
        for row in exports.articles(db):
            document = document_by_slug(db, row["slug"])
            assert document is not None  # read in the same transaction
            content = document.to_dict()
            del content["warnings"]
            content["issue"] = row["issue_number"]
            articles.append(
                {
                    **content,
                    "position": row["position"],
                    "created_at": row["created_at"],
                    "updated_at": row["updated_at"],
                    "deleted_at": row["deleted_at"],
                }
            )
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "issues": issues,
        "terms": terms,
        "articles": articles,
    }


def export_json(db: Database) -> bytes:
    return orjson.dumps(export_content(db), option=orjson.OPT_INDENT_2) + b"\n"


# Import: the file's shape -------------------------------------------------------------------

_ISSUE_KEYS = (
    "number",
    "slug",
    "title",
    "published_on",
    "status",
    "created_at",
    "updated_at",
    "deleted_at",
)
_INSTANT = validate.Regexp(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", error="Not an RFC 3339 UTC time."
)
_DATE = validate.Regexp(r"^\d{4}-\d{2}-\d{2}$", error="Not a YYYY-MM-DD date.")


def _text() -> fields.String:
    """A required, non-empty string."""
    return fields.String(required=True, validate=validate.Length(min=1))


def _instant(*, nullable: bool = False) -> fields.String:
    return fields.String(required=True, allow_none=nullable, validate=_INSTANT)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class _IssueSchema(_Strict):
    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    slug = _text()
    title = _text()
    published_on = fields.String(required=True, allow_none=True, validate=_DATE)
    status = fields.String(required=True, validate=validate.OneOf(["draft", "published"]))
    created_at = _instant()
    updated_at = _instant()
    deleted_at = _instant(nullable=True)


class _TermSchema(_Strict):
    slug = _text()
    term = _text()
    created_at = _instant()


class _ItemSchema(_Strict):
    label = fields.String(required=True)
    text = fields.String(required=True)


class _SectionSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf(["body", "background"]))
    heading = fields.String(required=True)
    anchor = _text()
    number = fields.Integer(strict=True, allow_none=True)
    paragraphs = fields.List(fields.String())
    items = fields.List(fields.Nested(_ItemSchema))

    @validates_schema
    def _parts_of_its_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        wanted = ("number", "items") if data.get("kind") == "background" else ("paragraphs",)
        unwanted = {"number", "items", "paragraphs"} - set(wanted)
        errors = {key: ["Required for this kind of section."] for key in wanted if key not in data}
        errors |= {key: ["Not part of this kind of section."] for key in unwanted if key in data}
        if errors:
            raise ValidationError(errors)


class _SourceSchema(_Strict):
    url = _text()
    domain = fields.String(required=True)
    publisher = fields.String(required=True, allow_none=True)
    published_on = fields.String(required=True, allow_none=True, validate=_DATE)


class _GlossarySchema(_Strict):
    term = _text()
    definition = fields.String(required=True)


class _QuestionSchema(_Strict):
    text = _text()
    kinds = fields.List(fields.String(), required=True)


class _ArticleSchema(_Strict):
    slug = _text()
    title = _text()
    lede = fields.String(required=True)
    published_at = _instant(nullable=True)
    status = fields.String(
        required=True, validate=validate.OneOf(["draft", "scheduled", "published"])
    )
    issue = fields.Integer(required=True, allow_none=True, strict=True)
    position = fields.Integer(required=True, strict=True)
    word_count = fields.Integer(required=True, strict=True)
    reading_minutes = fields.Integer(required=True, strict=True)
    reading_level = fields.Float(required=True, allow_none=True)
    sections = fields.List(fields.Nested(_SectionSchema), required=True)
    sources = fields.List(fields.Nested(_SourceSchema), required=True)
    glossary = fields.List(fields.Nested(_GlossarySchema), required=True)
    questions = fields.List(fields.Nested(_QuestionSchema), required=True)
    created_at = _instant()
    updated_at = _instant()
    deleted_at = _instant(nullable=True)


class _ExportSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # room for what a later version adds

    format = fields.String(required=True, validate=validate.Equal(EXPORT_FORMAT))
    version = fields.Integer(required=True, strict=True, validate=validate.Equal(EXPORT_VERSION))
    issues = fields.List(fields.Nested(_IssueSchema), required=True)
    terms = fields.List(fields.Nested(_TermSchema), required=True)
    articles = fields.List(fields.Nested(_ArticleSchema), required=True)


def _places(messages: Any, where: str = "") -> Iterator[str]:
    """Marshmallow's nested messages as `articles[3].sections[0].kind: message` lines."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                place = f"{where}[{key}]"
            elif key == "_schema":
                place = where
            else:
                place = f"{where}.{key}" if where else str(key)
            yield from _places(value, place)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        yield f"{where or 'the document'}: {' '.join(messages)}"
    elif isinstance(messages, list):
        for message in messages:
            yield from _places(message, where)
    else:
        yield f"{where or 'the document'}: {messages}"


def read_export(raw: bytes, *, name: str) -> dict[str, Any]:
    """The checked content of an export file; ContentFileError naming the place otherwise."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ContentFileError(
            f"{name}: line {error.lineno} column {error.colno}: not JSON ({error.msg})"
        ) from None
    if not isinstance(data, dict):
        raise ContentFileError(f"{name}: not an export (a JSON object was expected)")
    try:
        loaded: dict[str, Any] = _ExportSchema().load(data)
    except ValidationError as error:
        places = list(_places(error.messages))
        shown = "; ".join(places[:5]) + (f"; and {len(places) - 5} more" if len(places) > 5 else "")
        raise ContentFileError(f"{name}: {shown}") from None
    return loaded


# Import: through the writer -----------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    issues: int
    articles: int
    terms: int
    deleted: int

    def __str__(self) -> str:
        return (
            f"{self.issues} issue(s), {self.articles} article(s) ({self.deleted} deleted),"
            f" {self.terms} term(s) imported"
        )


def _document(article: dict[str, Any], issues: dict[int, dict[str, Any]]) -> Document:
    number = article["issue"]
    issue = None
    if number is not None:
        stored = issues[number]
        issue = IssueRef(number, stored["title"], stored["slug"], stored["published_on"])
    return Document(
        title=article["title"],
        slug=article["slug"],
        lede=article["lede"],
        published_at=article["published_at"],
        status=article["status"],
        issue=issue,
        sections=[
            Section(
                kind=s["kind"],
                heading=s["heading"],
                anchor=s["anchor"],
                number=s.get("number"),
                paragraphs=list(s.get("paragraphs", [])),
                items=[Item(i["label"], i["text"]) for i in s.get("items", [])],
            )
            for s in article["sections"]
        ],
        sources=[Source(**s) for s in article["sources"]],
        glossary=[Term(t["term"], t["definition"]) for t in article["glossary"]],
        questions=[Question(q["text"], list(q["kinds"])) for q in article["questions"]],
        word_count=article["word_count"],
        reading_minutes=article["reading_minutes"],
        reading_level=article["reading_level"],
    )


def _check_references(data: dict[str, Any], name: str) -> None:
    numbers = [issue["number"] for issue in data["issues"]]
    for kind, key, values in (
        ("issues", "number", numbers),
        ("issues", "slug", [i["slug"] for i in data["issues"]]),
        ("terms", "slug", [t["slug"] for t in data["terms"]]),
        ("articles", "slug", [a["slug"] for a in data["articles"]]),
    ):
        seen: set[Any] = set()
        for index, value in enumerate(values):
            if value in seen:
                raise ContentFileError(f"{name}: {kind}[{index}].{key}: {value!r} appears twice")
            seen.add(value)
    for index, article in enumerate(data["articles"]):
        if article["issue"] is not None and article["issue"] not in numbers:
            raise ContentFileError(
                f"{name}: articles[{index}].issue: no issue numbered {article['issue']} in the file"
            )


def import_content(db: Database, raw: bytes, *, name: str) -> ImportSummary:
    """Import an export file into a database with no content, all of it or nothing."""
    data = read_export(raw, name=name)
    _check_references(data, name)
    issues = {issue["number"]: issue for issue in data["issues"]}
    with write_transaction(db):
        if exports.has_content(db):
            raise ContentFileError(
                f"{name}: the database already has content; import restores into an empty"
                " database (FLASK_DATABASE=new.db flask --app api import FILE)"
            )
        issue_ids = {}
        for issue in data["issues"]:
            values = {
                key: issue[key] for key in ("number", "slug", "title", "published_on", "status")
            }
            issue_ids[issue["number"]] = writes.insert_issue(db, values, issue["created_at"])
        for term in data["terms"]:
            writes.term_id(db, term["slug"], term["term"], term["created_at"])
        deleted = 0
        for index, article in enumerate(data["articles"]):
            where = f"{name}: articles[{index}] ({article['slug']!r})"
            try:
                result = write_document(db, _document(article, issues))
            except (WriteConflict, sqlite3.IntegrityError) as error:
                raise ContentFileError(f"{where}: {error}") from None
            if result.outcome != "created":
                raise ContentFileError(f"{where}: the slug appears twice")
            if article["deleted_at"] is not None:
                writes.delete_article(db, result.article_id, article["deleted_at"])
                deleted += 1
            exports.restore_article_state(
                db,
                result.article_id,
                position=article["position"],
                created_at=article["created_at"],
                updated_at=article["updated_at"],
                deleted_at=article["deleted_at"],
            )
        for issue in data["issues"]:
            if issue["deleted_at"] is not None:
                writes.delete_issue(db, issue_ids[issue["number"]], issue["deleted_at"])
            exports.restore_issue_state(
                db,
                issue_ids[issue["number"]],
                created_at=issue["created_at"],
                updated_at=issue["updated_at"],
                deleted_at=issue["deleted_at"],
            )
        for term in data["terms"]:
            exports.restore_term_created(db, term["slug"], term["created_at"])
    return ImportSummary(len(data["issues"]), len(data["articles"]), len(data["terms"]), deleted)


def write_file_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path` through a temporary file, so a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


__all__ = [
    "ContentFileError",
    "ImportSummary",
    "backup_database",
    "export_content",
    "export_json",
    "import_content",
]
