"""The way back: GET /v1/articles/{ref}/source, `flask export-text`, and importing it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from api.db import connect
from api.importer.canonical import render_document
from api.importer.parse import parse_document
from api.importer.write import write_document
from tests.factories import make_document
from tests.helpers import SEED_FILE, SEED_SLUG, make_key, run_seed

DATA = Path(__file__).parent / "data"
EDITORS = sorted((DATA / "editors").glob("*.txt"))


@pytest.fixture
def seeded(seeded_app: Flask) -> FlaskClient:
    """The seeded app's client, with an editor's key: the source is for editors."""
    client = seeded_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {make_key(seeded_app)}"
    return client


def snapshot(app: Flask) -> dict[str, list[dict]]:
    db = connect(app.config["DATABASE"])
    try:
        return {
            table: list(db.query(f"SELECT * FROM {table} ORDER BY 1, 2"))
            for table in ("issues", "articles", "sections", "questions", "sources", "article_terms")
        }
    finally:
        db.close()


def test_source_is_the_canonical_text_of_the_stored_article(seeded: FlaskClient) -> None:
    response = seeded.get(f"/v1/articles/{SEED_SLUG}/source")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"  # an editor's answer
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    text = response.get_data(as_text=True)
    # The stored issue's details are stated, as stored, where the seed's text left them out.
    expected = parse_document(SEED_FILE.read_bytes())
    assert expected.issue is not None and expected.issue.published_on is None
    expected.issue.published_on = "2024-06-19"
    assert text == render_document(expected)
    assert text.startswith(f'---\nslug: "{SEED_SLUG}"\nissue:\n  number: 1\n')
    assert "Please subscribe" not in text
    by_id = seeded.get("/v1/articles/1/source")
    assert by_id.get_data(as_text=True) == text


def test_source_answers_304_to_its_etag(seeded: FlaskClient) -> None:
    first = seeded.get(f"/v1/articles/{SEED_SLUG}/source")
    again = seeded.get(
        f"/v1/articles/{SEED_SLUG}/source", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.get_data() == b""


def test_source_needs_an_editor_key_and_shows_drafts_to_it(app: Flask, db) -> None:
    write_document(db, make_document(1, status="draft"))
    client = app.test_client()
    assert client.get("/v1/articles/generated-article-0001/source").status_code == 401
    reader = {"Authorization": f"Bearer {make_key(app, 'reader')}"}
    assert (
        client.get("/v1/articles/generated-article-0001/source", headers=reader).status_code == 403
    )
    editor = {"Authorization": f"Bearer {make_key(app)}"}
    draft = client.get("/v1/articles/generated-article-0001/source", headers=editor)
    assert draft.status_code == 200 and "status: draft" in draft.get_data(as_text=True)
    assert draft.headers["Cache-Control"] == "private, no-store"
    for ref in ("no-such-article", "999"):
        response = client.get(f"/v1/articles/{ref}/source", headers=editor)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/problem+json"


def test_source_rejects_unknown_parameters(seeded: FlaskClient) -> None:
    response = seeded.get(f"/v1/articles/{SEED_SLUG}/source?format=html")
    assert response.status_code == 400


def test_export_text_writes_what_the_route_serves(
    seeded_app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(args=["export-text", SEED_SLUG, str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = tmp_path / f"{SEED_SLUG}.txt"
    editor = {"Authorization": f"Bearer {make_key(seeded_app)}"}
    served = seeded_app.test_client().get(f"/v1/articles/{SEED_SLUG}/source", headers=editor)
    assert written.read_bytes() == served.get_data()


def test_export_text_usage(seeded_app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    assert runner.invoke(args=["export-text", str(tmp_path)]).exit_code == 2
    assert runner.invoke(args=["export-text", "--all", SEED_SLUG, str(tmp_path)]).exit_code == 2
    unknown = runner.invoke(args=["export-text", "nope", str(tmp_path)])
    assert unknown.exit_code == 1 and "No article has the slug 'nope'" in unknown.output


def test_importing_the_exported_text_changes_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Seed, export every article, seed the export: the same ids and the same updated_at."""
    originals = tmp_path / "originals"
    originals.mkdir()
    for path in [SEED_FILE, *EDITORS]:
        (originals / path.name).write_bytes(path.read_bytes())
    run_seed(runner, originals)
    before = snapshot(app)
    exported = tmp_path / "exported"
    result = runner.invoke(args=["export-text", "--all", str(exported)])
    assert result.exit_code == 0, result.output
    assert len(list(exported.glob("*.txt"))) == len(EDITORS) + 1
    again = runner.invoke(args=["seed", str(exported)])
    assert again.exit_code == 0, again.output
    assert f"{len(EDITORS) + 1} unchanged, 0 failed" in again.output
    assert snapshot(app) == before
    # And the originals once more: unchanged too.
    assert "created" not in runner.invoke(args=["seed", str(originals)]).output
    assert snapshot(app) == before


def test_an_undated_article_is_published_at_the_moment_of_import(db) -> None:
    document = make_document(1)
    document.published_at = None
    write_document(db, document)
    row = next(db.query("SELECT published_at, created_at, updated_at FROM articles"))
    assert row["published_at"] == row["created_at"] == row["updated_at"]
    # Writing the same undated document again keeps that date and changes nothing.
    again = make_document(1)
    again.published_at = None
    assert write_document(db, again).outcome == "unchanged"
    assert (
        next(db.query("SELECT published_at FROM articles"))["published_at"] == (row["published_at"])
    )
