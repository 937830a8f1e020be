"""No lost updates: many editors writing at once over one file database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_problem, bearer, make_key

WRITERS = 50


@pytest.fixture
def editor_app(editor_app_factory: AppFactory) -> Flask:
    # 50 writers plus their set-up stay under the default limit of one key; the limit is
    # raised so that the set-up of the PATCH tests fits in the same minute.
    return editor_app_factory(WRITE_RATE_LIMIT="1000 per minute")


@pytest.fixture
def client(editor_app: Flask) -> FlaskClient:
    return editor_app.test_client()


@pytest.fixture
def auth(editor_app: Flask) -> dict[str, str]:
    return bearer(make_key(editor_app))


def article_body(n: int) -> dict[str, Any]:
    return {
        "title": f"Concurrent article {n:02d}",
        "lede": f"The lede of concurrent article {n}, written while others write too.",
        "slug": f"concurrent-{n:02d}",
        "status": "published",
        "published_at": "2024-06-19T08:00:00Z",
        "sections": [
            {"kind": "body", "heading": "What happened", "paragraphs": [f"Paragraph {n}."]}
        ],
        "glossary": [{"term": "Sanctions", "definition": "Penalties imposed by states."}],
        "questions": [{"text": f"Question {n}?"}],
        "sources": [{"url": f"https://www.example.com/2024/06/19/story-{n}.html"}],
    }


def run_together(count: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """`work(i, barrier)` in `count` threads that start together; their results in order."""
    barrier = threading.Barrier(count, timeout=60)
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(work, i, barrier) for i in range(count)]
        return [f.result(timeout=120) for f in futures]


def all_slugs(client: FlaskClient, auth: dict[str, str]) -> list[str]:
    slugs: list[str] = []
    url: str | None = "/v1/articles?limit=100&sort=title"
    while url:
        response = client.get(url, headers=auth)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        slugs.extend(a["slug"] for a in body["data"])
        url = body["links"]["next"]
    return slugs


# Fifty writers ------------------------------------------------------------------------------


def test_fifty_parallel_creates_all_land(
    editor_app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    def work(i: int, barrier: threading.Barrier) -> tuple[int, str, int | None]:
        own = editor_app.test_client()
        barrier.wait()
        response = own.post("/v1/articles", json=article_body(i), headers=auth)
        data = response.get_json() or {}
        return response.status_code, response.get_data(as_text=True), data.get("data", {}).get("id")

    results = run_together(WRITERS, work)
    assert [status for status, _, _ in results] == [201] * WRITERS, [
        text for status, text, _ in results if status != 201
    ][:3]
    ids = [article_id for _, _, article_id in results]
    assert len(set(ids)) == WRITERS
    expected = sorted(f"concurrent-{n:02d}" for n in range(WRITERS))
    assert sorted(all_slugs(client, auth)) == expected
    listed = client.get("/v1/articles", headers=auth).get_json()
    assert listed["meta"]["total"] == WRITERS
    # Every part of every article landed, and the shared term knows all of them.
    assert client.get("/v1/questions?limit=1").get_json()["meta"]["total"] == WRITERS
    assert client.get("/v1/sources?limit=1").get_json()["meta"]["total"] == WRITERS
    term = client.get("/v1/glossary/sanctions").get_json()["data"]
    assert term["article_count"] == WRITERS
    for n in range(WRITERS):
        article = client.get(f"/v1/articles/concurrent-{n:02d}").get_json()["data"]
        assert article["title"] == f"Concurrent article {n:02d}"


def test_fifty_parallel_patches_to_distinct_articles_all_land(
    editor_app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    for n in range(WRITERS):
        response = client.post("/v1/articles", json=article_body(n), headers=auth)
        assert response.status_code == 201, response.get_data(as_text=True)
    tags = {
        n: client.get(f"/v1/articles/concurrent-{n:02d}", headers=auth).headers["ETag"]
        for n in range(WRITERS)
    }

    def work(i: int, barrier: threading.Barrier) -> tuple[int, str]:
        own = editor_app.test_client()
        barrier.wait()
        response = own.patch(
            f"/v1/articles/concurrent-{i:02d}",
            json={"title": f"Patched article {i:02d}"},
            headers={**auth, "If-Match": tags[i]},
        )
        return response.status_code, response.get_data(as_text=True)

    results = run_together(WRITERS, work)
    assert [status for status, _ in results] == [200] * WRITERS, [
        text for status, text in results if status != 200
    ][:3]
    for n in range(WRITERS):
        article = client.get(f"/v1/articles/concurrent-{n:02d}").get_json()["data"]
        assert article["title"] == f"Patched article {n:02d}"
        assert article["lede"] == article_body(n)["lede"]
    assert client.get("/v1/articles?limit=1").get_json()["meta"]["total"] == WRITERS


def test_fifty_parallel_writers_with_their_own_keys(editor_app_factory: AppFactory) -> None:
    """Each writer has its own key and the default write limit: nothing is refused."""
    app = editor_app_factory()
    keys = [make_key(app, name=f"writer-{n}") for n in range(WRITERS)]

    def work(i: int, barrier: threading.Barrier) -> int:
        own = app.test_client()
        barrier.wait()
        return own.post("/v1/articles", json=article_body(i), headers=bearer(keys[i])).status_code

    assert run_together(WRITERS, work) == [201] * WRITERS
    client = app.test_client()
    assert len(set(all_slugs(client, bearer(keys[0])))) == WRITERS


# Two editors, one version: one wins, the other is told ----------------------------------------


@pytest.mark.parametrize("round_", range(5))
def test_two_concurrent_patches_with_one_etag(
    editor_app: Flask, client: FlaskClient, auth: dict[str, str], round_: int
) -> None:
    assert client.post("/v1/articles", json=article_body(1), headers=auth).status_code == 201
    url = "/v1/articles/concurrent-01"
    tag = client.get(url, headers=auth).headers["ETag"]

    def work(i: int, barrier: threading.Barrier) -> tuple[int, str]:
        own = editor_app.test_client()
        barrier.wait()
        response = own.patch(
            url, json={"title": f"Editor {i} wins"}, headers={**auth, "If-Match": tag}
        )
        return response.status_code, response.get_data(as_text=True)

    results = run_together(2, work)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 412], results
    winner = next(i for i, (status, _) in enumerate(results) if status == 200)
    loser = 1 - winner
    assert "Precondition Failed" in results[loser][1]
    assert client.get(url).get_json()["data"]["title"] == f"Editor {winner} wins"


def test_two_concurrent_deletes_with_one_etag(
    editor_app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    assert client.post("/v1/articles", json=article_body(1), headers=auth).status_code == 201
    url = "/v1/articles/concurrent-01"
    tag = client.get(url, headers=auth).headers["ETag"]

    def work(i: int, barrier: threading.Barrier) -> int:
        own = editor_app.test_client()
        barrier.wait()
        return own.delete(url, headers={**auth, "If-Match": tag}).status_code

    statuses = sorted(run_together(2, work))
    # The second finds nothing to delete (404) or a changed version (412): never two 204s.
    assert statuses[0] == 204 and statuses[1] in (404, 412), statuses
    assert_problem(client.get(url, headers=auth), 404)


def test_a_patch_and_a_put_racing_on_one_etag(
    editor_app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    assert client.post("/v1/articles", json=article_body(1), headers=auth).status_code == 201
    url = "/v1/articles/concurrent-01"
    tag = client.get(url, headers=auth).headers["ETag"]
    replacement = {**article_body(1), "title": "Replaced by PUT"}

    def work(i: int, barrier: threading.Barrier) -> int:
        own = editor_app.test_client()
        barrier.wait()
        if i == 0:
            response = own.patch(
                url, json={"title": "Patched by PATCH"}, headers={**auth, "If-Match": tag}
            )
        else:
            response = own.put(url, json=replacement, headers={**auth, "If-Match": tag})
        return response.status_code

    statuses = run_together(2, work)
    assert sorted(statuses) == [200, 412], statuses
    title = client.get(url).get_json()["data"]["title"]
    assert title == ("Patched by PATCH" if statuses[0] == 200 else "Replaced by PUT")
