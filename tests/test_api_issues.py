"""Newsletter issues: list, sorts, latest, detail, the offline bundle and its content hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from api.db import Database
from api.importer.document import IssueRef
from api.importer.write import write_document
from tests.factories import make_document
from tests.helpers import (
    BASE_URL,
    CONTENT_HASH,
    SEED_DIR,
    SEED_FILE,
    SEED_HEADINGS,
    SEED_ISSUE_TITLE,
    SEED_QUESTIONS,
    SEED_SLUG,
    SEED_TERMS,
    SEED_TITLE,
    TERM_PAGES,
    BuildApi,
    assert_problem,
    assert_rejects,
    links,
    ok,
    run_seed,
    walk,
)


def _issues_dataset(db: Database) -> None:
    """Issue 1 (two articles, one draft), issue 2 (three articles), issue 3 (one)."""
    first = IssueRef(number=1, title="First edition", slug="first", published_on="2024-01-05")
    second = IssueRef(number=2, title="Second edition", slug="second", published_on="2024-01-19")
    third = IssueRef(number=3, title="Third edition", slug="third", published_on="2024-02-02")
    for n, ref, slug, status in [
        (1, first, "one-a", "published"),
        (2, first, "one-draft", "draft"),
        (3, first, "one-b", "published"),
        (4, second, "two-a", "published"),
        (5, second, "two-b", "published"),
        (6, second, "two-c", "published"),
        (7, third, "three-a", "published"),
    ]:
        document = make_document(n, slug=slug, status=status, published_at="2024-01-01T00:00:00Z")
        document.issue = ref
        write_document(db, document)


def _future_issue(db: Database) -> None:
    """Issue 1 published; issue 2's only article is scheduled for later."""
    write_document(
        db, make_document(1, slug="current", issue=1, published_at="2024-05-01T00:00:00Z")
    )
    write_document(
        db,
        make_document(
            2,
            slug="next-week",
            issue=2,
            status="scheduled",
            published_at="2999-01-01T00:00:00Z",
        ),
    )


@pytest.fixture(scope="module")
def issues_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_issues_dataset)


@pytest.fixture(scope="module")
def future_issue_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_future_issue)


def bundle(client: FlaskClient, ref: str = "issue-1", query: str = "") -> dict[str, Any]:
    return ok(client, f"/v1/issues/{ref}/bundle{query}")["data"]


# The seed issue --------------------------------------------------------------------------


def test_seed_issue_list(seed_api: FlaskClient) -> None:
    body = ok(seed_api, "/v1/issues")
    assert body["meta"] == {"total": 1, "limit": 20, "next_cursor": None}
    issue = body["data"][0]
    assert issue["number"] == 1
    assert issue["slug"] == "issue-1"
    assert issue["title"] == SEED_ISSUE_TITLE
    assert issue["published_on"] == "2024-06-19"
    assert issue["status"] == "published"
    assert issue["article_count"] == 1
    assert issue["url"] == f"{BASE_URL}/v1/issues/issue-1"


def test_seed_issue_detail_by_slug_and_id(seed_api: FlaskClient) -> None:
    by_slug = ok(seed_api, "/v1/issues/issue-1")["data"]
    assert by_slug["number"] == 1
    assert [a["slug"] for a in by_slug["articles"]] == [SEED_SLUG]
    article = by_slug["articles"][0]
    assert article["title"] == SEED_TITLE
    assert article["issue_id"] == by_slug["id"]
    assert article["published_at"] == "2024-06-19T00:00:00Z"
    assert ok(seed_api, f"/v1/issues/{by_slug['id']}")["data"] == by_slug


def test_seed_latest_issue(seed_api: FlaskClient) -> None:
    latest = ok(seed_api, "/v1/issues/latest")["data"]
    assert latest == ok(seed_api, "/v1/issues/issue-1")["data"]


def test_seed_bundle_contains_the_whole_edition(seed_api: FlaskClient) -> None:
    data = bundle(seed_api)
    assert data["number"] == 1 and data["slug"] == "issue-1"
    assert data["title"] == SEED_ISSUE_TITLE
    assert CONTENT_HASH.match(data["content_hash"]), data["content_hash"]
    [article] = data["articles"]
    assert article["slug"] == SEED_SLUG
    assert [s["heading"] for s in article["sections"]] == SEED_HEADINGS
    assert [s.get("number") for s in article["sections"]] == [None] * 5 + [1, 2, 3, 4, 5]
    assert article["sections"][0]["paragraphs"][0].startswith("The new agreement includes")
    assert article["sections"][5]["items"][0]["label"] == "Cold War and Soviet Support"
    assert [t["term"] for t in article["glossary"]] == SEED_TERMS
    assert [q["text"] for q in article["questions"]] == SEED_QUESTIONS
    [source] = article["sources"]
    assert source["domain"] == "nytimes.com"
    assert source["publisher"] == "The New York Times"
    assert source["published_on"] == "2024-06-19"
    # The bundle serves what the article endpoints serve.
    full = ok(seed_api, f"/v1/articles/{SEED_SLUG}?include=sections,glossary,questions,sources")
    for name in ("sections", "glossary", "questions", "sources", "lede", "title"):
        assert article[name] == full["data"][name], name


def test_seed_bundle_hash_is_stable_across_calls(seed_api: FlaskClient) -> None:
    first, second = bundle(seed_api), bundle(seed_api)
    assert first["content_hash"] == second["content_hash"]
    assert first == second


def test_seed_bundle_in_html(seed_api: FlaskClient) -> None:
    data = bundle(seed_api, query="?format=html")
    paragraph = data["articles"][0]["sections"][1]["paragraphs"][0]
    assert f"{TERM_PAGES}cold-war" in [href for href, _ in links(paragraph)]
    assert data["content_hash"] != bundle(seed_api)["content_hash"]


def test_bundle_hash_changes_when_the_content_changes(
    client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    run_seed(runner, SEED_DIR)
    before = bundle(client)
    # Re-seeding the unchanged file changes nothing.
    run_seed(runner, SEED_FILE)
    assert bundle(client)["content_hash"] == before["content_hash"]
    edited = tmp_path / SEED_FILE.name
    text = SEED_FILE.read_text(encoding="utf-8")
    assert "marked by grand ceremonies" in text
    edited.write_text(text.replace("grand ceremonies", "grand parades"), encoding="utf-8")
    run_seed(runner, edited)
    after = bundle(client)
    assert CONTENT_HASH.match(after["content_hash"])
    assert after["content_hash"] != before["content_hash"]
    [article] = after["articles"]
    assert article["id"] == before["articles"][0]["id"]
    ceremony = article["sections"][3]["paragraphs"][0]
    assert "marked by grand parades." in ceremony
    assert bundle(client)["content_hash"] == after["content_hash"]


def test_bundle_hash_changes_when_an_article_joins_the_issue(
    client: FlaskClient, db: Database
) -> None:
    write_document(db, make_document(1, issue=4))
    before = bundle(client, "issue-4")
    write_document(db, make_document(2, issue=4))
    after = bundle(client, "issue-4")
    assert [a["slug"] for a in after["articles"]] == [
        "generated-article-0001",
        "generated-article-0002",
    ]
    assert after["content_hash"] != before["content_hash"]


def test_issue_last_modified_follows_its_articles(client: FlaskClient, db: Database) -> None:
    """If-Modified-Since must not answer 304 for an edition whose article was edited since."""
    write_document(db, make_document(1, slug="story", paragraphs=["First wording."]))
    with db.conn:
        old = "'2024-01-01T00:00:00Z'"
        db.execute(f"UPDATE articles SET updated_at = {old}, published_at = {old}")
        db.execute(f"UPDATE issues SET updated_at = {old}")
    urls = ["/v1/issues/issue-1/bundle", "/v1/issues/issue-1", "/v1/issues/latest"]
    stamps = {url: client.get(url).headers["Last-Modified"] for url in urls}
    assert set(stamps.values()) == {"Mon, 01 Jan 2024 00:00:00 GMT"}
    write_document(db, make_document(1, slug="story", lede="New lede.", paragraphs=["Second."]))
    stale = [
        url
        for url in urls
        if client.get(url, headers={"If-Modified-Since": stamps[url]}).status_code != 200
    ]
    assert stale == []
    assert bundle(client)["articles"][0]["sections"][0]["paragraphs"] == ["Second."]


# Targeted issues -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["third", "second", "first"]),
        ("-published_on", ["third", "second", "first"]),
        ("published_on", ["first", "second", "third"]),
        ("number", ["first", "second", "third"]),
        ("-number", ["third", "second", "first"]),
    ],
)
def test_issue_sorts(issues_api: FlaskClient, sort: str | None, expected: list[str]) -> None:
    body = ok(issues_api, "/v1/issues" + (f"?sort={sort}" if sort else ""))
    assert [i["slug"] for i in body["data"]] == expected
    assert body["meta"]["total"] == 3


def test_issue_values_from_front_matter(issues_api: FlaskClient) -> None:
    issue = ok(issues_api, "/v1/issues/second")["data"]
    assert issue["number"] == 2
    assert issue["title"] == "Second edition"
    assert issue["published_on"] == "2024-01-19"
    assert issue["article_count"] == 3
    assert [a["slug"] for a in issue["articles"]] == ["two-a", "two-b", "two-c"]


def test_issue_articles_exclude_drafts(issues_api: FlaskClient) -> None:
    issue = ok(issues_api, "/v1/issues/first")["data"]
    assert [a["slug"] for a in issue["articles"]] == ["one-a", "one-b"]
    assert issue["article_count"] == 2
    listed = {i["slug"]: i for i in ok(issues_api, "/v1/issues")["data"]}
    assert listed["first"]["article_count"] == 2
    data = bundle(issues_api, "first")
    assert [a["slug"] for a in data["articles"]] == ["one-a", "one-b"]
    assert "Question 2:" not in str(data)


def test_latest_issue_is_the_newest(issues_api: FlaskClient) -> None:
    latest = ok(issues_api, "/v1/issues/latest")["data"]
    assert latest["slug"] == "third"
    assert [a["slug"] for a in latest["articles"]] == ["three-a"]


def test_issue_fields(issues_api: FlaskClient) -> None:
    body = ok(issues_api, "/v1/issues?fields=number,slug&sort=number")
    assert body["data"] == [
        {"number": 1, "slug": "first"},
        {"number": 2, "slug": "second"},
        {"number": 3, "slug": "third"},
    ]
    detail = ok(issues_api, "/v1/issues/third?fields=title,articles")["data"]
    assert set(detail) == {"title", "articles"}
    assert [a["slug"] for a in detail["articles"]] == ["three-a"]
    latest = ok(issues_api, "/v1/issues/latest?fields=number")["data"]
    assert latest == {"number": 3}


@pytest.mark.parametrize(
    ("url", "param", "allowed"),
    [
        ("/v1/issues?sort=title", "sort", "number"),
        ("/v1/issues/first/bundle?format=pdf", "format", "markdown"),
        ("/v1/issues/first/bundle?include=sections", "include", "format"),
        ("/v1/issues?status=draft", "status", "limit"),
    ],
)
def test_issue_bad_parameters_are_400(
    issues_api: FlaskClient, url: str, param: str, allowed: str
) -> None:
    assert_rejects(issues_api, url, param, allowed)


def test_latest_issue_breaks_a_date_tie_by_the_higher_number(
    client: FlaskClient, db: Database
) -> None:
    # Written 1, 3, 2, then an older 4: the newest edition is neither the first row nor the
    # last, nor the highest number.
    for n, number, published_on in [
        (1, 1, "2024-03-01"),
        (2, 3, "2024-03-01"),
        (3, 2, "2024-03-01"),
        (4, 4, "2024-02-01"),
    ]:
        document = make_document(n, published_at="2024-01-01T00:00:00Z")
        document.issue = IssueRef(number=number, published_on=published_on)
        write_document(db, document)
    latest = ok(client, "/v1/issues/latest")["data"]
    assert (latest["number"], latest["published_on"]) == (3, "2024-03-01")


def test_an_article_moved_to_another_issue_goes_to_its_end(
    client: FlaskClient, db: Database
) -> None:
    for n, slug, issue in [(1, "a", 1), (2, "b", 1), (3, "c", 2), (4, "d", 2)]:
        write_document(db, make_document(n, slug=slug, issue=issue))
    write_document(db, make_document(1, slug="a", issue=2))

    def order(ref: str) -> list[str]:
        return [a["slug"] for a in ok(client, f"/v1/issues/{ref}")["data"]["articles"]]

    assert order("issue-2") == ["c", "d", "a"]
    assert order("issue-1") == ["b"]
    assert [a["slug"] for a in bundle(client, "issue-2")["articles"]] == ["c", "d", "a"]


def test_no_latest_issue_on_an_empty_database(client: FlaskClient) -> None:
    assert_problem(client.get("/v1/issues/latest"), 404)
    body = ok(client, "/v1/issues")
    assert body["data"] == [] and body["meta"]["total"] == 0


def test_latest_issue_skips_an_issue_with_nothing_published_yet(
    future_issue_api: FlaskClient,
) -> None:
    """An edition whose only article is scheduled for later is not the latest edition."""
    latest = ok(future_issue_api, "/v1/issues/latest")["data"]
    assert latest["slug"] == "issue-1"
    assert [a["slug"] for a in latest["articles"]] == ["current"]


def test_issue_list_hides_an_issue_with_nothing_published_yet(
    future_issue_api: FlaskClient,
) -> None:
    body = ok(future_issue_api, "/v1/issues")
    assert [i["slug"] for i in body["data"]] == ["issue-1"]
    assert body["meta"]["total"] == 1


# Pagination --------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", [None, "number", "-number", "published_on", "-published_on"])
def test_issues_paginate_to_the_end(many_api: FlaskClient, sort: str | None) -> None:
    items, total = walk(many_api, "/v1/issues?limit=2" + (f"&sort={sort}" if sort else ""))
    assert total == 5
    assert sorted(i["number"] for i in items) == [1, 2, 3, 4, 5]
    assert all(i["article_count"] == 60 for i in items)
    key = (sort or "-published_on").lstrip("-")
    values = [i[key] for i in items]
    assert values == sorted(values, reverse=(sort or "-").startswith("-"))


def test_many_bundle_holds_every_article_of_the_issue(many_api: FlaskClient) -> None:
    data = bundle(many_api, "issue-2")
    assert len(data["articles"]) == 60
    assert all(a["issue_id"] == data["id"] for a in data["articles"])
    assert all(len(a["sections"]) == 2 and len(a["questions"]) == 1 for a in data["articles"])
