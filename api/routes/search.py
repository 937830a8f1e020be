from __future__ import annotations

from typing import Any

from flask import Blueprint

from .. import links
from ..db import get_db
from ..decorators import arguments, response
from ..schemas.search import SearchArgs, SearchHitSchema
from ..store import search as store
from ..store.pagination import Page

bp = Blueprint("search", __name__)


def hit_url(hit: dict[str, Any]) -> str:
    """The API URL of what a search hit names: the one place search builds URLs."""
    kind = hit["type"]
    if kind == "article":
        return links.article_url(hit["article_slug"])
    if kind == "background":
        return links.section_url(hit["article_slug"], hit["anchor"])
    if kind == "term":
        return links.term_url(hit["term_slug"])
    return links.question_url(hit["id"])


@bp.get("/search")
@response(SearchHitSchema)
@arguments(SearchArgs)
def search(args: dict[str, Any]) -> Page:
    filters = store.SearchFilters(q=args["q"], types=tuple(args["type"]), issue=args.get("issue"))
    page = store.search(get_db(), filters, limit=args["limit"], cursor=args.get("cursor"))
    for hit in page.items:
        hit["url"] = hit_url(hit)
    return page
