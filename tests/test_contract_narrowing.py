"""The validating client is strict: required fields are checked, and `fields=` narrows the
check to the fields asked for instead of dropping it.

Bodies here come from the contract's own examples, so these tests prove the checker, not
the server: they hold whatever the server answers today.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from flask import Response
from flask.testing import FlaskClient
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.validation.response.exceptions import InvalidData
from werkzeug.test import EnvironBuilder

from tests.contract import openapi, path_template, spec_document, validate_exchange


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(spec_document()["components"]["schemas"][name]["example"])


def exchange(url: str, body: Any, status: int = 200, **headers: str) -> Response:
    """A response to a GET of `url`, as the test client would hand it to the checker."""
    path, _, query = url.partition("?")
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    response.headers.update(
        {"ETag": '"x"', "Cache-Control": "public, max-age=60", "Vary": "Accept-Encoding"}
    )
    response.headers.update(headers)
    response.request = EnvironBuilder(path=path, query_string=query).get_request()
    return response


def page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "data": items,
        "meta": {"total": len(items), "limit": 20, "next_cursor": None},
        "links": {"self": "http://127.0.0.1:5000/v1/articles", "next": None},
    }


ARTICLE = "/v1/articles/russia-north-korea-defense-pact"


# Required fields ---------------------------------------------------------------------------


def test_a_complete_article_passes() -> None:
    validate_exchange(exchange(ARTICLE, {"data": example("Article")}))


@pytest.mark.parametrize("name", ["title", "url", "reading_level", "issue_id"])
def test_a_missing_required_field_is_caught(name: str) -> None:
    article = example("Article")
    del article[name]
    with pytest.raises(InvalidData):
        validate_exchange(exchange(ARTICLE, {"data": article}))


@pytest.mark.parametrize(
    ("where", "url"),
    [("url", "/v1/articles/russia-north-korea-defense-pact"), ("web_url", "articles/x")],
)
def test_a_relative_url_is_caught(where: str, url: str) -> None:
    # format: uri is only checked with rfc3986-validator installed (a dev dependency).
    article = example("Article")
    article[where] = url
    with pytest.raises(InvalidData):
        validate_exchange(exchange(ARTICLE, {"data": article}))


def test_a_relative_list_link_is_caught() -> None:
    body = page([example("GlossaryTerm")])
    body["links"]["self"] = "/v1/glossary"
    with pytest.raises(InvalidData):
        validate_exchange(exchange("/v1/glossary", body))


def test_null_is_caught_where_the_field_is_not_nullable() -> None:
    article = example("Article")
    article["title"] = None
    with pytest.raises(InvalidData):
        validate_exchange(exchange(ARTICLE, {"data": article}))


def test_a_missing_field_of_a_list_item_is_caught() -> None:
    term = example("GlossaryTerm")
    del term["definition"]
    with pytest.raises(InvalidData):
        validate_exchange(exchange("/v1/glossary", page([term])))


# fields= narrows required to what was asked for ------------------------------------------------


def trimmed(names: str) -> dict[str, Any]:
    article = example("Article")
    return {k: article[k] for k in names.split(",")}


def test_a_trimmed_article_passes_and_would_fail_the_untrimmed_schema() -> None:
    response = exchange(f"{ARTICLE}?fields=id,slug,title", {"data": trimmed("id,slug,title")})
    validate_exchange(response)
    with pytest.raises(InvalidData):  # the narrowing is what lets it pass
        openapi().validate_response(
            WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
        )


def test_a_trimmed_list_passes_in_comma_and_repeated_form() -> None:
    body = page([trimmed("slug,title")])
    validate_exchange(exchange("/v1/articles?fields=slug,title", body))
    validate_exchange(exchange("/v1/articles?fields=slug&fields=title", body))


def test_a_field_asked_for_but_missing_is_caught() -> None:
    with pytest.raises(InvalidData):
        validate_exchange(exchange(f"{ARTICLE}?fields=id,slug,title", {"data": trimmed("id,slug")}))


def test_a_field_not_asked_for_is_caught() -> None:
    with pytest.raises(InvalidData):
        validate_exchange(exchange(f"{ARTICLE}?fields=id", {"data": trimmed("id,slug")}))


def test_a_trimmed_field_keeps_its_type() -> None:
    with pytest.raises(InvalidData):
        validate_exchange(exchange(f"{ARTICLE}?fields=id", {"data": {"id": "42"}}))


def test_nested_objects_are_not_narrowed() -> None:
    issue = example("IssueDetail")
    del issue["articles"][0]["title"]
    body = {"data": {"title": issue["title"], "articles": issue["articles"]}}
    with pytest.raises(InvalidData):
        validate_exchange(exchange("/v1/issues/issue-1?fields=title,articles", body))


# include= makes what it embeds required ------------------------------------------------------


def test_include_requires_what_it_embeds() -> None:
    article = example("Article")
    with pytest.raises(InvalidData):
        validate_exchange(exchange(f"{ARTICLE}?include=sources", {"data": article}))
    article["sources"] = example("SourceList")["data"]
    validate_exchange(exchange(f"{ARTICLE}?include=sources", {"data": article}))
    del article["sources"]
    article["questions"] = example("QuestionList")["data"]
    with pytest.raises(InvalidData):
        validate_exchange(exchange(f"{ARTICLE}?include=sources,questions", {"data": article}))


def test_fields_with_include_keeps_the_embedded_lists() -> None:
    body = {"data": {"title": "T", "sources": example("SourceList")["data"]}}
    validate_exchange(exchange(f"{ARTICLE}?fields=title&include=sources", body))
    with pytest.raises(InvalidData):
        validate_exchange(
            exchange(f"{ARTICLE}?fields=title&include=sources", {"data": {"title": "T"}})
        )


# Sections: a union on kind -------------------------------------------------------------------

SECTIONS = f"{ARTICLE}/sections"


def body_section() -> dict[str, Any]:
    return example("BodySection")


def background_section() -> dict[str, Any]:
    return example("BackgroundSection")


def test_both_kinds_of_section_pass() -> None:
    validate_exchange(exchange(SECTIONS, page([body_section(), background_section()])))


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update(items=None),  # today's shape: the other kind's key, null
        lambda s: s.update(number=None),
        lambda s: s.update(paragraphs=None),
        lambda s: s.pop("paragraphs"),
        lambda s: s.update(kind="background"),  # a body section cannot claim the other kind
    ],
)
def test_a_body_section_of_the_wrong_shape_is_caught(change: Any) -> None:
    section = body_section()
    change(section)
    with pytest.raises(InvalidData):
        validate_exchange(exchange(SECTIONS, page([section])))


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update(paragraphs=None),
        lambda s: s.pop("number"),
        lambda s: s.pop("items"),
        lambda s: s.update(kind="sidebar"),
    ],
)
def test_a_background_section_of_the_wrong_shape_is_caught(change: Any) -> None:
    section = background_section()
    change(section)
    with pytest.raises(InvalidData):
        validate_exchange(exchange(SECTIONS, page([section])))


def keep(section: dict[str, Any], names: str) -> dict[str, Any]:
    return {k: section[k] for k in names.split(",") if k in section}


def test_trimmed_sections_without_kind_pass_for_either_kind() -> None:
    names = "heading,anchor"
    body = page([keep(body_section(), names), keep(background_section(), names)])
    validate_exchange(exchange(f"{SECTIONS}?fields={names}", body))


def test_trimmed_sections_with_kind_are_still_told_apart() -> None:
    names = "kind,paragraphs"
    good = page([keep(body_section(), names), keep(background_section(), names)])
    validate_exchange(exchange(f"{SECTIONS}?fields={names}", good))
    with pytest.raises(InvalidData):  # a body section must have its paragraphs
        validate_exchange(exchange(f"{SECTIONS}?fields={names}", page([{"kind": "body"}])))


def test_a_trimmed_section_detail_passes() -> None:
    url = f"{SECTIONS}/background-1-historical-context?fields=number,items"
    validate_exchange(exchange(url, {"data": keep(background_section(), "number,items")}))


# Redirects and path matching -----------------------------------------------------------------


def test_a_trailing_slash_redirect_passes() -> None:
    response = exchange("/v1/articles/", {}, status=308, Location="/v1/articles")
    validate_exchange(response)


def test_a_redirect_elsewhere_is_caught() -> None:
    with pytest.raises(AssertionError):
        validate_exchange(exchange("/v1/articles/", {}, status=308, Location="/v1/issues"))


def test_literal_paths_win_over_templates() -> None:
    assert path_template("/v1/issues/latest") == "/v1/issues/latest"
    assert path_template("/v1/issues/issue-1") == "/v1/issues/{ref}"
    assert path_template("/v1/articles/x/sections/1") == "/v1/articles/{ref}/sections/{section}"


# And through the real server ---------------------------------------------------------------------


def test_the_server_answers_trimmed_articles_the_checker_accepts(seed_api: FlaskClient) -> None:
    response = seed_api.get("/v1/articles?fields=id,slug,title,word_count")
    assert response.status_code == 200
    assert set(response.get_json()["data"][0]) == {"id", "slug", "title", "word_count"}
