"""Drafts, scheduled and published content, soft deletes and imports over HTTP."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.timefmt import clock_at
from tests.helpers import AppFactory, assert_problem, bearer, make_key

SEED_DOCUMENT = Path(__file__).resolve().parent / "data" / "seed-document.txt"
ALL_PARTS = "?include=sections,glossary,questions,sources"


@pytest.fixture
def editor_app(editor_app_factory: AppFactory) -> Flask:
    return editor_app_factory(WRITE_RATE_LIMIT="10000 per minute")


@pytest.fixture
def client(editor_app: Flask) -> FlaskClient:
    return editor_app.test_client()


@pytest.fixture
def auth(editor_app: Flask) -> dict[str, str]:
    return bearer(make_key(editor_app))


def article_body(slug: str, word: str, **changes: Any) -> dict[str, Any]:
    """An article whose text holds `word` (for search) and the term Sanctions."""
    body: dict[str, Any] = {
        "title": f"The story of {word}",
        "lede": f"The lede of the {word} story talks about sanctions at some length.",
        "slug": slug,
        "status": "published",
        "published_at": "2024-06-19T08:00:00Z",
        "issue_id": 1,
        "sections": [
            {"kind": "body", "heading": "What happened", "paragraphs": [f"About {word}."]},
        ],
        "glossary": [{"term": "Sanctions", "definition": "Penalties imposed by states."}],
        "questions": [{"text": f"Is {word} important?"}],
        "sources": [{"url": f"https://www.example.com/2024/06/19/{slug}.html"}],
    }
    body.update(changes)
    return body


def created(client: FlaskClient, auth: dict[str, str], url: str, body: Any) -> dict[str, Any]:
    response = client.post(url, json=body, headers=auth)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["data"]  # type: ignore[no-any-return]


def get_json(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> Any:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response.get_json()


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("instance", "detail")}


def assert_like_unknown(client: FlaskClient, url: str, unknown_url: str) -> None:
    """`url` is a 404 exactly like the one for something that never existed."""
    hidden = client.get(url)
    never = client.get(unknown_url)
    assert_problem(hidden, 404)
    assert_problem(never, 404)
    assert comparable(hidden.get_json()) == comparable(never.get_json())
    assert hidden.headers.get("Cache-Control") == never.headers.get("Cache-Control")


def slugs_in(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> list[str]:
    body = get_json(client, url, headers)
    assert body["meta"]["total"] == len(body["data"])
    return [item["slug"] for item in body["data"]]


def ids_in(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> list[int]:
    body = get_json(client, url, headers)
    assert body["meta"]["total"] == len(body["data"])
    return [item["id"] for item in body["data"]]


def assert_private(response: Any) -> None:
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "authorization" in response.headers.get("Vary", "").lower()


@pytest.fixture
def issue(client: FlaskClient, auth: dict[str, str]) -> dict[str, Any]:
    return created(
        client,
        auth,
        "/v1/issues",
        {"number": 1, "title": "Issue one", "status": "published", "published_on": "2024-06-20"},
    )


@pytest.fixture
def visible(client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]) -> dict[str, Any]:
    return created(client, auth, "/v1/articles", article_body("visible-story", "pangolin"))


def hidden_body(state: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"status": state}
    if state == "scheduled":
        extra["published_at"] = "2999-01-01T00:00:00Z"
    else:
        extra["published_at"] = None
    body = article_body("hidden-story", "zanzibar", **extra)
    body["glossary"].append({"term": "Secret Term", "definition": "Only in the hidden story."})
    return body


# Hidden content does not exist without an editor's key ------------------------------------------


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_hidden_article_is_a_404_like_an_unknown_one(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any], state: str
) -> None:
    hidden = created(client, auth, "/v1/articles", hidden_body(state))
    assert hidden["status"] == state
    assert_like_unknown(client, "/v1/articles/hidden-story", "/v1/articles/never-existed")
    assert_like_unknown(client, f"/v1/articles/{hidden['id']}", "/v1/articles/987654")
    for tail in ("/sections", "/questions", "/glossary", "/sources", "/sections/what-happened"):
        assert_like_unknown(
            client, f"/v1/articles/hidden-story{tail}", f"/v1/articles/never-existed{tail}"
        )
    question = get_json(client, "/v1/articles/hidden-story/questions", auth)["data"][0]
    source = get_json(client, "/v1/articles/hidden-story/sources", auth)["data"][0]
    assert_like_unknown(client, f"/v1/questions/{question['id']}", "/v1/questions/987654")
    assert_like_unknown(client, f"/v1/sources/{source['id']}", "/v1/sources/987654")
    assert_like_unknown(client, "/v1/glossary/secret-term", "/v1/glossary/never-existed")


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_hidden_article_is_absent_from_every_public_list(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any], state: str
) -> None:
    hidden = created(client, auth, "/v1/articles", hidden_body(state))
    assert slugs_in(client, "/v1/articles") == ["visible-story"]
    assert slugs_in(client, "/v1/articles?issue=1") == ["visible-story"]
    assert slugs_in(client, "/v1/articles?issue=issue-1") == ["visible-story"]
    assert slugs_in(client, "/v1/articles?term=sanctions") == ["visible-story"]
    assert slugs_in(client, "/v1/articles?term=secret-term") == []
    assert slugs_in(client, "/v1/articles?q=zanzibar") == []
    assert slugs_in(client, "/v1/articles?q=pangolin") == ["visible-story"]
    # The glossary: the shared term lists only the visible article, the hidden one's own
    # term is not there at all.
    term = get_json(client, "/v1/glossary/sanctions")["data"]
    assert [a["slug"] for a in term["articles"]] == ["visible-story"]
    assert term["article_count"] == 1
    assert slugs_in(client, "/v1/glossary") == ["sanctions"]
    assert slugs_in(client, "/v1/glossary?article=hidden-story") == []
    assert slugs_in(client, f"/v1/glossary?article={hidden['id']}") == []
    assert slugs_in(client, "/v1/glossary?article=visible-story") == ["sanctions"]
    # Issues and their bundles.
    issue = get_json(client, "/v1/issues/issue-1")["data"]
    assert [a["slug"] for a in issue["articles"]] == ["visible-story"]
    assert issue["article_count"] == 1
    assert get_json(client, "/v1/issues")["data"][0]["article_count"] == 1
    bundle = get_json(client, "/v1/issues/issue-1/bundle")["data"]
    assert [a["slug"] for a in bundle["articles"]] == ["visible-story"]
    assert "zanzibar" not in json.dumps(bundle) and "Secret Term" not in json.dumps(bundle)
    # Questions and sources.
    questions = get_json(client, "/v1/questions")
    assert [q["text"] for q in questions["data"]] == ["Is pangolin important?"]
    assert questions["meta"]["total"] == 1
    assert ids_in(client, "/v1/questions?article=hidden-story") == []
    assert len(ids_in(client, "/v1/questions?issue=1")) == 1
    sources = get_json(client, "/v1/sources")
    assert [s["article_id"] for s in sources["data"]] == [visible["id"]]
    assert sources["meta"]["total"] == 1
    assert ids_in(client, "/v1/sources?article=hidden-story") == []


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_a_reader_key_does_not_see_hidden_content(
    editor_app: Flask,
    client: FlaskClient,
    auth: dict[str, str],
    visible: dict[str, Any],
    state: str,
) -> None:
    created(client, auth, "/v1/articles", hidden_body(state))
    reader = bearer(make_key(editor_app, role="reader", name="r"))
    assert_problem(client.get("/v1/articles/hidden-story", headers=reader), 404)
    assert slugs_in(client, "/v1/articles", reader) == ["visible-story"]
    assert slugs_in(client, "/v1/articles?q=zanzibar", reader) == []
    bundle = get_json(client, "/v1/issues/issue-1/bundle", reader)["data"]
    assert [a["slug"] for a in bundle["articles"]] == ["visible-story"]


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_an_editor_sees_hidden_content_everywhere_privately(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any], state: str
) -> None:
    hidden = created(client, auth, "/v1/articles", hidden_body(state))
    for url in ("/v1/articles/hidden-story", f"/v1/articles/{hidden['id']}"):
        response = client.get(url, headers=auth)
        assert response.status_code == 200
        assert response.get_json()["data"]["status"] == state
        assert_private(response)
    both = ["hidden-story", "visible-story"]
    for url in (
        "/v1/articles",
        "/v1/articles?issue=1",
        "/v1/articles?term=sanctions",
    ):
        assert sorted(slugs_in(client, url, auth)) == both, url
    assert slugs_in(client, "/v1/articles?q=zanzibar", auth) == ["hidden-story"]
    assert slugs_in(client, "/v1/articles?term=secret-term", auth) == ["hidden-story"]
    term = client.get("/v1/glossary/sanctions", headers=auth)
    assert_private(term)
    assert sorted(a["slug"] for a in term.get_json()["data"]["articles"]) == both
    assert slugs_in(client, "/v1/glossary/secret-term".replace("/secret-term", ""), auth) == [
        "sanctions",
        "secret-term",
    ]
    assert slugs_in(client, "/v1/glossary?article=hidden-story", auth) == [
        "sanctions",
        "secret-term",
    ]
    bundle = client.get("/v1/issues/issue-1/bundle", headers=auth)
    assert_private(bundle)
    assert sorted(a["slug"] for a in bundle.get_json()["data"]["articles"]) == both
    questions = client.get("/v1/questions", headers=auth)
    assert_private(questions)
    assert questions.get_json()["meta"]["total"] == 2
    assert get_json(client, "/v1/sources", auth)["meta"]["total"] == 2
    assert len(ids_in(client, "/v1/questions?article=hidden-story", auth)) == 1
    assert len(ids_in(client, "/v1/sources?article=hidden-story", auth)) == 1
    listed = client.get("/v1/articles", headers=auth)
    assert_private(listed)


def test_the_public_and_editor_views_have_different_etags(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    created(client, auth, "/v1/articles", hidden_body("draft"))
    public = client.get("/v1/articles")
    keyed = client.get("/v1/articles", headers=auth)
    assert public.headers["ETag"] != keyed.headers["ETag"]
    # The public ETag never validates the editor's view and vice versa.
    again = client.get("/v1/articles", headers={**auth, "If-None-Match": public.headers["ETag"]})
    assert again.status_code == 200


def test_a_draft_issue_is_hidden(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    draft = created(client, auth, "/v1/issues", {"number": 2, "title": "Draft", "slug": "draft"})
    assert draft["status"] == "draft"
    # Even with a published article in it, the issue itself stays a draft.
    created(client, auth, "/v1/articles", article_body("in-draft", "in", issue_id=draft["id"]))
    assert_like_unknown(client, "/v1/issues/draft", "/v1/issues/never-existed")
    assert_like_unknown(client, f"/v1/issues/{draft['id']}", "/v1/issues/987654")
    assert_like_unknown(client, "/v1/issues/draft/bundle", "/v1/issues/never-existed/bundle")
    assert slugs_in(client, "/v1/issues") == ["issue-1"]
    assert sorted(slugs_in(client, "/v1/issues", auth)) == ["draft", "issue-1"]
    response = client.get("/v1/issues/draft", headers=auth)
    assert response.status_code == 200
    assert_private(response)


# Scheduled content appears when its time comes ---------------------------------------------


def test_scheduled_article_appears_once_its_time_passes(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    body = article_body("later-story", "ocelot", status="scheduled")
    body["published_at"] = "2030-01-01T00:00:00Z"
    data = created(client, auth, "/v1/articles", body)
    assert data["status"] == "scheduled"
    assert data["published_at"] == "2030-01-01T00:00:00Z"
    with clock_at("2029-12-31T23:59:59Z"):
        assert_problem(client.get("/v1/articles/later-story"), 404)
        assert slugs_in(client, "/v1/articles") == ["visible-story"]
        assert slugs_in(client, "/v1/articles?q=ocelot") == []
        before_list = client.get("/v1/articles")
        bundle = get_json(client, "/v1/issues/issue-1/bundle")["data"]
        assert [a["slug"] for a in bundle["articles"]] == ["visible-story"]
        assert get_json(client, "/v1/questions")["meta"]["total"] == 1
        assert get_json(client, "/v1/articles/later-story", auth)["data"]["status"] == "scheduled"
    with clock_at("2030-01-01T00:00:00Z"):
        response = client.get("/v1/articles/later-story")
        assert response.status_code == 200
        assert response.get_json()["data"]["status"] == "published"
        assert response.headers["Cache-Control"].startswith("public")
        both = ["later-story", "visible-story"]
        assert sorted(slugs_in(client, "/v1/articles")) == both
        assert slugs_in(client, "/v1/articles?q=ocelot") == ["later-story"]
        assert sorted(slugs_in(client, "/v1/articles?term=sanctions")) == both
        bundle = get_json(client, "/v1/issues/issue-1/bundle")["data"]
        assert sorted(a["slug"] for a in bundle["articles"]) == both
        assert get_json(client, "/v1/questions")["meta"]["total"] == 2
        assert get_json(client, "/v1/sources")["meta"]["total"] == 2
        term = get_json(client, "/v1/glossary/sanctions")["data"]
        assert sorted(a["slug"] for a in term["articles"]) == both
        # A cache revalidating the old list does not get a 304.
        revalidated = client.get(
            "/v1/articles", headers={"If-None-Match": before_list.headers["ETag"]}
        )
        assert revalidated.status_code == 200
    with clock_at("2031-06-01T00:00:00Z"):
        assert client.get("/v1/articles/later-story").status_code == 200


def test_scheduling_in_the_past_is_refused(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    body = article_body("late", "late", status="scheduled", published_at="2020-01-01T00:00:00Z")
    assert_problem(client.post("/v1/articles", json=body, headers=auth), 422, "published_at")


# Publishing ---------------------------------------------------------------------------------


def test_publishing_a_draft_stamps_the_moment(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    body = article_body("to-publish", "marmot", status="draft", published_at=None)
    data = created(client, auth, "/v1/articles", body)
    assert data["status"] == "draft"
    assert data["published_at"] is None
    url = "/v1/articles/to-publish"
    tag = client.get(url, headers=auth).headers["ETag"]
    with clock_at("2026-01-02T03:04:05Z"):
        response = client.patch(
            url, json={"status": "published"}, headers={**auth, "If-Match": tag}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        published = response.get_json()["data"]
        assert published["status"] == "published"
        assert published["published_at"] == "2026-01-02T03:04:05Z"
        public = client.get(url)
        assert public.status_code == 200
        assert public.get_json()["data"]["published_at"] == "2026-01-02T03:04:05Z"
    assert slugs_in(client, "/v1/articles") == ["to-publish"]
    assert slugs_in(client, "/v1/articles?q=marmot") == ["to-publish"]


def test_publishing_keeps_a_given_published_at(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    body = article_body("dated", "dated", status="draft", published_at="2024-05-05T05:05:05Z")
    created(client, auth, "/v1/articles", body)
    url = "/v1/articles/dated"
    tag = client.get(url, headers=auth).headers["ETag"]
    response = client.patch(url, json={"status": "published"}, headers={**auth, "If-Match": tag})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["published_at"] == "2024-05-05T05:05:05Z"
    assert client.get(url).status_code == 200


def test_publishing_needs_the_current_if_match(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    created(client, auth, "/v1/articles", article_body("p", "p", status="draft"))
    url = "/v1/articles/p"
    assert_problem(client.patch(url, json={"status": "published"}, headers=auth), 428)
    assert_problem(
        client.patch(url, json={"status": "published"}, headers={**auth, "If-Match": '"stale"'}),
        412,
    )
    assert client.get(url).status_code == 404
    assert get_json(client, url, auth)["data"]["status"] == "draft"


def test_unpublishing_hides_the_article_again(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    url = "/v1/articles/visible-story"
    tag = client.get(url, headers=auth).headers["ETag"]
    response = client.patch(url, json={"status": "draft"}, headers={**auth, "If-Match": tag})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_problem(client.get(url), 404)
    assert slugs_in(client, "/v1/articles") == []
    assert slugs_in(client, "/v1/articles?q=pangolin") == []


def test_publishing_an_issue(client: FlaskClient, auth: dict[str, str]) -> None:
    third = created(client, auth, "/v1/issues", {"number": 3, "title": "Third", "slug": "third"})
    created(client, auth, "/v1/articles", article_body("in-third", "in", issue_id=third["id"]))
    url = "/v1/issues/third"
    assert client.get(url).status_code == 404
    tag = client.get(url, headers=auth).headers["ETag"]
    response = client.patch(url, json={"status": "published"}, headers={**auth, "If-Match": tag})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["status"] == "published"
    assert client.get(url).status_code == 200


# Soft delete: gone everywhere ------------------------------------------------------------------


def test_a_deleted_article_is_gone_everywhere(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    other = created(client, auth, "/v1/articles", article_body("other-story", "wombat"))
    question = get_json(client, "/v1/articles/visible-story/questions")["data"][0]
    source = get_json(client, "/v1/articles/visible-story/sources")["data"][0]
    url = "/v1/articles/visible-story"
    tag = client.get(url, headers=auth).headers["ETag"]
    response = client.delete(url, headers={**auth, "If-Match": tag})
    assert response.status_code == 204
    assert response.get_data() == b""
    for headers in ({}, auth):
        for gone in (
            url,
            f"/v1/articles/{visible['id']}",
            f"{url}/sections",
            f"{url}/questions",
            f"{url}/sources",
            f"{url}/glossary",
            f"/v1/questions/{question['id']}",
            f"/v1/sources/{source['id']}",
        ):
            assert_problem(client.get(gone, headers=headers), 404)
        assert slugs_in(client, "/v1/articles", headers) == ["other-story"]
        assert slugs_in(client, "/v1/articles?q=pangolin", headers) == []
        assert slugs_in(client, "/v1/articles?term=sanctions", headers) == ["other-story"]
        term = get_json(client, "/v1/glossary/sanctions", headers)["data"]
        assert [a["slug"] for a in term["articles"]] == ["other-story"]
        assert term["article_count"] == 1
        assert slugs_in(client, "/v1/glossary?article=visible-story", headers) == []
        bundle = get_json(client, "/v1/issues/issue-1/bundle", headers)["data"]
        assert [a["slug"] for a in bundle["articles"]] == ["other-story"]
        assert "pangolin" not in json.dumps(bundle)
        issue = get_json(client, "/v1/issues/issue-1", headers)["data"]
        assert [a["slug"] for a in issue["articles"]] == ["other-story"]
        assert issue["article_count"] == 1
        questions = get_json(client, "/v1/questions", headers)
        assert [q["article_id"] for q in questions["data"]] == [other["id"]]
        assert questions["meta"]["total"] == 1
        sources = get_json(client, "/v1/sources", headers)
        assert [s["article_id"] for s in sources["data"]] == [other["id"]]
        assert sources["meta"]["total"] == 1
    # Writes to it are 404 as well.
    assert_problem(
        client.patch(url, json={"title": "Back?"}, headers={**auth, "If-Match": "*"}), 404
    )
    assert_problem(client.delete(url, headers={**auth, "If-Match": "*"}), 404)


def test_a_term_used_only_by_a_deleted_article_is_gone(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    created(client, auth, "/v1/articles", hidden_body("draft") | {"status": "published"})
    assert "secret-term" in slugs_in(client, "/v1/glossary")
    url = "/v1/articles/hidden-story"
    assert client.delete(url, headers={**auth, "If-Match": "*"}).status_code == 204
    for headers in ({}, auth):
        assert_problem(client.get("/v1/glossary/secret-term", headers=headers), 404)
        assert slugs_in(client, "/v1/glossary", headers) == ["sanctions"]


def test_a_deleted_issue_is_gone(client: FlaskClient, auth: dict[str, str]) -> None:
    created(client, auth, "/v1/issues", {"number": 4, "title": "Fourth", "status": "published"})
    url = "/v1/issues/issue-4"
    assert client.delete(url, headers={**auth, "If-Match": "*"}).status_code == 204
    for headers in ({}, auth):
        assert_problem(client.get(url, headers=headers), 404)
        assert_problem(client.get(f"{url}/bundle", headers=headers), 404)
        assert slugs_in(client, "/v1/issues", headers) == []


def test_an_issue_with_articles_cannot_be_deleted(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    response = client.delete("/v1/issues/issue-1", headers={**auth, "If-Match": "*"})
    assert_problem(response, 409)
    assert client.get("/v1/issues/issue-1").status_code == 200
    assert client.get("/v1/articles/visible-story").status_code == 200


# Imports over HTTP ------------------------------------------------------------------------------


def small_document(
    slug: str, *, issue: str = "1", status: str | None = None, lede: str = ""
) -> str:
    front = [f"slug: {slug}", f"issue: {issue}", "published_at: 2024-06-19T00:00:00Z"]
    if status:
        front.append(f"status: {status}")
    lede = lede or "The lede of this small imported article explains what happened in a sentence."
    return "\n".join(
        [
            "---",
            *front,
            "---",
            f"Small Import {slug.title()}",
            lede,
            "What Happened",
            "A paragraph of body text that tells the story in plain words, long enough to count.",
            "Key Terms and Concepts",
            "- Sanctions: Penalties imposed by states.",
            "Debate/Essay Questions",
            "- Are sanctions effective?",
            "",
        ]
    )


def assert_import_answer(client: FlaskClient, auth: dict[str, str], response: Any) -> Any:
    body = response.get_json()
    assert set(body) == {"data", "meta"}
    data = body["data"]
    assert response.headers["Location"] == data["url"]
    again = client.get(f"/v1/articles/{data['slug']}", headers=auth)
    assert again.status_code == 200
    assert again.get_json() == {"data": data}
    assert response.headers["ETag"] == again.headers["ETag"]
    warnings = body["meta"]["warnings"]
    assert isinstance(warnings, list)
    for warning in warnings:
        assert set(warning) == {"line", "message"}
        assert isinstance(warning["line"], int) and warning["line"] >= 0
        assert isinstance(warning["message"], str) and warning["message"]
    return body


def test_import_a_text_body_creates_a_draft(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    response = client.post(
        "/v1/imports", data=small_document("one"), content_type="text/plain", headers=auth
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = assert_import_answer(client, auth, response)
    assert body["data"]["slug"] == "one"
    assert body["data"]["status"] == "draft"
    assert body["data"]["issue_id"] == issue["id"]
    assert_problem(client.get("/v1/articles/one"), 404)
    full = get_json(client, f"/v1/articles/one{ALL_PARTS}", auth)["data"]
    assert [s["heading"] for s in full["sections"]] == ["What Happened"]
    assert [t["term"] for t in full["glossary"]] == ["Sanctions"]
    assert [q["text"] for q in full["questions"]] == ["Are sanctions effective?"]


def test_reimporting_updates_with_200(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    first = client.post(
        "/v1/imports", data=small_document("one"), content_type="text/plain", headers=auth
    )
    assert first.status_code == 201
    new_lede = "An edited lede for the small imported article, which now says something else."
    second = client.post(
        "/v1/imports",
        data=small_document("one", lede=new_lede),
        content_type="text/plain",
        headers=auth,
    )
    assert second.status_code == 200, second.get_data(as_text=True)
    body = assert_import_answer(client, auth, second)
    assert body["data"]["id"] == first.get_json()["data"]["id"]
    assert body["data"]["lede"] == new_lede
    assert get_json(client, "/v1/articles", auth)["meta"]["total"] == 1


def test_import_a_multipart_file(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    data = {"file": (io.BytesIO(small_document("two").encode()), "two.txt", "text/plain")}
    response = client.post(
        "/v1/imports", data=data, content_type="multipart/form-data", headers=auth
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = assert_import_answer(client, auth, response)
    assert body["data"]["slug"] == "two"
    assert body["data"]["status"] == "draft"


def test_import_the_seed_document_reports_warnings(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    response = client.post(
        "/v1/imports",
        data=SEED_DOCUMENT.read_bytes(),
        content_type="text/plain; charset=utf-8",
        headers=auth,
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = assert_import_answer(client, auth, response)
    assert body["data"]["status"] == "draft"
    assert body["data"]["published_at"] == "2024-06-19T00:00:00Z"
    warnings = body["meta"]["warnings"]
    assert warnings and any(w["line"] > 1 for w in warnings)
    full = get_json(client, f"/v1/articles/{body['data']['slug']}{ALL_PARTS}", auth)["data"]
    assert len(full["glossary"]) == 5
    assert len(full["questions"]) == 2
    assert [s["url"] for s in full["sources"]] == [
        "https://www.nytimes.com/2024/06/19/world/asia/putin-meets-kim-north-korea.html"
    ]


def test_import_published_when_the_front_matter_says_so(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    response = client.post(
        "/v1/imports",
        data=small_document("three", status="published"),
        content_type="text/plain",
        headers=auth,
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["data"]["status"] == "published"
    assert client.get("/v1/articles/three").status_code == 200


def _dry_run_keys(app: Flask) -> set[str]:
    result = app.test_cli_runner().invoke(args=["seed", "--dry-run", "--json", str(SEED_DOCUMENT)])
    assert result.exit_code == 0, result.output
    first = next(line for line in result.output.splitlines() if line.startswith("{"))
    return set(json.loads(first))


@pytest.mark.parametrize("mode", ["text", "multipart"])
def test_import_dry_run_writes_nothing(
    editor_app: Flask, client: FlaskClient, auth: dict[str, str], mode: str
) -> None:
    raw = SEED_DOCUMENT.read_bytes()
    if mode == "text":
        response = client.post(
            "/v1/imports?dry_run=true", data=raw, content_type="text/plain", headers=auth
        )
    else:
        response = client.post(
            "/v1/imports?dry_run=true",
            data={"file": (io.BytesIO(raw), "seed.txt", "text/plain")},
            content_type="multipart/form-data",
            headers=auth,
        )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"data"}
    data = body["data"]
    assert set(data) == _dry_run_keys(editor_app)
    assert data.get("warnings")
    assert data["lede"].startswith("On June 19, 2024")
    assert len(data["glossary"]) == 5
    assert "Location" not in response.headers
    for headers in ({}, auth):
        assert get_json(client, "/v1/articles", headers)["meta"]["total"] == 0
        assert get_json(client, "/v1/glossary", headers)["meta"]["total"] == 0
        assert get_json(client, "/v1/issues", headers)["meta"]["total"] == 0


def test_import_dry_run_of_an_existing_article_changes_nothing(
    client: FlaskClient, auth: dict[str, str], issue: dict[str, Any]
) -> None:
    client.post("/v1/imports", data=small_document("one"), content_type="text/plain", headers=auth)
    before = get_json(client, f"/v1/articles/one{ALL_PARTS}", auth)
    new_lede = "A dry-run lede that must never be stored in the database at all, not even once."
    response = client.post(
        "/v1/imports?dry_run=true",
        data=small_document("one", lede=new_lede),
        content_type="text/plain",
        headers=auth,
    )
    assert response.status_code == 200
    assert response.get_json()["data"]["lede"] == new_lede
    assert get_json(client, f"/v1/articles/one{ALL_PARTS}", auth) == before


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("---\ntitle: [\n---\nHello there.\n", 2),
        ("---\nstatus: nope\n---\nA lede that is long enough to be a lede, surely.\n", 2),
    ],
)
def test_an_unreadable_document_is_422_naming_the_line(
    client: FlaskClient, auth: dict[str, str], text: str, line: int
) -> None:
    for dry_run in ("", "?dry_run=true"):
        response = client.post(
            f"/v1/imports{dry_run}", data=text, content_type="text/plain", headers=auth
        )
        body = assert_problem(response, 422)
        assert f"line {line}" in body["detail"], body
    assert get_json(client, "/v1/articles", auth)["meta"]["total"] == 0


def test_a_multipart_form_without_the_file_is_422(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    response = client.post(
        "/v1/imports",
        data={"document": (io.BytesIO(b"x"), "x.txt")},
        content_type="multipart/form-data",
        headers=auth,
    )
    assert_problem(response, 422, "file")


def test_import_with_a_bad_dry_run_value_is_400(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post(
        "/v1/imports?dry_run=maybe",
        data=small_document("x"),
        content_type="text/plain",
        headers=auth,
    )
    assert_problem(response, 400, "dry_run")
    assert get_json(client, "/v1/articles", auth)["meta"]["total"] == 0


def test_import_needs_an_editor(editor_app: Flask, client: FlaskClient) -> None:
    text = small_document("x")
    response = client.post("/v1/imports", data=text, content_type="text/plain")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    reader = bearer(make_key(editor_app, role="reader", name="r"))
    assert_problem(
        client.post("/v1/imports", data=text, content_type="text/plain", headers=reader), 403
    )


def test_import_of_a_slug_taken_by_another_article(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    """An import names its article by slug: importing onto an existing slug updates it."""
    response = client.post(
        "/v1/imports",
        data=small_document("visible-story"),
        content_type="text/plain",
        headers=auth,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["id"] == visible["id"]


# Regression: a second import naming only the issue number keeps the issue's slug and title ----


def test_a_second_import_keeps_the_issues_custom_slug_and_title(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    first = small_document("first", issue='{number: 1, title: "Custom", slug: custom}')
    response = client.post("/v1/imports", data=first, content_type="text/plain", headers=auth)
    assert response.status_code == 201, response.get_data(as_text=True)
    issue = get_json(client, "/v1/issues/custom", auth)["data"]
    assert (issue["number"], issue["title"], issue["slug"]) == (1, "Custom", "custom")
    response = client.post(
        "/v1/imports", data=small_document("second"), content_type="text/plain", headers=auth
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["data"]["issue_id"] == issue["id"]
    after = get_json(client, "/v1/issues/custom", auth)["data"]
    assert (after["number"], after["title"], after["slug"]) == (1, "Custom", "custom")
    assert after["id"] == issue["id"]
    assert sorted(a["slug"] for a in after["articles"]) == ["first", "second"]
    assert get_json(client, f"/v1/issues/{issue['id']}", auth)["data"]["slug"] == "custom"
    assert [i["slug"] for i in get_json(client, "/v1/issues", auth)["data"]] == ["custom"]
    assert client.get("/v1/issues/issue-1", headers=auth).status_code == 404


def test_a_draft_issue_is_never_the_latest(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    draft = created(client, auth, "/v1/issues", {"number": 9, "title": "Next", "slug": "next"})
    created(client, auth, "/v1/articles", article_body("in-next", "in", issue_id=draft["id"]))
    assert get_json(client, "/v1/issues/latest")["data"]["slug"] == "issue-1"
    assert get_json(client, "/v1/issues/latest/bundle")["data"]["slug"] == "issue-1"


def test_a_scheduled_issue_appears_on_its_day(
    client: FlaskClient, auth: dict[str, str], visible: dict[str, Any]
) -> None:
    later = created(
        client,
        auth,
        "/v1/issues",
        {"number": 2, "title": "Later", "slug": "later", "status": "scheduled",
         "published_on": "2030-01-01"},
    )  # fmt: skip
    assert later["status"] == "scheduled"
    created(client, auth, "/v1/articles", article_body("in-later", "in", issue_id=later["id"]))
    with clock_at("2029-12-31T23:59:59Z"):
        assert_like_unknown(client, "/v1/issues/later", "/v1/issues/never-existed")
        assert slugs_in(client, "/v1/issues") == ["issue-1"]
        assert get_json(client, "/v1/issues/latest")["data"]["slug"] == "issue-1"
    with clock_at("2030-01-01T00:00:00Z"):
        issue = get_json(client, "/v1/issues/later")["data"]
        assert issue["status"] == "published"
        assert sorted(slugs_in(client, "/v1/issues")) == ["issue-1", "later"]
        assert get_json(client, "/v1/issues/latest")["data"]["slug"] == "later"
