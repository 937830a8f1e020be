"""Debate/essay questions and news sources: seed values, filters, visibility, pagination."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from api.db import Database
from api.importer.document import Question, Source
from api.importer.parse import parse_document
from api.importer.write import write_document
from tests.factories import make_document
from tests.helpers import (
    SEED_QUESTIONS,
    SEED_SLUG,
    SEED_SOURCE_URL,
    BuildApi,
    assert_listed,
    assert_nothing_matches,
    assert_problem,
    assert_rejects,
    ok,
    walk_all,
)


def _dataset(db: Database) -> dict[str, list[int]]:
    """Two published articles, a draft and a scheduled story; returns the ids of the questions
    and sources of the last two, by table."""
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
    return {
        table: [
            row["id"]
            for row in db.query(f"SELECT id FROM {table} WHERE article_id IN ({marks})", hidden_ids)
        ]
        for table in ("questions", "sources")
    }


@pytest.fixture(scope="module")
def qs_setup(build_api: BuildApi) -> tuple[FlaskClient, dict[str, list[int]]]:
    hidden: dict[str, list[int]] = {}
    client = build_api(lambda db: hidden.update(_dataset(db)))
    return client, hidden


@pytest.fixture
def qs_api(qs_setup: tuple[FlaskClient, dict[str, list[int]]]) -> FlaskClient:
    return qs_setup[0]


@pytest.fixture
def hidden_ids(qs_setup: tuple[FlaskClient, dict[str, list[int]]]) -> dict[str, list[int]]:
    """Ids of the questions and sources of the draft and the scheduled story, by table."""
    return qs_setup[1]


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
    assert_nothing_matches(seed_api, f"/v1/questions?{query}")


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


def test_questions_of_hidden_articles_are_invisible(
    qs_api: FlaskClient, hidden_ids: dict[str, list[int]]
) -> None:
    body = ok(qs_api, "/v1/questions")
    assert sorted(texts(body)) == sorted(
        ["Debate A?", "Essay A?", "Both A?", "Question 2: are sanctions effective?"]
    )
    assert body["meta"]["total"] == 4
    assert len(hidden_ids["questions"]) == 2
    for question_id in hidden_ids["questions"]:
        assert_problem(qs_api.get(f"/v1/questions/{question_id}"), 404)


def test_sources_of_hidden_articles_are_invisible(
    qs_api: FlaskClient, hidden_ids: dict[str, list[int]]
) -> None:
    body = ok(qs_api, "/v1/sources")
    assert body["meta"]["total"] == 4
    assert not any("only.example" in url for url in urls(body))
    assert len(hidden_ids["sources"]) == 2
    for source_id in hidden_ids["sources"]:
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
    assert_listed(ok(qs_api, f"/v1/questions?{query}"), "text", expected)


def test_question_filters_by_id(qs_api: FlaskClient) -> None:
    alpha = ok(qs_api, "/v1/articles/alpha")["data"]
    by_article = ok(qs_api, f"/v1/questions?article={alpha['id']}")
    by_issue = ok(qs_api, f"/v1/questions?issue={alpha['issue_id']}")
    assert texts(by_article) == texts(by_issue) == ["Debate A?", "Essay A?", "Both A?"]
    assert {q["article_id"] for q in by_article["data"]} == {alpha["id"]}


DISCUSSION_TEXT = (Path(__file__).parent / "data" / "seed-document.txt").read_text(encoding="utf-8")


def test_discussion_questions_are_served_and_filtered(client: FlaskClient, db: Database) -> None:
    """An editor's "Questions to Discuss" block gives questions of the kind "discussion"."""
    assert DISCUSSION_TEXT.count("Debate/Essay Questions") == 1
    document = parse_document(
        DISCUSSION_TEXT.replace("Debate/Essay Questions", "Questions to Discuss")
    )
    write_document(db, document)
    body = ok(client, "/v1/questions?kind=discussion")
    assert_listed(body, "text", SEED_QUESTIONS)
    assert [q["kinds"] for q in body["data"]] == [["discussion"], ["discussion"]]
    assert ok(client, "/v1/questions?kind=debate")["data"] == []
    assert ok(client, "/v1/questions?kind=essay")["data"] == []


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
        # Spelled as the URL spells it: the same domain.
        ("domain=www.nytimes.com", ["https://www.nytimes.com/2024/03/01/x.html"]),
        ("domain=WWW.BBC.co.uk", ["https://www.bbc.co.uk/news/world-1"]),
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
    assert_listed(ok(qs_api, f"/v1/sources?{query}"), "url", expected)


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
        ("/v1/questions?kind=", "kind", "between 1 and 200"),
        ("/v1/questions?article=a%20b", "article", "Not an id or a slug"),
        ("/v1/questions?issue=issue_1", "issue", "Not an id or a slug"),
        ("/v1/questions?domain=nytimes.com", "domain", "kind"),
        ("/v1/questions?limit=101", "limit", "between 1 and 100"),
        ("/v1/questions?sort=text", "sort", "article"),
        ("/v1/sources?domain=", "domain", "between 1 and 253"),
        ("/v1/sources?kind=debate", "kind", "domain"),
        ("/v1/sources?limit=abc", "limit", "Not a whole number"),
        ("/v1/sources?article=a_b", "article", "Not an id or a slug"),
    ],
)
def test_bad_parameters_are_400(qs_api: FlaskClient, url: str, param: str, hint: str) -> None:
    assert_rejects(qs_api, url, param, hint)


# Pagination on many ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "total"),
    [
        ("/v1/questions?limit=33&kind=debate", 300),
        ("/v1/questions?limit=25&issue=issue-2", 60),
        ("/v1/sources?limit=41&domain=example.com", 300),
        ("/v1/sources?limit=1&article=generated-article-0042", 1),
    ],
)
def test_lists_paginate_to_the_end(many_api: FlaskClient, url: str, total: int) -> None:
    walk_all(many_api, url, total)


def test_questions_walk_covers_every_article(many_api: FlaskClient) -> None:
    items = walk_all(many_api, "/v1/questions?limit=100", 300)
    assert {q["text"] for q in items} == {
        f"Question {n}: are sanctions effective?" for n in range(1, 301)
    }


def test_sources_walk_covers_every_article(many_api: FlaskClient) -> None:
    items = walk_all(many_api, "/v1/sources?limit=100", 300)
    assert {s["url"].rsplit("/", 1)[1] for s in items} == {f"story-{n}.html" for n in range(1, 301)}
