"""Read replicas (api/replica.py): a node with FLASK_REPLICA_OF set serves reads from a copy
of the primary's file, refuses writes with a 421 naming the primary, never writes its
file, and answers every token, cursor and ETag exactly as the primary does."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.helpers import SEED_DIR, assert_problem, bearer, make_key, run_seed

PRIMARY = "https://primary.test"


def copy_as_litestream_does(source: Path, target: Path) -> None:
    """A consistent copy in rollback-journal mode, as Litestream's follower leaves it."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    src.close()
    dst.close()


@pytest.fixture
def primary(tmp_path: Path) -> Flask:
    app = make_app(tmp_path / "primary.db", WRITE_RATE_LIMIT="10000 per minute")
    run_seed(app.test_cli_runner(), SEED_DIR)
    return app


@pytest.fixture
def editor_key(primary: Flask) -> str:
    return make_key(primary)  # made before the copy: keys replicate like content


@pytest.fixture
def replica(primary: Flask, editor_key: str, tmp_path: Path) -> Flask:
    copy_as_litestream_does(Path(primary.config["DATABASE"]), tmp_path / "replica.db")
    return make_app(tmp_path / "replica.db", REPLICA_OF=PRIMARY + "/")


def digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


WRITES = [
    ("post", "/v1/articles"),
    ("put", "/v1/articles/1"),
    ("patch", "/v1/articles/russia-north-korea-defense-pact"),
    ("delete", "/v1/articles/1"),
    ("post", "/v1/articles/1/questions"),
    ("post", "/v1/issues"),
    ("patch", "/v1/issues/1"),
    ("delete", "/v1/glossary/sanctions"),
    ("put", "/v1/questions/1"),
    ("delete", "/v1/sources/1"),
    ("post", "/v1/imports"),
]


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_a_replica_refuses_writes_naming_the_primary(
    replica: Flask, editor_key: str, method: str, url: str
) -> None:
    before = digest(replica.config["DATABASE"])
    client = replica.test_client()
    response = getattr(client, method)(
        url, json={"title": "x"}, headers={**bearer(editor_key), "If-Match": "*"}
    )
    body = assert_problem(response, 421)
    assert f"{PRIMARY}{url}" in body["detail"]
    assert response.headers["Link"] == f'<{PRIMARY}>; rel="primary"'
    assert digest(replica.config["DATABASE"]) == before


def test_a_replica_serves_reads_and_previews_without_writing(
    replica: Flask, editor_key: str
) -> None:
    path = replica.config["DATABASE"]
    before = digest(path)
    client = replica.test_client()
    for url in ("/v1/articles", "/v1/articles/1?include=sections,glossary", "/v1/sync", "/healthz"):
        assert client.get(url).status_code == 200, url
    assert client.get("/v1/articles/1", headers=bearer(editor_key)).status_code == 200
    assert client.options("/v1/articles").status_code in (200, 204)
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-journal").exists()


def test_a_replica_never_migrates(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    replica = make_app(empty, REPLICA_OF=PRIMARY)
    assert empty.stat().st_size == 0  # no schema written
    assert assert_problem(replica.test_client().get("/healthz"), 503)


def test_healthz_reports_role_and_position(primary: Flask, replica: Flask, tmp_path: Path) -> None:
    ours = primary.test_client().get("/healthz").get_json()
    assert ours["role"] == "primary" and ours["position"] > 0 and "replication" not in ours
    theirs = replica.test_client().get("/healthz").get_json()
    assert theirs["role"] == "replica" and theirs["position"] == ours["position"]
    assert theirs["replication"] == {"primary": PRIMARY, "txid": None, "synced_at": None}
    Path(f"{replica.config['DATABASE']}-txid").write_text("000000000000002a\n")
    followed = replica.test_client().get("/healthz").get_json()["replication"]
    assert followed["txid"] == "000000000000002a" and followed["synced_at"].endswith("Z")


def next_link(client: FlaskClient, url: str) -> str:
    link = client.get(url).get_json()["links"]["next"]
    assert link, url
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.mark.parametrize(
    "first",
    ["/v1/articles/1/sections?limit=2", "/v1/glossary?limit=2", "/v1/search?q=russia&limit=2"],
)
def test_a_cursor_from_one_node_works_on_another(
    primary: Flask, replica: Flask, first: str
) -> None:
    a, b = primary.test_client(), replica.test_client()
    second = next_link(a, first)
    on_a, on_b = a.get(second), b.get(second)
    assert on_b.status_code == 200
    assert on_b.get_json() == on_a.get_json()
    assert on_b.headers["ETag"] == on_a.headers["ETag"]
    assert next_link(b, first) == second  # and B hands out the same cursor


def test_a_sync_from_one_node_goes_on_at_another(primary: Flask, replica: Flask) -> None:
    a, b = primary.test_client(), replica.test_client()
    page = next_link(a, "/v1/sync?limit=3")
    assert b.get(page).get_json()["data"] == a.get(page).get_json()["data"]
    walked = b.get("/v1/sync?limit=100").get_json()
    token = walked["meta"]["next_sync_token"]
    delta = a.get(f"/v1/sync?token={token}")
    assert delta.status_code == 200 and delta.get_json()["data"] == []


def test_etags_are_the_same_on_every_node(primary: Flask, replica: Flask) -> None:
    a, b = primary.test_client(), replica.test_client()
    for url in ("/v1/articles/1", "/v1/issues/latest/bundle", "/v1/glossary/sanctions"):
        tag = a.get(url).headers["ETag"]
        assert b.get(url).headers["ETag"] == tag
        assert b.get(url, headers={"If-None-Match": tag}).status_code == 304
