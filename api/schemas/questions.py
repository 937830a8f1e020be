from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import DetailArgs, HumanText, ListArgs, Ref, fields_arg, issue_ref


class QuestionSchema(Schema):
    id = fields.Integer()
    article_id = fields.Integer()
    position = fields.Integer()
    text = HumanText()
    kinds = fields.List(fields.String())


class ArticleQuestionListArgs(ListArgs):
    field_names = fields_arg(QuestionSchema)


class QuestionListArgs(ArticleQuestionListArgs):
    kind = fields.String(validate=validate.Length(min=1, max=200))
    article = Ref()
    issue = issue_ref()


class QuestionDetailArgs(DetailArgs):
    field_names = fields_arg(QuestionSchema)
