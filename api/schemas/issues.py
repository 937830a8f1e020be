from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from .. import links
from ..timefmt import utc_now
from .articles import ArticleSchema
from .common import (
    Body,
    BodyInteger,
    DetailArgs,
    HumanText,
    ListArgs,
    SortOrder,
    WebLinked,
    fields_arg,
    format_arg,
    slug_field,
    status_field,
    text_field,
)


class IssueSchema(WebLinked):
    id = fields.Integer()
    number = fields.Integer()
    slug = fields.String()
    title = HumanText()
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


ISSUE_SERVER_FIELDS = ("id", "url", "web_url", "created_at", "updated_at", "article_count")


class IssueBody(Body):
    """POST and PUT of a newsletter issue; a PATCH is merged into the stored one first."""

    number = BodyInteger(required=True, validate=validate.Range(min=1, max=1_000_000))
    title = text_field(300)
    slug = slug_field()
    published_on = fields.Date(allow_none=True)
    status = status_field()
    # Server-owned, accepted back unchanged; `articles` is the issue's, edited through them.
    id = BodyInteger()
    url = fields.String()
    web_url = fields.String()
    created_at = fields.String()
    updated_at = fields.String()
    article_count = BodyInteger()
    articles = fields.List(fields.Dict())  # read-only; the contract: a list of objects

    @validates_schema
    def _scheduled_needs_a_future_day(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("status") == "scheduled":
            day = data.get("published_on")
            if day is None or day.isoformat() <= utc_now()[:10]:
                raise ValidationError(
                    "A scheduled issue needs a published_on after today.", "published_on"
                )
