"""openapi.yaml as a test oracle: every response the suite receives is checked against it.

Item schemas mark every always-present property `required`. `fields=a,b` trims the items
of an answer, so a trimmed answer is checked against a copy of the contract whose item
schema requires (and allows) exactly the fields asked for, plus what `include=` embeds.
`include=x` without `fields` makes `x` required. The check is narrowed, never dropped.
"""

from __future__ import annotations

import copy
import gzip
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import yaml
from flask import Request, Response
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

JSON_TYPES = ("application/json", "application/problem+json")
SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
SCHEMAS = "#/components/schemas/"
NARROWED = "__narrowed"


def _config(**options: Any) -> Config:
    return Config(
        extra_media_type_deserializers={"application/problem+json": orjson.loads}, **options
    )


@lru_cache(maxsize=1)
def spec_document() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(spec_document(), config=_config())


# Narrowing for fields= and include= ----------------------------------------------------------


@lru_cache(maxsize=1)
def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Path templates as regexes, literal paths first (/v1/issues/latest before {ref})."""
    templates = sorted(spec_document()["paths"], key=lambda t: (t.count("{"), t))
    return [
        (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(t)) + "$"), t)
        for t in templates
    ]


def path_template(path: str) -> str | None:
    return next((t for pattern, t in _path_patterns() if pattern.match(path)), None)


def _names(request: Request, name: str) -> frozenset[str] | None:
    """A list parameter as a set of names: comma form and repeated form alike."""
    values = request.args.getlist(name)
    if not values:
        return None
    return frozenset(part for v in values for part in v.split(",") if part)


def _schema(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return document["components"]["schemas"][ref.removeprefix(SCHEMAS)]


def _narrow_object(
    schema: dict[str, Any], keep: frozenset[str] | None, include: frozenset[str]
) -> dict[str, Any]:
    narrowed = copy.deepcopy(schema)
    properties = narrowed.get("properties", {})
    if keep is not None:
        # Only what was asked for may come back, and all of it (unless it is optional).
        wanted = keep | include
        narrowed["properties"] = {k: v for k, v in properties.items() if k in wanted}
        required = [r for r in narrowed.get("required", []) if r in wanted]
    else:
        required = list(narrowed.get("required", []))
    required += [name for name in sorted(include) if name in properties and name not in required]
    narrowed["required"] = required
    if not required:
        del narrowed["required"]  # OpenAPI 3.0 wants a non-empty list
    return narrowed


def _narrow_item(
    document: dict[str, Any], ref: str, keep: frozenset[str] | None, include: frozenset[str]
) -> str:
    """Add a narrowed copy of the item schema `ref` to `document`; return its ref."""
    name = ref.removeprefix(SCHEMAS) + NARROWED
    schema = _schema(document, ref)
    if "oneOf" in schema:
        union = copy.deepcopy(schema)
        branches = [_narrow_item(document, b["$ref"], keep, include) for b in union["oneOf"]]
        discriminator = union.get("discriminator")
        if discriminator and (keep is None or discriminator["propertyName"] in keep):
            union["oneOf"] = [{"$ref": b} for b in branches]
            discriminator["mapping"] = {
                value: target + NARROWED for value, target in discriminator["mapping"].items()
            }
        else:
            # Trimmed without the discriminator: any kind whose shape it fits.
            union.pop("oneOf")
            union.pop("discriminator", None)
            union["anyOf"] = [{"$ref": b} for b in branches]
        document["components"]["schemas"][name] = union
    else:
        document["components"]["schemas"][name] = _narrow_object(schema, keep, include)
    return SCHEMAS + name


@lru_cache(maxsize=256)
def narrowed_openapi(
    template: str, method: str, keep: frozenset[str] | None, include: frozenset[str]
) -> OpenAPI:
    """The contract with this operation's 200 item schema narrowed to `keep` and `include`."""
    document = copy.deepcopy(spec_document())
    content = document["paths"][template][method]["responses"]["200"]["content"]
    envelope_ref = content["application/json"]["schema"]["$ref"]
    envelope = copy.deepcopy(_schema(document, envelope_ref))
    data = envelope["properties"]["data"]
    holder = data["items"] if data.get("type") == "array" else data
    holder["$ref"] = _narrow_item(document, holder["$ref"], keep, include)
    envelope.pop("example", None)  # the example shows the untrimmed shape
    content["application/json"]["schema"] = envelope
    # Validated once, with the whole contract, by openapi(); copies need not be re-checked.
    return OpenAPI.from_dict(document, config=_config(spec_validator_cls=None))


def openapi_for(request: Request, response: Response) -> OpenAPI:
    keep = _names(request, "fields")
    include = _names(request, "include") or frozenset()
    if response.status_code != 200 or (keep is None and not include):
        return openapi()
    template = path_template(request.path)
    if template is None:
        return openapi()
    return narrowed_openapi(template, request.method.lower(), keep, include)


# Validation ------------------------------------------------------------------------------


def check_slash_redirect(request: Request, response: Response) -> None:
    """A trailing slash on an undocumented path: 308 to the same URL without it."""
    location = urlsplit(response.headers.get("Location", ""))
    assert location.path == request.path.rstrip("/"), (request.path, location.geturl())


def validate_exchange(response: Response) -> None:
    """Raise if the response disagrees with the contract for its request."""
    request = response.request
    if request.method in ("HEAD", "OPTIONS"):
        return
    if response.status_code == 200 and response.mimetype not in JSON_TYPES:
        return  # the YAML document and the HTML pages: openapi-core reads only JSON bodies
    if response.status_code == 308 and request.path.endswith("/"):
        # Not a documented path (openapi-core would match /v1/articles/ to /v1/articles/{ref}).
        assert path_template(request.path) is None, request.path
        check_slash_redirect(request, response)
        return
    checked = response
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        checked = Response(gzip.decompress(response.get_data()), response.status_code)
        checked.headers = response.headers.copy()
        del checked.headers["Content-Encoding"]
    elif encoding:
        return  # brotli is checked for identity with gzip elsewhere; not decoded here
    try:
        openapi_for(request, response).validate_response(
            WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(checked)
        )
    except (PathNotFound, OperationNotFound):
        # Routes the contract does not have must still answer as problems.
        assert response.status_code in (404, 405), (request.path, response.status_code)
        assert response.mimetype == "application/problem+json", response.mimetype


class ValidatingClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        response = super().open(*args, **kwargs)
        validate_exchange(response)
        return response
