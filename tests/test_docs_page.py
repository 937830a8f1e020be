"""/apidocs/ is the API's own page: it runs, says whose it is, and "Try it out" sends only
what the reader typed (or a default, which means the same as nothing)."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.contract import spec_document


def page(client: FlaskClient) -> str:
    response = client.get("/apidocs/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_script_has_no_python_none(client: FlaskClient) -> None:
    html = page(client)
    assert "auth_config = {};" in html
    # A bare None in the script is a ReferenceError that stops Swagger UI.
    script = "\n".join(re.findall(r"<script>(.*?)</script>", html, re.S))
    assert not re.search(r"\bNone\b", script)


def test_the_page_is_branded_as_the_api(client: FlaskClient) -> None:
    html = page(client)
    assert "<title>Insight Fortnight content API</title>" in html
    assert "Flasgger" not in html
    assert "flasgger_static/favicon" not in html
    assert 'rel="icon" href="data:image/svg+xml' in html


def test_live_header_values_keep_their_commas(client: FlaskClient) -> None:
    # Swagger UI 3.28 splits Cache-Control on commas and prints the parts run together.
    assert 'headers[name].join(", ")' in page(client)


def parameters() -> list[tuple[str, dict[str, Any]]]:
    document = spec_document()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if "$ref" in parameter:
                    name = parameter["$ref"].rsplit("/", 1)[1]
                    parameter = document["components"]["parameters"][name]
                found.append((f"{method.upper()} {path}", parameter))
    return found


def test_no_optional_parameter_has_a_value_try_it_out_would_send() -> None:
    # Swagger UI pre-fills `example`, `examples` and the schema's `example`; only a
    # `default` may be pre-filled, because the API answers it as if it were left out.
    prefilled = [
        (where, p["name"])
        for where, p in parameters()
        if not p.get("required")
        and ("example" in p or "examples" in p or "example" in p.get("schema", {}))
    ]
    assert prefilled == []


def test_the_yaml_document_is_described_as_text() -> None:
    # openapi-python-client dropped `type: object` under application/yaml with a warning,
    # and openapi-typescript typed it Record<string, never>.
    content = spec_document()["paths"]["/openapi.yaml"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/yaml", "text/yaml"]
    assert all(media["schema"]["type"] == "string" for media in content.values())


def test_the_yaml_document_comes_as_either_yaml_type(client: FlaskClient) -> None:
    assert client.get("/openapi.yaml").mimetype == "application/yaml"
    text = client.get("/openapi.yaml", headers={"Accept": "text/yaml"})
    assert text.mimetype == "text/yaml"
    assert "Accept" in text.headers["Vary"]
    assert text.data == client.get("/openapi.yaml").data
