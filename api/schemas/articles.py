from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import (
    DetailArgs,
    Instant,
    ListArgs,
    Ref,
    SortOrder,
    fields_arg,
    format_arg,
    include_arg,
)
from .glossary import ArticleTermSchema
from .questions import QuestionSchema
from .sources import SourceSchema

ARTICLE_INCLUDES = ("sections", "glossary", "questions", "sources", "issue")


class ItemSchema(Schema):
    label = fields.String()
    text = fields.String()


class SectionSchema(Schema):
    id = fields.Integer()
    article_id = fields.Integer()
    kind = fields.String()
    position = fields.Integer()
    number = fields.Integer(allow_none=True)
    heading = fields.String()
    anchor = fields.String()
    paragraphs = fields.List(fields.String(), allow_none=True)
    items = fields.List(fields.Nested(ItemSchema), allow_none=True)


class ArticleSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    lede = fields.String()
    issue_id = fields.Integer(allow_none=True)
    published_at = fields.String(allow_none=True)
    status = fields.String()
    word_count = fields.Integer()
    reading_minutes = fields.Integer()
    reading_level = fields.Float(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    url = fields.String()
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
    issue = Ref()
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
