from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import DetailArgs, HumanText, ListArgs, Ref, fields_arg


class SourceSchema(Schema):
    id = fields.Integer()
    article_id = fields.Integer()
    position = fields.Integer()
    url = fields.String()
    domain = fields.String()
    publisher = HumanText(allow_none=True)
    published_on = fields.String(allow_none=True)


class ArticleSourceListArgs(ListArgs):
    field_names = fields_arg(SourceSchema)


class SourceListArgs(ArticleSourceListArgs):
    domain = fields.String(validate=validate.Length(min=1, max=253))
    article = Ref()


class SourceDetailArgs(DetailArgs):
    field_names = fields_arg(SourceSchema)
