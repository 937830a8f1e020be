"""openapi.yaml as a test oracle: every response the suite receives is checked against it."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from flask import Response
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

JSON_TYPES = ("application/json", "application/problem+json")
SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    config = Config(extra_media_type_deserializers={"application/problem+json": orjson.loads})
    return OpenAPI.from_file_path(str(SPEC_PATH), config=config)


def validate_exchange(response: Response) -> None:
    """Raise if the response disagrees with the contract for its request."""
    request = response.request
    if request.method in ("HEAD", "OPTIONS"):
        return
    if response.status_code == 200 and response.mimetype not in JSON_TYPES:
        return  # the YAML document and the docs page: openapi-core reads only JSON bodies
    checked = response
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        checked = Response(gzip.decompress(response.get_data()), response.status_code)
        checked.headers = response.headers.copy()
        del checked.headers["Content-Encoding"]
    elif encoding:
        return  # brotli is checked for identity with gzip elsewhere; not decoded here
    try:
        openapi().validate_response(
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
