from __future__ import annotations

from marshmallow import fields, validate

from .. import links
from .common import (
    Body,
    BodyInteger,
    DetailArgs,
    HumanText,
    ListArgs,
    Ref,
    SortOrder,
    WebLinked,
    fields_arg,
    text_field,
)


class ArticleTermSchema(WebLinked):
    """A term as one article uses it, with the definition that article was published with."""

    id = fields.Integer()
    slug = fields.String()
    term = HumanText()
    definition = HumanText()
    url = fields.Function(lambda t: links.term_url(t["slug"]))
    web_url = fields.Function(links.term_web_url)


class TermUseSchema(WebLinked):
    """An article that uses a term, with the definition it gives."""

    id = fields.Integer()
    slug = fields.String()
    title = HumanText()
    url = fields.Function(lambda a: links.article_url(a["slug"]))
    web_url = fields.Function(links.article_web_url)
    definition = HumanText()


class TermSchema(ArticleTermSchema):
    article_count = fields.Integer()


class TermDetailSchema(TermSchema):
    articles = fields.List(fields.Nested(TermUseSchema))


class TermListArgs(ListArgs):
    field_names = fields_arg(TermSchema)
    sort = SortOrder(("term",), load_default=lambda: [("term", False)])
    letter = fields.String(
        validate=validate.Regexp(r"^[A-Za-z0-9]\Z", error="One letter or digit, e.g. letter=s.")
    )
    prefix = fields.String(validate=validate.Length(min=1, max=200))
    article = Ref()


class TermDetailArgs(DetailArgs):
    field_names = fields_arg(TermDetailSchema)


class ArticleTermListArgs(ListArgs):
    field_names = fields_arg(ArticleTermSchema)


class TermBody(Body):
    """PUT or PATCH of a glossary term: its spelling and definition in every article."""

    term = text_field(200)
    definition = text_field(5_000)
    # Server-owned, accepted back unchanged.
    id = BodyInteger()
    slug = fields.String()
    url = fields.String()
    web_url = fields.String()
    article_count = BodyInteger()
    articles = fields.List(fields.Dict())  # read-only; the contract: a list of objects


TERM_SERVER_FIELDS = ("id", "slug", "url", "web_url", "article_count")
