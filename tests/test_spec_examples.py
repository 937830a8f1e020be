"""The contract's examples are the shipped seed, not made-up data: every id, slug, anchor,
title, count and cursor they show is what the seeded API answers.

A reader who copies an example into "Try it out" or a client gets a real answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from tests.contract import spec_document
from tests.helpers import make_key

# Timestamps come from when the seed was imported; web_url needs a configured template.
UNCHECKED = {"created_at", "updated_at", "web_url"}
LINKS = {"url", "self", "next"}
EXAMPLE_IN_TEXT = re.compile(r"Example: `([^`]+)`")


@pytest.fixture(scope="module")
def api(seed_api: FlaskClient) -> FlaskClient:
    """The seeded app without the validating client: this checks data, not shapes. With an
    editor's key, so the operations that need one (the article's source) answer too."""
    client = FlaskClient(seed_api.application)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {make_key(seed_api.application)}"
    return client


def examples(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """(location, value) of every example in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "example":
                yield where, value
            elif key == "examples" and isinstance(value, dict):
                for name, item in value.items():
                    if isinstance(item, dict) and "value" in item:
                        yield f"{where}/examples/{name}", item["value"]
            else:
                yield from examples(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from examples(value, f"{where}/{i}")


def objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def real_url(item: dict[str, Any]) -> str | None:
    """Where the seeded API answers the object an example shows, if it names one."""
    if isinstance(item.get("url"), str) and "/v1/" in item["url"] and "domain" not in item:
        return local(item["url"])
    if "anchor" in item and "article_id" in item:
        return f"/v1/articles/{item['article_id']}/sections/{item['anchor']}"
    if "kinds" in item and "id" in item:
        return f"/v1/questions/{item['id']}"
    if "domain" in item and "id" in item:
        return f"/v1/sources/{item['id']}"
    return None


def comparable(value: Any) -> bool:
    """Scalars and lists of scalars or of label/text items: what an object itself says."""
    if isinstance(value, list):
        return all(
            not isinstance(v, dict | list) or (isinstance(v, dict) and set(v) == {"label", "text"})
            for v in value
        )
    return not isinstance(value, dict)


def differences(example: dict[str, Any], real: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for key, value in example.items():
        if key in UNCHECKED or key not in real or not comparable(value):
            continue  # what only the context shows (a bundle's hash, a term's use) is not here
        actual = real.get(key)
        if key in LINKS and isinstance(value, str) and isinstance(actual, str):
            value, actual = local(value), local(actual)
        if value != actual:
            found[key] = (value, actual)
    return found


def example_objects() -> list[tuple[str, dict[str, Any]]]:
    return [
        (where, item)
        for where, value in examples(spec_document())
        for item in objects(value)
        if real_url(item) is not None
    ]


def test_the_examples_name_objects_at_all() -> None:
    kinds = {real_url(item).split("/")[2] for _, item in example_objects()}  # type: ignore[union-attr]
    assert kinds >= {"articles", "issues", "glossary", "questions", "sources"}


@pytest.mark.parametrize(("where", "item"), example_objects(), ids=lambda v: str(v)[:60])
def test_every_example_object_is_the_seeded_one(
    api: FlaskClient, where: str, item: dict[str, Any]
) -> None:
    url = real_url(item)
    response = api.get(url)
    assert response.status_code == 200, (where, url)
    real = response.get_json()["data"]
    assert differences(item, real) == {}, where


def test_every_example_page_is_the_seeded_page(api: FlaskClient) -> None:
    pages = [
        (where, item)
        for where, value in examples(spec_document())
        for item in objects(value)
        if isinstance(item.get("links"), dict) and isinstance(item.get("meta"), dict)
    ]
    assert pages
    for where, page in pages:
        real = api.get(local(page["links"]["self"])).get_json()
        assert page["meta"] == real["meta"], where
        expected_next = real["links"]["next"] and local(real["links"]["next"])
        assert (page["links"]["next"] and local(page["links"]["next"])) == expected_next, where


def test_the_list_links_and_link_header_examples_lead_somewhere(api: FlaskClient) -> None:
    document = spec_document()
    links = document["components"]["schemas"]["ListLinks"]["example"]
    header = document["components"]["headers"]["Link"]["example"]
    for url in (links["self"], links["next"], re.match(r"<([^>]+)>", header).group(1)):
        assert api.get(local(url)).status_code == 200, url


def test_the_bundle_examples_carry_the_seeded_content_hash(api: FlaskClient) -> None:
    hashes = [
        (item["slug"], item["content_hash"])
        for _, value in examples(spec_document())
        for item in objects(value)
        if "content_hash" in item
    ]
    assert hashes
    for slug, content_hash in hashes:
        assert (
            api.get(f"/v1/issues/{slug}/bundle").get_json()["data"]["content_hash"] == content_hash
        )


# Parameter examples: every one of them finds something --------------------------------------


def resolve(parameter: dict[str, Any]) -> dict[str, Any]:
    ref = parameter.get("$ref")
    if ref:
        return spec_document()["components"]["parameters"][ref.rsplit("/", 1)[1]]
    return parameter


def parameter_cases() -> Iterator[tuple[str, str, dict[str, str]]]:
    """(operationId, path with path examples filled in, query) for each example value."""
    for template, item in spec_document()["paths"].items():
        operation = item.get("get")
        if operation is None or operation.get("security") == [{"adminKey": []}]:
            continue  # admins' resources (webhooks) are no seeded content
        parameters = [resolve(p) for p in operation.get("parameters", [])]
        path_values: dict[str, list[str]] = {
            p["name"]: [str(e["value"]) for e in p.get("examples", {}).values()]
            for p in parameters
            if p["in"] == "path"
        }
        first = {name: values[0] for name, values in path_values.items()}
        for name, values in path_values.items():
            for value in values:
                path = template.format(**{**first, name: value})
                yield operation["operationId"], path, {}
        path = template.format(**first)
        # A required query parameter (search's q) comes with every case, as its example.
        required = {
            p["name"]: EXAMPLE_IN_TEXT.findall(p.get("description", ""))[0]
            for p in parameters
            if p["in"] == "query" and p.get("required")
        }
        for p in parameters:
            if p["in"] != "query":
                continue
            for value in EXAMPLE_IN_TEXT.findall(p.get("description", "")):
                yield operation["operationId"], path, {**required, p["name"]: value}


@pytest.mark.parametrize(("operation", "path", "query"), list(parameter_cases()))
def test_every_parameter_example_finds_something(
    api: FlaskClient, operation: str, path: str, query: dict[str, str]
) -> None:
    response = api.get(path, query_string=query)
    assert response.status_code == 200, (operation, path, query, response.get_json())
    body = response.get_json()
    if body and "meta" in body:
        assert body["meta"]["total"] >= 1, (operation, path, query)
