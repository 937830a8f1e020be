from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .. import editor
from ..auth import authenticate
from ..db import get_db
from ..decorators import arguments, response
from ..schemas.questions import QuestionDetailArgs, QuestionListArgs, QuestionSchema
from ..store import questions as store
from ..store.pagination import Page
from . import not_found

bp = Blueprint("questions", __name__)


@bp.get("/questions")
@response(QuestionSchema)
@arguments(QuestionListArgs)
def list_questions(args: dict[str, Any]) -> Page:
    filters = store.QuestionFilters(
        kind=args.get("kind"), article=args.get("article"), issue=args.get("issue")
    )
    return store.list_questions(get_db(), filters, limit=args["limit"], cursor=args.get("cursor"))


@bp.get("/questions/<int(max=9223372036854775807):question_id>")
@response(QuestionSchema)
@arguments(QuestionDetailArgs)
def get_question(question_id: int, args: dict[str, Any]) -> dict[str, Any]:
    return store.get_question(get_db(), question_id) or not_found("question", question_id)


# The editors' writes: a question is part of its article, written through it ----------------


@bp.put("/questions/<int(max=9223372036854775807):item_id>")
@authenticate("editor")
def replace_question(item_id: int) -> Response:
    return editor.replace_part("questions", item_id, editor.json_body())


@bp.patch("/questions/<int(max=9223372036854775807):item_id>")
@authenticate("editor")
def patch_question(item_id: int) -> Response:
    return editor.replace_part("questions", item_id, editor.json_body(patch=True), patch=True)


@bp.delete("/questions/<int(max=9223372036854775807):item_id>")
@authenticate("editor")
def delete_question(item_id: int) -> Response:
    return editor.delete_part("questions", item_id)
