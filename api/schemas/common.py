"""Query-argument building blocks shared by every resource."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from werkzeug.datastructures import MultiDict

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


class QueryArgs(Schema):
    """Unknown parameters are an error, not silently ignored."""

    class Meta:
        unknown = RAISE


class DetailArgs(QueryArgs):
    pass


class ListArgs(QueryArgs):
    limit = fields.Integer(
        load_default=20,
        strict=False,
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


def load_query(schema: Schema, args: MultiDict[str, str]) -> dict[str, Any]:
    """Validate a query string; messages name each parameter and what it accepts."""
    errors: dict[str, list[str]] = {}
    for name in args:
        if len(args.getlist(name)) > 1:
            errors[name] = ["Given more than once; give it once."]
    try:
        loaded = schema.load(args.to_dict(flat=True))
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
