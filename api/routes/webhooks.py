"""/v1/webhooks: endpoints that receive signed events (Standard Webhooks). Admin keys only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from .. import editor
from .. import webhooks as service
from ..auth import authenticate
from ..db import get_db
from ..decorators import arguments, response
from ..http import json_response
from ..schemas.webhooks import (
    DeliveryListArgs,
    DeliverySchema,
    WebhookBody,
    WebhookCreatedSchema,
    WebhookDetailArgs,
    WebhookListArgs,
    WebhookSchema,
)
from ..store import webhooks as store
from ..store.pagination import Page

bp = Blueprint("webhooks", __name__)


@bp.get("/webhooks")
@authenticate("admin")
@response(WebhookSchema)
@arguments(WebhookListArgs)
def list_webhooks(args: dict[str, Any]) -> Page:
    return store.list_webhooks(get_db(), limit=args["limit"], cursor=args.get("cursor"))


@bp.post("/webhooks")
@authenticate("admin")
def create_webhook() -> Response:
    fields = editor.load_body(WebhookBody(), editor.json_body())
    row, secret = service.create_webhook(
        get_db(), url=fields["url"], events=fields["events"], description=fields.get("description")
    )
    if fields.get("enabled") is False:
        row = service.update_webhook(get_db(), row["id"], {"enabled": False})
    view = WebhookCreatedSchema().dump({**row, "secret": secret})
    location = view["deliveries_url"].rsplit("/", 1)[0]
    return json_response({"data": view}, status=201, headers={"Location": location})


@bp.get("/webhooks/<int:webhook_id>")
@authenticate("admin")
@response(WebhookSchema)
@arguments(WebhookDetailArgs)
def get_webhook(webhook_id: int, args: dict[str, Any]) -> dict[str, Any]:
    return service.get_webhook(get_db(), webhook_id)


def _if_match(webhook_id: int) -> None:
    """If-Match is honoured when sent (412 when stale); an admin tool may leave it out."""
    if request.headers.get("If-Match") is not None:
        editor.require_if_match(WebhookSchema().dump(service.get_webhook(get_db(), webhook_id)))


@bp.patch("/webhooks/<int:webhook_id>")
@authenticate("admin")
def patch_webhook(webhook_id: int) -> Response:
    data = editor.json_body(patch=True)
    fields = editor.load_body(WebhookBody(partial=True), data)
    _if_match(webhook_id)
    row = service.update_webhook(get_db(), webhook_id, fields)
    return json_response({"data": WebhookSchema().dump(row)})


@bp.delete("/webhooks/<int:webhook_id>")
@authenticate("admin")
def delete_webhook(webhook_id: int) -> Response:
    _if_match(webhook_id)
    service.delete_webhook(get_db(), webhook_id)
    return Response(status=204)


@bp.get("/webhooks/<int:webhook_id>/deliveries")
@authenticate("admin")
@response(DeliverySchema)
@arguments(DeliveryListArgs)
def list_deliveries(webhook_id: int, args: dict[str, Any]) -> Page:
    db = get_db()
    service.get_webhook(db, webhook_id)  # 404 for an unknown endpoint
    return store.list_deliveries(
        db, webhook_id, state=args.get("state"), limit=args["limit"], cursor=args.get("cursor")
    )
