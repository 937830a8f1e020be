"""The contract, served live: /openapi.json (through flasgger), /openapi.yaml, /apidocs/."""

from __future__ import annotations

from pathlib import Path

from flasgger import Swagger
from flask import Blueprint, Flask, Response, current_app, request

bp = Blueprint("docs", __name__)


DOCS_CACHE_CONTROL = "public, max-age=300"


@bp.get("/openapi.yaml")
def openapi_yaml() -> Response:
    response = Response(current_app.extensions["openapi_yaml"], mimetype="application/yaml")
    response.headers["Cache-Control"] = DOCS_CACHE_CONTROL
    response.add_etag()
    return response.make_conditional(request)


def _conditional_spec(response: Response) -> Response:
    """flasgger's /openapi.json gets what every GET here has: a strong ETag and a 304."""
    if request.endpoint == "flasgger.openapi" and response.status_code == 200:
        response.headers["Cache-Control"] = DOCS_CACHE_CONTROL
        response.add_etag()
        return response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    # Read once: the contract does not change while the app runs.
    app.extensions["openapi_yaml"] = Path(app.config["OPENAPI_PATH"]).read_bytes()
    app.register_blueprint(bp)
    app.after_request(_conditional_spec)
    # Served unchanged: the file is the contract, so no view docstring may leak in
    # (rule_filter rejects every route) and Swagger UI needs "openapi" set, or the
    # spec carries both swagger 2.0 and openapi keys and the UI refuses it.
    app.config["SWAGGER"] = {"openapi": "3.0.3", "uiversion": 3}
    Swagger(
        app,
        template_file=str(app.config["OPENAPI_PATH"]),
        config={
            "headers": [],
            "specs": [
                {
                    "endpoint": "openapi",
                    "route": "/openapi.json",
                    "rule_filter": lambda rule: False,
                    "model_filter": lambda tag: False,
                }
            ],
            "static_url_path": "/flasgger_static",
            "swagger_ui": True,
            "specs_route": "/apidocs/",
        },
        merge=False,
    )
