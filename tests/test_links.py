"""Links: absolute from the configured base URL, web pages from templates, shortcuts."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.db import connect
from api.importer.write import write_document
from tests.factories import make_document
from tests.helpers import SEED_DIR, SEED_SLUG, run_seed


def _app(tmp_path, **config: object) -> Flask:
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "links.db"), **config})
    run_seed(app.test_cli_runner(), SEED_DIR)
    return app


@pytest.fixture
def plain(tmp_path) -> FlaskClient:
    """No web templates: no web_url, glossary marks without links."""
    return _app(tmp_path, PUBLIC_BASE_URL="https://api.example.org/").test_client()


@pytest.fixture
def templated(tmp_path) -> FlaskClient:
    return _app(
        tmp_path,
        PUBLIC_BASE_URL="https://api.example.org",
        WEB_URL_ARTICLE="https://site.example/{issue}/{slug}",
        WEB_URL_ISSUE="https://site.example/issues/{number}",
        WEB_URL_TERM="https://site.example/glossary/{slug}#{slug}",
    ).test_client()


def test_every_api_link_starts_with_the_base_url_whatever_the_host(plain: FlaskClient) -> None:
    # A trusted Host that is not the public one (an untrusted Host is a 400: test_boundary.py).
    body = plain.get(
        "/v1/articles?limit=1&include=glossary,issue", headers={"Host": "127.0.0.1:9999"}
    ).get_json()
    article = body["data"][0]
    assert article["url"] == f"https://api.example.org/v1/articles/{SEED_SLUG}"
    assert article["issue"]["url"] == "https://api.example.org/v1/issues/issue-1"
    assert article["glossary"][0]["url"].startswith("https://api.example.org/v1/glossary/")
    assert body["links"]["self"].startswith("https://api.example.org/v1/articles?")
    assert "9999" not in str(body)


def test_without_templates_there_is_no_web_url_and_terms_carry_only_data_term(
    plain: FlaskClient,
) -> None:
    article = plain.get(f"/v1/articles/{SEED_SLUG}?include=glossary,issue").get_json()["data"]
    assert "web_url" not in article
    assert "web_url" not in article["issue"]
    assert all("web_url" not in t for t in article["glossary"])
    html = plain.get(f"/v1/articles/{SEED_SLUG}/sections/2?format=html").get_json()["data"]
    first = html["paragraphs"][0]
    assert '<dfn data-term="cold-war">Cold War</dfn>-era' in first
    assert "<a " not in first and "href" not in first
    markdown = plain.get(f"/v1/articles/{SEED_SLUG}/sections/2?format=markdown").get_json()
    assert "Cold War\\-era" in markdown["data"]["paragraphs"][0]
    assert "](" not in markdown["data"]["paragraphs"][0]


def test_templates_give_web_urls_and_glossary_links_to_the_site(templated: FlaskClient) -> None:
    article = templated.get(f"/v1/articles/{SEED_SLUG}?include=glossary,issue").get_json()["data"]
    assert article["web_url"] == f"https://site.example/issue-1/{SEED_SLUG}"
    assert article["issue"]["web_url"] == "https://site.example/issues/1"
    assert article["glossary"][1]["web_url"] == "https://site.example/glossary/cold-war#cold-war"
    html = templated.get(f"/v1/articles/{SEED_SLUG}/sections/2?format=html").get_json()["data"]
    assert (
        '<a class="glossary-term" href="https://site.example/glossary/cold-war#cold-war"'
        ' data-term="cold-war"><dfn>Cold War</dfn></a>-era'
    ) in html["paragraphs"][0]
    markdown = templated.get(f"/v1/articles/{SEED_SLUG}/sections/2?format=markdown").get_json()
    assert (
        "[Cold War](https://site.example/glossary/cold-war#cold-war)\\-era"
        in markdown["data"]["paragraphs"][0]
    )


def test_a_text_that_looks_like_a_mark_is_left_alone_in_text_format(tmp_path) -> None:
    app = create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "t.db"), "WEB_URL_TERM": "x/{slug}"}
    )
    db = connect(app.config["DATABASE"])
    fake = '<dfn data-term="cold-war">Cold War</dfn> and [w](glossary:cold-war)'
    write_document(db, make_document(1, slug="fake", paragraphs=[fake]))
    db.close()
    section = app.test_client().get("/v1/articles/fake/sections/1").get_json()["data"]
    assert section["paragraphs"][0] == fake
    escaped = app.test_client().get("/v1/articles/fake/sections/1?format=html").get_json()
    assert "&lt;dfn" in escaped["data"]["paragraphs"][0]


def test_explicit_defaults_ignored_and_repeated_parameters_share_the_etag(
    plain: FlaskClient,
) -> None:
    bare = plain.get("/v1/articles")
    for url in (
        "/v1/articles?limit=20&format=text",
        "/v1/articles?sort=-published_at&_=1733040000",
        "/v1/articles?utm_source=newsletter&utm_medium=email",
    ):
        response = plain.get(url)
        assert response.status_code == 200, url
        assert response.headers["ETag"] == bare.headers["ETag"], url
    comma = plain.get("/v1/articles?include=sections,glossary")
    repeated = plain.get("/v1/articles?include=sections&include=glossary")
    assert repeated.get_json() == comma.get_json()
    assert repeated.headers["ETag"] == comma.headers["ETag"]
    assert plain.get("/v1/articles?limit=5&limit=6").status_code == 400
    assert plain.get("/v1/articles?utmsource=x").status_code == 400


def test_trailing_slash_redirects_with_308_and_no_body(plain: FlaskClient) -> None:
    response = plain.get("/v1/articles/?limit=1")
    assert response.status_code == 308
    assert response.headers["Location"] == "https://api.example.org/v1/articles?limit=1"
    assert response.get_data() == b""
    assert plain.get("/v1/").headers["Location"] == "https://api.example.org/v1"


def test_index_lists_the_collections(plain: FlaskClient) -> None:
    for url in ("/", "/v1"):
        links = plain.get(url).get_json()["data"]["links"]
        assert links["articles"] == "https://api.example.org/v1/articles"
        assert links["openapi"] == "https://api.example.org/openapi.json"
        assert links["docs"] == "https://api.example.org/apidocs/"
    assert plain.get("/v1?nope=1").status_code == 400


def test_latest_works_as_issue_filter_and_bundle(plain: FlaskClient) -> None:
    assert plain.get("/v1/articles?issue=latest").get_json()["meta"]["total"] == 1
    assert plain.get("/v1/questions?issue=latest").get_json()["meta"]["total"] == 2
    latest = plain.get("/v1/issues/latest/bundle").get_json()["data"]
    by_slug = plain.get("/v1/issues/issue-1/bundle").get_json()["data"]
    assert latest == by_slug


def test_latest_bundle_is_404_on_an_empty_database(tmp_path) -> None:
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "empty.db")})
    response = app.test_client().get("/v1/issues/latest/bundle")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
