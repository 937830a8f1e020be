"""Backup and restore: `flask backup` (SQLite's backup API, while writers write), and
`flask export` / `flask import` (JSON, through the one content writer, all or nothing)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import orjson
import pytest
from flask import Flask

from api.db import connect, init_db, write_transaction
from api.importer.write import write_document
from api.store import writes
from api.timefmt import clock_at
from tests.conftest import make_app
from tests.factories import make_document
from tests.helpers import SEED_DIR, run_seed, table_digest

CONTENT_TABLES = (
    "issues",
    "articles",
    "sections",
    "terms",
    "article_terms",
    "questions",
    "sources",
)


def content_digest(path: Path | str) -> str:
    return table_digest(path, CONTENT_TABLES)


@pytest.fixture(scope="module")
def cli_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app for the module (building one costs about a second); `on(app, path)` points
    it at a fresh database."""
    return make_app(tmp_path_factory.mktemp("cli") / "first.db")


def on(app: Flask, path: Path) -> Flask:
    init_db(path)
    app.config["DATABASE"] = str(path)
    return app


def invoke(app: Flask, *args: str, stdin: bytes | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=stdin)


def rich_content(app: Flask) -> None:
    """The seed, plus what only editors make: drafts, scheduled and deleted articles, a
    deleted issue, a draft issue, an unused term, an article outside any issue."""
    run_seed(app.test_cli_runner(), SEED_DIR)
    db = connect(app.config["DATABASE"])
    try:
        with clock_at("2024-07-01T08:00:00Z"):
            write_document(db, make_document(1, issue=2))
            write_document(db, make_document(2, issue=2, status="draft"))
            write_document(db, make_document(3, issue=None, published_at="2099-01-01T00:00:00Z"))
            write_document(
                db, make_document(4, issue=3, terms=[("Détente", "Easing of “strained” ties.")])
            )
        with clock_at("2024-07-02T09:30:00Z"), write_transaction(db):
            deleted = writes.find_article(db, "generated-article-0004")
            assert deleted is not None
            writes.delete_article(db, deleted["id"], "2024-07-02T09:30:00Z")
            gone = writes.insert_issue(
                db,
                {
                    "number": 9,
                    "slug": "gone",
                    "title": "Gone",
                    "published_on": None,
                    "status": "published",
                },
                "2024-07-02T09:30:00Z",
            )
            writes.delete_issue(db, gone, "2024-07-02T09:31:00Z")
            writes.insert_issue(
                db,
                {
                    "number": 10,
                    "slug": "next",
                    "title": "Next <b>one</b>",
                    "published_on": "2030-01-01",
                    "status": "draft",
                },
                "2024-07-02T09:30:00Z",
            )
            writes.term_id(db, "unused", "Unused", "2024-07-02T09:30:00Z")
    finally:
        db.close()


def test_export_then_import_into_an_empty_database_gives_the_same_export(tmp_path: Path) -> None:
    source = make_app(tmp_path / "a.db")
    rich_content(source)
    first = invoke(source, "export", str(tmp_path / "a.json"))
    assert first.exit_code == 0, first.output
    exported = orjson.loads((tmp_path / "a.json").read_bytes())
    assert {a["slug"] for a in exported["articles"] if a["deleted_at"]} == {
        "generated-article-0004"
    }
    assert {a["status"] for a in exported["articles"]} == {"draft", "published"}
    assert [i["number"] for i in exported["issues"] if i["deleted_at"]] == [9]
    assert "unused" in {t["slug"] for t in exported["terms"]}

    restored = make_app(tmp_path / "b.db")
    result = invoke(restored, "import", str(tmp_path / "a.json"))
    assert result.exit_code == 0, result.output
    assert "5 issue(s), 5 article(s) (1 deleted), 7 term(s)" in result.output
    again = invoke(restored, "export", "-")
    assert again.exit_code == 0, again.output
    assert again.stdout_bytes == (tmp_path / "a.json").read_bytes()

    # What the public sees is the same too (ids aside, which an export does not carry).
    for url in (
        "/v1/articles?include=sections,glossary,questions,sources",
        "/v1/glossary",
        "/v1/issues",
        "/v1/sources",
        "/v1/questions",
    ):

        def strip(body: dict) -> list:
            return [
                {k: v for k, v in item.items() if k not in ("id", "url", "article", "issue")}
                for item in body["data"]
            ]

        a = source.test_client().get(url).get_json()
        b = restored.test_client().get(url).get_json()
        assert strip(a) == strip(b), url
    # The deletion is a tombstone in the restored database's sync too.
    restored_db = connect(restored.config["DATABASE"])
    try:
        actions = [
            tuple(r)
            for r in restored_db.execute(
                "SELECT type, action FROM changes WHERE action = 'deleted'"
            )
        ]
    finally:
        restored_db.close()
    assert ("article", "deleted") in actions and ("issue", "deleted") in actions


def test_import_refuses_a_database_that_has_content(tmp_path: Path, cli_app: Flask) -> None:
    source = on(cli_app, tmp_path / "a.db")
    run_seed(source.test_cli_runner(), SEED_DIR)
    assert invoke(source, "export", str(tmp_path / "a.json")).exit_code == 0
    before = content_digest(tmp_path / "a.db")
    result = invoke(source, "import", str(tmp_path / "a.json"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'a.json'}: the database already has content" in result.output
    assert "Traceback" not in result.output
    assert content_digest(tmp_path / "a.db") == before


@pytest.fixture(scope="module")
def valid_export(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    source = make_app(tmp_path_factory.mktemp("export") / "src.db")
    rich_content(source)
    result = invoke(source, "export", "-")
    assert result.exit_code == 0
    return result.stdout_bytes


def _break(data: dict, change) -> bytes:
    change(data)
    return orjson.dumps(data)


BAD_FILES = {
    "not-json": (
        lambda d: None,
        b'{"format": "insight-fortnight-content",\n  "version": 1,,}',
        "line 2 column 16: not JSON",
    ),
    "not-an-object": (None, b"[1, 2]", "not an export (a JSON object was expected)"),
    "not-utf8": (None, b'{"format": "\xff"}', "not JSON"),
    "wrong-format": (lambda d: d.update(format="wordpress"), None, "format: Must be equal to"),
    "section-kind": (
        lambda d: d["articles"][1]["sections"][0].update(kind="footer"),
        None,
        "articles[1].sections[0].kind: Must be one of: body, background.",
    ),
    "missing-lede": (
        lambda d: d["articles"][2].pop("lede"),
        None,
        "articles[2].lede: Missing data for required field.",
    ),
    "bad-time": (
        lambda d: d["articles"][0].update(published_at="yesterday"),
        None,
        "articles[0].published_at: Not an RFC 3339 UTC time.",
    ),
    "unknown-issue": (
        lambda d: d["articles"][0].update(issue=77),
        None,
        "articles[0].issue: no issue numbered 77 in the file",
    ),
    "duplicate-slug": (
        lambda d: d["articles"][2].update(slug=d["articles"][1]["slug"]),
        None,
        "articles[2].slug:",
    ),
    # Passes the shape check; the writer refuses it (two sections with one anchor), after
    # earlier articles were written: the transaction takes them back.
    "writer-refuses-the-last": (
        lambda d: d["articles"][-1]["sections"].append(dict(d["articles"][-1]["sections"][0])),
        None,
        "UNIQUE constraint failed: sections.article_id, sections.anchor",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_export_file_is_refused_by_name_and_place_and_nothing_is_written(
    tmp_path: Path, case: str, valid_export: bytes, cli_app: Flask
) -> None:
    change, raw, message = BAD_FILES[case]
    content = raw if raw is not None else _break(orjson.loads(valid_export), change)
    path = tmp_path / f"{case}.json"
    path.write_bytes(content)
    target = on(cli_app, tmp_path / "empty.db")
    before = content_digest(tmp_path / "empty.db")
    result = invoke(target, "import", str(path))
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {path}: "), result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert content_digest(tmp_path / "empty.db") == before
    # And after a refusal the same database takes a good file.
    if raw is None:
        good = tmp_path / "good.json"
        good.write_bytes(valid_export)
        assert invoke(target, "import", str(good)).exit_code == 0


def test_a_missing_file_is_named(tmp_path: Path, cli_app: Flask) -> None:
    result = invoke(on(cli_app, tmp_path / "x.db"), "import", str(tmp_path / "nope.json"))
    assert result.exit_code == 1
    assert (
        f"Error: {tmp_path / 'nope.json'}: cannot read: No such file or directory" in result.output
    )


def test_backup_refuses_to_overwrite(tmp_path: Path, cli_app: Flask) -> None:
    app = on(cli_app, tmp_path / "a.db")
    (tmp_path / "taken.db").write_bytes(b"keep me")
    result = invoke(app, "backup", str(tmp_path / "taken.db"))
    assert result.exit_code == 1
    assert "exists; give a new file name" in result.output
    assert (tmp_path / "taken.db").read_bytes() == b"keep me"


def test_backup_while_a_writer_writes_is_one_committed_state(tmp_path: Path) -> None:
    app = make_app(tmp_path / "live.db")
    stop = threading.Event()
    written: list[int] = []
    failures: list[BaseException] = []

    def writer() -> None:
        db = connect(app.config["DATABASE"])
        try:
            n = 0
            while not stop.is_set() and n < 400:
                n += 1
                write_document(db, make_document(n, issue=1 + n % 4))
                written.append(n)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    copies = []
    try:
        while len(copies) < 5 and thread.is_alive():
            if len(written) >= 10 * (len(copies) + 1):
                path = tmp_path / f"copy-{len(copies)}.db"
                committed = len(written)
                result = invoke(app, "backup", str(path))
                assert result.exit_code == 0, result.output
                copies.append((path, committed))
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures, failures
    assert len(copies) == 5, "the writer finished before five copies were taken"
    for path, seen in copies:
        copy = sqlite3.connect(path)
        try:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            slugs = [r[0] for r in copy.execute("SELECT slug FROM articles ORDER BY id")]
            # A prefix of what the writer committed, each article whole.
            count = len(slugs)
            assert count >= seen  # the copy was taken after `seen` commits
            assert slugs == [f"generated-article-{n:04d}" for n in range(1, count + 1)]
            for table, each in (
                ("sections", 2),
                ("article_terms", 2),
                ("questions", 1),
                ("sources", 1),
            ):
                per_article = dict(
                    copy.execute(f"SELECT article_id, COUNT(*) FROM {table} GROUP BY article_id")
                )
                assert len(per_article) == count and set(per_article.values()) == {each}, table
            changes = copy.execute(
                "SELECT COUNT(*) FROM changes WHERE type = 'article' AND action = 'created'"
            ).fetchone()[0]
            assert changes == count  # the change log is of the same moment
        finally:
            copy.close()
    # The copies are whole databases the app can serve.
    last = copies[-1][0]
    count = sqlite3.connect(last).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    served = make_app(last).test_client().get("/v1/articles?limit=1").get_json()
    assert served["meta"]["total"] == count
