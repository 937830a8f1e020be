from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .. import editor
from ..auth import authenticate
from ..db import get_db
from ..decorators import arguments, response
from ..http import text_response
from ..importer.canonical import render_document
from ..schemas.articles import (
    ArticleDetailArgs,
    ArticleListArgs,
    ArticleSchema,
    SectionDetailArgs,
    SectionListArgs,
    SectionSchema,
)
from ..schemas.common import DetailArgs
from ..schemas.glossary import ArticleTermListArgs, ArticleTermSchema
from ..schemas.questions import ArticleQuestionListArgs, QuestionSchema
from ..schemas.sources import ArticleSourceListArgs, SourceSchema
from ..store import articles as store
from ..store.documents import published_document
from ..store.glossary import article_terms
from ..store.pagination import Page
from ..store.questions import QuestionFilters, list_questions
from ..store.sources import SourceFilters, list_sources
from . import not_found

bp = Blueprint("articles", __name__)


def _article_id(ref: str) -> int:
    return store.resolve_article_id(get_db(), ref) or not_found("article", ref)


@bp.get("/articles")
@response(ArticleSchema)
@arguments(ArticleListArgs)
def list_articles(args: dict[str, Any]) -> Page:
    filters = store.ArticleFilters(
        **{
            k: args.get(k)
            for k in ("issue", "published_after", "published_before", "updated_since", "term", "q")
        }
    )
    db = get_db()
    page = store.list_articles(
        db,
        filters,
        sort=args["sort"],
        limit=args["limit"],
        cursor=args.get("cursor"),
        fmt=args["format"],
    )
    store.attach_related(db, page.items, args["include"], args["format"])
    return page


@bp.get("/articles/<ref>")
@response(ArticleSchema)
@arguments(ArticleDetailArgs)
def get_article(ref: str, args: dict[str, Any]) -> dict[str, Any]:
    db = get_db()
    article = store.get_article(db, ref, args["format"]) or not_found("article", ref)
    store.attach_related(db, [article], args["include"], args["format"])
    return article


@bp.get("/articles/<ref>/sections")
@response(SectionSchema)
@arguments(SectionListArgs)
def list_sections(ref: str, args: dict[str, Any]) -> Page:
    return store.list_sections(
        get_db(),
        _article_id(ref),
        kind=args.get("kind"),
        limit=args["limit"],
        cursor=args.get("cursor"),
        fmt=args["format"],
    )


@bp.get("/articles/<ref>/sections/<section>")
@response(SectionSchema)
@arguments(SectionDetailArgs)
def get_section(ref: str, section: str, args: dict[str, Any]) -> dict[str, Any]:
    found = store.get_section(get_db(), _article_id(ref), section, args["format"])
    return found or not_found("section", section)


@bp.get("/articles/<ref>/questions")
@response(QuestionSchema)
@arguments(ArticleQuestionListArgs)
def list_article_questions(ref: str, args: dict[str, Any]) -> Page:
    filters = QuestionFilters(article=str(_article_id(ref)))
    return list_questions(get_db(), filters, limit=args["limit"], cursor=args.get("cursor"))


@bp.get("/articles/<ref>/glossary")
@response(ArticleTermSchema)
@arguments(ArticleTermListArgs)
def list_article_glossary(ref: str, args: dict[str, Any]) -> Page:
    return article_terms(get_db(), _article_id(ref), limit=args["limit"], cursor=args.get("cursor"))


@bp.get("/articles/<ref>/sources")
@response(SourceSchema)
@arguments(ArticleSourceListArgs)
def list_article_sources(ref: str, args: dict[str, Any]) -> Page:
    filters = SourceFilters(article=str(_article_id(ref)))
    return list_sources(get_db(), filters, limit=args["limit"], cursor=args.get("cursor"))


@bp.get("/articles/<ref>/source")
@authenticate("editor")
@arguments(DetailArgs)
def get_article_source(ref: str, args: dict[str, Any]) -> Response:
    """The article as the canonical plain text editors write: download, edit, import again.
    An editor's key: the text is the way back into the importer, drafts included."""
    stored = published_document(get_db(), ref) or not_found("article", ref)
    return text_response(render_document(stored.document), last_modified=stored.updated_at)


# The editors' writes ------------------------------------------------------------------------


@bp.post("/articles")
@authenticate("editor")
def create_article() -> Response:
    return editor.create_article(editor.json_body())


@bp.put("/articles/<ref>")
@authenticate("editor")
def replace_article(ref: str) -> Response:
    return editor.replace_article(ref, editor.json_body())


@bp.patch("/articles/<ref>")
@authenticate("editor")
def patch_article(ref: str) -> Response:
    return editor.replace_article(ref, editor.json_body(patch=True), patch=True)


@bp.delete("/articles/<ref>")
@authenticate("editor")
def delete_article(ref: str) -> Response:
    return editor.delete_article(ref)


@bp.post("/articles/<ref>/questions")
@authenticate("editor")
def add_question(ref: str) -> Response:
    return editor.add_part("questions", ref, editor.json_body())


@bp.post("/articles/<ref>/sources")
@authenticate("editor")
def add_source(ref: str) -> Response:
    return editor.add_part("sources", ref, editor.json_body())


@bp.post("/articles/<ref>/glossary")
@authenticate("editor")
def add_term(ref: str) -> Response:
    return editor.add_term(ref, editor.json_body())
