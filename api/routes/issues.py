from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .. import editor
from ..auth import authenticate
from ..db import get_db
from ..decorators import arguments, response
from ..errors import NotFound
from ..schemas.issues import (
    BundleArgs,
    BundleSchema,
    IssueDetailArgs,
    IssueDetailSchema,
    IssueListArgs,
    IssueSchema,
)
from ..store import editions
from ..store import issues as store
from ..store.issues import LATEST
from ..store.pagination import Page
from . import not_found

bp = Blueprint("issues", __name__)


@bp.get("/issues")
@response(IssueSchema)
@arguments(IssueListArgs)
def list_issues(args: dict[str, Any]) -> Page:
    return store.list_issues(
        get_db(), sort=args["sort"], limit=args["limit"], cursor=args.get("cursor")
    )


@bp.get("/issues/latest")
@response(IssueDetailSchema)
@arguments(IssueDetailArgs)
def latest_issue(args: dict[str, Any]) -> dict[str, Any]:
    issue = editions.latest_issue_with_articles(get_db())
    if issue is None:
        raise NotFound("No newsletter issue has been published yet.")
    return issue


@bp.get("/issues/<ref>")
@response(IssueDetailSchema)
@arguments(IssueDetailArgs)
def get_issue(ref: str, args: dict[str, Any]) -> dict[str, Any]:
    return editions.issue_with_articles(get_db(), ref) or not_found("issue", ref)


@bp.get("/issues/latest/bundle")
@response(BundleSchema)
@arguments(BundleArgs)
def latest_bundle(args: dict[str, Any]) -> dict[str, Any]:
    bundle = editions.issue_bundle(get_db(), LATEST, args["format"])
    if bundle is None:
        raise NotFound("No newsletter issue has been published yet.")
    return bundle


@bp.get("/issues/<ref>/bundle")
@response(BundleSchema)
@arguments(BundleArgs)
def get_bundle(ref: str, args: dict[str, Any]) -> dict[str, Any]:
    return editions.issue_bundle(get_db(), ref, args["format"]) or not_found("issue", ref)


# The editors' writes ------------------------------------------------------------------------


@bp.post("/issues")
@authenticate("editor")
def create_issue() -> Response:
    return editor.create_issue(editor.json_body())


@bp.put("/issues/<issue:ref>")
@authenticate("editor")
def replace_issue(ref: str) -> Response:
    return editor.replace_issue(ref, editor.json_body())


@bp.patch("/issues/<issue:ref>")
@authenticate("editor")
def patch_issue(ref: str) -> Response:
    return editor.replace_issue(ref, editor.json_body(patch=True), patch=True)


@bp.delete("/issues/<issue:ref>")
@authenticate("editor")
def delete_issue(ref: str) -> Response:
    return editor.delete_issue(ref)
