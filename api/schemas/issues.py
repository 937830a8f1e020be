from __future__ import annotations

from marshmallow import fields

from .. import links
from .articles import ArticleSchema
from .common import DetailArgs, ListArgs, SortOrder, WebLinked, fields_arg, format_arg


class IssueSchema(WebLinked):
    id = fields.Integer()
    number = fields.Integer()
    slug = fields.String()
    title = fields.String()
    published_on = fields.String(allow_none=True)
    status = fields.String()
    article_count = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()
    url = fields.Function(lambda i: links.issue_url(i["slug"]))
    web_url = fields.Function(links.issue_web_url)


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
