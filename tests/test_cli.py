"""`flask --app api seed`: files and folders in, a report out, bad files failing alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SEED_DIR

SEED_FILE = next(SEED_DIR.rglob("*.txt"))
OTHER_FILE = Path(__file__).parent / "data" / "editors" / "01-chips-act-title-crlf.txt"
KEYS = {
    "title",
    "slug",
    "lede",
    "published_at",
    "sections",
    "sources",
    "glossary",
    "questions",
    "warnings",
}


def article_count(app) -> int:
    from api.db import connect

    db = connect(app.config["DATABASE"])
    try:
        return db["articles"].count
    finally:
        db.close()


def test_seed_defaults_to_the_seed_folder_and_is_idempotent(app, runner) -> None:
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "1 file(s): 1 created, 0 failed" in first.output
    second = runner.invoke(args=["seed"])
    assert "1 file(s): 1 unchanged, 0 failed" in second.output
    assert article_count(app) == 1


def test_warnings_name_the_file_and_line(runner) -> None:
    result = runner.invoke(args=["seed", str(SEED_FILE)])
    assert result.exit_code == 0
    # The shipped seed has front matter: its dash-less "Geopolitics:" line is line 54.
    assert (
        f"warning: {SEED_FILE}:54: glossary line has no '- ' marker; read it as a list item\n"
        in result.output
    )
    lines = SEED_FILE.read_text(encoding="utf-8").split("\n")
    assert lines[54 - 1].startswith("Geopolitics: ")


def test_a_bad_file_fails_alone_with_a_non_zero_exit(app, runner, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED_FILE, folder / "a-good.txt")
    (folder / "b-empty.txt").write_text("   \n\n")
    (folder / "c-binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (folder / "notes.json").write_text("{}")  # not an editor document: skipped
    result = runner.invoke(args=["seed", str(folder)])
    assert result.exit_code == 1
    assert "3 file(s): 1 created, 2 failed" in result.output
    assert f"error: {folder / 'b-empty.txt'}:" in result.output
    assert f"error: {folder / 'c-binary.txt'}:" in result.output
    assert article_count(app) == 1


def test_a_missing_file_is_reported_not_raised(runner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = runner.invoke(args=["seed", str(missing)])
    assert result.exit_code == 1
    assert f"error: {missing}: cannot read" in result.output


def test_dry_run_writes_nothing(app, runner) -> None:
    result = runner.invoke(args=["seed", "--dry-run", str(SEED_FILE)])
    assert result.exit_code == 0
    assert "1 parsed" in result.output and "dry run" in result.output
    assert article_count(app) == 0


def test_json_prints_each_document_on_stdout(app, runner, tmp_path: Path) -> None:
    copy = tmp_path / "second.txt"
    shutil.copy(SEED_FILE, copy)
    result = runner.invoke(args=["seed", "--dry-run", "--json", str(SEED_FILE), str(copy)])
    assert result.exit_code == 0
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(documents) == 2
    for document in documents:
        assert set(document) >= KEYS
        assert document["slug"] == "russia-north-korea-defense-pact"
        assert [s["kind"] for s in document["sections"]] == ["body"] * 5 + ["background"] * 5
        assert document["sources"][0]["domain"] == "nytimes.com"
        assert {"line", "message"} == set(document["warnings"][0])
    assert "2 parsed" in result.stderr  # the report stays off stdout
    assert article_count(app) == 0


def test_if_empty_leaves_a_populated_database_alone(app, runner) -> None:
    assert runner.invoke(args=["seed"]).exit_code == 0
    # Another editor's document: without --if-empty it would be a second article.
    result = runner.invoke(args=["seed", "--if-empty", str(OTHER_FILE)])
    assert result.exit_code == 0, result.output
    assert "nothing seeded" in result.output
    assert article_count(app) == 1


def test_if_empty_seeds_an_empty_database(app, runner) -> None:
    result = runner.invoke(args=["seed", "--if-empty", str(OTHER_FILE)])
    assert result.exit_code == 0, result.output
    assert "1 file(s): 1 created, 0 failed" in result.output
    assert article_count(app) == 1


def test_help_has_an_example(runner) -> None:
    result = runner.invoke(args=["seed", "--help"])
    assert "flask --app api seed --dry-run --json" in result.output


def test_dry_run_reads_every_editors_document(runner) -> None:
    """`flask seed --dry-run --json tests/data/editors/*.txt`: every document parses."""
    editors = sorted((Path(__file__).parent / "data" / "editors").glob("*.txt"))
    assert len(editors) >= 18
    result = runner.invoke(args=["seed", "--dry-run", "--json", *map(str, editors)])
    assert result.exit_code == 0, result.output
    documents = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(documents) == len(editors)
    assert all(w["line"] >= 1 for d in documents for w in d["warnings"])
    assert f"{len(editors)} file(s): {len(editors)} parsed, 0 failed" in result.output
