"""Hostile text, the docs page, security headers and what an internal error tells a client.

Hostile text goes in through the editors' API, into every human-text field there is, and
is read back in every format from every endpoint that shows it. The rule (openapi.yaml,
"Text formats"): under format=html every human-text field is HTML text content with no
markup but ours; under markdown it is escaped Markdown; under text, and on operations that
take no `format`, it is exactly what the editor wrote.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AppFactory, assert_problem, bearer, make_key

HOSTILE = 'Test <b>bold</b> <script>alert(1)</script> "><img src=x onerror=alert(1)> &amp; end'
# Each human-text field gets its own marker, so a field that comes back raw is named.
FIELDS = (
    "issue-title",
    "title",
    "lede",
    "heading",
    "paragraph",
    "background-heading",
    "label",
    "item-text",
    "term",
    "definition",
    "question",
)
OUR_MARKUP = re.compile(r'</?(?:dfn|mark)\b[^>]*>|<a class="glossary-term" [^>]*>|</a>')
FORMATS = ("text", "html", "markdown")


def hostile(name: str) -> str:
    return f"{name}: {HOSTILE}"


@pytest.fixture(scope="module")
def hostile_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    from tests.conftest import make_app

    app = make_app(tmp_path_factory.mktemp("hostile") / "t.db", WRITE_RATE_LIMIT="1000/minute")
    client = app.test_client()
    auth = bearer(make_key(app))
    issue = client.post(
        "/v1/issues",
        json={
            "number": 7,
            "title": hostile("issue-title"),
            "slug": "issue-7",
            "status": "published",
            "published_on": "2024-06-19",
        },
        headers=auth,
    )
    assert issue.status_code == 201, issue.get_data(as_text=True)
    article = client.post(
        "/v1/articles",
        json={
            "title": hostile("title"),
            "lede": hostile("lede"),
            "slug": "hostile",
            "status": "published",
            "published_at": "2024-06-19T08:00:00Z",
            "issue_id": issue.get_json()["data"]["id"],
            "sections": [
                {
                    "kind": "body",
                    "heading": hostile("heading"),
                    "paragraphs": [hostile("paragraph")],
                },
                {
                    "kind": "background",
                    "heading": hostile("background-heading"),
                    "items": [{"label": hostile("label"), "text": hostile("item-text")}],
                },
            ],
            "glossary": [{"term": hostile("term"), "definition": hostile("definition")}],
            "questions": [{"text": hostile("question"), "kinds": ["debate"]}],
            "sources": [{"url": "https://www.example.com/2024/06/19/story.html"}],
        },
        headers=auth,
    )
    assert article.status_code == 201, article.get_data(as_text=True)
    yield client


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def human_texts(body: Any) -> dict[str, str]:
    """Every string of the answer that carries one of our markers, by marker."""
    found: dict[str, str] = {}
    for text in strings(body):
        for name in FIELDS:
            if text.startswith(f"{name}: ") or f">{name}: " in text:
                found.setdefault(name, text)
    return found


def assert_in_format(fmt: str, texts: dict[str, str]) -> None:
    for name, text in texts.items():
        without_ours = OUR_MARKUP.sub("", text)
        if fmt == "html":
            assert "<" not in without_ours and ">" not in without_ours, (name, text)
            assert html.unescape(without_ours) == hostile(name), (name, text)
        elif fmt == "markdown":
            assert re.search(r"(?<!\\)[<>]", text) is None, (name, text)
            assert r"\<b\>bold\</b\>" in text and r"\&amp;" in text, (name, text)
        else:
            assert text == hostile(name), (name, text)


ARTICLE_PARTS = "include=sections,glossary,questions,sources,issue"
FORMATTED = [
    f"/v1/articles/hostile?{ARTICLE_PARTS}",
    f"/v1/articles?{ARTICLE_PARTS}",
    "/v1/articles/hostile/sections",
    "/v1/articles/hostile/sections/1",
    "/v1/articles/hostile/sections/2",
    "/v1/issues/issue-7/bundle",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("url", FORMATTED)
def test_every_human_text_field_follows_the_format(
    hostile_api: FlaskClient, url: str, fmt: str
) -> None:
    response = hostile_api.get(f"{url}{'&' if '?' in url else '?'}format={fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)
    texts = human_texts(response.get_json())
    assert texts, url
    assert_in_format(fmt, texts)


def test_the_article_answer_carries_every_field_that_was_written(hostile_api: FlaskClient) -> None:
    # Without this, a field dropped from the answer would pass the format test unseen.
    for fmt in FORMATS:
        body = hostile_api.get(f"/v1/articles/hostile?{ARTICLE_PARTS}&format={fmt}").get_json()
        assert set(human_texts(body)) == set(FIELDS), fmt


PLAIN = [
    "/v1/issues",
    "/v1/issues/issue-7",
    "/v1/issues/latest",
    "/v1/glossary",
    "/v1/questions",
    "/v1/sync",
    "/v1/search?q=bold",
]


@pytest.mark.parametrize("url", PLAIN)
def test_operations_without_format_answer_the_text_as_written(
    hostile_api: FlaskClient, url: str
) -> None:
    body = hostile_api.get(url).get_json()
    if url.startswith("/v1/search"):
        for hit in body["data"]:
            # The snippet is HTML always: escaped, with the matches in <mark>.
            snippet = OUR_MARKUP.sub("", hit["snippet"])
            assert "<" not in snippet and ">" not in snippet, hit["snippet"]
        body = [hit["title"] for hit in body["data"]]
    texts = human_texts(body)
    assert texts, url
    assert_in_format("text", texts)


def test_a_glossary_term_and_its_definition_are_plain_text(hostile_api: FlaskClient) -> None:
    terms = hostile_api.get("/v1/glossary").get_json()["data"]
    term = next(t for t in terms if t["term"] == hostile("term"))
    detail = hostile_api.get(f"/v1/glossary/{term['slug']}").get_json()["data"]
    assert detail["definition"] == hostile("definition")
    assert detail["articles"][0]["title"] == hostile("title")


def test_format_is_refused_where_the_text_is_always_plain(hostile_api: FlaskClient) -> None:
    # An operation without `format` says so, rather than ignoring format=html.
    assert_problem(hostile_api.get("/v1/glossary?format=html"), 400, "format")


# Security headers and internal errors -------------------------------------------------------


@pytest.fixture
def production(editor_app_factory: AppFactory) -> Flask:
    """An app as it runs in production: not testing, not debugging."""
    app = editor_app_factory(TESTING=False, DEBUG=False)
    return app


def test_every_kind_of_response_carries_the_security_headers(seeded: FlaskClient) -> None:
    first = seeded.get("/v1/articles")
    answers = {
        "200": first,
        "304": seeded.get("/v1/articles", headers={"If-None-Match": first.headers["ETag"]}),
        "400": seeded.get("/v1/articles?limit=abc"),
        "404": seeded.get("/v1/nothing-here"),
        "405": seeded.delete("/v1"),
        "401": seeded.post("/v1/articles", json={}),
        "docs": seeded.get("/apidocs/"),
        "yaml": seeded.get("/openapi.yaml"),
        "health": seeded.get("/healthz"),
    }
    assert answers["304"].status_code == 304
    for name, response in answers.items():
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("Referrer-Policy") == "no-referrer", name
        assert "Server" not in response.headers, name


def test_an_internal_error_tells_nothing_of_the_sql_or_the_code(
    production: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.store import articles

    secret_sql = "SELECT secret_column FROM articles WHERE lede_html = ?"

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError(f"no such column: secret_column in {secret_sql}")

    monkeypatch.setattr(articles, "list_articles", broken)
    response = production.test_client().get("/v1/articles")
    body = assert_problem(response, 500)
    text = response.get_data(as_text=True)
    for leak in ("secret_column", "SELECT", "sqlite", "OperationalError", "Traceback", ".py"):
        assert leak not in text, leak
    assert body["detail"] == "The server could not answer this request."
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


# 404s are never cached ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/v1/nothing-here",  # no route
        "/v1/articles/no-such-article",  # no such slug
        "/v1/articles/999999",  # no such id
        "/v1/issues/no-such-issue/bundle",
        "/v1/glossary/no-such-term",
        "/v1/questions/999999",
        "/nothing-at-the-root",
    ],
)
def test_a_404_says_no_store(seeded: FlaskClient, url: str) -> None:
    response = seeded.get(url)
    assert_problem(response, 404)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_draft_is_a_404_that_says_no_store_to_the_public(
    editor_app_factory: AppFactory,
) -> None:
    app = editor_app_factory()
    client = app.test_client()
    auth = bearer(make_key(app))
    made = client.post(
        "/v1/articles",
        json={"title": "Draft", "lede": "Not yet.", "slug": "a-draft", "status": "draft"},
        headers=auth,
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    assert client.get("/v1/articles/a-draft", headers=auth).status_code == 200
    response = client.get("/v1/articles/a-draft")
    assert_problem(response, 404)
    assert response.headers["Cache-Control"] == "no-store"


# The docs page --------------------------------------------------------------------------------


def test_the_docs_page_sends_a_policy_that_allows_only_its_own_code(client: FlaskClient) -> None:
    response = client.get("/apidocs/")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    sources = policy["script-src"].split()
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert all(s == "'self'" or s.startswith("'sha256-") for s in sources), sources
    # Every inline script of the page is allowed by its hash, and no other.
    inline = re.findall(r"<script>(.*?)</script>", response.get_data(as_text=True), re.S)
    assert inline
    assert len([s for s in sources if s.startswith("'sha256-")]) == len(inline)


def test_the_docs_page_ignores_a_spec_url_in_its_query_string(client: FlaskClient) -> None:
    html_page = client.get("/apidocs/?url=https://evil.example/spec.json").get_data(as_text=True)
    assert "evil.example" not in html_page
    script = re.findall(r"<script>(.*?)</script>", html_page, re.S)[0]
    # Swagger UI 3.28 reads ?url= and ?configUrl= when it starts: the query goes first.
    assert script.index("history.replaceState") < script.index("SwaggerUIBundle(")
    assert 'url: "/openapi.json"' in script
    assert "queryConfigEnabled: false" in script


def test_in_a_browser_the_docs_page_loads_our_spec_and_never_a_foreign_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    from tests.live_server import live_server, seeded_app
    from tests.test_reader_browser import CHROMIUM_ARGS, chromium_or_skip

    executable = chromium_or_skip()
    app = seeded_app(tmp_path_factory.mktemp("docs") / "content.db")
    foreign = seeded_app(tmp_path_factory.mktemp("foreign") / "content.db")
    with live_server(app) as ours, live_server(foreign) as theirs:
        foreign_spec = f"{theirs.origin}/openapi.json"
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                requests: list[str] = []
                problems: list[str] = []
                page.on("request", lambda r: requests.append(r.url))
                page.on("pageerror", lambda e: problems.append(str(e)))
                page.on(
                    "console",
                    lambda m: problems.append(m.text) if m.type == "error" else None,
                )
                page.goto(f"{ours.origin}/apidocs/?url={foreign_spec}&configUrl={foreign_spec}")
                page.wait_for_selector(".opblock-summary-operation-id", timeout=15_000)
                title = page.locator(".info .title").inner_text()
                assert title.startswith("Insight Fortnight content API")
                assert page.url == f"{ours.origin}/apidocs/"
            finally:
                browser.close()
    assert f"{ours.origin}/openapi.json" in requests
    assert not [url for url in requests if url.startswith(theirs.origin)]
    # The page works under its policy: nothing it needs was refused.
    assert not [p for p in problems if "Content Security Policy" in p], problems


@pytest.mark.parametrize("behind_front", [False, True])
def test_only_the_front_can_mark_a_write_as_a_replay(
    editor_app_factory: AppFactory, behind_front: bool
) -> None:
    # X-Front-Replay spares a refused write from counting twice when our nginx front asks
    # the app again (deploy/nginx/front.conf); sent by a client to an app not behind the
    # front, it must change nothing.
    app = editor_app_factory(WRITE_RATE_LIMIT="2 per minute", FRONT_PROXY=behind_front)
    client = app.test_client()
    headers = {**bearer(make_key(app, "editor")), "Content-Type": "application/json"}
    statuses = [
        client.post(
            "/v1/articles", data="{", headers={**headers, "X-Front-Replay": "1"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses == ([400, 400, 400, 400] if behind_front else [400, 400, 429, 429])
