"""Debate/essay questions and news sources: seed values, filters, visibility, pagination."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.db import connect
from api.importer.document import Question, Source
from api.importer.write import write_document
from tests.contract import ValidatingClient
from tests.factories import make_document

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
SEED_SLUG = "russia-north-korea-defense-pact"
SEED_QUESTIONS = [
    "Are international sanctions an effective tool for curbing the actions of countries"
    " like Russia and North Korea?",
    "Can global non-proliferation efforts be successful in an environment where powerful"
    " nations like Russia and North Korea form military alliances?",
]
SEED_SOURCE_URL = "https://www.nytimes.com/2024/06/19/world/asia/putin-meets-kim-north-korea.html"


def _make_app(path: Path) -> Flask:
    app = create_app({"TESTING": True, "DATABASE": str(path)})
    app.test_client_class = ValidatingClient
    return app


@pytest.fixture(scope="module")
def many_api(many_articles_db: str) -> FlaskClient:
    """conftest's 300 generated articles in 5 issues, behind one app for the whole module."""
    return _make_app(Path(many_articles_db)).test_client()


@pytest.fixture(scope="module")
def seed_api(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    app = _make_app(tmp_path_factory.mktemp("seed") / "seed.db")
    # The app context is pushed here because `seed` needs one and app.cli does not push it
    # (see test_seeded_fixture_imports_the_seed in test_api_articles.py).
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed", str(SEED_DIR)])
    assert result.exit_code == 0, (result.output, result.exception)
    return app.test_client()


HIDDEN: dict[str, list[int]] = {}


def _dataset(db: Any) -> None:
    alpha = make_document(1, slug="alpha", issue=1, published_at="2024-03-01T00:00:00Z")
    alpha.questions = [
        Question("Debate A?", ["debate"]),
        Question("Essay A?", ["essay"]),
        Question("Both A?", ["debate", "essay"]),
    ]
    alpha.sources += [
        Source("https://www.bbc.co.uk/news/world-1", "bbc.co.uk", "BBC News", None),
        Source(
            "https://www.nytimes.com/2024/03/01/x.html",
            "nytimes.com",
            "The New York Times",
            "2024-03-01",
        ),
    ]
    write_document(db, alpha)
    write_document(db, make_document(2, slug="bravo", issue=2))
    draft = make_document(3, slug="charlie-draft", issue=1, status="draft")
    draft.questions = [Question("Draft question?", ["debate"])]
    draft.sources = [Source("https://draft-only.example/a", "draft-only.example")]
    future = make_document(
        4, slug="delta-future", issue=2, status="scheduled", published_at="2999-01-01T00:00:00Z"
    )
    future.questions = [Question("Future question?", ["essay"])]
    future.sources = [Source("https://future-only.example/a", "future-only.example")]
    hidden_ids = [write_document(db, draft).article_id, write_document(db, future).article_id]
    marks = ", ".join("?" for _ in hidden_ids)
    for table in ("questions", "sources"):
        HIDDEN[table] = [
            row["id"]
            for row in db.query(f"SELECT id FROM {table} WHERE article_id IN ({marks})", hidden_ids)
        ]


@pytest.fixture(scope="module")
def qs_api(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    path = tmp_path_factory.mktemp("qs") / "content.db"
    app = _make_app(path)
    database = connect(path)
    try:
        _dataset(database)
    finally:
        database.close()
    return app.test_client()


# Helpers -------------------------------------------------------------------------------


def ok(client: FlaskClient, url: str, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.get_data(True))
    assert response.mimetype == "application/json"
    return response.get_json()


def assert_problem(response: Any, status: int, param: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    for key in ("type", "title", "status", "detail", "instance"):
        assert key in body, key
    assert body["status"] == status
    if param is not None:
        assert param in body.get("errors", {}), body
    return body


def walk(client: FlaskClient, url: str, *, max_pages: int = 100) -> tuple[list[dict], int]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    total = response.get_json()["meta"]["total"]
    items: list[dict] = []
    for _ in range(max_pages):
        body = response.get_json()
        assert body["meta"]["total"] == total
        items.extend(body["data"])
        next_url = body["links"]["next"]
        link = response.headers.get("Link")
        if next_url is None:
            assert body["meta"]["next_cursor"] is None
            assert link is None or 'rel="next"' not in link
            return items, total
        assert len(body["data"]) == body["meta"]["limit"]
        match = re.search(r'<([^>]+)>\s*;\s*rel="next"', link or "")
        assert match and match.group(1) == next_url, link
        response = client.get(next_url)
        assert response.status_code == 200, response.get_data(as_text=True)
    raise AssertionError("pagination never ended")


def texts(body: dict[str, Any]) -> list[str]:
    return [q["text"] for q in body["data"]]


def urls(body: dict[str, Any]) -> list[str]:
    return [s["url"] for s in body["data"]]


# Seed -------------------------------------------------------------------------------------


def test_seed_questions(seed_api: FlaskClient) -> None:
    article_id = ok(seed_api, f"/v1/articles/{SEED_SLUG}")["data"]["id"]
    body = ok(seed_api, "/v1/questions")
    assert texts(body) == SEED_QUESTIONS
    assert body["meta"]["total"] == 2
    assert [q["article_id"] for q in body["data"]] == [article_id, article_id]
    assert [q["position"] for q in body["data"]] == [1, 2]
    for question in body["data"]:
        assert question["kinds"] and set(question["kinds"]) <= {"debate", "essay"}
        assert ok(seed_api, f"/v1/questions/{question['id']}")["data"] == question


@pytest.mark.parametrize("query", [f"article={SEED_SLUG}", "issue=issue-1", "issue=1", "limit=2"])
def test_seed_question_filters_that_match(seed_api: FlaskClient, query: str) -> None:
    issue_id = ok(seed_api, "/v1/issues/issue-1")["data"]["id"]
    query = query.replace("issue=1", f"issue={issue_id}")
    assert texts(ok(seed_api, f"/v1/questions?{query}")) == SEED_QUESTIONS


def test_seed_question_kind_filter(seed_api: FlaskClient) -> None:
    kinds = ok(seed_api, "/v1/questions")["data"][0]["kinds"]
    assert texts(ok(seed_api, f"/v1/questions?kind={kinds[0]}")) == SEED_QUESTIONS
    assert texts(ok(seed_api, "/v1/questions?kind=quiz")) == []


@pytest.mark.parametrize("query", ["issue=issue-2", "article=no-such-article"])
def test_seed_question_filters_that_miss(seed_api: FlaskClient, query: str) -> None:
    response = seed_api.get(f"/v1/questions?{query}")
    if response.status_code == 404:  # an unknown reference may also be reported
        assert_problem(response, 404)
    else:
        body = ok(seed_api, f"/v1/questions?{query}")
        assert body["data"] == [] and body["meta"]["total"] == 0


def test_seed_sources(seed_api: FlaskClient) -> None:
    article_id = ok(seed_api, f"/v1/articles/{SEED_SLUG}")["data"]["id"]
    body = ok(seed_api, "/v1/sources")
    assert body["meta"]["total"] == 1
    [source] = body["data"]
    assert source["url"] == SEED_SOURCE_URL
    assert source["domain"] == "nytimes.com"
    assert source["publisher"] == "The New York Times"
    assert source["published_on"] == "2024-06-19"
    assert source["article_id"] == article_id
    assert source["position"] == 1
    assert ok(seed_api, f"/v1/sources/{source['id']}")["data"] == source


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("domain=nytimes.com", [SEED_SOURCE_URL]),
        ("domain=bbc.co.uk", []),
        (f"article={SEED_SLUG}", [SEED_SOURCE_URL]),
    ],
)
def test_seed_source_filters(seed_api: FlaskClient, query: str, expected: list[str]) -> None:
    assert urls(ok(seed_api, f"/v1/sources?{query}")) == expected


# Targeted dataset ---------------------------------------------------------------------------


def test_questions_of_hidden_articles_are_invisible(qs_api: FlaskClient) -> None:
    body = ok(qs_api, "/v1/questions")
    assert sorted(texts(body)) == sorted(
        ["Debate A?", "Essay A?", "Both A?", "Question 2: are sanctions effective?"]
    )
    assert body["meta"]["total"] == 4
    assert len(HIDDEN["questions"]) == 2
    for question_id in HIDDEN["questions"]:
        assert_problem(qs_api.get(f"/v1/questions/{question_id}"), 404)


def test_sources_of_hidden_articles_are_invisible(qs_api: FlaskClient) -> None:
    body = ok(qs_api, "/v1/sources")
    assert body["meta"]["total"] == 4
    assert not any("only.example" in url for url in urls(body))
    assert len(HIDDEN["sources"]) == 2
    for source_id in HIDDEN["sources"]:
        assert_problem(qs_api.get(f"/v1/sources/{source_id}"), 404)
    assert ok(qs_api, "/v1/sources?domain=draft-only.example")["data"] == []
    assert ok(qs_api, "/v1/sources?domain=future-only.example")["data"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=debate", ["Debate A?", "Both A?", "Question 2: are sanctions effective?"]),
        ("kind=essay", ["Essay A?", "Both A?", "Question 2: are sanctions effective?"]),
        ("kind=discussion", []),
        ("article=alpha", ["Debate A?", "Essay A?", "Both A?"]),
        ("article=bravo", ["Question 2: are sanctions effective?"]),
        ("article=charlie-draft", []),
        ("article=delta-future", []),
        ("issue=issue-1", ["Debate A?", "Essay A?", "Both A?"]),
        ("issue=issue-2", ["Question 2: are sanctions effective?"]),
        ("issue=issue-1&kind=essay", ["Essay A?", "Both A?"]),
        ("article=alpha&issue=issue-2", []),
    ],
)
def test_question_filters(qs_api: FlaskClient, query: str, expected: list[str]) -> None:
    body = ok(qs_api, f"/v1/questions?{query}")
    assert texts(body) == expected
    assert body["meta"]["total"] == len(expected)


def test_question_filters_by_id(qs_api: FlaskClient) -> None:
    alpha = ok(qs_api, "/v1/articles/alpha")["data"]
    by_article = ok(qs_api, f"/v1/questions?article={alpha['id']}")
    by_issue = ok(qs_api, f"/v1/questions?issue={alpha['issue_id']}")
    assert texts(by_article) == texts(by_issue) == ["Debate A?", "Essay A?", "Both A?"]
    assert {q["article_id"] for q in by_article["data"]} == {alpha["id"]}


def test_question_kinds_and_positions(qs_api: FlaskClient) -> None:
    questions = ok(qs_api, "/v1/articles/alpha/questions")["data"]
    assert [(q["position"], q["kinds"]) for q in questions] == [
        (1, ["debate"]),
        (2, ["essay"]),
        (3, ["debate", "essay"]),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "domain=example.com",
            [
                "https://www.example.com/2024/06/02/story-1.html",
                "https://www.example.com/2024/06/03/story-2.html",
            ],
        ),
        ("domain=bbc.co.uk", ["https://www.bbc.co.uk/news/world-1"]),
        ("domain=nytimes.com", ["https://www.nytimes.com/2024/03/01/x.html"]),
        ("domain=cnn.com", []),
        (
            "article=alpha",
            [
                "https://www.example.com/2024/06/02/story-1.html",
                "https://www.bbc.co.uk/news/world-1",
                "https://www.nytimes.com/2024/03/01/x.html",
            ],
        ),
        ("article=bravo", ["https://www.example.com/2024/06/03/story-2.html"]),
        ("article=alpha&domain=bbc.co.uk", ["https://www.bbc.co.uk/news/world-1"]),
        ("article=bravo&domain=bbc.co.uk", []),
        ("article=charlie-draft", []),
    ],
)
def test_source_filters(qs_api: FlaskClient, query: str, expected: list[str]) -> None:
    body = ok(qs_api, f"/v1/sources?{query}")
    assert urls(body) == expected
    assert body["meta"]["total"] == len(expected)


def test_source_values(qs_api: FlaskClient) -> None:
    sources = ok(qs_api, "/v1/articles/alpha/sources")["data"]
    assert [(s["position"], s["domain"], s["publisher"], s["published_on"]) for s in sources] == [
        (1, "example.com", None, "2024-06-02"),
        (2, "bbc.co.uk", "BBC News", None),
        (3, "nytimes.com", "The New York Times", "2024-03-01"),
    ]


def test_question_and_source_fields(qs_api: FlaskClient) -> None:
    body = ok(qs_api, "/v1/questions?fields=text&article=alpha")
    assert body["data"] == [{"text": "Debate A?"}, {"text": "Essay A?"}, {"text": "Both A?"}]
    body = ok(qs_api, "/v1/sources?fields=domain,position&article=alpha")
    assert body["data"] == [
        {"domain": "example.com", "position": 1},
        {"domain": "bbc.co.uk", "position": 2},
        {"domain": "nytimes.com", "position": 3},
    ]
    question_id = ok(qs_api, "/v1/questions?article=bravo")["data"][0]["id"]
    detail = ok(qs_api, f"/v1/questions/{question_id}?fields=kinds")["data"]
    assert detail == {"kinds": ["debate", "essay"]}


@pytest.mark.parametrize(
    ("url", "param", "hint"),
    [
        ("/v1/questions?fields=answer", "fields", "kinds"),
        ("/v1/questions?kind=", "kind", ""),
        ("/v1/questions?article=a%20b", "article", ""),
        ("/v1/questions?issue=issue_1", "issue", ""),
        ("/v1/questions?domain=nytimes.com", "domain", "kind"),
        ("/v1/questions?limit=101", "limit", ""),
        ("/v1/questions?sort=text", "sort", "article"),
        ("/v1/sources?fields=link", "fields", "publisher"),
        ("/v1/sources?domain=", "domain", ""),
        ("/v1/sources?kind=debate", "kind", "domain"),
        ("/v1/sources?limit=abc", "limit", ""),
        ("/v1/sources?article=a_b", "article", ""),
    ],
)
def test_bad_parameters_are_400(qs_api: FlaskClient, url: str, param: str, hint: str) -> None:
    body = assert_problem(qs_api.get(url), 400, param)
    assert hint in " ".join(body["errors"][param])


@pytest.mark.parametrize(
    "url",
    [
        "/v1/questions/999999",
        "/v1/questions/abc",
        "/v1/questions/99999999999999999999999",
        "/v1/sources/999999",
        "/v1/sources/abc",
        "/v1/sources/99999999999999999999999",
    ],
)
def test_unknown_question_or_source_is_404(qs_api: FlaskClient, url: str) -> None:
    assert_problem(qs_api.get(url), 404)


# Pagination on many ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "total"),
    [
        ("/v1/questions?limit=100", 300),
        ("/v1/questions?limit=33&kind=debate", 300),
        ("/v1/questions?limit=25&issue=issue-2", 60),
        ("/v1/sources?limit=100", 300),
        ("/v1/sources?limit=41&domain=example.com", 300),
        ("/v1/sources?limit=1&article=generated-article-0042", 1),
    ],
)
def test_lists_paginate_to_the_end(many_api: FlaskClient, url: str, total: int) -> None:
    items, seen_total = walk(many_api, url)
    assert seen_total == total
    assert len(items) == total
    assert len({i["id"] for i in items}) == total


def test_questions_walk_covers_every_article(many_api: FlaskClient) -> None:
    items, _ = walk(many_api, "/v1/questions?limit=100&fields=text")
    assert {q["text"] for q in items} == {
        f"Question {n}: are sanctions effective?" for n in range(1, 301)
    }


def test_sources_walk_covers_every_article(many_api: FlaskClient) -> None:
    items, _ = walk(many_api, "/v1/sources?limit=100&fields=url")
    assert {s["url"].rsplit("/", 1)[1] for s in items} == {f"story-{n}.html" for n in range(1, 301)}


@pytest.mark.parametrize("endpoint", ["/v1/questions", "/v1/sources"])
def test_garbage_cursor_is_400(many_api: FlaskClient, endpoint: str) -> None:
    assert_problem(many_api.get(f"{endpoint}?cursor=garbage"), 400, "cursor")


def test_article_cursor_on_questions_is_400(many_api: FlaskClient) -> None:
    cursor = ok(many_api, "/v1/articles?limit=1&sort=title")["meta"]["next_cursor"]
    assert_problem(many_api.get(f"/v1/questions?cursor={cursor}"), 400, "cursor")
