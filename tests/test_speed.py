"""What the speed work (issue 10) changed and must not break: batched seeding, the term
linker without a per-article regex, and search ranked a window at a time."""

from __future__ import annotations

import copy
import random
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.db import Database
from api.importer import batch as batch_module
from api.importer.canonical import render_document
from api.importer.document import Term
from api.importer.imports import import_files
from api.importer.render import LinkedTerm, TermLinker, _term_pattern
from api.importer.write import write_document
from api.slugs import slugify
from api.store import pagination
from api.store import search as search_store
from tests.factories import make_document


def _texts(folder: Path, count: int, *, bad: set[int] = frozenset()) -> list[Path]:  # type: ignore[assignment]
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{n:03d}.txt"
        if n in bad:
            path.write_text("no front matter, no title, nothing an importer can use\n")
        else:
            path.write_text(render_document(make_document(n + 1, issue=1 + n // 4)))
        paths.append(path)
    return paths


def _state(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("articles", "sections", "article_terms", "questions", "sources", "changes")
    }


def _one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit after every document: what seeding did before batches."""
    monkeypatch.setattr(batch_module, "MAX_DOCUMENTS", 1)


# Batched seeding -------------------------------------------------------------------------


def test_a_bad_file_in_a_batch_fails_alone_and_the_others_land(
    db: Database, tmp_path: Path
) -> None:
    paths = _texts(tmp_path / "texts", 9, bad={4})
    report = import_files(db, paths)
    assert [o.kind for o in report.outcomes] == ["created"] * 4 + ["failed"] + ["created"] * 4
    assert report.outcomes[4].name.endswith("004.txt")
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 8
    # Nothing of the bad file, nor a half-open transaction, is left behind.
    assert not db.conn.in_transaction


def test_a_conflicting_file_in_a_batch_leaves_no_part_of_itself(
    db: Database, tmp_path: Path
) -> None:
    """A document that fails after some of its rows were written (its issue slug belongs to
    another issue) is rolled back to its savepoint; the batch's other documents stay."""
    first = make_document(1, issue=1)
    write_document(db, first)
    taken = make_document(2, issue=2)
    assert taken.issue is not None
    taken.issue.slug = "issue-1"  # issue 1's slug: a WriteConflict once the article is written
    folder = tmp_path / "texts"
    folder.mkdir()
    paths = []
    for n, document in enumerate([make_document(3, issue=1), taken, make_document(4, issue=1)]):
        paths.append(folder / f"{n}.txt")
        paths[-1].write_text(render_document(document))
    report = import_files(db, paths)
    assert [o.kind for o in report.outcomes] == ["created", "failed", "created"]
    assert report.outcomes[1].conflict
    slugs = {row[0] for row in db.execute("SELECT slug FROM articles").fetchall()}
    assert slugs == {first.slug, "generated-article-0003", "generated-article-0004"}
    assert db.execute("SELECT COUNT(*) FROM issues").fetchone()[0] == 1
    # The change log has each stored article's created and published, and nothing else of
    # an article: the failed one left no line.
    logged = db.execute(
        "SELECT item_id, action FROM changes WHERE type = 'article' ORDER BY seq"
    ).fetchall()
    ids = [row[0] for row in db.execute("SELECT id FROM articles ORDER BY id").fetchall()]
    assert logged == [(i, action) for i in ids for action in ("created", "published")]
    orphans = "SELECT COUNT(*) FROM {0} WHERE article_id NOT IN (SELECT id FROM articles)"
    for table in ("sections", "questions", "sources", "article_terms", "search_docs"):
        assert db.execute(orphans.format(table)).fetchone()[0] == 0


def test_batched_seeding_stores_and_logs_what_one_by_one_seeding_does(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.db import connect, init_db

    states = []
    for name, batched in (("batched", True), ("alone", False)):
        path = tmp_path / f"{name}.db"
        init_db(path)
        db = connect(path)
        if not batched:
            _one_by_one(monkeypatch)
        paths = _texts(tmp_path / f"texts-{name}", 12, bad={5})
        report = import_files(db, paths)
        again = import_files(db, paths)  # re-seeding the same text changes nothing
        assert [o.kind for o in again.outcomes] == ["unchanged"] * 5 + ["failed"] + [
            "unchanged"
        ] * 6
        state = _state(db)
        # Timestamps differ between the two runs; everything else must not.
        for table, rows in state.items():
            state[table] = [tuple(v for v in row if not _is_time(v)) for row in rows]
        states.append(([o.kind for o in report.outcomes], state))
        db.close()
    assert states[0] == states[1]


def _is_time(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", value) is not None


def test_reseeding_an_edited_file_in_a_batch_updates_it_in_place(
    db: Database, tmp_path: Path
) -> None:
    paths = _texts(tmp_path / "texts", 6)
    import_files(db, paths)
    ids = db.execute("SELECT id, slug, updated_at FROM articles ORDER BY id").fetchall()
    changes = db.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
    edited = make_document(3, issue=1)
    edited.sections[0].paragraphs[0] = "An edited first paragraph."
    paths[2].write_text(render_document(edited))
    report = import_files(db, paths)
    assert [o.kind for o in report.outcomes] == ["unchanged"] * 2 + ["updated"] + ["unchanged"] * 3
    after = db.execute("SELECT id, slug, updated_at FROM articles ORDER BY id").fetchall()
    assert [r[:2] for r in after] == [r[:2] for r in ids]
    assert [r[2] for n, r in enumerate(after) if n != 2] == [
        r[2] for n, r in enumerate(ids) if n != 2
    ]
    # The edit logs exactly the article's update (its section is part of the article).
    new = db.execute(
        "SELECT type, action FROM changes WHERE seq > ? ORDER BY seq", [changes]
    ).fetchall()
    assert ("article", "updated") in new
    assert all(kind in ("article", "issue") for kind, _ in new)


def test_a_batch_is_committed_by_size(db: Database, tmp_path: Path, monkeypatch) -> None:
    """Readers on another connection see batches land as they are committed."""
    monkeypatch.setattr(batch_module, "MAX_DOCUMENTS", 3)
    monkeypatch.setattr(batch_module, "MAX_SECONDS", 3600.0)  # by size only, however slow
    seen: list[int] = []
    from api.db import connect

    reader = connect(db.conn.execute("PRAGMA database_list").fetchone()[2])

    def each(outcome: Any) -> None:
        seen.append(reader.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    import_files(db, _texts(tmp_path / "texts", 7), each=each)
    reader.close()
    # Outcomes are reported once their batch is committed: 3, 3, 3 then 6, 6, 6, then 7.
    assert seen == [3, 3, 3, 6, 6, 6, 7]


# The term linker -------------------------------------------------------------------------


class _AlternationLinker:
    """The linker as it was: one alternation of the article's terms, longest first."""

    def __init__(self, terms: list[LinkedTerm]) -> None:
        self.terms = sorted((t for t in terms if t.term.strip()), key=lambda t: -len(t.term))
        alternatives = "|".join(
            f"(?P<t{i}>{_term_pattern(t.term)})" for i, t in enumerate(self.terms)
        )
        self.regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        if not self.terms:
            return []
        return [
            (m.start(), m.end(), self.terms[int(m.lastgroup[1:])].slug)  # type: ignore[index]
            for m in self.regex.finditer(text)
        ]


def test_the_term_linker_finds_what_one_alternation_of_the_terms_finds() -> None:
    rng = random.Random(5)
    words = ["korea", "North", "korean", "peninsula", "sanction", "sanctions", "policy"]
    words += ["policies", "box", "boxes", "church", "new", "York", "état", "États", "a", "U.S."]
    for _ in range(3000):
        terms = [
            " ".join(rng.choices(words, k=rng.randint(1, 3))) for _ in range(rng.randint(0, 5))
        ]
        linked = [LinkedTerm(t, slugify(t) or "x") for t in terms]
        fillers = [*words, ",", ".", "\n", "  ", "New York's", "Ǆ"]
        text = " ".join(rng.choices(fillers, k=rng.randint(0, 30)))
        linker = TermLinker(linked)
        expected = _AlternationLinker(linked).spans(text)
        got = [(start, end, term.slug) for start, end, term in linker._matches(text)]
        assert got == expected, (terms, text)


def test_glossary_marks_in_a_seeded_article_are_unchanged(db: Database) -> None:
    document = make_document(
        1, terms=[("Cold War", "A long standoff."), ("Sanction", "A penalty.")]
    )
    document.glossary.append(Term("Sanctions regime", "Many penalties."))
    write_document(db, document)
    lede_html = db.execute("SELECT lede_html FROM articles").fetchone()[0]
    assert '<dfn data-term="sanction">sanctions</dfn>' in lede_html
    assert '<dfn data-term="cold-war">Cold War</dfn>' in lede_html


# Search by windows -----------------------------------------------------------------------


def _search_corpus(db: Database, count: int = 24) -> None:
    for n in range(1, count + 1):
        document = make_document(
            n,
            issue=1 + n // 6,
            terms=[("Sanctions", f"Penalties, as article {n} puts it."), ("Tariff", "A tax.")],
            paragraphs=[f"Sanctions {'again ' * (n % 5)}in article {n}.", "Sanctions followed."],
        )
        write_document(db, document)
    draft = make_document(99, status="draft", terms=[("Sanctions", "Draft wording.")])
    write_document(db, draft)


def _walk(client: FlaskClient, url: str) -> tuple[list[tuple[str, int]], int]:
    seen: list[tuple[str, int]] = []
    body = client.get(url).get_json()
    total = body["meta"]["total"]
    while True:
        seen.extend((hit["type"], hit["id"]) for hit in body["data"])
        assert body["meta"]["total"] == total
        if body["links"]["next"] is None:
            return seen, total
        body = client.get(body["links"]["next"].replace("http://localhost", "")).get_json()


@pytest.mark.parametrize("window", [1, 3, 7, 40])
def test_a_search_ranked_by_windows_finds_every_hit_once(
    app: Flask, client: FlaskClient, db: Database, monkeypatch, window: int
) -> None:
    _search_corpus(db)
    everything, total = _walk(client, "/v1/search?q=sanctions&limit=5")
    assert len(everything) == total == len(set(everything))
    monkeypatch.setattr(search_store, "RANKED_AT_ONCE", window)
    walked, walked_total = _walk(client, "/v1/search?q=sanctions&limit=5")
    assert walked_total == total
    assert sorted(walked) == sorted(everything)  # the same hits, each once
    # The term used by every article is found once, and never through the draft.
    assert sum(1 for kind, _ in walked if kind == "term") == 1


def test_one_window_ranks_as_the_whole_ranking_did(
    client: FlaskClient, db: Database, monkeypatch
) -> None:
    _search_corpus(db, 8)
    whole = _walk(client, "/v1/search?q=sanctions&limit=3")
    monkeypatch.setattr(search_store, "RANKED_AT_ONCE", 10_000)
    assert _walk(client, "/v1/search?q=sanctions&limit=3") == whole


def test_the_kept_total_follows_every_write_and_the_clock(
    client: FlaskClient, db: Database, monkeypatch
) -> None:
    """Totals of searches over several windows are kept: a write, or a scheduled article's
    moment passing, gives the next search the new total."""
    monkeypatch.setattr(search_store, "RANKED_AT_ONCE", 2)
    _search_corpus(db, 6)
    url = "/v1/search?q=sanctions&type=article"
    assert client.get(url).get_json()["meta"]["total"] == 6
    write_document(db, make_document(7, paragraphs=["Sanctions, once more."]))
    assert client.get(url).get_json()["meta"]["total"] == 7
    later = make_document(8, status="scheduled", published_at="2999-01-01T00:00:00Z")
    write_document(db, later)
    assert client.get(url).get_json()["meta"]["total"] == 7
    monkeypatch.setattr(search_store, "utc_now", lambda: "3000-01-01T00:00:00Z")
    # The response cache's content version reads the store's clock (api.store.pagination).
    monkeypatch.setattr(pagination, "utc_now", lambda: "3000-01-01T00:00:00Z")
    assert client.get(url).get_json()["meta"]["total"] == 8
    edited = copy.deepcopy(later)
    edited.status = "draft"
    write_document(db, edited)
    assert client.get(url).get_json()["meta"]["total"] == 7


def test_a_cursor_from_before_windows_is_refused(client: FlaskClient, db: Database) -> None:
    """Cursors carry the window now: an old three-value cursor asks to start again."""
    _search_corpus(db, 3)
    signature = search_store._signature('"sanctions"*', search_store.TYPES, None)
    old = search_store._encode(signature, [-1.0, "article", 1])
    response = client.get(f"/v1/search?q=sanctions&cursor={old}")
    assert response.status_code == 400
