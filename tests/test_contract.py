"""openapi.yaml is the contract: these fail when the code and the document drift apart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask, Response
from openapi_core.validation.response.exceptions import InvalidData
from openapi_spec_validator import validate

from tests.contract import SPEC_PATH, validate_exchange

# Assets of the docs page, and flasgger's redirect of /apidocs/index.html to /apidocs/.
FLASK_ONLY = {"flasgger.static", "flasgger.oauth_redirect", "flasgger.<lambda>"}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def load_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


def spec_operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    """(normalised path, METHOD) pairs the contract describes."""
    return {
        (re.sub(r"\{[^}]+\}", "{}", path), method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def app_operations(app: Flask) -> set[tuple[str, str]]:
    """(normalised path, METHOD) pairs the app routes, minus what Flask adds to every route."""
    return {
        (re.sub(r"<[^>]+>", "{}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in FLASK_ONLY
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_spec_is_valid_openapi_3_0() -> None:
    spec = load_spec()
    validate(spec)
    assert spec["openapi"] == "3.0.3"  # flasgger's Swagger UI renders 3.0, not 3.1


def test_served_spec_equals_the_file(client) -> None:
    served = client.get("/openapi.json")
    assert served.status_code == 200
    assert served.get_json() == load_spec()
    raw = client.get("/openapi.yaml")
    assert raw.status_code == 200
    assert raw.data == SPEC_PATH.read_bytes()


def test_every_route_is_in_the_spec_and_every_spec_path_is_a_route(app: Flask) -> None:
    spec_ops = spec_operations(load_spec())
    routed = app_operations(app)
    assert routed - spec_ops == set(), "routes the contract does not describe"
    assert spec_ops - routed == set(), "operations the contract promises but no route serves"


def test_operation_ids_are_unique_and_every_component_is_referenced() -> None:
    spec = load_spec()
    ids = [
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][A-Za-z0-9]+", i) for i in ids)
    referenced = set(re.findall(r"#/components/(\w+)/([\w.-]+)", SPEC_PATH.read_text()))
    defined = {
        (kind, name)
        for kind, entries in spec["components"].items()
        if kind != "securitySchemes"  # declared for the editor API, which comes next
        for name in entries
    }
    assert defined - referenced == set(), "components no operation uses"


def test_swagger_ui_works_offline(client) -> None:
    page = client.get("/apidocs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/openapi.json" in html
    # What the browser loads by itself (scripts, stylesheets, fonts), not links a reader may follow.
    external = re.findall(r"""(?:<script[^>]*src|<link[^>]*href)=["'](https?://[^"']+)""", html)
    assert external == [], f"the docs page loads from the internet: {external}"


# The checks above and the validating test client must catch a deliberate drift.


def test_a_renamed_response_field_is_caught(many) -> None:
    response = many.get("/v1/articles/1")
    body = response.get_json()
    body["data"]["headline"] = body["data"].pop("title")
    drifted = Response(Response(status=200).response, status=200, headers=response.headers)
    drifted.set_data(__import__("orjson").dumps(body))
    drifted.request = response.request
    with pytest.raises(InvalidData):
        validate_exchange(drifted)


def test_an_undocumented_route_is_caught(app: Flask) -> None:
    app.add_url_rule("/v1/secret", "secret", lambda: "hidden")
    assert ("/v1/secret", "GET") in app_operations(app) - spec_operations(load_spec())


def test_the_spec_file_is_the_one_the_app_serves(app: Flask) -> None:
    assert Path(app.config["OPENAPI_PATH"]).resolve() == SPEC_PATH.resolve()
