"""The writer: all of a document or nothing, idempotent, edits in place."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from api.db import connect
from api.importer import write as writer
from api.importer.document import Question
from api.importer.write import WriteConflict, write_document
from api.store import writes
from tests.factories import make_document


def counts(db) -> dict[str, int]:
    tables = ("issues", "articles", "sections", "terms", "article_terms", "questions", "sources")
    return {t: db[t].count for t in tables}


def snapshot(db) -> dict[str, list[dict]]:
    return {
        table: list(db.query(f"SELECT * FROM {table} ORDER BY 1, 2"))
        for table in ("articles", "sections", "questions", "sources", "article_terms", "terms")
    }


def test_writing_the_same_document_twice_changes_nothing(db) -> None:
    document = make_document(1)
    first = write_document(db, document)
    before = snapshot(db)
    second = write_document(db, make_document(1))
    assert (first.outcome, second.outcome) == ("created", "unchanged")
    assert second.article_id == first.article_id
    assert snapshot(db) == before  # same ids, same updated_at, same everything


def test_an_edited_document_updates_the_article_in_place(db, monkeypatch) -> None:
    write_document(db, make_document(1))
    before = snapshot(db)
    monkeypatch.setattr(writer, "utc_now", lambda: "2030-01-01T00:00:00Z")
    edited = make_document(1, paragraphs=["A rewritten paragraph.", "Sanctions followed."])
    result = write_document(db, edited)
    after = snapshot(db)
    assert result.outcome == "updated"
    assert [a["id"] for a in after["articles"]] == [a["id"] for a in before["articles"]]
    assert after["articles"][0]["created_at"] == before["articles"][0]["created_at"]
    assert after["articles"][0]["updated_at"] == "2030-01-01T00:00:00Z"
    # Rows keep their ids position by position, so clients' links keep working.
    assert [s["id"] for s in after["sections"]] == [s["id"] for s in before["sections"]]
    assert '"A rewritten paragraph."' in after["sections"][0]["content"]


def test_a_failure_midway_leaves_nothing_of_a_new_document(db, monkeypatch) -> None:
    write_document(db, make_document(1))
    before = snapshot(db)
    real = writes.replace_rows

    def fail_on_questions(db_, table, article_id, rows):
        if table == "questions":
            raise RuntimeError("disk full")
        return real(db_, table, article_id, rows)

    monkeypatch.setattr(writes, "replace_rows", fail_on_questions)
    with pytest.raises(RuntimeError, match="disk full"):
        write_document(db, make_document(2, issue=7, terms=[("Brand New Term", "Fresh.")]))
    assert snapshot(db) == before
    assert db.execute("SELECT COUNT(*) FROM issues WHERE number = 7").fetchone()[0] == 0


def test_a_failure_midway_keeps_the_previous_version_whole(db, monkeypatch) -> None:
    write_document(db, make_document(1))
    before = snapshot(db)

    def fail(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(writer, "_source_rows", fail)
    with pytest.raises(RuntimeError):
        write_document(db, make_document(1, paragraphs=["Edited.", "Edited again."]))
    assert snapshot(db) == before


def test_a_term_is_one_row_shared_and_each_article_keeps_its_definition(db) -> None:
    write_document(db, make_document(1, terms=[("Sanctions", "Penalties, first wording.")]))
    write_document(db, make_document(2, terms=[("sanctions", "Penalties, second wording.")]))
    assert db["terms"].count == 1
    used = [r["definition"] for r in db.query("SELECT definition FROM article_terms ORDER BY 1")]
    assert used == ["Penalties, first wording.", "Penalties, second wording."]


def test_issues_are_created_once_and_articles_ordered_within_them(db) -> None:
    for n in (1, 2, 3):
        write_document(db, make_document(n, issue=4))
    issues = list(db.query("SELECT number, slug, title FROM issues"))
    assert issues == [{"number": 4, "slug": "issue-4", "title": "Issue 4"}]
    positions = [r["position"] for r in db.query("SELECT position FROM articles ORDER BY id")]
    assert positions == [1, 2, 3]


def test_a_document_with_fewer_questions_drops_the_extra_rows(db) -> None:
    two = make_document(1)
    two.questions.append(Question("A second question?", ["debate"]))
    write_document(db, two)
    assert db["questions"].count == 2
    write_document(db, make_document(1))
    assert [q["text"] for q in db.query("SELECT text FROM questions")] == [
        "Question 1: are sanctions effective?"
    ]


def test_parallel_writers_all_succeed(db, tmp_path: Path) -> None:
    """BEGIN IMMEDIATE with a busy timeout: writers queue instead of failing on a lock."""
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    failures: list[BaseException] = []

    def write_many(start: int) -> None:
        own = connect(path)
        try:
            for n in range(start, start + 10):
                write_document(own, make_document(n, issue=1 + n % 3))
        except BaseException as error:  # collected and asserted below
            failures.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=write_many, args=(i * 10,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert counts(db)["articles"] == 60


def test_published_at_is_kept_when_an_edit_does_not_state_it(db) -> None:
    write_document(db, make_document(1, published_at="2024-06-19T00:00:00Z"))
    undated = replace(make_document(1, paragraphs=["Edited."]), published_at=None)
    write_document(db, undated)
    stored = db.execute("SELECT published_at FROM articles").fetchone()[0]
    assert stored == "2024-06-19T00:00:00Z"


def test_ids_are_never_reused_after_rows_go(db) -> None:
    two = make_document(1)
    two.questions.append(Question("A second question?", ["debate"]))
    write_document(db, two)
    dropped = db.execute("SELECT MAX(id) FROM questions").fetchone()[0]
    write_document(db, make_document(1))  # the second question goes
    write_document(db, make_document(2))
    ids = [r[0] for r in db.execute("SELECT id FROM questions").fetchall()]
    assert dropped not in ids


def test_an_issue_slug_taken_by_another_issue_is_a_conflict(db) -> None:
    write_document(db, make_document(1, issue=1))
    clash = make_document(2, issue=2)
    clash.issue.slug = "issue-1"
    with pytest.raises(WriteConflict, match="issue-1"):
        write_document(db, clash)
    assert db["articles"].count == 1
