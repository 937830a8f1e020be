"""The editors' writes: create, replace, merge-patch and delete, validation, preconditions and
the limits on bodies and rates."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_problem, bearer, make_key


@pytest.fixture
def editor_app(editor_app_factory: AppFactory) -> Flask:
    return editor_app_factory(WRITE_RATE_LIMIT="10000 per minute")


@pytest.fixture
def client(editor_app: Flask) -> FlaskClient:
    return editor_app.test_client()


@pytest.fixture
def key(editor_app: Flask) -> str:
    return make_key(editor_app)


@pytest.fixture
def auth(key: str) -> dict[str, str]:
    return bearer(key)


ALL_PARTS = "?include=sections,glossary,questions,sources"


def article_body(n: int = 1, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": f"Test article {n}",
        "lede": f"The lede of test article {n} talks about sanctions and the treaty.",
        "slug": f"test-article-{n}",
        "status": "published",
        "published_at": "2024-06-19T08:00:00Z",
        "sections": [
            {
                "kind": "body",
                "heading": "What happened",
                "paragraphs": [
                    "The Treaty of Friendship was signed in 1961.",
                    "Sanctions followed soon after.",
                ],
            },
            {
                "kind": "background",
                "heading": "Historical Context",
                "items": [{"label": "Cold War", "text": "A long standoff."}],
            },
        ],
        "glossary": [{"term": "Sanctions", "definition": "Penalties imposed by states."}],
        "questions": [{"text": "Are sanctions an effective tool?"}],
        "sources": [{"url": f"https://www.example.com/2024/06/19/story-{n}.html"}],
    }
    body.update(changes)
    return body


def post(client: FlaskClient, auth: dict[str, str], url: str, body: Any) -> Any:
    return client.post(url, json=body, headers=auth)


def created(client: FlaskClient, auth: dict[str, str], url: str, body: Any) -> dict[str, Any]:
    response = post(client, auth, url, body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["data"]  # type: ignore[no-any-return]


def get(client: FlaskClient, auth: dict[str, str], url: str) -> Any:
    response = client.get(url, headers=auth)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response


def etag(client: FlaskClient, auth: dict[str, str], url: str) -> str:
    return get(client, auth, url).headers["ETag"]


def assert_same_as_get(client: FlaskClient, auth: dict[str, str], response: Any, url: str) -> None:
    """A write's answer is exactly what a GET of its URL now returns, ETag included."""
    assert response.mimetype == "application/json"
    again = get(client, auth, url)
    assert response.get_json() == again.get_json()
    assert response.headers["ETag"] == again.headers["ETag"]


def assert_invalid(response: Any, field: str) -> dict[str, Any]:
    """A 422 problem whose `errors` name `field` (or a path inside it: `sections.0.kind`)."""
    body = assert_problem(response, 422)
    errors = body.get("errors") or {}
    named = [k for k in errors if k == field or re.match(rf"{re.escape(field)}[.\[/]", k)]
    assert named, body
    for name in named:
        messages = errors[name]
        assert isinstance(messages, list) and messages, body
        assert all(isinstance(m, str) and m for m in messages), body
    return body


def snapshot(client: FlaskClient, auth: dict[str, str], url: str) -> tuple[Any, str]:
    """(the item with every part embedded, the ETag of its plain GET) to compare later."""
    return get(client, auth, url + ALL_PARTS).get_json(), etag(client, auth, url)


def total(client: FlaskClient, auth: dict[str, str], url: str) -> int:
    return get(client, auth, url).get_json()["meta"]["total"]  # type: ignore[no-any-return]


def url_path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def issue(client: FlaskClient, auth: dict[str, str]) -> dict[str, Any]:
    return created(
        client,
        auth,
        "/v1/issues",
        {"number": 1, "title": "Issue one", "status": "published", "published_on": "2024-06-20"},
    )


@pytest.fixture
def article(client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]) -> dict[str, Any]:
    return created(client, auth, "/v1/articles", article_body(1, issue_id=issue["id"]))


# Creating -----------------------------------------------------------------------------------


def test_post_issue_is_201_with_location_and_the_get_body(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    response = post(
        client,
        auth,
        "/v1/issues",
        {"number": 7, "title": "Seventh", "slug": "seventh", "published_on": "2024-07-01"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Location"] == "http://api.test/v1/issues/seventh"
    data = response.get_json()["data"]
    assert data["number"] == 7 and data["title"] == "Seventh" and data["slug"] == "seventh"
    assert data["status"] == "draft"
    assert_same_as_get(client, auth, response, "/v1/issues/seventh")


def test_post_article_with_every_part_in_one_request(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    response = post(client, auth, "/v1/articles", article_body(1, issue_id=issue["id"]))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Location"] == "http://api.test/v1/articles/test-article-1"
    assert_same_as_get(client, auth, response, "/v1/articles/test-article-1")
    data = response.get_json()["data"]
    assert data["title"] == "Test article 1"
    assert data["issue_id"] == issue["id"]
    assert data["status"] == "published"
    full = get(client, auth, f"/v1/articles/test-article-1{ALL_PARTS}").get_json()["data"]
    assert [s["kind"] for s in full["sections"]] == ["body", "background"]
    assert full["sections"][0]["paragraphs"] == article_body()["sections"][0]["paragraphs"]
    assert full["sections"][1]["items"] == [{"label": "Cold War", "text": "A long standoff."}]
    assert [(t["term"], t["definition"]) for t in full["glossary"]] == [
        ("Sanctions", "Penalties imposed by states.")
    ]
    assert [q["text"] for q in full["questions"]] == ["Are sanctions an effective tool?"]
    assert [s["url"] for s in full["sources"]] == [
        "https://www.example.com/2024/06/19/story-1.html"
    ]
    # The public sees it too: it is published.
    assert client.get("/v1/articles/test-article-1").status_code == 200
    issue_now = get(client, auth, "/v1/issues/issue-1").get_json()["data"]
    assert [a["slug"] for a in issue_now["articles"]] == ["test-article-1"]


def test_post_article_without_a_status_is_a_draft(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    body = article_body(2)
    del body["status"]
    data = created(client, auth, "/v1/articles", body)
    assert data["status"] == "draft"
    assert client.get("/v1/articles/test-article-2").status_code == 404


def test_post_article_without_a_slug_derives_one(client: FlaskClient, auth: dict[str, str]) -> None:
    body = article_body(3, title="Putin Meets Kim in Pyongyang")
    del body["slug"]
    response = post(client, auth, "/v1/articles", body)
    assert response.status_code == 201
    slug = response.get_json()["data"]["slug"]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and "pyongyang" in slug
    assert_same_as_get(client, auth, response, f"/v1/articles/{slug}")


def test_post_a_question_to_an_article(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    response = post(client, auth, "/v1/articles/test-article-1/questions", {"text": "Why now?"})
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()["data"]
    assert data["text"] == "Why now?" and data["article_id"] == article["id"]
    assert url_path(response.headers["Location"]) == f"/v1/questions/{data['id']}"
    assert_same_as_get(client, auth, response, f"/v1/questions/{data['id']}")
    listed = get(client, auth, "/v1/articles/test-article-1/questions").get_json()["data"]
    assert [q["text"] for q in listed] == ["Are sanctions an effective tool?", "Why now?"]


def test_post_a_source_to_an_article(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "https://www.bbc.co.uk/news/world-asia-69000000"
    response = post(client, auth, "/v1/articles/test-article-1/sources", {"url": url})
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()["data"]
    assert data["url"] == url and data["article_id"] == article["id"]
    assert url_path(response.headers["Location"]) == f"/v1/sources/{data['id']}"
    assert_same_as_get(client, auth, response, f"/v1/sources/{data['id']}")
    listed = get(client, auth, "/v1/articles/test-article-1/sources").get_json()["data"]
    assert [s["url"] for s in listed][-1] == url and len(listed) == 2


def test_post_a_glossary_term_to_an_article(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    body = {"term": "Treaty of Friendship", "definition": "A 1961 pact of mutual aid."}
    response = post(client, auth, "/v1/articles/test-article-1/glossary", body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert url_path(response.headers["Location"]) == "/v1/glossary/treaty-of-friendship"
    data = response.get_json()["data"]
    assert data["term"] == "Treaty of Friendship" and data["slug"] == "treaty-of-friendship"
    assert_same_as_get(client, auth, response, "/v1/glossary/treaty-of-friendship")
    assert [a["slug"] for a in data["articles"]] == ["test-article-1"]


def test_post_the_same_term_twice_to_an_article_is_409(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    response = post(
        client,
        auth,
        "/v1/articles/test-article-1/glossary",
        {"term": "Sanctions", "definition": "X."},
    )
    assert_problem(response, 409)
    terms = get(client, auth, "/v1/articles/test-article-1/glossary").get_json()["data"]
    assert [(t["term"], t["definition"]) for t in terms] == [
        ("Sanctions", "Penalties imposed by states.")
    ]


@pytest.mark.parametrize(
    "url",
    ["/v1/articles/nope/questions", "/v1/articles/nope/sources", "/v1/articles/nope/glossary"],
)
def test_post_a_part_to_an_unknown_article_is_404(
    client: FlaskClient, auth: dict[str, str], url: str
) -> None:
    body = {"text": "Q?", "url": "https://e.com/a", "term": "T", "definition": "D."}
    part = url.rsplit("/", 1)[1]
    keep = {"questions": ["text"], "sources": ["url"], "glossary": ["term", "definition"]}[part]
    assert_problem(post(client, auth, url, {k: body[k] for k in keep}), 404)


# Replacing and patching -----------------------------------------------------------------------


def test_put_article_replaces_it(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    tag = etag(client, auth, "/v1/articles/test-article-1")
    body = article_body(1, title="A new title", issue_id=article["issue_id"])
    body["questions"] = [{"text": "Only this question?"}]
    response = client.put(
        "/v1/articles/test-article-1", json=body, headers={**auth, "If-Match": tag}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["ETag"] != tag
    assert response.get_json()["data"]["title"] == "A new title"
    assert response.get_json()["data"]["id"] == article["id"]
    assert_same_as_get(client, auth, response, "/v1/articles/test-article-1")
    questions = get(client, auth, "/v1/articles/test-article-1/questions").get_json()["data"]
    assert [q["text"] for q in questions] == ["Only this question?"]


def test_patch_article_changes_only_what_it_names(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    before = get(client, auth, f"/v1/articles/test-article-1{ALL_PARTS}").get_json()["data"]
    tag = etag(client, auth, "/v1/articles/test-article-1")
    response = client.patch(
        "/v1/articles/test-article-1",
        json={"title": "Patched title"},
        headers={**auth, "If-Match": tag},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_same_as_get(client, auth, response, "/v1/articles/test-article-1")
    after = get(client, auth, f"/v1/articles/test-article-1{ALL_PARTS}").get_json()["data"]
    assert after["title"] == "Patched title"
    for key in ("lede", "slug", "status", "issue_id", "published_at", "created_at"):
        assert after[key] == before[key], key
    for part in ("sections", "glossary", "questions", "sources"):
        assert after[part] == before[part], part


def test_patch_accepts_merge_patch_json(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    tag = etag(client, auth, "/v1/articles/test-article-1")
    response = client.patch(
        "/v1/articles/test-article-1",
        data='{"lede": "A merge-patched lede that is long enough to read well."}',
        content_type="application/merge-patch+json",
        headers={**auth, "If-Match": tag},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["lede"].startswith("A merge-patched lede")
    assert_same_as_get(client, auth, response, "/v1/articles/test-article-1")


def test_patch_null_removes_a_member(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    """RFC 7396: null removes; the article leaves its issue."""
    assert article["issue_id"] is not None
    tag = etag(client, auth, "/v1/articles/test-article-1")
    response = client.patch(
        "/v1/articles/test-article-1",
        json={"issue_id": None},
        headers={**auth, "If-Match": tag},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["issue_id"] is None
    issue_now = get(client, auth, "/v1/issues/issue-1").get_json()["data"]
    assert issue_now["articles"] == [] and issue_now["article_count"] == 0


def test_patch_replaces_a_list_as_a_whole(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    tag = etag(client, auth, "/v1/articles/test-article-1")
    sections = [{"kind": "body", "heading": "Only section", "paragraphs": ["One paragraph."]}]
    response = client.patch(
        "/v1/articles/test-article-1",
        json={"sections": sections},
        headers={**auth, "If-Match": tag},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    listed = get(client, auth, "/v1/articles/test-article-1/sections").get_json()
    assert [s["heading"] for s in listed["data"]] == ["Only section"]
    assert listed["meta"]["total"] == 1


def test_put_and_patch_issue(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    tag = etag(client, auth, "/v1/issues/issue-1")
    body = {"number": 1, "title": "Renamed", "slug": "renamed", "status": "published",
            "published_on": "2024-06-20"}  # fmt: skip
    response = client.put("/v1/issues/issue-1", json=body, headers={**auth, "If-Match": tag})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_same_as_get(client, auth, response, "/v1/issues/renamed")
    assert response.get_json()["data"]["title"] == "Renamed"
    tag = response.headers["ETag"]
    response = client.patch(
        "/v1/issues/renamed", json={"title": "Patched"}, headers={**auth, "If-Match": tag}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["slug"] == "renamed"
    assert response.get_json()["data"]["title"] == "Patched"
    assert_same_as_get(client, auth, response, "/v1/issues/renamed")


def test_put_and_patch_glossary_term(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    tag = etag(client, auth, "/v1/glossary/sanctions")
    response = client.put(
        "/v1/glossary/sanctions",
        json={"term": "Sanctions", "definition": "Penalties, rewritten."},
        headers={**auth, "If-Match": tag},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["definition"] == "Penalties, rewritten."
    assert_same_as_get(client, auth, response, "/v1/glossary/sanctions")
    response = client.patch(
        "/v1/glossary/sanctions",
        json={"definition": "Penalties, patched."},
        headers={**auth, "If-Match": response.headers["ETag"]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_same_as_get(client, auth, response, "/v1/glossary/sanctions")
    terms = get(client, auth, "/v1/articles/test-article-1/glossary").get_json()["data"]
    assert [t["definition"] for t in terms] == ["Penalties, patched."]


@pytest.mark.parametrize(
    ("part", "put_body", "patch_body", "field"),
    [
        ("questions", {"text": "A replaced question?"}, {"text": "A patched question?"}, "text"),
        (
            "sources",
            {"url": "https://www.example.com/replaced.html"},
            {"url": "https://www.example.com/patched.html"},
            "url",
        ),
    ],
)
def test_put_and_patch_question_and_source(
    client: FlaskClient,
    auth: dict[str, str],
    article: dict[str, Any],
    part: str,
    put_body: dict[str, Any],
    patch_body: dict[str, Any],
    field: str,
) -> None:
    item = get(client, auth, f"/v1/articles/test-article-1/{part}").get_json()["data"][0]
    url = f"/v1/{part}/{item['id']}"
    tag = etag(client, auth, url)
    response = client.put(url, json=put_body, headers={**auth, "If-Match": tag})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"][field] == put_body[field]
    assert response.get_json()["data"]["id"] == item["id"]
    assert_same_as_get(client, auth, response, url)
    response = client.patch(
        url, json=patch_body, headers={**auth, "If-Match": response.headers["ETag"]}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"][field] == patch_body[field]
    assert_same_as_get(client, auth, response, url)
    listed = get(client, auth, f"/v1/articles/test-article-1/{part}").get_json()["data"]
    assert [i[field] for i in listed] == [patch_body[field]]


# Deleting -------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["questions", "sources"])
def test_delete_a_question_or_source(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any], part: str
) -> None:
    item = get(client, auth, f"/v1/articles/test-article-1/{part}").get_json()["data"][0]
    url = f"/v1/{part}/{item['id']}"
    response = client.delete(url, headers={**auth, "If-Match": etag(client, auth, url)})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_problem(client.get(url, headers=auth), 404)
    assert total(client, auth, f"/v1/articles/test-article-1/{part}") == 0
    assert total(client, auth, f"/v1/{part}") == 0


def test_delete_a_glossary_term(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/glossary/sanctions"
    response = client.delete(url, headers={**auth, "If-Match": etag(client, auth, url)})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_problem(client.get(url, headers=auth), 404)
    assert total(client, auth, "/v1/glossary") == 0
    assert total(client, auth, "/v1/articles/test-article-1/glossary") == 0


def test_delete_an_empty_issue(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    url = "/v1/issues/issue-1"
    response = client.delete(url, headers={**auth, "If-Match": etag(client, auth, url)})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_problem(client.get(url, headers=auth), 404)
    assert total(client, auth, "/v1/issues") == 0


def test_delete_article_answers_204_without_a_body(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    response = client.delete(url, headers={**auth, "If-Match": etag(client, auth, url)})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_problem(client.get(url, headers=auth), 404)
    assert_problem(client.get(url), 404)


def test_a_deleted_slug_can_be_used_again(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    assert client.delete(url, headers={**auth, "If-Match": "*"}).status_code == 204
    again = created(client, auth, "/v1/articles", article_body(1, title="Second life"))
    assert again["title"] == "Second life"
    assert get(client, auth, url).get_json()["data"]["title"] == "Second life"


# Validation: 422 naming the field, nothing written ----------------------------------------------


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    body = copy.deepcopy(body)
    del body[key]
    return body


INVALID_ARTICLES = [
    pytest.param(article_body(5, colour="blue"), "colour", id="unknown-field"),
    pytest.param(article_body(5, title=5), "title", id="title-not-a-string"),
    pytest.param(article_body(5, lede=["a"]), "lede", id="lede-not-a-string"),
    pytest.param(article_body(5, status="live"), "status", id="unknown-status"),
    pytest.param(article_body(5, issue_id="1"), "issue_id", id="issue-id-a-string"),
    pytest.param(article_body(5, published_at="yesterday"), "published_at", id="bad-instant"),
    pytest.param(article_body(5, sections={"kind": "body"}), "sections", id="sections-not-a-list"),
    pytest.param(_without(article_body(5), "title"), "title", id="missing-title"),
    pytest.param(_without(article_body(5), "lede"), "lede", id="missing-lede"),
    pytest.param(article_body(5, title=""), "title", id="empty-title"),
    pytest.param(article_body(5, title="   "), "title", id="blank-title"),
    pytest.param(article_body(5, title="T" * 301), "title", id="over-long-title"),
    pytest.param(article_body(5, lede="L" * 20_001), "lede", id="over-long-lede"),
    pytest.param(article_body(5, slug="Not A Slug"), "slug", id="bad-slug"),
    pytest.param(article_body(5, slug="s" * 81), "slug", id="over-long-slug"),
    pytest.param(
        article_body(5, sections=[{"kind": "aside", "heading": "H", "paragraphs": ["P."]}]),
        "sections",
        id="unknown-section-kind",
    ),
    pytest.param(
        article_body(5, sections=[{"kind": "body", "heading": "H"}]),
        "sections",
        id="body-section-without-paragraphs",
    ),
    pytest.param(
        article_body(5, sections=[{"kind": "background", "heading": "H", "paragraphs": ["P."]}]),
        "sections",
        id="background-section-with-paragraphs",
    ),
    pytest.param(
        article_body(5, sections=[{"kind": "body", "heading": "H" * 301, "paragraphs": ["P."]}]),
        "sections",
        id="over-long-heading",
    ),
    pytest.param(
        article_body(5, glossary=[{"term": "Sanctions"}]), "glossary", id="term-without-definition"
    ),
    pytest.param(article_body(5, questions=[{"text": 3}]), "questions", id="question-not-text"),
    pytest.param(
        article_body(5, questions=[{"text": "Q?", "colour": "x"}]),
        "questions",
        id="question-unknown-field",
    ),
    pytest.param(article_body(5, sources=[{"url": "not a url"}]), "sources", id="bad-source-url"),
    pytest.param(
        article_body(5, sources=[{"url": "javascript:alert(1)"}]), "sources", id="script-url"
    ),
    pytest.param(article_body(5, status="scheduled"), "published_at", id="scheduled-in-the-past"),
]


@pytest.mark.parametrize(("body", "field"), INVALID_ARTICLES)
def test_post_invalid_article_is_422_and_writes_nothing(
    client: FlaskClient, auth: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = post(client, auth, "/v1/articles", body)
    assert_invalid(response, field)
    assert total(client, auth, "/v1/articles") == 0
    assert total(client, auth, "/v1/glossary") == 0
    assert total(client, auth, "/v1/questions") == 0
    assert total(client, auth, "/v1/sources") == 0
    assert client.get("/v1/articles/test-article-5", headers=auth).status_code == 404


@pytest.mark.parametrize(("body", "field"), INVALID_ARTICLES)
def test_put_invalid_article_is_422_and_changes_nothing(
    client: FlaskClient,
    auth: dict[str, str],
    article: dict[str, Any],
    body: dict[str, Any],
    field: str,
) -> None:
    url = "/v1/articles/test-article-1"
    before = snapshot(client, auth, url)
    body = {**body, "slug": "test-article-1"} if "slug" in body and field != "slug" else body
    response = client.put(url, json=body, headers={**auth, "If-Match": before[1]})
    assert_invalid(response, field)
    assert snapshot(client, auth, url) == before


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"title": None}, "title"),  # null removes a required member
        ({"lede": None}, "lede"),
        ({"title": 12}, "title"),
        ({"colour": "blue"}, "colour"),
        ({"title": "T" * 301}, "title"),
        ({"status": "gone"}, "status"),
    ],
)
def test_patch_invalid_article_is_422_and_changes_nothing(
    client: FlaskClient,
    auth: dict[str, str],
    article: dict[str, Any],
    patch: dict[str, Any],
    field: str,
) -> None:
    url = "/v1/articles/test-article-1"
    before = snapshot(client, auth, url)
    response = client.patch(url, json=patch, headers={**auth, "If-Match": before[1]})
    assert_invalid(response, field)
    assert snapshot(client, auth, url) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "No number"}, "number"),
        ({"number": 2}, "title"),
        ({"number": "2", "title": "T"}, "number"),
        ({"number": 2, "title": "T", "colour": "x"}, "colour"),
        ({"number": 2, "title": "T" * 301}, "title"),
        ({"number": 2, "title": "T", "published_on": "June"}, "published_on"),
        ({"number": 2, "title": "T", "slug": "Bad Slug"}, "slug"),
    ],
)
def test_post_invalid_issue_is_422_and_writes_nothing(
    client: FlaskClient, auth: dict[str, str], body: dict[str, Any], field: str
) -> None:
    assert_invalid(post(client, auth, "/v1/issues", body), field)
    assert total(client, auth, "/v1/issues") == 0


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/v1/articles/test-article-1/questions", {}, "text"),
        ("/v1/articles/test-article-1/questions", {"text": "Q" * 2001}, "text"),
        ("/v1/articles/test-article-1/questions", {"text": "Q?", "extra": 1}, "extra"),
        ("/v1/articles/test-article-1/sources", {"url": "nope"}, "url"),
        ("/v1/articles/test-article-1/sources", {}, "url"),
        ("/v1/articles/test-article-1/glossary", {"term": "T"}, "definition"),
        ("/v1/articles/test-article-1/glossary", {"definition": "D."}, "term"),
        ("/v1/articles/test-article-1/glossary", {"term": "T" * 201, "definition": "D."}, "term"),
    ],
)
def test_post_invalid_part_is_422_and_writes_nothing(
    client: FlaskClient,
    auth: dict[str, str],
    article: dict[str, Any],
    url: str,
    body: dict[str, Any],
    field: str,
) -> None:
    before = get(client, auth, "/v1/articles/test-article-1" + ALL_PARTS)
    assert_invalid(post(client, auth, url, body), field)
    after = get(client, auth, "/v1/articles/test-article-1" + ALL_PARTS)
    assert after.get_json() == before.get_json()
    assert after.headers["ETag"] == before.headers["ETag"]


def test_the_body_must_be_a_json_object(client: FlaskClient, auth: dict[str, str]) -> None:
    assert_problem(post(client, auth, "/v1/articles", [article_body()]), 422)
    assert total(client, auth, "/v1/articles") == 0


def test_broken_json_is_400(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post(
        "/v1/articles", data='{"title": "x",', content_type="application/json", headers=auth
    )
    assert_problem(response, 400)
    assert total(client, auth, "/v1/articles") == 0


# Duplicates: 409 --------------------------------------------------------------------------------


def test_post_duplicate_slug_is_409(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    response = post(client, auth, "/v1/articles", article_body(9, slug="test-article-1"))
    assert_problem(response, 409)
    assert total(client, auth, "/v1/articles") == 1
    assert get(client, auth, "/v1/articles/test-article-1").get_json()["data"]["title"] == (
        "Test article 1"
    )


def test_put_onto_another_articles_slug_is_409(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    created(client, auth, "/v1/articles", article_body(2))
    url = "/v1/articles/test-article-2"
    before = snapshot(client, auth, url)
    response = client.put(
        url, json=article_body(2, slug="test-article-1"), headers={**auth, "If-Match": before[1]}
    )
    assert_problem(response, 409)
    assert snapshot(client, auth, url) == before
    assert (
        get(client, auth, "/v1/articles/test-article-1").get_json()["data"]["id"] == article["id"]
    )


@pytest.mark.parametrize("field", ["number", "slug"])
def test_post_duplicate_issue_is_409(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any], field: str
) -> None:
    body = {"number": 2, "title": "Second", "slug": "second"}
    body[field] = issue[field]
    assert_problem(post(client, auth, "/v1/issues", body), 409)
    assert total(client, auth, "/v1/issues") == 1


# Server-owned fields ----------------------------------------------------------------------------

OWNED_CHANGES = {
    "id": 999,
    "url": "http://api.test/v1/articles/elsewhere",
    "created_at": "2001-01-01T00:00:00Z",
    "updated_at": "2001-01-01T00:00:00Z",
    "word_count": 123456,
    "reading_minutes": 999,
    "reading_level": 99.5,
}


@pytest.mark.parametrize("field", sorted(OWNED_CHANGES))
def test_post_setting_a_server_owned_field_is_422(
    client: FlaskClient, auth: dict[str, str], field: str
) -> None:
    body = article_body(4, **{field: OWNED_CHANGES[field]})
    assert_invalid(post(client, auth, "/v1/articles", body), field)
    assert total(client, auth, "/v1/articles") == 0


@pytest.mark.parametrize("field", sorted(OWNED_CHANGES))
def test_put_changing_a_server_owned_field_is_422(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any], field: str
) -> None:
    url = "/v1/articles/test-article-1"
    before = snapshot(client, auth, url)
    body = {**before[0]["data"], field: OWNED_CHANGES[field], "title": "Should not land"}
    response = client.put(url, json=body, headers={**auth, "If-Match": before[1]})
    assert_invalid(response, field)
    assert snapshot(client, auth, url) == before


@pytest.mark.parametrize("field", sorted(OWNED_CHANGES))
def test_patch_changing_a_server_owned_field_is_422(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any], field: str
) -> None:
    url = "/v1/articles/test-article-1"
    before = snapshot(client, auth, url)
    response = client.patch(
        url,
        json={field: OWNED_CHANGES[field], "title": "Should not land"},
        headers={**auth, "If-Match": before[1]},
    )
    assert_invalid(response, field)
    assert snapshot(client, auth, url) == before


@pytest.mark.parametrize("field", ["id", "url", "created_at", "updated_at", "article_count"])
def test_put_changing_a_server_owned_issue_field_is_422(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any], field: str
) -> None:
    url = "/v1/issues/issue-1"
    before = get(client, auth, url)
    changes = {
        "id": 999,
        "url": "http://api.test/v1/issues/x",
        "created_at": "2001-01-01T00:00:00Z",
        "updated_at": "2001-01-01T00:00:00Z",
        "article_count": 42,
    }
    body = {**before.get_json()["data"], field: changes[field], "title": "Should not land"}
    response = client.put(url, json=body, headers={**auth, "If-Match": before.headers["ETag"]})
    assert_invalid(response, field)
    assert get(client, auth, url).get_json() == before.get_json()


def test_sending_back_server_owned_values_is_accepted(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    before = get(client, auth, url)
    data = before.get_json()["data"]
    response = client.patch(
        url,
        json={**{k: data[k] for k in OWNED_CHANGES}, "title": "Sent back"},
        headers={**auth, "If-Match": before.headers["ETag"]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["title"] == "Sent back"


# GET -> edit -> PUT round trips -----------------------------------------------------------------


def test_round_trip_of_the_plain_representation(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    before = get(client, auth, url)
    body = before.get_json()["data"]
    body["title"] = "Edited in a round trip"
    response = client.put(url, json=body, headers={**auth, "If-Match": before.headers["ETag"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["title"] == "Edited in a round trip"
    assert response.get_json()["data"]["created_at"] == before.get_json()["data"]["created_at"]
    assert_same_as_get(client, auth, response, url)


def test_round_trip_with_every_part_included(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    before = get(client, auth, url + ALL_PARTS)
    body = before.get_json()["data"]
    body["sections"][0]["paragraphs"].append("A paragraph added in the round trip.")
    body["sections"][1]["items"][0]["text"] = "A long and cold standoff."
    body["glossary"][0]["definition"] = "Penalties, edited."
    body["questions"].append({"text": "A second question?"})
    body["sources"][0]["url"] = "https://www.example.com/2024/06/20/edited.html"
    tag = etag(client, auth, url)
    response = client.put(url, json=body, headers={**auth, "If-Match": tag})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_same_as_get(client, auth, response, url)
    after = get(client, auth, url + ALL_PARTS).get_json()["data"]
    assert after["sections"][0]["paragraphs"][-1] == "A paragraph added in the round trip."
    assert after["sections"][1]["items"][0]["text"] == "A long and cold standoff."
    assert after["glossary"][0]["definition"] == "Penalties, edited."
    assert [q["text"] for q in after["questions"]] == [
        "Are sanctions an effective tool?",
        "A second question?",
    ]
    assert after["sources"][0]["url"] == "https://www.example.com/2024/06/20/edited.html"
    assert after["word_count"] > before.get_json()["data"]["word_count"]


def test_round_trip_with_the_etag_of_the_included_get(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    """The editor edits what they read: the ETag of that very GET (with include=) must be
    a current If-Match, not only the ETag of the plain representation."""
    url = "/v1/articles/test-article-1"
    before = get(client, auth, url + ALL_PARTS)
    body = before.get_json()["data"]
    body["title"] = "Edited from the included view"
    response = client.put(url, json=body, headers={**auth, "If-Match": before.headers["ETag"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert get(client, auth, url).get_json()["data"]["title"] == "Edited from the included view"


def test_an_unchanged_round_trip_keeps_the_content(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    before = get(client, auth, url + ALL_PARTS)
    tag = etag(client, auth, url)
    response = client.put(url, json=before.get_json()["data"], headers={**auth, "If-Match": tag})
    assert response.status_code == 200, response.get_data(as_text=True)
    after = get(client, auth, url + ALL_PARTS).get_json()["data"]
    old = before.get_json()["data"]
    for key in ("title", "lede", "slug", "status", "published_at", "sections", "glossary"):
        assert after[key] == old[key], key
    assert [q["text"] for q in after["questions"]] == [q["text"] for q in old["questions"]]
    assert [s["url"] for s in after["sources"]] == [s["url"] for s in old["sources"]]


def test_round_trip_of_an_issue(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/issues/issue-1"
    before = get(client, auth, url)
    body = before.get_json()["data"]
    body["title"] = "Issue one, renamed"
    response = client.put(url, json=body, headers={**auth, "If-Match": before.headers["ETag"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_same_as_get(client, auth, response, url)
    data = response.get_json()["data"]
    assert data["title"] == "Issue one, renamed"
    assert [a["slug"] for a in data["articles"]] == ["test-article-1"]


def test_round_trip_of_a_glossary_term(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/glossary/sanctions"
    before = get(client, auth, url)
    body = before.get_json()["data"]
    body["definition"] = "Penalties, round-tripped."
    response = client.put(url, json=body, headers={**auth, "If-Match": before.headers["ETag"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["definition"] == "Penalties, round-tripped."
    assert_same_as_get(client, auth, response, url)


@pytest.mark.parametrize(("part", "field"), [("questions", "text"), ("sources", "url")])
def test_round_trip_of_a_question_and_a_source(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any], part: str, field: str
) -> None:
    item = get(client, auth, f"/v1/articles/test-article-1/{part}").get_json()["data"][0]
    url = f"/v1/{part}/{item['id']}"
    before = get(client, auth, url)
    body = before.get_json()["data"]
    body[field] = {"text": "Round-tripped?", "url": "https://example.org/round-trip"}[field]
    response = client.put(url, json=body, headers={**auth, "If-Match": before.headers["ETag"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"][field] == body[field]
    assert_same_as_get(client, auth, response, url)


# Rendering ----------------------------------------------------------------------------------


def test_adding_a_term_relinks_the_article_html(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1/sections/what-happened?format=html"
    before = " ".join(get(client, auth, url).get_json()["data"]["paragraphs"])
    assert "Treaty of Friendship" in before
    assert 'data-term="treaty-of-friendship"' not in before
    body = {"term": "Treaty of Friendship", "definition": "A 1961 pact of mutual aid."}
    assert post(client, auth, "/v1/articles/test-article-1/glossary", body).status_code == 201
    after = " ".join(get(client, auth, url).get_json()["data"]["paragraphs"])
    assert (
        'data-term="treaty-of-friendship"' in after
        or 'href="https://w.test/treaty-of-friendship"' in after
    ), after
    # The public, cached view is re-rendered too.
    public = " ".join(client.get(url).get_json()["data"]["paragraphs"])
    assert public == after


def test_a_patched_paragraph_is_linked_to_an_existing_term(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    sections = [{"kind": "body", "heading": "Fresh", "paragraphs": ["New sanctions came."]}]
    response = client.patch(url, json={"sections": sections}, headers={**auth, "If-Match": "*"})
    assert response.status_code == 200, response.get_data(as_text=True)
    html = get(client, auth, f"{url}/sections/fresh?format=html").get_json()["data"]
    text = " ".join(html["paragraphs"])
    assert 'data-term="sanctions"' in text or 'href="https://w.test/sanctions"' in text, text


def test_html_escapes_what_an_editor_writes(client: FlaskClient, auth: dict[str, str]) -> None:
    body = article_body(
        6,
        sections=[
            {"kind": "body", "heading": "Markup", "paragraphs": ['<script>alert("x")</script> ok.']}
        ],
    )
    created(client, auth, "/v1/articles", body)
    data = get(client, auth, "/v1/articles/test-article-6/sections/markup?format=html").get_json()
    text = " ".join(data["data"]["paragraphs"])
    assert "<script" not in text and "&lt;script&gt;" in text


# Preconditions --------------------------------------------------------------------------------


PRECONDITION_TARGETS = [
    ("article", "/v1/articles/test-article-1", {"title": "Changed"}),
    ("issue", "/v1/issues/issue-1", {"title": "Changed"}),
    ("term", "/v1/glossary/sanctions", {"definition": "Changed."}),
]


def _full_body(client: FlaskClient, auth: dict[str, str], url: str, change: dict[str, Any]) -> Any:
    return {**get(client, auth, url).get_json()["data"], **change}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(("kind", "url", "change"), PRECONDITION_TARGETS)
def test_writes_without_if_match_are_428(
    client: FlaskClient,
    auth: dict[str, str],
    article: dict[str, Any],
    method: str,
    kind: str,
    url: str,
    change: dict[str, Any],
) -> None:
    before = get(client, auth, url)
    body = _full_body(client, auth, url, change) if method == "PUT" else change
    if kind == "issue" and method == "DELETE":
        body = None
    response = client.open(
        url, method=method, json=body if method != "DELETE" else None, headers=auth
    )
    assert_problem(response, 428)
    after = get(client, auth, url)
    assert after.get_json() == before.get_json()


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(("kind", "url", "change"), PRECONDITION_TARGETS)
def test_writes_with_a_stale_if_match_are_412(
    client: FlaskClient,
    auth: dict[str, str],
    article: dict[str, Any],
    method: str,
    kind: str,
    url: str,
    change: dict[str, Any],
) -> None:
    stale = get(client, auth, url).headers["ETag"]
    # Someone else edits first.
    other = client.patch(url, json=change, headers={**auth, "If-Match": stale})
    assert other.status_code == 200, other.get_data(as_text=True)
    before = get(client, auth, url)
    assert before.headers["ETag"] != stale
    body = {**before.get_json()["data"], **change} if method == "PUT" else {"title": "Mine"}
    if kind == "term" and method == "PATCH":
        body = {"definition": "Mine."}
    response = client.open(
        url,
        method=method,
        json=body if method != "DELETE" else None,
        headers={**auth, "If-Match": stale},
    )
    assert_problem(response, 412)
    after = get(client, auth, url)
    assert after.get_json() == before.get_json()
    assert after.headers["ETag"] == before.headers["ETag"]


@pytest.mark.parametrize("part", ["questions", "sources"])
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_part_writes_need_a_current_if_match(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any], part: str, method: str
) -> None:
    item = get(client, auth, f"/v1/articles/test-article-1/{part}").get_json()["data"][0]
    url = f"/v1/{part}/{item['id']}"
    body = {"text": "Changed?"} if part == "questions" else {"url": "https://example.org/x"}
    json_body = body if method != "DELETE" else None
    before = get(client, auth, url)
    assert_problem(client.open(url, method=method, json=json_body, headers=auth), 428)
    stale = '"0000000000000000"'
    assert_problem(
        client.open(url, method=method, json=json_body, headers={**auth, "If-Match": stale}), 412
    )
    assert get(client, auth, url).get_json() == before.get_json()


def test_if_match_star_is_accepted(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    response = client.patch(url, json={"title": "Starred"}, headers={**auth, "If-Match": "*"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = {**get(client, auth, url).get_json()["data"], "title": "Starred again"}
    response = client.put(url, json=body, headers={**auth, "If-Match": "*"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["title"] == "Starred again"
    assert client.delete(url, headers={**auth, "If-Match": "*"}).status_code == 204


def test_if_match_with_the_etag_a_write_returned(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    first = client.patch(url, json={"title": "One"}, headers={**auth, "If-Match": "*"})
    second = client.patch(
        url, json={"title": "Two"}, headers={**auth, "If-Match": first.headers["ETag"]}
    )
    assert second.status_code == 200, second.get_data(as_text=True)
    assert_problem(
        client.patch(
            url, json={"title": "Three"}, headers={**auth, "If-Match": first.headers["ETag"]}
        ),
        412,
    )
    assert get(client, auth, url).get_json()["data"]["title"] == "Two"


def test_if_match_with_a_gzip_etag_is_accepted(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    """The ETag a browser saw on a compressed GET names the same version."""
    url = "/v1/articles/test-article-1"
    seen = client.get(url + ALL_PARTS, headers={**auth, "Accept-Encoding": "gzip"})
    plain = client.get(url, headers={**auth, "Accept-Encoding": "gzip"})
    response = client.patch(
        url, json={"title": "Via gzip"}, headers={**auth, "If-Match": plain.headers["ETag"]}
    )
    assert seen.status_code == 200
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("PUT", "/v1/articles/nope"),
        ("PATCH", "/v1/articles/nope"),
        ("DELETE", "/v1/articles/nope"),
        ("PATCH", "/v1/issues/nope"),
        ("PATCH", "/v1/glossary/nope"),
        ("PATCH", "/v1/questions/999"),
        ("DELETE", "/v1/sources/999"),
    ],
)
def test_writes_to_unknown_items_are_404(
    client: FlaskClient, auth: dict[str, str], method: str, url: str
) -> None:
    body = None if method == "DELETE" else article_body(1)
    response = client.open(url, method=method, json=body, headers={**auth, "If-Match": "*"})
    assert_problem(response, 404)


# Limits: 413, 415, 429 ------------------------------------------------------------------------


def test_an_over_large_body_is_413(editor_app_factory: AppFactory) -> None:
    app = editor_app_factory(MAX_CONTENT_LENGTH=4096)
    client = app.test_client()
    auth = bearer(make_key(app))
    body = article_body(1, lede="Word " * 2000)
    assert_problem(client.post("/v1/articles", json=body, headers=auth), 413)
    text = "A lede that is long enough to read. " * 500
    assert_problem(
        client.post("/v1/imports", data=text, content_type="text/plain", headers=auth), 413
    )
    assert client.get("/v1/articles", headers=auth).get_json()["meta"]["total"] == 0
    # A body within the limit still works.
    assert client.post("/v1/articles", json=article_body(1), headers=auth).status_code == 201


@pytest.mark.parametrize(
    ("method", "url", "content_type"),
    [
        ("POST", "/v1/articles", "text/plain"),
        ("POST", "/v1/articles", "application/x-www-form-urlencoded"),
        ("POST", "/v1/issues", "application/xml"),
        ("PUT", "/v1/articles/test-article-1", "text/plain"),
        ("PUT", "/v1/articles/test-article-1", "application/merge-patch+json"),
        ("PATCH", "/v1/articles/test-article-1", "application/xml"),
        ("POST", "/v1/articles/test-article-1/questions", "text/plain"),
        ("POST", "/v1/imports", "application/json"),
    ],
)
def test_a_wrong_content_type_is_415(
    client: FlaskClient,
    auth: dict[str, str],
    article: dict[str, Any],
    method: str,
    url: str,
    content_type: str,
) -> None:
    before = get(client, auth, "/v1/articles/test-article-1" + ALL_PARTS).get_json()
    response = client.open(
        url,
        method=method,
        data='{"title": "x", "lede": "y"}',
        content_type=content_type,
        headers={**auth, "If-Match": "*"},
    )
    assert_problem(response, 415)
    assert get(client, auth, "/v1/articles/test-article-1" + ALL_PARTS).get_json() == before
    assert total(client, auth, "/v1/articles") == 1


def test_a_post_without_a_body_is_415(client: FlaskClient, auth: dict[str, str]) -> None:
    assert_problem(client.post("/v1/articles", headers=auth), 415)


def test_writes_are_rate_limited_per_key(editor_app_factory: AppFactory) -> None:
    app = editor_app_factory(WRITE_RATE_LIMIT="3 per minute")
    client = app.test_client()
    first = bearer(make_key(app, name="first"))
    second = bearer(make_key(app, name="second"))
    for n in range(1, 4):
        response = client.post("/v1/articles", json=article_body(n), headers=first)
        assert response.status_code == 201, response.get_data(as_text=True)
        assert response.headers["RateLimit-Limit"] == "3"
        assert response.headers["RateLimit-Remaining"] == str(3 - n)
    response = client.post("/v1/articles", json=article_body(4), headers=first)
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) >= 1
    assert client.get("/v1/articles/test-article-4", headers=first).status_code == 404
    # Reads are not writes, and another key has its own budget.
    assert client.get("/v1/articles", headers=first).status_code == 200
    assert client.post("/v1/articles", json=article_body(5), headers=second).status_code == 201


def test_every_kind_of_write_counts_against_the_limit(editor_app_factory: AppFactory) -> None:
    app = editor_app_factory(WRITE_RATE_LIMIT="3 per minute")
    client = app.test_client()
    auth = bearer(make_key(app))
    assert client.post("/v1/articles", json=article_body(1), headers=auth).status_code == 201
    url = "/v1/articles/test-article-1"
    headers = {**auth, "If-Match": "*"}
    assert client.patch(url, json={"title": "Two"}, headers=headers).status_code == 200
    assert client.put(url, json=article_body(1, title="Three"), headers=headers).status_code == 200
    assert_problem(client.delete(url, headers=headers), 429)
    assert client.get(url, headers=auth).status_code == 200


def test_a_429_still_says_the_limit(editor_app_factory: AppFactory) -> None:
    app = editor_app_factory(WRITE_RATE_LIMIT="1 per minute")
    client = app.test_client()
    auth = bearer(make_key(app))
    assert client.post("/v1/articles", json=article_body(1), headers=auth).status_code == 201
    response = client.post("/v1/articles", json=article_body(2), headers=auth)
    assert_problem(response, 429)
    assert response.headers["RateLimit-Limit"] == "1"
    assert response.headers["RateLimit-Remaining"] == "0"


def test_json_with_a_charset_is_accepted(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post(
        "/v1/articles",
        data=json.dumps(article_body(1)),
        content_type="application/json; charset=utf-8",
        headers=auth,
    )
    assert response.status_code == 201, response.get_data(as_text=True)


def test_a_weak_if_match_never_matches(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    """If-Match uses the strong comparison (RFC 9110 13.1.1)."""
    url = "/v1/articles/test-article-1"
    tag = etag(client, auth, url)
    response = client.patch(url, json={"title": "Weak"}, headers={**auth, "If-Match": f"W/{tag}"})
    assert_problem(response, 412)
    assert get(client, auth, url).get_json()["data"]["title"] == "Test article 1"


def test_if_match_with_a_list_of_etags(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1"
    tag = etag(client, auth, url)
    response = client.patch(
        url, json={"title": "Listed"}, headers={**auth, "If-Match": f'"old-one", {tag}'}
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def test_deleting_a_term_unlinks_it_from_the_html(
    client: FlaskClient, auth: dict[str, str], article: dict[str, Any]
) -> None:
    url = "/v1/articles/test-article-1/sections/what-happened?format=html"
    linked = " ".join(get(client, auth, url).get_json()["data"]["paragraphs"])
    assert 'data-term="sanctions"' in linked or 'href="https://w.test/sanctions"' in linked
    term = "/v1/glossary/sanctions"
    assert client.delete(term, headers={**auth, "If-Match": "*"}).status_code == 204
    text = " ".join(get(client, auth, url).get_json()["data"]["paragraphs"])
    assert "sanctions" not in re.findall(r'data-term="([^"]+)"', text)
    assert "https://w.test/sanctions" not in text
    assert "Sanctions followed soon after." in re.sub(r"<[^>]+>", "", text)
