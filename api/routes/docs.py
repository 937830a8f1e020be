"""The contract, served live: /openapi.json (through flasgger), /openapi.yaml, /apidocs/."""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flasgger import Swagger
from flask import Blueprint, Flask, Response, current_app, request

bp = Blueprint("docs", __name__)


DOCS_CACHE_CONTROL = "public, max-age=300"
YAML_TYPES = ("application/yaml", "text/yaml")
DOCS_TITLE = "Insight Fortnight content API"
# A small inline icon, so the tab shows ours and not flasgger's (and needs no extra request).
FAVICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E"
    "%3Crect width='32' height='32' rx='6' fill='%23173f5f'/%3E"
    "%3Ctext x='16' y='22' font-family='Georgia,serif' font-size='16' font-weight='bold'"
    " fill='%23fff' text-anchor='middle'%3EIF%3C/text%3E%3C/svg%3E"
)


@bp.get("/openapi.yaml")
def openapi_yaml() -> Response:
    # application/yaml (RFC 9512) unless the client prefers text/yaml, which is what some
    # tools understand (openapi-python-client reads text/* and not application/yaml).
    mimetype = request.accept_mimetypes.best_match(YAML_TYPES, default=YAML_TYPES[0])
    response = Response(current_app.extensions["openapi_yaml"], mimetype=mimetype)
    response.headers["Cache-Control"] = DOCS_CACHE_CONTROL
    response.vary.add("Accept")
    response.add_etag()
    response.make_conditional(request)  # in place: 304 and 412 as the headers ask
    return response


JOIN_HEADER_VALUES = """{responseInterceptor: function (response) {
    var headers = response.headers || {};
    Object.keys(headers).forEach(function (name) {
        if (Array.isArray(headers[name])) { headers[name] = headers[name].join(", "); }
    });
    return response;
}}"""


_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)


def _hash_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def docs_content_security_policy(page: str) -> str:
    """Swagger UI's files from this origin, the page's own inline blocks by their hashes,
    and requests (the spec, "Try it out") to this origin only: a foreign spec cannot load,
    and markup smuggled into a rendered description cannot run a script."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for tag, body in _INLINE.findall(page):
        hashes[tag].append(_hash_source(body))
    directives = {
        "default-src": "'none'",
        "script-src": " ".join(["'self'", *hashes["script"]]),
        # Swagger UI sets style attributes as it renders; they cannot be hashed.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _docs_page_policy(response: Response) -> Response:
    if request.endpoint == "flasgger.apidocs" and response.status_code == 200:
        page = response.get_data(as_text=True)
        response.headers["Content-Security-Policy"] = docs_content_security_policy(page)
    return response


def _conditional_spec(response: Response) -> Response:
    """flasgger's /openapi.json gets what every GET here has: a strong ETag and a 304."""
    if request.endpoint == "flasgger.openapi" and response.status_code == 200:
        response.headers["Cache-Control"] = DOCS_CACHE_CONTROL
        response.add_etag()
        response.make_conditional(request)  # in place: 304 and 412 as the headers ask
        return response
    return response


@lru_cache(maxsize=4)
def _parsed_contract(path: str, mtime_ns: int) -> dict[str, Any]:
    """The contract parsed once per process and file version, with libyaml where present:
    PyYAML's pure-Python parser took ≈ 1–3 s for openapi.yaml, on every app created."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_bytes(), Loader=loader)


def contract_document(path: str) -> dict[str, Any]:
    """A copy of the parsed contract that the caller may change (flasgger keeps its own)."""
    return copy.deepcopy(_parsed_contract(path, Path(path).stat().st_mtime_ns))


def init_app(app: Flask) -> None:
    # Read once: the contract does not change while the app runs.
    app.extensions["openapi_yaml"] = Path(app.config["OPENAPI_PATH"]).read_bytes()
    app.register_blueprint(bp)
    app.after_request(_conditional_spec)
    app.after_request(_docs_page_policy)
    # Served unchanged: the file is the contract, so no view docstring may leak in
    # (rule_filter rejects every route) and Swagger UI needs "openapi" set, or the
    # spec carries both swagger 2.0 and openapi keys and the UI refuses it.
    app.config["SWAGGER"] = {"openapi": "3.0.3", "uiversion": 3}
    Swagger(
        app,
        template=contract_document(str(app.config["OPENAPI_PATH"])),
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
            "title": DOCS_TITLE,
            # The top bar is Swagger's logo and a box to load any other spec: not ours.
            "hide_top_bar": True,
            "favicon": FAVICON,
            # flasgger's page runs `let auth_config = {{ config.auth }};`: without the key that
            # is `None`, a ReferenceError that stops the page's script. No OAuth here.
            "auth": {},
            # Swagger UI 3.28 shows a live header with commas (Cache-Control) as its parts run
            # together, "publicmax-age=60…": join them back as the server sent them.
            "ui_params_text": JOIN_HEADER_VALUES,
        },
        merge=False,
    )
