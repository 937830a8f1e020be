"""Webhook endpoints and the outbox (events, deliveries, attempts, cache purges).

The outbox is written in the content's own transaction (api.webhooks feeds it from the
change log before the commit); the worker reads and updates it. A row is claimed with a
lease (`lease_until`) before it is sent, so two workers (or a worker and the one it
replaced) never send the same thing at once, and a worker that dies holding a lease only
delays the row until the lease runs out.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .common import inserted_id, one, rows, scalar
from .pagination import Page, Query, SortKey, paginate

WEBHOOK_COLUMNS = (
    "w.id, w.url, w.description, w.events, w.enabled, w.consecutive_failures,"
    " w.disabled_at, w.disabled_reason, w.created_at, w.updated_at"
)
_BY_ID_DESC = [SortKey("id", "w.id", descending=True)]


# Endpoints ----------------------------------------------------------------------------------


def insert_webhook(
    db: Database, *, url: str, events: str, description: str | None, secret: str, now: str
) -> int:
    """`after_seq` is the change log's end now: only what is written later reaches it."""
    cursor = db.execute(
        "INSERT INTO webhooks (url, description, events, secret, after_seq, created_at,"
        " updated_at) VALUES (:url, :description, :events, :secret,"
        " (SELECT COALESCE(MAX(seq), 0) FROM changes), :now, :now)",
        {"url": url, "description": description, "events": events, "secret": secret, "now": now},
    )
    return inserted_id(cursor)


def get_webhook(db: Database, webhook_id: int) -> dict[str, Any] | None:
    return one(db, f"SELECT {WEBHOOK_COLUMNS} FROM webhooks w WHERE w.id = :id", {"id": webhook_id})


def list_webhooks(db: Database, *, limit: int, cursor: str | None) -> Page:
    """Newest first."""
    return paginate(
        db, Query(WEBHOOK_COLUMNS, "webhooks w"), _BY_ID_DESC, limit=limit, cursor=cursor
    )


def all_webhooks(db: Database) -> list[dict[str, Any]]:
    return rows(db, f"SELECT {WEBHOOK_COLUMNS} FROM webhooks w ORDER BY w.id", {})


def update_webhook(db: Database, webhook_id: int, values: dict[str, Any], now: str) -> None:
    assignments = "".join(f"{column} = :{column}, " for column in values)
    db.execute(
        f"UPDATE webhooks SET {assignments}updated_at = :now WHERE id = :id",
        {**values, "now": now, "id": webhook_id},
    )


def enable_webhook(db: Database, webhook_id: int, now: str) -> None:
    """Enabled again: its failures forgotten, its kept deliveries due at once."""
    update_webhook(
        db,
        webhook_id,
        {"enabled": 1, "consecutive_failures": 0, "disabled_at": None, "disabled_reason": None},
        now,
    )
    db.execute(
        "UPDATE deliveries SET next_attempt_at = :now WHERE webhook_id = :id AND state = 'pending'",
        {"id": webhook_id, "now": now},
    )


def delete_webhook(db: Database, webhook_id: int) -> bool:
    """Its deliveries and their attempts go with it (ON DELETE CASCADE)."""
    return db.execute("DELETE FROM webhooks WHERE id = :id", {"id": webhook_id}).rowcount > 0


def subscriptions(db: Database) -> list[dict[str, Any]]:
    """Every endpoint, enabled or not (a disabled one keeps what it would be sent)."""
    return rows(db, "SELECT id, events, after_seq FROM webhooks ORDER BY id", {})


# Feeding the outbox (inside the writer's transaction) -----------------------------------------


def fed_seq(db: Database) -> int:
    return int(scalar(db, "SELECT fed_seq FROM outbox_state WHERE id = 1", {}))


def set_fed_seq(db: Database, seq: int) -> None:
    db.execute("UPDATE outbox_state SET fed_seq = :seq WHERE id = 1", {"seq": seq})


def log_end(db: Database) -> int:
    return int(scalar(db, "SELECT COALESCE(MAX(seq), 0) FROM changes", {}))


def changes_after(db: Database, seq: int) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT seq, at, type, item_id, action FROM changes WHERE seq > :seq ORDER BY seq",
        {"seq": seq},
    )


def insert_event(db: Database, *, seq: int, type: str, timestamp: str, body: str) -> int:
    cursor = db.execute(
        "INSERT INTO webhook_events (seq, type, timestamp, body)"
        " VALUES (:seq, :type, :timestamp, :body)",
        {"seq": seq, "type": type, "timestamp": timestamp, "body": body},
    )
    return inserted_id(cursor)


def insert_delivery(
    db: Database, *, webhook_id: int, event_id: int, message_id: str, now: str
) -> None:
    db.execute(
        "INSERT INTO deliveries (webhook_id, event_id, message_id, next_attempt_at, created_at)"
        " VALUES (:webhook_id, :event_id, :message_id, :now, :now)",
        {"webhook_id": webhook_id, "event_id": event_id, "message_id": message_id, "now": now},
    )


def insert_purge(db: Database, *, node: str, keys: str, position: int, now: str) -> None:
    db.execute(
        "INSERT INTO purges (node, keys, position, next_attempt_at, created_at)"
        " VALUES (:node, :keys, :position, :now, :now)",
        {"node": node, "keys": keys, "position": position, "now": now},
    )


# Scheduled content: what came due since the worker last looked ------------------------------


def schedule_checked_at(db: Database) -> str:
    return str(scalar(db, "SELECT schedule_checked_at FROM outbox_state WHERE id = 1", {}))


def set_schedule_checked_at(db: Database, now: str) -> None:
    db.execute("UPDATE outbox_state SET schedule_checked_at = :now WHERE id = 1", {"now": now})


# Not yet announced: no `published` line in the log since its moment (a write that made it
# visible at once logged one; a later edit of a scheduled item did not).
_NOT_ANNOUNCED = (
    "NOT EXISTS (SELECT 1 FROM changes c WHERE c.type = :type AND c.item_id = {row}.id"
    " AND c.action = 'published' AND c.at >= {row}.{moment})"
)


def ripe_articles(db: Database, since: str, until: str) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT a.id, a.issue_id FROM articles a WHERE a.status != 'draft'"
        " AND a.deleted_at IS NULL AND a.published_at > :since AND a.published_at <= :until"
        f" AND {_NOT_ANNOUNCED.format(row='a', moment='published_at')} ORDER BY a.id",
        {"since": since, "until": until, "type": "article"},
    )


def ripe_issues(db: Database, since: str, until: str) -> list[int]:
    """Issues dated in the future show on their day (store.common.VISIBLE_ISSUE)."""
    found = rows(
        db,
        "SELECT i.id FROM issues i WHERE i.status = 'published' AND i.deleted_at IS NULL"
        " AND i.published_on > substr(:since, 1, 10) AND i.published_on <= substr(:until, 1, 10)"
        f" AND {_NOT_ANNOUNCED.format(row='i', moment='published_on')} ORDER BY i.id",
        {"since": since, "until": until, "type": "issue"},
    )
    return [int(r["id"]) for r in found]


def article_parts(db: Database, article_id: int) -> list[tuple[str, int]]:
    found = rows(
        db,
        "SELECT 'question' AS type, id FROM questions WHERE article_id = :id"
        " UNION ALL SELECT 'source', id FROM sources WHERE article_id = :id"
        " UNION ALL SELECT 'term', term_id FROM article_terms WHERE article_id = :id",
        {"id": article_id},
    )
    return [(r["type"], int(r["id"])) for r in found]


# The worker's side ---------------------------------------------------------------------------


def due_webhooks(db: Database, now: str) -> list[int]:
    """Enabled endpoints with a delivery due and no live lease."""
    found = rows(
        db,
        "SELECT w.id FROM webhooks w WHERE w.enabled = 1"
        " AND (w.lease_until IS NULL OR w.lease_until < :now)"
        " AND EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = w.id"
        " AND d.state = 'pending' AND d.next_attempt_at <= :now) ORDER BY w.id",
        {"now": now},
    )
    return [int(r["id"]) for r in found]


def claim_webhook(db: Database, webhook_id: int, now: str, lease: str) -> bool:
    """Take the endpoint's lane: one sender per endpoint at a time. A lease is its end
    time and a random token ("<RFC 3339> <token>"), so it still compares with a time."""
    cursor = db.execute(
        "UPDATE webhooks SET lease_until = :lease WHERE id = :id AND enabled = 1"
        " AND (lease_until IS NULL OR lease_until < :now)",
        {"id": webhook_id, "now": now, "lease": lease},
    )
    return cursor.rowcount > 0


def renew_webhook(db: Database, webhook_id: int, held: str, lease: str) -> bool:
    cursor = db.execute(
        "UPDATE webhooks SET lease_until = :lease WHERE id = :id AND lease_until = :held"
        " AND enabled = 1",
        {"id": webhook_id, "held": held, "lease": lease},
    )
    return cursor.rowcount > 0


def release_webhook(db: Database, webhook_id: int, held: str) -> None:
    db.execute(
        "UPDATE webhooks SET lease_until = NULL WHERE id = :id AND lease_until = :held",
        {"id": webhook_id, "held": held},
    )


def next_due_delivery(db: Database, webhook_id: int, now: str) -> dict[str, Any] | None:
    return one(
        db,
        "SELECT d.id, d.message_id, d.attempts, e.type, e.body, w.url, w.secret"
        " FROM deliveries d JOIN webhook_events e ON e.id = d.event_id"
        " JOIN webhooks w ON w.id = d.webhook_id"
        " WHERE d.webhook_id = :id AND d.state = 'pending' AND d.next_attempt_at <= :now"
        " ORDER BY d.next_attempt_at, d.id LIMIT 1",
        {"id": webhook_id, "now": now},
    )


def record_attempt(
    db: Database,
    delivery_id: int,
    *,
    at: str,
    response_code: int | None,
    error: str | None,
    duration_ms: int,
    state: str,
    next_attempt_at: str | None,
) -> None:
    db.execute(
        # Nothing to record when its endpoint was removed while it was being sent.
        "INSERT INTO delivery_attempts (delivery_id, at, response_code, error, duration_ms)"
        " SELECT :id, :at, :code, :error, :ms WHERE EXISTS (SELECT 1 FROM deliveries"
        " WHERE id = :id)",
        {"id": delivery_id, "at": at, "code": response_code, "error": error, "ms": duration_ms},
    )
    db.execute(
        "UPDATE deliveries SET attempts = attempts + 1, state = :state,"
        " next_attempt_at = :next, last_attempt_at = :at, last_response_code = :code,"
        " last_error = :error, delivered_at = CASE WHEN :state = 'delivered' THEN :at END"
        " WHERE id = :id",
        {
            "id": delivery_id,
            "state": state,
            "next": next_attempt_at,
            "at": at,
            "code": response_code,
            "error": error,
        },
    )


def count_delivery_outcome(
    db: Database, webhook_id: int, *, failed: bool, disable_after: int, now: str
) -> None:
    """A delivered delivery resets the endpoint's failures; a failed one (no attempts left)
    adds one, and `disable_after` of them in a row disable it."""
    if not failed:
        db.execute(
            "UPDATE webhooks SET consecutive_failures = 0 WHERE id = :id", {"id": webhook_id}
        )
        return
    db.execute(
        "UPDATE webhooks SET consecutive_failures = consecutive_failures + 1 WHERE id = :id",
        {"id": webhook_id},
    )
    db.execute(
        "UPDATE webhooks SET enabled = 0, disabled_at = :now, lease_until = NULL,"
        " disabled_reason = :reason, updated_at = :now"
        " WHERE id = :id AND enabled = 1 AND consecutive_failures >= :limit",
        {
            "id": webhook_id,
            "now": now,
            "limit": disable_after,
            "reason": f"{disable_after} deliveries in a row failed",
        },
    )


def list_deliveries(
    db: Database, webhook_id: int, *, state: str | None, limit: int, cursor: str | None
) -> Page:
    """Newest first, each with its attempts (oldest first)."""
    query = Query(
        "d.id, d.message_id, e.type AS event_type, e.timestamp, d.state, d.attempts AS"
        " attempt_count, d.next_attempt_at, d.last_attempt_at, d.last_response_code,"
        " d.last_error, d.created_at, d.delivered_at",
        "deliveries d JOIN webhook_events e ON e.id = d.event_id",
    ).filter("d.webhook_id = :webhook_id", webhook_id=webhook_id)
    if state:
        query.filter("d.state = :state", state=state)
    page = paginate(db, query, [SortKey("id", "d.id", descending=True)], limit=limit, cursor=cursor)
    attempts: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in page.items}
    if attempts:
        marks = ", ".join(f":d{i}" for i in range(len(attempts)))
        for attempt in rows(
            db,
            "SELECT delivery_id, at, response_code, error, duration_ms FROM delivery_attempts"
            f" WHERE delivery_id IN ({marks}) ORDER BY id",
            {f"d{i}": delivery_id for i, delivery_id in enumerate(attempts)},
        ):
            attempts[attempt.pop("delivery_id")].append(attempt)
    for row in page.items:
        row["attempts"] = attempts[row.pop("id")]
    return page


# Cache purges ---------------------------------------------------------------------------------


def due_purge_nodes(db: Database, now: str) -> list[str]:
    found = rows(
        db,
        "SELECT DISTINCT node FROM purges WHERE state = 'pending' AND next_attempt_at <= :now"
        " AND (lease_until IS NULL OR lease_until < :now) ORDER BY node",
        {"now": now},
    )
    return [str(r["node"]) for r in found]


def claim_due_purge(db: Database, node: str, now: str, until: str) -> dict[str, Any] | None:
    """The node's next due purge, leased to the caller (None when there is none)."""
    row = one(
        db,
        "SELECT id, node, keys, position, attempts FROM purges"
        " WHERE node = :node AND state = 'pending'"
        " AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)"
        " ORDER BY next_attempt_at, id LIMIT 1",
        {"node": node, "now": now},
    )
    if row is None:
        return None
    claimed = db.execute(
        "UPDATE purges SET lease_until = :until WHERE id = :id"
        " AND (lease_until IS NULL OR lease_until < :now)",
        {"id": row["id"], "now": now, "until": until},
    )
    return row if claimed.rowcount else None


def record_purge(
    db: Database,
    purge_id: int,
    *,
    at: str,
    response_code: int | None,
    error: str | None,
    state: str,
    next_attempt_at: str | None,
) -> None:
    db.execute(
        "UPDATE purges SET attempts = attempts + 1, state = :state, next_attempt_at = :next,"
        " lease_until = NULL, last_response_code = :code, last_error = :error,"
        " done_at = CASE WHEN :state != 'pending' THEN :at END WHERE id = :id",
        {
            "id": purge_id,
            "state": state,
            "next": next_attempt_at,
            "code": response_code,
            "error": error,
            "at": at,
        },
    )


def purges(db: Database) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM purges ORDER BY id", {})


# Pruning ------------------------------------------------------------------------------------


def prune_outbox(db: Database, before: str) -> dict[str, int]:
    """Delete what is finished and older than `before`: delivered or failed deliveries
    (with their attempts), the events no delivery refers to any more, and sent or failed
    purges. Pending rows stay, however old: they are still to be sent."""
    finished = (
        "SELECT id FROM deliveries WHERE state IN ('delivered', 'failed')"
        " AND COALESCE(delivered_at, last_attempt_at, created_at) < ?"
    )
    attempts = db.execute(
        f"DELETE FROM delivery_attempts WHERE delivery_id IN ({finished})", [before]
    ).rowcount
    deliveries = db.execute(f"DELETE FROM deliveries WHERE id IN ({finished})", [before]).rowcount
    events = db.execute(
        "DELETE FROM webhook_events WHERE timestamp < ?"
        " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = webhook_events.id)",
        [before],
    ).rowcount
    purged = db.execute(
        "DELETE FROM purges WHERE state IN ('delivered', 'failed')"
        " AND COALESCE(done_at, created_at) < ?",
        [before],
    ).rowcount
    return {"deliveries": deliveries, "attempts": attempts, "events": events, "purges": purged}
