"""Surrogate keys (api/surrogate.py): what each response names, and that every write
purges every cached response it changes.

The property: a cached response that a write changed shares a key with the union of
`purge_keys` over the change-log lines that write made. (xkey purges an object when ANY of
its keys is purged, so "shares a key" is what "is purged" means.)
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.db import Database, connect
from api.surrogate import (
    COLLECTIONS,
    MAX_KEYS_PER_KIND,
    PurgeError,
    purge_keys,
    send_purge,
    wait_for_replicas,
)
from tests.helpers import SEED_DIR, SEED_SLUG, AppFactory, bearer, make_key, run_seed

ALL = "include=sections,glossary,questions,sources"


@pytest.fixture
def editor_app(editor_app_factory: AppFactory) -> Flask:
    app = editor_app_factory(WRITE_RATE_LIMIT="10000 per minute")
    run_seed(app.test_cli_runner(), SEED_DIR)
    return app


@pytest.fixture
def client(editor_app: Flask) -> FlaskClient:
    return editor_app.test_client()


@pytest.fixture
def auth(editor_app: Flask) -> dict[str, str]:
    return bearer(make_key(editor_app))


@pytest.fixture
def db(editor_app: Flask) -> Iterator[Database]:
    database = connect(editor_app.config["DATABASE"])
    yield database
    database.close()


def keys_of(client: FlaskClient, url: str, **kwargs: Any) -> set[str]:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return set(response.headers["xkey"].split())


# What each endpoint names ---------------------------------------------------------------------


def test_each_endpoint_names_its_objects_and_collections(client: FlaskClient) -> None:
    article = {"article-1", "issue-1"}
    parts = {"question-1", "question-2", "source-1"} | {f"term-{i}" for i in range(1, 6)}
    expected = {
        "/v1/articles": article | {"articles"},
        "/v1/articles/1": article,
        f"/v1/articles/{SEED_SLUG}": article,
        f"/v1/articles/1?{ALL}": article | parts,
        f"/v1/articles/{SEED_SLUG}/sections": {"article-1"},
        f"/v1/articles/{SEED_SLUG}/sections/details-of-the-pact": {"article-1"},
        f"/v1/articles/{SEED_SLUG}/questions": {"article-1", "question-1", "question-2"}
        | {"questions"},
        f"/v1/articles/{SEED_SLUG}/glossary": {f"term-{i}" for i in range(1, 6)}
        | {"glossary", "article-1"},
        f"/v1/articles/{SEED_SLUG}/sources": {"article-1", "source-1", "sources"},
        "/v1/issues": {"issue-1", "issues"},
        "/v1/issues/1": article,
        "/v1/issues/issue-1/bundle": article | parts,
        "/v1/issues/latest": article | {"issues", "articles"},
        "/v1/issues/latest/bundle": article | parts | {"issues", "articles"},
        "/v1/glossary": {f"term-{i}" for i in range(1, 6)} | {"glossary"},
        "/v1/glossary/sanctions": {"article-1", "term-3"},
        "/v1/questions": {"article-1", "question-1", "question-2", "questions"},
        "/v1/questions/1": {"article-1", "question-1"},
        "/v1/sources": {"article-1", "source-1", "sources"},
        "/v1/sources/1": {"article-1", "source-1"},
        "/v1": {"index"},
        "/reader/": {"static"},
    }
    for url, keys in expected.items():
        assert keys_of(client, url) == keys, url
    assert {"search"} <= keys_of(client, "/v1/search?q=sanctions")
    synced = keys_of(client, "/v1/sync")
    assert {"sync", "article-1", "issue-1", "question-1", "source-1", "term-3"} <= synced


def test_an_empty_part_list_still_names_its_article(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    body = {"title": "Bare", "lede": "A lede.", "slug": "bare", "status": "published"}
    body |= {"published_at": "2024-06-20T08:00:00Z", "sections": []}
    article = client.post("/v1/articles", json=body, headers=auth).get_json()["data"]
    assert keys_of(client, "/v1/articles/bare/questions") == {
        f"article-{article['id']}",
        "questions",
    }


def test_gzip_bodies_are_read_too(client: FlaskClient) -> None:
    url = f"/v1/articles/1?{ALL}"
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers.get("Content-Encoding") == "gzip"
    assert set(zipped.headers["xkey"].split()) == keys_of(client, url)


def test_private_responses_writes_and_errors_carry_no_keys(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    previewed = client.get("/v1/articles/1", headers=auth)
    assert previewed.status_code == 200 and "no-store" in previewed.headers["Cache-Control"]
    assert "xkey" not in previewed.headers
    assert "xkey" not in client.get("/v1/articles/missing").headers
    assert "xkey" not in client.get("/healthz").headers
    tag = client.get("/v1/articles/1").headers["ETag"]
    revalidated = client.get("/v1/articles/1", headers={"If-None-Match": tag})
    assert revalidated.status_code == 304 and "xkey" not in revalidated.headers
    issue = {"number": 9, "title": "Nine", "status": "draft"}
    assert "xkey" not in client.post("/v1/issues", json=issue, headers=auth).headers


def test_many_objects_of_a_kind_name_the_collection(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    glossary = [
        {"term": f"Word {i}", "definition": "A word."} for i in range(MAX_KEYS_PER_KIND + 1)
    ]
    body = {"title": "Many", "lede": "A lede.", "slug": "many", "status": "published"}
    body |= {"published_at": "2024-06-20T08:00:00Z", "glossary": glossary}
    assert client.post("/v1/articles", json=body, headers=auth).status_code == 201
    keys = keys_of(client, "/v1/articles/many?include=glossary")
    assert "glossary" in keys and not any(k.startswith("term-") for k in keys)


# What a write purges --------------------------------------------------------------------------


def test_purge_keys_of_each_kind(db: Database) -> None:
    assert set(purge_keys(db, "article", 1)) >= {"article-1", "articles", "issue-1", "term-3"}
    assert set(purge_keys(db, "issue", 1)) >= {"issue-1", "issues", "article-1"}
    assert set(purge_keys(db, "term", 3)) >= {"term-3", "glossary", "article-1"}
    assert set(purge_keys(db, "question", 1)) >= {"question-1", "questions", "article-1"}
    assert set(purge_keys(db, "source", 1)) >= {"source-1", "sources", "article-1"}
    for kind in COLLECTIONS:
        assert {"search", "sync"} <= set(purge_keys(db, kind, 1))
        assert f"{kind}-424242" in purge_keys(db, kind, 424242)  # gone: its own keys stay
    with pytest.raises(ValueError):
        purge_keys(db, "section", 1)


def public_urls(client: FlaskClient, token: str) -> list[str]:
    """Every public GET a cache could hold, for the content as it is now."""
    urls = ["/v1", "/v1/articles", f"/v1/articles?{ALL}", "/v1/articles?issue=1", "/v1/issues"]
    urls += ["/v1/issues/latest", "/v1/issues/latest/bundle", "/v1/glossary", "/v1/questions"]
    urls += [
        "/v1/sources",
        "/v1/search?q=sanctions",
        "/v1/search?q=story",
        f"/v1/sync?token={token}",
    ]
    urls += ["/v1/articles?term=sanctions", "/v1/glossary?article=1", "/v1/questions?issue=1"]
    for article in client.get("/v1/articles?limit=100").get_json()["data"]:
        for ref in (article["id"], article["slug"]):
            base = f"/v1/articles/{ref}"
            urls += [base, f"{base}?{ALL}", f"{base}?format=html&include=glossary"]
            urls += [f"{base}/{part}" for part in ("sections", "questions", "glossary", "sources")]
    for issue in client.get("/v1/issues?limit=100").get_json()["data"]:
        for ref in (issue["id"], issue["slug"]):
            urls += [f"/v1/issues/{ref}", f"/v1/issues/{ref}/bundle"]
    for term in client.get("/v1/glossary?limit=100").get_json()["data"]:
        urls += [f"/v1/glossary/{term['slug']}", f"/v1/glossary/{term['id']}"]
    for kind in ("questions", "sources"):
        urls += [
            f"/v1/{kind}/{item['id']}"
            for item in client.get(f"/v1/{kind}?limit=100").get_json()["data"]
        ]
    return urls


def snapshot(client: FlaskClient, urls: list[str]) -> dict[str, tuple[int, bytes, set[str] | None]]:
    taken = {}
    for url in urls:
        response = client.get(url)
        xkey = response.headers.get("xkey")
        taken[url] = (
            response.status_code,
            response.get_data(),
            set(xkey.split()) if xkey else None,
        )
    return taken


def tag(client: FlaskClient, url: str, auth: dict[str, str]) -> str:
    """The ETag an editor sees (drafts too), for If-Match."""
    return client.get(url, headers=auth).headers["ETag"]


Write = Callable[[FlaskClient, dict[str, str]], Any]


def _patch(url: str, body: dict[str, Any]) -> Write:
    def write(client: FlaskClient, auth: dict[str, str]) -> Any:
        return client.patch(url, json=body, headers={**auth, "If-Match": tag(client, url, auth)})

    return write


def _post(url: str, body: dict[str, Any]) -> Write:
    return lambda client, auth: client.post(url, json=body, headers=auth)


def _delete(url: str) -> Write:
    return lambda client, auth: client.delete(
        url, headers={**auth, "If-Match": tag(client, url, auth)}
    )


def _delete_last(kind: str) -> Write:
    def write(client: FlaskClient, auth: dict[str, str]) -> Any:
        last = client.get(f"/v1/articles/story/{kind}", headers=auth).get_json()["data"][-1]
        return _delete(f"/v1/{kind}/{last['id']}")(client, auth)

    return write


def _patch_last(kind: str, body: dict[str, Any]) -> Write:
    def write(client: FlaskClient, auth: dict[str, str]) -> Any:
        last = client.get(f"/v1/articles/story/{kind}", headers=auth).get_json()["data"][-1]
        return _patch(f"/v1/{kind}/{last['id']}", body)(client, auth)

    return write


STORY = {
    "title": "The story of sanctions",
    "lede": "The lede of the story talks about sanctions at some length.",
    "slug": "story",
    "status": "draft",
    "published_at": "2024-06-21T08:00:00Z",
    "issue_id": 1,
    "sections": [{"kind": "body", "heading": "What happened", "paragraphs": ["A story."]}],
    "glossary": [{"term": "Sanctions", "definition": "Penalties imposed by states."}],
    "questions": [{"text": "Is the story important?"}],
    "sources": [{"url": "https://www.example.com/2024/06/21/story.html"}],
}

# Every kind of write, in an order that makes each one change something public.
WRITES: list[tuple[str, Write]] = [
    ("create a draft article", _post("/v1/articles", STORY)),
    ("publish it", _patch("/v1/articles/story", {"status": "published"})),
    ("retitle it", _patch("/v1/articles/story", {"title": "The story, retold"})),
    ("add a question", _post("/v1/articles/story/questions", {"text": "Why now?"})),
    ("edit a question", _patch_last("questions", {"text": "Why then?"})),
    ("delete a question", _delete_last("questions")),
    ("add a source", _post("/v1/articles/story/sources", {"url": "https://ex.org/2024/a.html"})),
    ("edit a source", _patch_last("sources", {"url": "https://ex.org/2024/b.html"})),
    ("delete a source", _delete_last("sources")),
    (
        "add a new term",
        _post("/v1/articles/story/glossary", {"term": "Story", "definition": "A tale."}),
    ),
    ("redefine a shared term", _patch("/v1/glossary/sanctions", {"definition": "Penalties."})),
    ("delete a term", _delete("/v1/glossary/story")),
    (
        "create a published issue",
        _post(
            "/v1/issues",
            {"number": 2, "title": "Two", "status": "published", "published_on": "2024-07-01"},
        ),
    ),
    ("move the article to it", _patch("/v1/articles/story", {"issue_id": 2})),
    ("retitle the issue", _patch("/v1/issues/issue-2", {"title": "Issue Two"})),
    ("unpublish the issue", _patch("/v1/issues/issue-2", {"status": "draft"})),
    ("publish the issue again", _patch("/v1/issues/issue-2", {"status": "published"})),
    ("unpublish the article", _patch("/v1/articles/story", {"status": "draft"})),
    ("publish it again", _patch("/v1/articles/story", {"status": "published"})),
    ("delete the article", _delete("/v1/articles/story")),
    ("delete the issue", _delete("/v1/issues/issue-2")),
    ("retitle the seed article", _patch(f"/v1/articles/{SEED_SLUG}", {"title": "Pact"})),
]


def test_every_write_purges_every_cached_response_it_changes(
    client: FlaskClient, auth: dict[str, str], db: Database
) -> None:
    token = client.get("/v1/sync?limit=100").get_json()["meta"]["next_sync_token"]
    checked = 0
    for name, write in WRITES:
        before = snapshot(client, public_urls(client, token))
        seq = db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]
        response = write(client, auth)
        assert response.status_code in (200, 201, 204), (name, response.get_data(as_text=True))
        changed = db.execute("SELECT type, item_id FROM changes WHERE seq > ?", [seq]).fetchall()
        assert changed, name
        purged = set().union(*(purge_keys(db, kind, item_id) for kind, item_id in changed))
        after = snapshot(client, list(before))
        stale = [
            url
            for url, (status, body, keys) in before.items()
            if keys is not None and after[url][:2] != (status, body) and not keys & purged
        ]
        assert not stale, (name, stale, sorted(purged))
        checked += sum(1 for url in before if before[url][2] and after[url][:2] != before[url][:2])
    assert checked > len(WRITES)  # the writes did change cached responses


# Sending purges --------------------------------------------------------------------------------


class _Node(http.server.BaseHTTPRequestHandler):
    """A cache node (PURGE) and a replica (/healthz) in one, for send_purge."""

    position = 0
    purge_status = 200
    purges: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        body = json.dumps({"status": "ok", "position": type(self).position}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PURGE(self) -> None:
        type(self).purges.append(self.headers["xkey"])
        self.send_response(type(self).purge_status)
        self.send_header("X-Purged", "3")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def node() -> Iterator[str]:
    _Node.position, _Node.purge_status, _Node.purges = 0, 200, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Node)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_send_purge_waits_for_the_replicas_then_purges_once_per_node(node: str) -> None:
    threading.Timer(0.2, lambda: setattr(_Node, "position", 7)).start()
    purged = send_purge(
        ["article-1", "articles", "article-1"], cache_urls=[node], replica_urls=[node], position=7
    )
    assert purged == 3 and _Node.purges == ["article-1 articles"]


def test_send_purge_fails_so_the_caller_retries(node: str) -> None:
    _Node.purge_status = 403
    with pytest.raises(PurgeError):
        send_purge(["article-1"], cache_urls=[node])
    with pytest.raises(PurgeError):
        wait_for_replicas([node], 99, wait=0.1)
    assert send_purge([], cache_urls=[node]) == 0
