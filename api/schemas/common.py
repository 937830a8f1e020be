"""Query-argument building blocks shared by every resource."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import g, has_request_context, request
from marshmallow import RAISE, Schema, ValidationError, fields, post_dump, validate
from werkzeug.datastructures import MultiDict

from ..importer.render import markdown_escape
from ..links import resolve_term_links
from ..timefmt import parse_instant, to_rfc3339

FORMATS = ("text", "html", "markdown")


class CommaList(fields.Field):
    """`a,b,c` as an ordered list of distinct names, each from an allowed set."""

    def __init__(self, allowed: Iterable[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowed = tuple(allowed)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        names = [part.strip() for part in str(value).split(",") if part.strip()]
        if not names:
            raise ValidationError(f"Give one or more of: {', '.join(self.allowed)}.")
        unknown = [n for n in names if n not in self.allowed]
        if unknown:
            raise ValidationError(
                f"Unknown value {', '.join(repr(u) for u in unknown)}; "
                f"allowed: {', '.join(self.allowed)}."
            )
        return list(dict.fromkeys(names))


class SortOrder(fields.Field):
    """`sort=-published_at,title`: a leading minus sorts that field descending."""

    def __init__(self, allowed: Iterable[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowed = tuple(allowed)

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> list[tuple[str, bool]]:
        order: list[tuple[str, bool]] = []
        for part in (p.strip() for p in str(value).split(",")):
            name = part.removeprefix("-")
            if name not in self.allowed:
                choices = ", ".join(f"{n}, -{n}" for n in self.allowed)
                raise ValidationError(f"Cannot sort by {part!r}; allowed: {choices}.")
            # A repeated field cannot change the order again; the first mention wins.
            if all(existing != name for existing, _ in order):
                order.append((name, part.startswith("-")))
        return order


class Instant(fields.Field):
    """A date (midnight UTC) or an RFC 3339 datetime, normalised to our UTC spelling."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            moment = parse_instant(str(value))
            if moment.microsecond and moment < datetime.max.replace(tzinfo=UTC) - timedelta(
                seconds=1
            ):
                # Stored times are whole seconds: T.5 compares like T+1 for >= and <.
                moment = moment.replace(microsecond=0) + timedelta(seconds=1)
            return to_rfc3339(moment)
        except ValueError as error:
            raise ValidationError(
                "Not a date (YYYY-MM-DD) or RFC 3339 datetime (2024-06-19T08:00:00Z)."
            ) from error


class Ref(fields.String):
    """An id or a slug in a query string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=validate.Regexp(
                r"^[A-Za-z0-9-]{1,200}\Z", error="Not an id or a slug (letters, digits, hyphens)."
            ),
            **kwargs,
        )


# Response building blocks -------------------------------------------------------------------


# The one rule for human text (openapi.yaml, "Text formats"): every field that holds words
# an editor wrote follows `format=`. text (the default, and on operations without `format`)
# is the text as written; html is HTML text content, `<`, `>` and `&` escaped, with no markup
# but ours (glossary `<dfn>`/`<a>`); markdown is the text with Markdown's syntax escaped.
# Identifiers, slugs, URLs, domains, kinds and dates are never human text: always as stored.


def requested_format() -> str:
    return str(getattr(g, "query_args", {}).get("format", "text"))


class LinkedText(fields.String):
    """Human text rendered in all three formats at write time (the store picks the
    column); glossary marks in HTML and Markdown become links to the website, as
    configured (api.links)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return resolve_term_links(value, requested_format())


class HumanText(fields.String):
    """Human text stored only as written (a title, a heading, a label, a term, its
    definition, a question): escaped into the requested format as it is served."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        fmt = requested_format()
        if fmt == "html":
            return escape(str(value), quote=False)
        if fmt == "markdown":
            return markdown_escape(str(value))
        return str(value)


class WebLinked(Schema):
    """A shape with an optional `web_url`: absent, not null, when no template is set."""

    @post_dump
    def _omit_absent_web_url(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if "web_url" in data and data["web_url"] is None:
            del data["web_url"]
        return data


# Query arguments ----------------------------------------------------------------------------


def issue_ref() -> Ref:
    """An issue's id or slug, or `latest` for the newest published issue."""
    return Ref()


# A whole number as the contract's `type: integer` spells it: ASCII digits, no sign, no
# padding. int() would also take `1_0`, `+5`, ` 5`, `05` and other scripts' digits.
WHOLE_NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")


class StrictInteger(fields.Integer):
    """A query parameter's whole number, spelled one way only (see WHOLE_NUMBER)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        text = str(value)
        if not WHOLE_NUMBER.fullmatch(text):
            raise ValidationError("Not a whole number (ASCII digits, no sign or leading zero).")
        return int(text)


class QueryArgs(Schema):
    """Unknown parameters are an error, not silently ignored."""

    class Meta:
        unknown = RAISE


class DetailArgs(QueryArgs):
    pass


class ListArgs(QueryArgs):
    limit = StrictInteger(
        load_default=20,
        validate=validate.Range(min=1, max=100, error="Must be between 1 and 100."),
    )
    cursor = fields.String(
        validate=[
            validate.Length(min=1, max=1000),
            validate.Regexp(r"^[A-Za-z0-9_-]+\Z", error="Not a cursor this API issued."),
        ]
    )


def fields_arg(shape: type[Schema], *, exclude: Iterable[str] = ()) -> CommaList:
    """`fields=` for a response shape: its own fields are the allowed names (related content
    comes through `include`, so it is excluded)."""
    allowed = [name for name in shape._declared_fields if name not in set(exclude)]
    # Loaded as `field_names`: a schema attribute called `fields` would shadow Schema.fields.
    return CommaList(allowed, data_key="fields")


def include_arg(allowed: Iterable[str]) -> CommaList:
    return CommaList(allowed, load_default=list)


def format_arg() -> fields.String:
    return fields.String(
        load_default="text",
        validate=validate.OneOf(FORMATS, error="Must be one of: text, html, markdown."),
    )


LIST_VALUED = (CommaList, SortOrder)


def ignored_parameter(name: str) -> bool:
    """Cache-busters (`_`) that HTTP libraries add, and campaign tags (`utm_*`)."""
    return name == "_" or name.startswith("utm_")


def _list_valued(schema: Schema) -> set[str]:
    return {f.data_key or n for n, f in schema.fields.items() if isinstance(f, LIST_VALUED)}


def query_values(schema: Schema, args: MultiDict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The query string as one value per parameter, ignored ones left out: a list-valued
    parameter given several times (`include=a&include=b`) means its comma form. Also
    the names of other parameters given more than once."""
    list_valued = _list_valued(schema)
    values: dict[str, str] = {}
    repeated: list[str] = []
    for name, given in args.lists():
        if ignored_parameter(name):
            continue
        if len(given) > 1 and name not in list_valued:
            repeated.append(name)
        values[name] = ",".join(given)
    return values, repeated


@lru_cache(maxsize=1024)
def is_default(schema: Schema, name: str, value: str) -> bool:
    """Whether `name=value` loads to what leaving the parameter out gives."""
    try:
        given = schema.load({name: value})
        omitted = schema.load({})
    except ValidationError:
        return False
    attribute = next((n for n, f in schema.fields.items() if (f.data_key or n) == name), name)
    return attribute in omitted and given.get(attribute) == omitted[attribute]


def not_utf8(raw_query: bytes) -> dict[str, list[str]]:
    """Parameters whose percent-escapes are not UTF-8 (`q=%FF`, Latin-1's ÿ): werkzeug keeps
    such an escape as its literal text, so `q=%FF` searched for the three characters `%FF`
    and the `self` link said `q=%25FF`."""
    errors: dict[str, list[str]] = {}
    for pair in raw_query.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            # As werkzeug names it: decoded, or its literal text when that is not UTF-8.
            shown = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            shown = name.decode("latin-1")
        else:
            try:
                unquote_to_bytes(value).decode("utf-8")
                continue
            except UnicodeDecodeError:
                pass
        errors[shown[:100]] = ["Not UTF-8: percent-escapes must encode UTF-8 text."]
    return errors


def load_query(schema: Schema, args: MultiDict[str, str]) -> dict[str, Any]:
    """Validate a query string; messages name each parameter and what it accepts."""
    values, repeated = query_values(schema, args)
    errors: dict[str, list[str]] = {
        name: ["Given more than once; give it once."] for name in repeated
    }
    if has_request_context():
        for name, messages in not_utf8(request.query_string).items():
            errors.setdefault(name, []).extend(messages)
    try:
        loaded = schema.load(values)
    except ValidationError as error:
        allowed = ", ".join(sorted(f.data_key or n for n, f in schema.fields.items()))
        for name, messages in error.normalized_messages().items():
            listed = messages if isinstance(messages, list) else [str(messages)]
            if listed == ["Unknown field."]:
                listed = [f"Unknown parameter. Allowed: {allowed}."]
            errors.setdefault(str(name), []).extend(str(m) for m in listed)
        loaded = {}
    if errors:
        from ..errors import InvalidQuery

        names = ", ".join(sorted(errors))
        raise InvalidQuery(f"The query string is not valid: {names}.", errors=errors)
    return loaded


# Request bodies -----------------------------------------------------------------------------


class Body(Schema):
    """A write's JSON body: unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = RAISE


class BodyInteger(fields.Integer):
    """A JSON integer and nothing else. Non-strict, marshmallow's Integer took `"5"` and
    `2.5e-42` (as 0), found by make fuzz as accepted negative data. orjson reads an integer
    literal past 64 bits as a float, so an integral float that large is that integer: the
    contract's integers have no bound, and a 422 for one was rejected positive data."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer() and abs(value) >= 2**63:
            value = int(value)
        return super()._validated(value)


class BodyNumber(fields.Float):
    """A JSON number and nothing else: marshmallow's Float also takes `"1.5"`, where the
    contract says `type: number` (as BodyInteger for integers)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return float(super()._deserialize(value, attr, data, **kwargs))


class BodyBoolean(fields.Boolean):
    """JSON true or false: Boolean(truthy={True}) also took 1, which equals True."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class BodyInstant(Instant):
    """An RFC 3339 time in a body, or null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_none=True, **kwargs)


def text_field(max_length: int, *, required: bool = True, **kwargs: Any) -> fields.String:
    """Human text: not blank, at most `max_length` characters."""
    return fields.String(
        required=required,
        validate=[
            validate.Length(min=1, max=max_length),
            validate.Regexp(r"(?s).*\S", error="Must not be blank."),
        ],
        **kwargs,
    )


SLUG_PATTERN = r"^(?!\d+\Z)[a-z0-9]+(?:-[a-z0-9]+)*\Z"


def slug_field(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=[
            validate.Length(min=1, max=80),
            validate.Regexp(
                SLUG_PATTERN,
                error="Lowercase letters, digits and single hyphens, not only digits.",
            ),
        ],
        **kwargs,
    )


STATUSES = ("draft", "scheduled", "published")


def status_field(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.OneOf(STATUSES, error="Must be draft, scheduled or published."),
        **kwargs,
    )
