"""The contract, served live: /openapi.json (through flasgger), /openapi.yaml, /apidocs/."""

from __future__ import annotations

from pathlib import Path

from flasgger import Swagger
from flask import Blueprint, Flask, Response, current_app, request

bp = Blueprint("docs", __name__)


@bp.get("/openapi.yaml")
def openapi_yaml() -> Response:
    body = Path(current_app.config["OPENAPI_PATH"]).read_bytes()
    response = Response(body, mimetype="application/yaml")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
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
