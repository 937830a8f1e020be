from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate

from .. import links
from .common import (
    DetailArgs,
    Instant,
    LinkedText,
    ListArgs,
    Ref,
    SortOrder,
    WebLinked,
    fields_arg,
    format_arg,
    include_arg,
    issue_ref,
)
from .glossary import ArticleTermSchema
from .questions import QuestionSchema
from .sources import SourceSchema

ARTICLE_INCLUDES = ("sections", "glossary", "questions", "sources", "issue")


class ItemSchema(Schema):
    label = fields.String()
    text = LinkedText()


# Each kind has only its own keys: a body section paragraphs, a background one number and items.
_OTHER_KINDS_KEYS = {"body": ("number", "items"), "background": ("paragraphs",)}


class SectionSchema(Schema):
    id = fields.Integer()
    article_id = fields.Integer()
    kind = fields.String()
    position = fields.Integer()
    number = fields.Integer(allow_none=True)
    heading = fields.String()
    anchor = fields.String()
    paragraphs = fields.List(LinkedText())
    items = fields.List(fields.Nested(ItemSchema))

    @post_dump
    def _only_its_kinds_keys(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        for key in _OTHER_KINDS_KEYS.get(data.get("kind", ""), ()):
            data.pop(key, None)
        return data


class ArticleSchema(WebLinked):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    lede = LinkedText()
    issue_id = fields.Integer(allow_none=True)
    published_at = fields.String(allow_none=True)
    status = fields.String()
    word_count = fields.Integer()
    reading_minutes = fields.Integer()
    reading_level = fields.Float(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    url = fields.Function(lambda a: links.article_url(a["slug"]))
    web_url = fields.Function(links.article_web_url)
    sections = fields.List(fields.Nested(SectionSchema))
    glossary = fields.List(fields.Nested(ArticleTermSchema))
    questions = fields.List(fields.Nested(QuestionSchema))
    sources = fields.List(fields.Nested(SourceSchema))
    # Nested by name: the issue schema embeds articles in turn.
    issue = fields.Nested("IssueSchema", allow_none=True)


class ArticleListArgs(ListArgs):
    field_names = fields_arg(ArticleSchema, exclude=ARTICLE_INCLUDES)
    include = include_arg(ARTICLE_INCLUDES)
    format = format_arg()
    sort = SortOrder(
        ("published_at", "title", "updated_at"), load_default=lambda: [("published_at", True)]
    )
    issue = issue_ref()
    published_after = Instant()
    published_before = Instant()
    updated_since = Instant()
    term = Ref()
    q = fields.String(validate=validate.Length(min=1, max=200))


class ArticleDetailArgs(DetailArgs):
    field_names = fields_arg(ArticleSchema, exclude=ARTICLE_INCLUDES)
    include = include_arg(ARTICLE_INCLUDES)
    format = format_arg()


class SectionListArgs(ListArgs):
    field_names = fields_arg(SectionSchema)
    format = format_arg()
    kind = fields.String(
        validate=validate.OneOf(("body", "background"), error="Must be body or background.")
    )


class SectionDetailArgs(DetailArgs):
    field_names = fields_arg(SectionSchema)
    format = format_arg()
