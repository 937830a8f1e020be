from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..db import get_db
from ..decorators import arguments, response
from ..schemas.glossary import TermDetailArgs, TermDetailSchema, TermListArgs, TermSchema
from ..store import glossary as store
from ..store.articles import resolve_article_id
from ..store.pagination import Page
from . import not_found

bp = Blueprint("glossary", __name__)


@bp.get("/glossary")
@response(TermSchema)
@arguments(TermListArgs)
def list_terms(args: dict[str, Any]) -> Page:
    db = get_db()
    article = args.get("article")
    filters = store.TermFilters(
        letter=args.get("letter"),
        prefix=args.get("prefix"),
        # An unknown article uses no terms: an empty list, as for any filter matching nothing.
        article_id=(resolve_article_id(db, article) or 0) if article else None,
    )
    return store.list_terms(
        db, filters, sort=args["sort"], limit=args["limit"], cursor=args.get("cursor")
    )


@bp.get("/glossary/<ref>")
@response(TermDetailSchema)
@arguments(TermDetailArgs)
def get_term(ref: str, args: dict[str, Any]) -> dict[str, Any]:
    return store.get_term(get_db(), ref) or not_found("glossary term", ref)
