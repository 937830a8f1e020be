from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .. import editor
from ..auth import authenticate
from ..db import get_db
from ..decorators import arguments, response
from ..schemas.sources import SourceDetailArgs, SourceListArgs, SourceSchema
from ..store import sources as store
from ..store.pagination import Page
from . import not_found

bp = Blueprint("sources", __name__)


@bp.get("/sources")
@response(SourceSchema)
@arguments(SourceListArgs)
def list_sources(args: dict[str, Any]) -> Page:
    filters = store.SourceFilters(domain=args.get("domain"), article=args.get("article"))
    return store.list_sources(get_db(), filters, limit=args["limit"], cursor=args.get("cursor"))


@bp.get("/sources/<int(max=9223372036854775807):source_id>")
@response(SourceSchema)
@arguments(SourceDetailArgs)
def get_source(source_id: int, args: dict[str, Any]) -> dict[str, Any]:
    return store.get_source(get_db(), source_id) or not_found("source", source_id)


# The editors' writes: a source is part of its article, written through it ----------------


@bp.put("/sources/<int(max=9223372036854775807):item_id>")
@authenticate("editor")
def replace_source(item_id: int) -> Response:
    return editor.replace_part("sources", item_id, editor.json_body())


@bp.patch("/sources/<int(max=9223372036854775807):item_id>")
@authenticate("editor")
def patch_source(item_id: int) -> Response:
    return editor.replace_part("sources", item_id, editor.json_body(patch=True), patch=True)


@bp.delete("/sources/<int(max=9223372036854775807):item_id>")
@authenticate("editor")
def delete_source(item_id: int) -> Response:
    return editor.delete_part("sources", item_id)
