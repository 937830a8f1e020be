"""Webhooks and cache purges, fed from the one change log in the writer's transaction.

How the layers stay apart: `api.db.write_transaction` runs the callables in
`api.db.before_commit` just before its COMMIT, knowing nothing about them.
`init_webhooks(app)` registers `feed_outbox` there once. It reads the change-log lines
written since the outbox was last fed (`outbox_state.fed_seq`: every line is turned
into events exactly once, whichever writer wrote it), renders each item with the same
store functions and response schemas its detail GET uses, as an editor's key sees it,
and writes the events, one delivery per subscribed endpoint, and one cache purge per
configured cache node, all in that same transaction. The store never calls up into
this module, and routes never run inside a write: this module sits where api.editor
sits, between the routes and the store.

What is sent, and when, is api.worker's business; the outbox rows are the truth.

Event rules (issue 13): `{type}.{action}` as the change log says it. A write that
creates an item already published logs `created` then `published`; a change of what
the public sees logs `published` or `unpublished` (not `updated`); `updated` for any
other change, `deleted` with `item: null`. Scheduled content logs `published` when its
moment passes (`publish_due`, run by the worker). Within one transaction an item's
event of each kind is sent once, and `updated` is left out where it was also created.
"""

from __future__ import annotations

import base64
import contextvars
import ipaddress
import secrets
import socket
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from flask import Flask, current_app, has_app_context
from marshmallow import Schema
from sqlite_utils import Database

from . import db as database
from .db import write_transaction
from .errors import InvalidBody, NotFound
from .links import api_url, question_url, source_url
from .schemas.articles import ArticleSchema
from .schemas.glossary import TermDetailSchema
from .schemas.issues import IssueDetailSchema
from .schemas.questions import QuestionSchema
from .schemas.sources import SourceSchema
from .store import articles, editions, glossary, questions, sources
from .store import webhooks as store
from .store.common import set_previewing
from .store.writes import log_change
from .surrogate import purge_keys
from .timefmt import utc_now

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # Standard Webhooks: 24 to 64 random bytes

# Each type as its detail URL returns it: the store function and the response schema.
DETAIL: dict[str, tuple[Callable[[Database, int], dict[str, Any] | None], type[Schema], str]] = {
    "issue": (lambda db, i: editions.issue_with_articles(db, str(i)), IssueDetailSchema, "issues"),
    "article": (lambda db, i: articles.get_article(db, str(i)), ArticleSchema, "articles"),
    "term": (lambda db, i: glossary.get_term(db, str(i)), TermDetailSchema, "glossary"),
    "question": (questions.get_question, QuestionSchema, "questions"),
    "source": (sources.get_source, SourceSchema, "sources"),
}


# Subscriptions, secrets, receiver URLs ------------------------------------------------------


def subscribes(subscription: Iterable[str], event_type: str) -> bool:
    kind = event_type.split(".", 1)[0]
    return any(name in ("*", event_type, f"{kind}.*") for name in subscription)


def new_secret() -> str:
    """`whsec_` and standard, padded base64 of random bytes, as Standard Webhooks has it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id() -> str:
    return "msg_" + uuid.uuid4().hex


class UnsafeUrl(ValueError):
    """A receiver URL that would make this server call into its own network."""


def _forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_receiver(url: str, *, allow_private: bool) -> list[str]:
    """Refuse a URL whose host is, or resolves to, a loopback, private, link-local or
    otherwise non-public address (SSRF, OWASP API7). Every address the name resolves to
    is checked, at registration and again before each delivery; the checked addresses
    are returned, for the delivery to connect to (`pinned_request`); none when private
    receivers are allowed: nothing was checked."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("Must be an absolute http or https URL.")
    if allow_private:
        return []
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as error:
        raise UnsafeUrl(f"The host {parts.hostname!r} does not resolve: {error}.") from error
    refused = sorted({str(info[4][0]) for info in found if _forbidden(str(info[4][0]))})
    if refused or not found:
        raise UnsafeUrl(
            f"The host {parts.hostname!r} resolves to a loopback, private or link-local"
            f" address ({', '.join(refused)}); receivers must be on the public internet."
        )
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def pinned_request(url: str, addresses: list[str]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL to connect to, the Host header and the request extensions that make the
    HTTP client reach the address `check_receiver` vetted, not whatever the name resolves
    to a moment later (DNS rebinding). TLS still verifies the certificate against the
    name (SNI). With no addresses (nothing checked) the URL is used as it is."""
    parts = urlsplit(url)
    if not addresses or parts.hostname is None:
        return url, {}, {}
    address = addresses[0]
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    target = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    named = parts.netloc.rpartition("@")[2]
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return target, {"Host": named}, extensions


def allow_private_urls() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE_URLS"))


def _checked_url(url: str) -> str:
    try:
        check_receiver(url, allow_private=allow_private_urls())
    except UnsafeUrl as error:
        raise InvalidBody(
            f"The body is not valid: url. {error}", errors={"url": [str(error)]}
        ) from error
    return url


# The endpoints, for the routes and the CLI ----------------------------------------------------


def _events_json(events: list[str]) -> str:
    return orjson.dumps(list(dict.fromkeys(events))).decode()


def create_webhook(
    db: Database, *, url: str, events: list[str], description: str | None = None
) -> tuple[dict[str, Any], str]:
    """A new endpoint: (its row, its secret, which is shown this once)."""
    secret = new_secret()
    with write_transaction(db):
        webhook_id = store.insert_webhook(
            db,
            url=_checked_url(url),
            events=_events_json(events),
            description=description,
            secret=secret,
            now=utc_now(),
        )
        row = store.get_webhook(db, webhook_id)
    assert row is not None
    return row, secret


def get_webhook(db: Database, webhook_id: int) -> dict[str, Any]:
    row = store.get_webhook(db, webhook_id)
    if row is None:
        raise NotFound(f"No webhook has the id {webhook_id}.")
    return row


def update_webhook(db: Database, webhook_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change what was sent; `enabled: true` resumes its kept deliveries at once."""
    with write_transaction(db):
        current = get_webhook(db, webhook_id)
        now = utc_now()
        values: dict[str, Any] = {}
        if "url" in changes:
            values["url"] = _checked_url(changes["url"])
        if "events" in changes:
            values["events"] = _events_json(changes["events"])
        if "description" in changes:
            values["description"] = changes["description"]
        if values:
            store.update_webhook(db, webhook_id, values, now)
        if changes.get("enabled") is True and not current["enabled"]:
            store.enable_webhook(db, webhook_id, now)
        elif changes.get("enabled") is False and current["enabled"]:
            store.update_webhook(
                db,
                webhook_id,
                {"enabled": 0, "disabled_at": now, "disabled_reason": "disabled by an admin"},
                now,
            )
        return get_webhook(db, webhook_id)


def delete_webhook(db: Database, webhook_id: int) -> None:
    with write_transaction(db):
        if not store.delete_webhook(db, webhook_id):
            raise NotFound(f"No webhook has the id {webhook_id}.")


# Feeding the outbox, before each write transaction commits ----------------------------------


def render_item(db: Database, kind: str, item_id: int) -> dict[str, Any] | None:
    """The item as an editor's key sees it at its detail URL (None when it is gone)."""
    fetch, schema, _ = DETAIL[kind]

    def as_editor() -> dict[str, Any] | None:
        set_previewing(True)  # in a copy of the context: the request's own view is kept
        row = fetch(db, item_id)
        return _dumper(schema).dump(row) if row is not None else None

    return contextvars.copy_context().run(as_editor)


@lru_cache(maxsize=8)
def _dumper(schema: type[Schema]) -> Schema:
    """One instance per schema: building one costs more than a dump, and dumping is
    stateless."""
    return schema()


def item_url(kind: str, item_id: int) -> str:
    """The item's API URL by id, which still names it after a rename (or a delete)."""
    if kind == "question":
        return question_url(item_id)
    if kind == "source":
        return source_url(item_id)
    endpoint = {"issue": "issues.get_issue", "article": "articles.get_article"}.get(
        kind, "glossary.get_term"
    )
    return api_url(endpoint, ref=item_id)


def plan_events(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The transaction's change-log lines as events, in order: each (item, action) once,
    and no `updated` for an item the same transaction created."""
    created = {(c["type"], c["item_id"]) for c in changes if c["action"] == "created"}
    seen: set[tuple[str, int, str]] = set()
    events = []
    for change in changes:
        key = (change["type"], change["item_id"], change["action"])
        if key in seen or (change["action"] == "updated" and key[:2] in created):
            continue
        seen.add(key)
        events.append(change)
    return events


def cache_nodes() -> list[str]:
    """FLASK_CACHE_PURGE_URLS: the cache nodes (Varnish) to purge, a JSON list or commas."""
    configured = current_app.config.get("CACHE_PURGE_URLS") or ""
    if isinstance(configured, str):
        configured = configured.split(",")
    return [str(node).strip().rstrip("/") for node in configured if str(node).strip()]


def feed_outbox(db: Database) -> None:
    """Registered in api.db.before_commit: events, deliveries and purges for the change
    log's new lines, in the writer's transaction (see the module's docstring)."""
    if not has_app_context():
        # A test writing straight to a file (perhaps one not migrated this far): no
        # configuration to send by. The next write made through the app feeds these lines.
        return
    last = store.fed_seq(db)
    changes = store.changes_after(db, last)
    if not changes:
        return
    store.set_fed_seq(db, changes[-1]["seq"])
    now = utc_now()
    endpoints = [{**row, "events": orjson.loads(row["events"])} for row in store.subscriptions(db)]
    for event in plan_events(changes) if endpoints else ():
        event_type = f"{event['type']}.{event['action']}"
        targets = [
            e
            for e in endpoints
            if e["after_seq"] < event["seq"] and subscribes(e["events"], event_type)
        ]
        if not targets:
            continue
        item = None
        if event["action"] != "deleted":
            item = render_item(db, event["type"], event["item_id"])
        body = {
            "type": event_type,
            "timestamp": event["at"],
            "data": {
                "type": event["type"],
                "id": event["item_id"],
                "url": item_url(event["type"], event["item_id"]),
                "item": item,
            },
        }
        event_id = store.insert_event(
            db,
            seq=event["seq"],
            type=event_type,
            timestamp=event["at"],
            body=orjson.dumps(body).decode(),
        )
        for endpoint in targets:
            store.insert_delivery(
                db,
                webhook_id=endpoint["id"],
                event_id=event_id,
                message_id=new_message_id(),
                now=now,
            )
    nodes = cache_nodes()
    if nodes:
        keys: dict[str, None] = {}
        for kind, item_id in dict.fromkeys((c["type"], c["item_id"]) for c in changes):
            keys.update(dict.fromkeys(purge_keys(db, kind, item_id)))
        for node in nodes:
            store.insert_purge(
                db, node=node, keys=" ".join(keys), position=changes[-1]["seq"], now=now
            )


# Scheduled content -----------------------------------------------------------------------------

# Once nothing is due, the worker moves its mark at most this often (it writes to do so).
_MARK_EVERY_SECONDS = 60


def publish_due(db: Database) -> int:
    """Log `published` for scheduled articles and issues whose moment has passed since the
    worker last looked (and was not logged yet), with `updated` for the article's parts
    and issue, as a write that publishes logs them; the events follow from the log.
    Returns how many items were published. A read decides whether to write at all."""
    since, now = store.schedule_checked_at(db), utc_now()
    if now <= since:
        return 0
    if not store.ripe_articles(db, since, now) and not store.ripe_issues(db, since, now):
        if _seconds_between(since, now) >= _MARK_EVERY_SECONDS:
            with write_transaction(db):
                store.set_schedule_checked_at(db, now)
        return 0
    with write_transaction(db):
        since = store.schedule_checked_at(db)
        published = 0
        for article in store.ripe_articles(db, since, now):
            published += 1
            log_change(db, "article", article["id"], "published", now, cause="schedule")
            for kind, part_id in store.article_parts(db, article["id"]):
                log_change(db, kind, part_id, "updated", now, cause="schedule")
            if article["issue_id"] is not None:
                log_change(db, "issue", article["issue_id"], "updated", now, cause="schedule")
        for issue_id in store.ripe_issues(db, since, now):
            published += 1
            log_change(db, "issue", issue_id, "published", now, cause="schedule")
        store.set_schedule_checked_at(db, now)
    return published


def _seconds_between(earlier: str, later: str) -> float:
    def parse(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)

    return (parse(later) - parse(earlier)).total_seconds()


def init_webhooks(app: Flask) -> None:
    """The API (blueprint), the CLI (`webhooks`, `worker`) and the outbox feed."""
    if feed_outbox not in database.before_commit:
        database.before_commit.append(feed_outbox)
    from .cli_webhooks import register_commands
    from .links import API_PREFIX
    from .routes import webhooks as routes

    app.register_blueprint(routes.bp, url_prefix=API_PREFIX)
    register_commands(app)
