from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .. import editor
from ..auth import authenticate
from ..db import get_db
from ..decorators import arguments, response
from ..schemas.glossary import TermDetailArgs, TermDetailSchema, TermListArgs, TermSchema
from ..store import glossary as store
from ..store.pagination import Page
from . import not_found

bp = Blueprint("glossary", __name__)


@bp.get("/glossary")
@response(TermSchema)
@arguments(TermListArgs)
def list_terms(args: dict[str, Any]) -> Page:
    filters = store.TermFilters(
        letter=args.get("letter"), prefix=args.get("prefix"), article=args.get("article")
    )
    return store.list_terms(
        get_db(), filters, sort=args["sort"], limit=args["limit"], cursor=args.get("cursor")
    )


@bp.get("/glossary/<ref>")
@response(TermDetailSchema)
@arguments(TermDetailArgs)
def get_term(ref: str, args: dict[str, Any]) -> dict[str, Any]:
    return store.get_term(get_db(), ref) or not_found("glossary term", ref)


# The editors' writes ------------------------------------------------------------------------


@bp.put("/glossary/<ref>")
@authenticate("editor")
def replace_term(ref: str) -> Response:
    return editor.replace_term(ref, editor.json_body())


@bp.patch("/glossary/<ref>")
@authenticate("editor")
def patch_term(ref: str) -> Response:
    return editor.replace_term(ref, editor.json_body(patch=True), patch=True)


@bp.delete("/glossary/<ref>")
@authenticate("editor")
def delete_term(ref: str) -> Response:
    return editor.delete_term(ref)
