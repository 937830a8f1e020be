from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from .. import links
from ..timefmt import utc_now
from .common import (
    Body,
    BodyInstant,
    BodyInteger,
    BodyNumber,
    DetailArgs,
    HumanText,
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
    slug_field,
    status_field,
    text_field,
)
from .glossary import ArticleTermSchema
from .questions import QuestionSchema
from .sources import SourceSchema

ARTICLE_INCLUDES = ("sections", "glossary", "questions", "sources", "issue")


class ItemSchema(Schema):
    label = HumanText()
    text = LinkedText()


# Each kind has only its own keys: a body section paragraphs, a background one number and items.
_OTHER_KINDS_KEYS = {"body": ("number", "items"), "background": ("paragraphs",)}


class SectionSchema(Schema):
    id = fields.Integer()
    article_id = fields.Integer()
    kind = fields.String()
    position = fields.Integer()
    number = fields.Integer(allow_none=True)
    heading = HumanText()
    anchor = fields.String()
    paragraphs = fields.List(LinkedText())
    items = fields.List(fields.Nested(ItemSchema))

    @post_dump(pass_original=True)
    def _only_its_kinds_keys(
        self, data: dict[str, Any], original: Any, **kwargs: Any
    ) -> dict[str, Any]:
        # The stored row's kind: with `fields=items` the dumped one has no `kind` to go by,
        # and a body section came back as `{"items": null}`, which is no section's shape.
        kind = original.get("kind") if isinstance(original, dict) else data.get("kind")
        for key in _OTHER_KINDS_KEYS.get(kind or "", ()):
            data.pop(key, None)
        return data


class ArticleSchema(WebLinked):
    id = fields.Integer()
    slug = fields.String()
    title = HumanText()
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


# Bodies of the editors' writes ---------------------------------------------------------------
#
# Each body mirrors what a GET returns, so a GET body can be edited and sent back: fields
# the server derives (ids, urls, counts, anchors, positions) may be sent back unchanged.

# The article's own fields that the server owns: sent back, they must equal the stored ones.
ARTICLE_SERVER_FIELDS = (
    "id",
    "url",
    "web_url",
    "created_at",
    "updated_at",
    "word_count",
    "reading_minutes",
    "reading_level",
)


class ItemBody(Body):
    label = text_field(300)
    text = text_field(20_000)


class SectionBody(Body):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(("body", "background"), error="Must be body or background."),
    )
    heading = text_field(300)
    paragraphs = fields.List(text_field(20_000), validate=validate.Length(min=1, max=200))
    items = fields.List(fields.Nested(ItemBody), validate=validate.Length(min=1, max=200))
    # Derived from the heading and the order; accepted back, not written.
    id = BodyInteger(allow_none=True)
    article_id = BodyInteger(allow_none=True)
    position = BodyInteger(allow_none=True)
    number = BodyInteger(allow_none=True)
    anchor = fields.String(allow_none=True)

    @validates_schema
    def _kind_has_its_content(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("kind") == "body":
            if "items" in data:
                raise ValidationError("A body section has paragraphs, not items.", "items")
            if not data.get("paragraphs"):
                raise ValidationError("A body section needs paragraphs.", "paragraphs")
        elif data.get("kind") == "background":
            if "paragraphs" in data:
                raise ValidationError(
                    "A background section has items, not paragraphs.", "paragraphs"
                )
            if not data.get("items"):
                raise ValidationError("A background section needs items.", "items")


class GlossaryEntryBody(Body):
    term = text_field(200)
    definition = text_field(5_000)
    id = BodyInteger(allow_none=True)
    slug = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    web_url = fields.String(allow_none=True)


class QuestionBody(Body):
    text = text_field(2_000)
    kinds = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        validate=validate.Length(min=1, max=10),
    )
    id = BodyInteger(allow_none=True)
    article_id = BodyInteger(allow_none=True)
    position = BodyInteger(allow_none=True)


# A source's address, exactly as openapi.yaml's SourceInput.url states it (a test compares
# the two): http or https, a host of two or more dot-separated labels, an optional port,
# then path, query and fragment in RFC 3986's characters. marshmallow's Url wanted a real
# top-level domain, so https://0.a, which the contract allows, was a 422. Every part is
# unambiguous, so matching is linear (labels that could hold dots made a 2,000-character
# host of dots take a second), and nothing it takes makes urlsplit raise.
_LABEL = r"(?:[A-Za-z0-9_~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+"
_PATH = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})"
_QUERY = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})"
SOURCE_URL_PATTERN = (
    rf"^https?://{_LABEL}(?:\.{_LABEL})+(?::[0-9]{{1,5}})?"
    rf"(?:/{_PATH}*)?(?:\?{_QUERY}*)?(?:#{_QUERY}*)?$"
)


class SourceBody(Body):
    url = fields.String(
        required=True,
        validate=[
            validate.Length(max=2_000),
            validate.Regexp(
                # \Z, not `$`, which would let a trailing newline through.
                re.compile(SOURCE_URL_PATTERN.removesuffix("$") + r"\Z"),
                error="Not a valid URL (http or https, RFC 3986 characters).",
            ),
        ],
    )
    id = BodyInteger(allow_none=True)
    article_id = BodyInteger(allow_none=True)
    position = BodyInteger(allow_none=True)
    domain = fields.String(allow_none=True)
    publisher = fields.String(allow_none=True)
    published_on = fields.String(allow_none=True)


class ArticleBody(Body):
    """POST and PUT: the whole article. A PATCH is merged into the stored article first."""

    title = text_field(300)
    lede = text_field(20_000)
    slug = slug_field()
    issue_id = BodyInteger(allow_none=True)
    published_at = BodyInstant()
    status = status_field()
    sections = fields.List(fields.Nested(SectionBody), validate=validate.Length(max=200))
    glossary = fields.List(fields.Nested(GlossaryEntryBody), validate=validate.Length(max=200))
    questions = fields.List(fields.Nested(QuestionBody), validate=validate.Length(max=100))
    sources = fields.List(fields.Nested(SourceBody), validate=validate.Length(max=100))
    # Server-owned: accepted back only unchanged (checked against the stored article).
    id = BodyInteger()
    url = fields.String()
    web_url = fields.String()
    created_at = fields.String()
    updated_at = fields.String()
    word_count = BodyInteger()
    reading_minutes = BodyInteger()
    reading_level = BodyNumber(allow_none=True)
    # The embedded issue of include=issue: read-only, but an object (or null) as the contract
    # says; fields.Raw took any JSON here.
    issue = fields.Dict(allow_none=True)

    @validates_schema
    def _scheduled_needs_a_future_time(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("status") == "scheduled":
            when = data.get("published_at")
            if not when or when <= utc_now():
                raise ValidationError(
                    "A scheduled article needs a published_at in the future.", "published_at"
                )
