"""The search index written by the store (m013, api.store.search_index) instead of m010's
triggers: after any mix of writes it holds exactly what m010's definition gives for the
content, what a rebuild gives, and what the triggers wrote (ids included); and the
cheaper hashing and Markdown escaping of the writer give the bytes they gave before."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlite_utils import Database

from api.db import _SEARCH_SOURCES, connect, init_db, migrations
from api.importer.batch import WriteBatch
from api.importer.canonical import render_document
from api.importer.document import Document, Item, Question, Section, Term
from api.importer.imports import import_files
from api.importer.render import _LIST_NUMBER, _MARKDOWN_SPECIAL, markdown_escape
from api.importer.write import _canonical_json, write_document
from api.store import search_index
from tests.factories import make_document
from tests.helpers import bearer, make_key

Key = tuple[str, int, int]  # type, item, article


def defined_rows(db: Database) -> dict[Key, tuple[str, str, str]]:
    """What m010 indexes for the content, by its own SQL (the triggers' and backfill's)."""
    found: dict[Key, tuple[str, str, str]] = {}
    for table, source in _SEARCH_SOURCES.items():
        texts = ", ".join(text.format(row="r") for text in source.texts)
        sql = (
            f"SELECT '{source.type}', {source.item_id.format(row='r')},"
            f" {source.article_id.format(row='r')}, {texts}"
            f" FROM {table} r WHERE {source.when.format(row='r')}"
        )
        for kind, item, article, *columns in db.execute(sql).fetchall():
            found[(kind, item, article)] = tuple(columns)  # type: ignore[assignment]
    return found


def stored_rows(db: Database) -> dict[Key, tuple[str, str, str]]:
    rows = db.execute(
        "SELECT d.type, d.item_id, d.article_id, t.title, t.summary, t.body"
        " FROM search_docs d JOIN search_text t ON t.id = d.id"
    ).fetchall()
    for table in ("search_docs", "search_text"):  # neither has a row the other lacks
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == len(rows)
    return {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in rows}


def fts_entries(db: Database) -> list[tuple[Any, ...]]:
    """Every token FTS5 holds (term, column, offset), by the index row's item; FTS5 first
    checks its index against the text it was built from."""
    with db.conn:
        db.execute("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab"
        " USING fts5vocab(main, search_index, instance)"
    )
    return sorted(
        db.execute(
            "SELECT d.type, d.item_id, d.article_id, v.term, v.col, v.offset"
            " FROM temp.search_vocab v JOIN search_docs d ON d.id = v.doc"
        ).fetchall()
    )


def assert_index_exact(db: Database) -> None:
    assert stored_rows(db) == defined_rows(db)
    before = fts_entries(db)
    with db.conn:
        search_index.rebuild(db)
    assert stored_rows(db) == defined_rows(db)
    assert fts_entries(db) == before


def _texts(folder: Path, documents: list[Document]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for n, document in enumerate(documents):
        paths.append(folder / f"{n:02d}-{document.slug}.txt")
        paths[-1].write_text(render_document(document))
    return paths


def test_after_imports_and_every_editor_write_the_index_is_what_a_rebuild_gives(
    editor_app_factory: Any, tmp_path: Path
) -> None:
    app: Flask = editor_app_factory(WRITE_RATE_LIMIT="10000 per minute")
    auth = {**bearer(make_key(app)), "If-Match": "*"}
    client = app.test_client()
    with app.app_context():
        from api.db import get_db

        db = get_db()
        # A batch: new articles, a file that fails alone, and one slug written twice (its
        # entries still wait for the commit when the edit replaces them).
        edited = make_document(2, title="Edited twice in one batch")
        edited.sections[0].paragraphs = ["Narwhals and walruses."]
        files = [make_document(1), make_document(2), make_document(3), edited]
        paths = _texts(tmp_path / "a", files)
        bad = tmp_path / "a" / "99-bad.txt"
        bad.write_text("")
        report = import_files(db, [*paths[:2], bad, *paths[2:]])
        assert [o.kind for o in report.outcomes] == [
            "created",
            "created",
            "failed",
            "created",
            "updated",
        ]
        assert_index_exact(db)
        # The same files again change nothing; a draft written alone.
        again = import_files(db, [paths[0], paths[2], paths[3]])
        assert {o.kind for o in again.outcomes} == {"unchanged"}
        write_document(db, make_document(4, status="draft", terms=[("Quokka", "A marsupial.")]))
        assert_index_exact(db)

    body = {
        "title": "Walrus diplomacy",
        "lede": "Sanctions and walruses.",
        "slug": "walrus-diplomacy",
        "status": "published",
        "published_at": "2024-06-19T08:00:00Z",
        "sections": [
            {"kind": "body", "heading": "What happened", "paragraphs": ["Talks began."]},
            {
                "kind": "background",
                "heading": "Context",
                "items": [{"label": "Cold War", "text": "A long standoff."}],
            },
        ],
        "glossary": [{"term": "Sanctions", "definition": "Penalties imposed by states."}],
        "questions": [{"text": "Are sanctions effective?"}],
        "sources": [{"url": "https://www.example.com/2024/06/19/walrus.html"}],
    }

    def ok(response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    article = ok(client.post("/v1/articles", json=body, headers=auth), 201)["data"]
    url = f"/v1/articles/{article['id']}"
    ok(client.patch(url, json={"title": "Walrus diplomacy, again"}, headers=auth))
    ok(client.put(url, json={**body, "lede": "A new lede about narwhals."}, headers=auth))
    question = ok(client.post(f"{url}/questions", json={"text": "Who gains?"}, headers=auth), 201)[
        "data"
    ]
    ok(client.patch(f"/v1/questions/{question['id']}", json={"text": "Who loses?"}, headers=auth))
    term = ok(
        client.post(
            f"{url}/glossary", json={"term": "Embargo", "definition": "A ban."}, headers=auth
        ),
        201,
    )["data"]
    # A shared term's wording changes in every article that uses it.
    ok(client.patch("/v1/glossary/sanctions", json={"definition": "Penalties."}, headers=auth))
    with app.app_context():
        assert_index_exact(get_db())
    assert client.delete(f"/v1/glossary/{term['id']}", headers=auth).status_code == 204
    assert client.delete(f"/v1/questions/{question['id']}", headers=auth).status_code == 204
    assert client.delete("/v1/articles/generated-article-0003", headers=auth).status_code == 204
    with app.app_context():
        db = get_db()
        assert_index_exact(db)
        # A hard delete (by hand) takes the article's index rows with it.
        with db.conn:
            db.execute("DELETE FROM articles WHERE slug = 'generated-article-0001'")
        assert not [k for k in stored_rows(db) if k[2] == 1]
        assert_index_exact(db)
        # A deleted article's slug written again restores it, indexed afresh.
        write_document(db, make_document(3, title="Restored"))
        assert_index_exact(db)
        assert ("article", 3, 3) in stored_rows(db)


def test_flask_search_reindex_rebuilds_the_same_index(app: Flask, db: Database) -> None:
    for n in range(1, 4):
        write_document(db, make_document(n))
    before = fts_entries(db)
    with db.conn:  # an index gone wrong: one article's rows removed behind the writer's back
        db.execute("DELETE FROM search_docs WHERE article_id = 2")
    result = app.test_cli_runner().invoke(args=["search-reindex"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Indexed {len(defined_rows(db))} search rows."
    assert stored_rows(db) == defined_rows(db)
    assert fts_entries(db) == before


def _corpus() -> list[Document]:
    documents = [make_document(n, issue=1 + n // 3) for n in range(1, 9)]
    documents[2].sections.append(
        Section(
            kind="background",
            heading="More",
            anchor="background-2-more",
            number=2,
            items=[Item("Ünïcode", "naïve café"), Item("Empty", "-")],
        )
    )
    documents[3].glossary.append(Term("sanctions", "Written twice, stored once."))
    documents[4].questions.append(Question("A second one?", ["essay"]))
    edited = make_document(2, issue=1, title="Edited")
    edited.glossary = [Term("Treaty", "An agreement.")]
    edited.questions = []
    # The first seven in one batch, with an edit of the newest article (whose index rows
    # are the last ones: the ids the triggers gave depend on the order of their writes).
    return [
        *documents[:6],
        make_document(6, title="Six again", terms=[("Embargo", "A ban.")]),
        *documents[6:],
        edited,
        make_document(5, issue=2),
        make_document(9, status="draft"),
        make_document(9, status="published", paragraphs=["Nine, edited."]),
    ]


def _seed(path: Path, documents: list[Document], *, before_m013: bool) -> None:
    if before_m013:
        db = connect(path)
        migrations.apply(db, stop_before="m013_search_index_from_store")
    else:
        init_db(path)
        db = connect(path)
    with WriteBatch(db) as batch:
        for document in documents[:7]:
            with batch.document():
                write_document(db, document)
    for document in documents[7:]:  # one transaction each, entries written at once
        write_document(db, document)
    db.close()


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        found = {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("search_docs", "search_text")
        }
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search_index, instance)")
        found["fts"] = conn.execute("SELECT * FROM temp.v ORDER BY 1, 2, 3, 4").fetchall()
        return found
    finally:
        conn.close()


def test_the_store_writes_the_rows_and_ids_the_triggers_wrote(tmp_path: Path) -> None:
    documents = _corpus()
    _seed(tmp_path / "triggers.db", documents, before_m013=True)
    _seed(tmp_path / "store.db", documents, before_m013=False)
    by_triggers = _tables(tmp_path / "triggers.db")
    assert by_triggers["search_docs"]  # the triggers did index (the store stood aside)
    assert _tables(tmp_path / "store.db") == by_triggers
    # m013 on the database the triggers indexed changes nothing, and the store carries on.
    init_db(tmp_path / "triggers.db")
    assert _tables(tmp_path / "triggers.db") == by_triggers
    db = connect(tmp_path / "triggers.db")
    write_document(db, make_document(3, title="Edited after m013"))
    assert stored_rows(db) == defined_rows(db)
    fts_entries(db)  # integrity-check
    triggers = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%search%'"
    ).fetchall()
    assert sorted(t[0] for t in triggers) == ["search_docs_delete", "search_text_delete"]
    db.close()


def test_a_failed_document_in_a_batch_leaves_no_waiting_entry(tmp_path: Path) -> None:
    init_db(tmp_path / "t.db")
    db = connect(tmp_path / "t.db")
    with WriteBatch(db) as batch:
        with batch.document():
            write_document(db, make_document(1))
        with pytest.raises(RuntimeError), batch.document():
            write_document(db, make_document(2))
            raise RuntimeError("after the article was written")
        with batch.document():
            write_document(db, make_document(3))
    stored = dict(db.execute("SELECT slug, id FROM articles").fetchall())
    assert set(stored) == {"generated-article-0001", "generated-article-0003"}
    assert {k[2] for k in stored_rows(db)} == set(stored.values())
    assert stored_rows(db) == defined_rows(db)
    assert {e[2] for e in fts_entries(db)} == set(stored.values())
    db.close()


# The writer's cheaper text, byte for byte ----------------------------------------------------


def _stdlib_json(content: dict[str, Any]) -> bytes:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode()


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "".join(chr(c) for c in range(0, 0x250)),
        "\u2028\u2029\ufeff\U0001f600 \x7f \\ \" '",
        11.0,
        -3.4,
        1 / 3,
        1e-05,
        1e16,
        float("nan"),
        float("inf"),
        2**70,
        True,
        None,
    ],
)
def test_hashed_text_is_the_stdlibs(value: Any) -> None:
    content = {"title": "t", "reading_level": value, "sections": [{"paragraphs": [value]}]}
    if isinstance(value, float):
        content["sections"] = []  # floats are top-level only in Document.to_dict
    assert _canonical_json(content) == _stdlib_json(content)


def test_hashed_text_of_documents_is_the_stdlibs() -> None:
    for document in _corpus():
        content = {k: v for k, v in document.to_dict().items() if k != "warnings"}
        assert _canonical_json(content) == _stdlib_json(content)


def _nested_floats(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(_nested_floats(v) for v in value)
    if isinstance(value, dict):
        return any(_nested_floats(v) for v in value.values())
    return False


def test_a_document_has_floats_at_the_top_level_only() -> None:
    """_canonical_json compares only top-level floats with the stdlib's text."""
    content = make_document(1).to_dict()
    assert isinstance(content["reading_level"], float)
    assert not any(_nested_floats(v) for v in content.values() if not isinstance(v, float))


def test_markdown_escaping_is_what_the_substitutions_gave() -> None:
    def substitutions(text: str) -> str:
        return _LIST_NUMBER.sub(r"\1\\\2", _MARKDOWN_SPECIAL.sub(r"\\\1", text))

    alphabet = "ab 19.)\n\r\\`*_{}[]<>()#+!|~&-é\u2028²٣"
    rng = random.Random(3)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert markdown_escape(text) == substitutions(text), repr(text)
    assert re.fullmatch(r"1961\\\. The treaty", markdown_escape("1961. The treaty"))
