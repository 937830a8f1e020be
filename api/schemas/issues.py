from __future__ import annotations

from marshmallow import Schema, fields

from .articles import ArticleSchema
from .common import DetailArgs, ListArgs, SortOrder, fields_arg, format_arg


class IssueSchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    slug = fields.String()
    title = fields.String()
    published_on = fields.String(allow_none=True)
    status = fields.String()
    article_count = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()
    url = fields.String()


class IssueDetailSchema(IssueSchema):
    articles = fields.List(fields.Nested(ArticleSchema))


class BundleSchema(IssueDetailSchema):
    content_hash = fields.String()


class IssueListArgs(ListArgs):
    field_names = fields_arg(IssueSchema)
    sort = SortOrder(("published_on", "number"), load_default=lambda: [("published_on", True)])


class IssueDetailArgs(DetailArgs):
    field_names = fields_arg(IssueDetailSchema)


class BundleArgs(DetailArgs):
    format = format_arg()
