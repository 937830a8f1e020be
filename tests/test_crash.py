"""Crash safety: SIGKILL a real `flask seed` at random points; interrupt a write from inside.

After every kill the database passes integrity_check and holds only whole articles (each
exactly as a clean seeding stores it); a rerun then completes with exactly the content of a
clean seeding, ids and change log included (timestamps aside: they say when it ran).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from api.db import connect
from api.importer.canonical import render_document
from api.importer.write import write_document
from api.store import writes
from tests.conftest import make_app
from tests.factories import make_document
from tests.helpers import run_seed

ROOT = Path(__file__).resolve().parent.parent
# flask seed commits a batch at a time (200 files or 0.5 s), so the count moves in jumps:
# enough documents that the last kill still lands before the last batch.
DOCUMENTS = int(os.environ.get("CRASH_DOCUMENTS", "300"))
# Each kill starts a new process (about 2-3 s on 2 busy cores): `make test` kills 3 times,
# `make fuzz` more (CRASH_KILLS).
KILLS = int(os.environ.get("CRASH_KILLS", "3"))
# Columns that say when something ran, not what it holds.
WHEN = {"created_at", "updated_at", "at"}
TABLES = (
    "issues",
    "articles",
    "sections",
    "terms",
    "article_terms",
    "questions",
    "sources",
    "changes",
    "search_docs",
    "search_text",
)


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        found = {}
        for table in TABLES:
            cursor = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
            keep = [i for i, d in enumerate(cursor.description) if d[0] not in WHEN]
            found[table] = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
        return found
    finally:
        conn.close()


def articles_by_slug(path: Path) -> dict[str, tuple[Any, ...]]:
    """Each article with all of its parts, as content (no ids, no timestamps)."""
    conn = sqlite3.connect(path)
    try:
        found = {}
        for article_id, slug, title, lede, body_text in conn.execute(
            "SELECT id, slug, title, lede, body_text FROM articles"
        ):
            parts = tuple(
                tuple(
                    conn.execute(
                        f"SELECT {columns} FROM {table} WHERE article_id = ? ORDER BY position",
                        [article_id],
                    ).fetchall()
                )
                for table, columns in (
                    ("sections", "kind, heading, anchor, content, content_html"),
                    ("article_terms", "term, definition"),
                    ("questions", "text, kinds"),
                    ("sources", "url, domain, published_on"),
                )
            )
            indexed = conn.execute(
                "SELECT COUNT(*) FROM search_docs WHERE article_id = ?", [article_id]
            ).fetchone()[0]
            logged = conn.execute(
                "SELECT COUNT(*) FROM changes WHERE type = 'article' AND item_id = ?",
                [article_id],
            ).fetchone()[0]
            found[slug] = (title, lede, body_text, parts, indexed, logged)
        return found
    finally:
        conn.close()


def article_count(path: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created or not migrated yet


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    for n in range(1, DOCUMENTS + 1):
        text = render_document(make_document(n, issue=1 + n % 7))
        (folder / f"doc-{n:04d}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def clean(documents: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clean") / "clean.db"
    run_seed(make_app(path).test_cli_runner(), documents)
    assert article_count(path) == DOCUMENTS
    return path


def seed_process(database: Path, documents: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FLASK_DATABASE": str(database)}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "api", "seed", str(documents)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_during_seeding_leaves_whole_articles_and_a_rerun_completes(
    documents: Path, clean: Path, tmp_path: Path
) -> None:
    database = tmp_path / "killed.db"
    expected = articles_by_slug(clean)
    chance = random.Random(12)  # reproducible kill points
    kills = []
    while len(kills) < KILLS:
        before = article_count(database)
        assert before < DOCUMENTS, "seeding finished before every kill landed"
        # Kill once the run has written a random number of new articles, plus a random
        # fraction of a document's write time, so some kills land mid-transaction.
        target = before + chance.randint(
            1, max(1, (DOCUMENTS - before) // (KILLS - len(kills) + 2))
        )
        process = seed_process(database, documents)
        deadline = time.monotonic() + 120
        while article_count(database) < target and process.poll() is None:
            assert time.monotonic() < deadline, "seeding made no progress"
            time.sleep(0.002)
        time.sleep(chance.random() * 0.01)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stderr.close()  # type: ignore[union-attr]
        if not alive:
            continue  # it finished first: not a kill, try again from where it is
        kills.append(article_count(database))
        conn = sqlite3.connect(database)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            conn.close()
        stored = articles_by_slug(database)
        assert stored, "killed before anything was written"
        for slug, content in stored.items():
            assert content == expected[slug], f"{slug} is not whole after kill {len(kills)}"
    assert kills == sorted(kills) and len(set(kills)) == len(kills), kills
    rerun = seed_process(database, documents)
    _, errors = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, errors.decode()
    assert table_rows(database) == table_rows(clean)


def test_a_write_that_fails_mid_transaction_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.db"
    app = make_app(path)
    db = connect(path)
    write_document(db, make_document(1))
    before = table_rows(path)
    page = app.test_client().get("/v1/articles/generated-article-0001?include=sections,questions")
    assert page.status_code == 200
    real_replace_rows = writes.replace_rows

    def fails_at_questions(db: Any, table: str, article_id: int, new: list[Any]) -> None:
        if table == "questions":
            # Sections, terms and the article row have been rewritten by now.
            raise OSError("disk on fire")
        real_replace_rows(db, table, article_id, new)

    monkeypatch.setattr(writes, "replace_rows", fails_at_questions)
    edited = make_document(1, title="A new title", paragraphs=["All new words."])
    with pytest.raises(OSError, match="disk on fire"):
        write_document(db, edited)
    assert not db.conn.in_transaction
    assert table_rows(path) == before
    again = app.test_client().get("/v1/articles/generated-article-0001?include=sections,questions")
    assert again.get_data() == page.get_data()
    # And the connection is still good for the next write.
    monkeypatch.setattr(writes, "replace_rows", real_replace_rows)
    assert write_document(db, edited).outcome == "updated"
    db.close()
