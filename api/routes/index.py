"""`/` and `/v1`: a small index, so a client (or a curious developer) can start anywhere."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..decorators import arguments
from ..http import json_response
from ..links import api_path_url, api_url
from ..schemas.common import DetailArgs

bp = Blueprint("index", __name__)

API_VERSION = "1.0.0"  # as openapi.yaml's info.version
COLLECTIONS = {
    "issues": "issues.list_issues",
    "articles": "articles.list_articles",
    "glossary": "glossary.list_terms",
    "questions": "questions.list_questions",
    "sources": "sources.list_sources",
    "search": "search.search",
    "sync": "sync.sync",
}


def _index() -> Response:
    links = {"self": api_url("index.api_index")}
    links.update({name: api_url(endpoint) for name, endpoint in COLLECTIONS.items()})
    links["docs"] = api_path_url("/apidocs/")
    links["openapi"] = api_path_url("/openapi.json")
    return json_response(
        {"data": {"name": "Insight Fortnight content API", "version": API_VERSION, "links": links}}
    )


@bp.get("/")
@arguments(DetailArgs)
def root(args: dict[str, Any]) -> Response:
    return _index()


@bp.get("/v1")
@arguments(DetailArgs)
def api_index(args: dict[str, Any]) -> Response:
    return _index()
