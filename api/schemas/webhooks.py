"""Webhook endpoints and their deliveries: bodies, query arguments, response shapes."""

from __future__ import annotations

from typing import Any

import orjson
from marshmallow import Schema, fields, validate

from .. import links
from ..store.sync import TYPES
from .common import Body, BodyBoolean, DetailArgs, ListArgs

DELIVERY_STATES = ("pending", "delivered", "failed")
ACTIONS = ("created", "updated", "published", "unpublished", "deleted")
EVENT_TYPES = tuple(f"{kind}.{action}" for kind in TYPES for action in ACTIONS)
SUBSCRIPTIONS = ("*", *(f"{kind}.*" for kind in TYPES), *EVENT_TYPES)


class EventName(fields.String):
    """An event type (`article.published`), a type's every event (`article.*`) or `*`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in SUBSCRIPTIONS:
            raise self.make_error("unknown", name=name[:100])
        return name

    default_error_messages = {  # noqa: RUF012 (marshmallow's own convention)
        "unknown": "Unknown event {name!r}: use {{type}}.{{action}} (type issue, article, term,"
        " question or source; action created, updated, published, unpublished or deleted),"
        " {{type}}.* or *."
    }


class WebhookBody(Body):
    """POST /v1/webhooks; PATCH takes the same fields, each optional, and `enabled`."""

    url = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=2000),
            validate.URL(
                schemes={"http", "https"},
                require_tld=False,
                error="Must be an absolute http or https URL.",
            ),
        ],
    )
    events = fields.List(
        EventName(),
        required=True,
        validate=validate.Length(min=1, max=60, error="Name 1 to 60 events."),
    )
    description = fields.String(allow_none=True, validate=validate.Length(max=500))
    enabled = BodyBoolean(error_messages={"invalid": "Must be true or false."})


class WebhookSchema(Schema):
    """An endpoint as admins read it: never its secret, which only its creation shows."""

    id = fields.Integer()
    url = fields.String()
    description = fields.String(allow_none=True)
    events = fields.Function(lambda row: orjson.loads(row["events"]))
    enabled = fields.Function(lambda row: bool(row["enabled"]))
    consecutive_failures = fields.Integer()
    disabled_at = fields.String(allow_none=True)
    disabled_reason = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    deliveries_url = fields.Function(
        lambda row: links.api_url("webhooks.list_deliveries", webhook_id=row["id"])
    )


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.String()


class AttemptSchema(Schema):
    at = fields.String()
    response_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()


class DeliverySchema(Schema):
    """One event sent to one endpoint; `id` is its `webhook-id` header, the same on every try."""

    id = fields.String(attribute="message_id")
    event_type = fields.String()
    timestamp = fields.String()
    state = fields.String()
    attempt_count = fields.Integer()
    next_attempt_at = fields.String(allow_none=True)
    last_attempt_at = fields.String(allow_none=True)
    last_response_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.String()
    delivered_at = fields.String(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptSchema))


class WebhookListArgs(ListArgs):
    pass


class WebhookDetailArgs(DetailArgs):
    pass


class DeliveryListArgs(ListArgs):
    state = fields.String(
        validate=validate.OneOf(DELIVERY_STATES, error="Must be pending, delivered or failed.")
    )
