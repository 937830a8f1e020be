"""`flask --app api webhooks add|list|remove` and `flask --app api worker`: thin click
wrappers over api.webhooks (the same functions as the HTTP API) and api.worker."""

from __future__ import annotations

import sys

import click
import orjson
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import webhooks
from .db import Database, connect
from .editor import flat_errors
from .errors import ApiError
from .schemas.webhooks import WebhookBody, WebhookSchema


def _cli_db() -> Database:
    return connect(current_app.config["DATABASE"], current_app.config["DATABASE_BUSY_TIMEOUT_MS"])


@click.group("webhooks")
def webhooks_group() -> None:
    """Register, list and remove webhook endpoints (the same as /v1/webhooks)."""


@webhooks_group.command("add")
@with_appcontext
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    required=True,
    help="An event to send: article.published, article.* or * (repeat for more).",
)
@click.option("--description", default=None, help="What the endpoint is for.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the endpoint (with its secret) as JSON."
)
def add_command(url: str, events: tuple[str, ...], description: str | None, as_json: bool) -> None:
    """Register an endpoint; print its id and its secret, which is shown this once.

    \b
    Example:
      flask --app api webhooks add https://example.org/hooks --event 'article.*' \\
          --event issue.published
    """
    body: dict[str, object] = {"url": url, "events": list(events)}
    if description is not None:
        body["description"] = description
    errors = WebhookBody().validate(body)
    if errors:
        named = flat_errors(errors)
        raise click.UsageError("; ".join(f"{k}: {' '.join(v)}" for k, v in named.items()))
    db = _cli_db()
    try:
        row, secret = webhooks.create_webhook(
            db, url=url, events=list(events), description=description
        )
    except ApiError as error:
        raise click.UsageError(error.detail) from error
    finally:
        db.close()
    view = {**WebhookSchema().dump(row), "secret": secret}
    if as_json:
        click.echo(orjson.dumps(view).decode())
        return
    click.echo(f"webhook {row['id']}: {url}  events: {', '.join(view['events'])}")
    click.echo(f"secret (shown once): {secret}")


@webhooks_group.command("list")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def list_command(as_json: bool) -> None:
    """List the endpoints (never their secrets), with whether each is enabled.

    \b
    Example:
      flask --app api webhooks list --json
    """
    db = _cli_db()
    try:
        found = WebhookSchema(many=True).dump(webhooks.store.all_webhooks(db))
    finally:
        db.close()
    for view in found:
        if as_json:
            click.echo(orjson.dumps(view).decode())
        else:
            state = "enabled" if view["enabled"] else f"disabled ({view['disabled_reason']})"
            click.echo(f"{view['id']}\t{view['url']}\t{','.join(view['events'])}\t{state}")
    if not found and not as_json:
        click.echo("No webhooks.")


@webhooks_group.command("remove")
@with_appcontext
@click.argument("webhook_id", type=int)
def remove_command(webhook_id: int) -> None:
    """Remove an endpoint and its deliveries; nothing more is sent to it.

    \b
    Example:
      flask --app api webhooks remove 3
    """
    db = _cli_db()
    try:
        webhooks.delete_webhook(db, webhook_id)
    except ApiError as error:
        click.echo(f"error: {error.detail}", err=True)
        sys.exit(1)
    finally:
        db.close()
    click.echo(f"Removed webhook {webhook_id}.")


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Look at the outbox once, send what is due, exit.")
@click.option("--threads", type=int, default=None, help="Sending threads (WORKER_THREADS).")
def worker_command(once: bool, threads: int | None) -> None:
    """Send webhooks and cache purges from the outbox (the Procfile's worker: line).

    \b
    Example:
      flask --app api worker            # runs until SIGINT or SIGTERM
      flask --app api worker --once     # what is due now, then exit
    """
    from .worker import run_once, run_worker

    if once:
        run_once()
        return
    run_worker(current_app._get_current_object(), threads=threads)  # type: ignore[attr-defined]


def register_commands(app: Flask) -> None:
    app.cli.add_command(webhooks_group)
    app.cli.add_command(worker_command)
