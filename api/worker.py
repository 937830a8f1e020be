"""The delivery worker: a process of its own (`flask --app api worker`, the Procfile's
`worker:` line) that sends what the outbox holds: signed webhooks and cache purges.

The outbox in the content database is the truth; huey (SqliteHuey, a file in the
instance folder) is the queue that wakes the sending threads. A dispatcher thread looks
at the outbox every `WORKER_POLL_SECONDS`: it logs scheduled content whose moment has
come (api.webhooks.publish_due) and enqueues one drain task per endpoint (and per cache
node) that has something due. A drain leases its endpoint's lane in the database, sends
that endpoint's due deliveries one at a time and records every attempt. So a hanging
receiver holds one lane (up to its timeout), never another endpoint's; a worker killed
mid-delivery leaves its lease to run out, and the delivery is sent again (at least
once, with the same webhook-id). Nothing here ever runs inside a content write.

Each attempt is a POST with the Standard Webhooks headers, signed anew with its own
timestamp by the `standardwebhooks` library. A failed attempt (not 2xx, an error, a
timeout, or a receiver address refused at send time) is retried after the next delay
of WEBHOOK_RETRY_SCHEDULE; when none is left the delivery has failed, and
WEBHOOK_DISABLE_AFTER failed deliveries in a row disable the endpoint (its pending
deliveries are kept for when it is enabled again).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from flask import Flask, current_app
from huey import SqliteHuey
from standardwebhooks import Webhook

from .db import Database, connect, write_transaction
from .store import webhooks as store
from .surrogate import PurgeError, wait_for_replicas
from .timefmt import parse_instant, to_rfc3339, utc_now
from .webhooks import UnsafeUrl, allow_private_urls, check_receiver, pinned_request, publish_due

log = logging.getLogger("api.worker")
USER_AGENT = "InsightFortnight-Webhooks/1"
_ERROR_LENGTH = 500


def retry_schedule(name: str = "WEBHOOK_RETRY_SCHEDULE") -> list[float]:
    """Seconds to wait before each retry: a JSON list, or "5,300,1800" from the environment."""
    value = current_app.config[name]
    if isinstance(value, str):
        value = [part for part in value.replace("[", "").replace("]", "").split(",") if part]
    if isinstance(value, int | float):
        value = [value]
    return [float(delay) for delay in value]


def _later(now: str, seconds: float) -> str:
    return to_rfc3339(parse_instant(now) + timedelta(seconds=seconds))


def _lease(seconds: float) -> str:
    return f"{_later(utc_now(), seconds)} {secrets.token_hex(6)}"


def _open_db() -> Database:
    return connect(current_app.config["DATABASE"], current_app.config["DATABASE_BUSY_TIMEOUT_MS"])


def _timeout() -> float:
    return float(current_app.config["WEBHOOK_TIMEOUT_SECONDS"])


_clients = threading.local()


def _http() -> httpx.Client:
    """One client per sending thread: a new one builds a TLS context each time (about 150 ms
    here, loading the CA bundle), which would cost more than most deliveries."""
    client: httpx.Client | None = getattr(_clients, "client", None)
    if client is None:
        client = httpx.Client(follow_redirects=False, headers={"User-Agent": USER_AGENT})
        _clients.client = client
    return client


# Webhooks ------------------------------------------------------------------------------------


def sign(secret: str, message_id: str, body: str, moment: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt."""
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body),
    }


def _post(delivery: dict[str, Any]) -> tuple[int | None, str | None]:
    """One attempt: (response code, error). The receiver's address is checked again now:
    a name may have been pointed at a private address since it was registered."""
    try:
        addresses = check_receiver(delivery["url"], allow_private=allow_private_urls())
    except UnsafeUrl as error:
        return None, f"refused: {error}"
    target, host, extensions = pinned_request(delivery["url"], addresses)
    headers = sign(delivery["secret"], delivery["message_id"], delivery["body"], datetime.now(UTC))
    try:
        response = _http().post(
            target,
            content=delivery["body"].encode(),
            headers={**headers, **host},
            extensions=extensions,
            timeout=_timeout(),
        )
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:_ERROR_LENGTH] or type(error).__name__
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


def drain_webhook(webhook_id: int) -> int:
    """Send the endpoint's due deliveries, one at a time, while holding its lane.
    Returns how many attempts were made (0 when another sender holds the lane)."""
    db = _open_db()
    try:
        lease_seconds = _timeout() + 1
        lease = _lease(lease_seconds)
        with write_transaction(db):
            if not store.claim_webhook(db, webhook_id, utc_now(), lease):
                return 0
        attempts = 0
        try:
            while True:
                delivery = store.next_due_delivery(db, webhook_id, utc_now())
                if delivery is None:
                    return attempts
                started = time.monotonic()
                code, error = _post(delivery)
                attempts += 1
                _record(db, webhook_id, delivery, code, error, started)
                renewed = _lease(lease_seconds)
                with write_transaction(db):
                    if not store.renew_webhook(db, webhook_id, lease, renewed):
                        return attempts  # disabled (or deleted) meanwhile
                lease = renewed
        finally:
            with write_transaction(db):
                store.release_webhook(db, webhook_id, lease)
    finally:
        db.close()


def _record(
    db: Database,
    webhook_id: int,
    delivery: dict[str, Any],
    code: int | None,
    error: str | None,
    started: float,
) -> None:
    now = utc_now()
    schedule = retry_schedule()
    tried = int(delivery["attempts"]) + 1
    if error is None:
        state, next_at = "delivered", None
    elif tried <= len(schedule):
        state, next_at = "pending", _later(now, schedule[tried - 1])
    else:
        state, next_at = "failed", None
    with write_transaction(db):
        store.record_attempt(
            db,
            delivery["id"],
            at=now,
            response_code=code,
            error=error,
            duration_ms=round((time.monotonic() - started) * 1000),
            state=state,
            next_attempt_at=next_at,
        )
        if state != "pending":
            store.count_delivery_outcome(
                db,
                webhook_id,
                failed=state == "failed",
                disable_after=int(current_app.config["WEBHOOK_DISABLE_AFTER"]),
                now=now,
            )
    log.info("%s %s -> %s %s", delivery["message_id"], delivery["type"], code, error or state)


# Cache purges ----------------------------------------------------------------------------------


def _send_purge(node: str, keys: str, position: int | None) -> tuple[int | None, str | None]:
    """PURGE once every replica (FLASK_REPLICA_URLS) holds the write: purged earlier, the
    cache would refetch the old version from a replica that lags (api.surrogate)."""
    replicas = current_app.config.get("REPLICA_URLS") or []
    if isinstance(replicas, str):
        replicas = [url for url in replicas.split(",") if url.strip()]
    if replicas and position is not None:
        try:
            wait_for_replicas(replicas, position)
        except PurgeError as error:
            return None, str(error)[:_ERROR_LENGTH]
    try:
        response = _http().request("PURGE", node + "/", headers={"xkey": keys}, timeout=_timeout())
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:_ERROR_LENGTH]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


def drain_purges(node: str) -> int:
    """Send the node's due purges (`PURGE /` with an `xkey` header), oldest first."""
    db = _open_db()
    sent = 0
    try:
        while True:
            with write_transaction(db):
                purge = store.claim_due_purge(db, node, utc_now(), _lease(_timeout() + 1))
            if purge is None:
                return sent
            code, error = _send_purge(node, purge["keys"], purge["position"])
            sent += 1
            now = utc_now()
            schedule = retry_schedule("CACHE_PURGE_RETRY_SCHEDULE")
            tried = int(purge["attempts"]) + 1
            if error is None:
                state, next_at = "delivered", None
            elif tried <= len(schedule):
                state, next_at = "pending", _later(now, schedule[tried - 1])
            else:
                state, next_at = "failed", None
            with write_transaction(db):
                store.record_purge(
                    db,
                    purge["id"],
                    at=now,
                    response_code=code,
                    error=error,
                    state=state,
                    next_attempt_at=next_at,
                )
    finally:
        db.close()


# The process -------------------------------------------------------------------------------------


PRUNE_EVERY_SECONDS = 3600
_pruned_at: list[float] = []  # this process's last prune (time.monotonic)


def prune(db: Database) -> dict[str, int]:
    """Finished outbox rows older than FLASK_WEBHOOK_KEEP_DAYS go, in one transaction."""
    keep = timedelta(days=float(current_app.config["WEBHOOK_KEEP_DAYS"]))
    before = to_rfc3339(datetime.now(UTC) - keep)
    with write_transaction(db):
        return store.prune_outbox(db, before)


def run_once(dispatch: Callable[[str, Any], None] | None = None) -> None:
    """One look at the outbox: scheduled content, then every lane with something due,
    handed to `dispatch(kind, key)` (the huey queue) or, without one, drained right here
    (tests, and `flask worker --once`). Once an hour it also prunes what is finished."""
    db = _open_db()
    try:
        if not _pruned_at or time.monotonic() - _pruned_at[-1] > PRUNE_EVERY_SECONDS:
            _pruned_at[:] = [time.monotonic()]
            pruned = prune(db)
            if any(pruned.values()):
                log.info("worker: pruned %s", pruned)
        publish_due(db)
        now = utc_now()
        webhooks, nodes = store.due_webhooks(db, now), store.due_purge_nodes(db, now)
    finally:
        db.close()
    for node in nodes:
        dispatch("purge", node) if dispatch else drain_purges(node)
    for webhook_id in webhooks:
        dispatch("webhook", webhook_id) if dispatch else drain_webhook(webhook_id)


def queue_path(app: Flask) -> str:
    return str(app.config.get("WORKER_QUEUE") or Path(app.instance_path) / "worker-queue.db")


def build_queue(app: Flask) -> tuple[SqliteHuey, Callable[[str, Any], None]]:
    """The huey instance, its two tasks, and the dispatch that enqueues a lane's drain
    unless one is already queued or running in this process."""
    Path(queue_path(app)).parent.mkdir(parents=True, exist_ok=True)
    huey = SqliteHuey("insight-fortnight", filename=queue_path(app))
    busy: set[tuple[str, Any]] = set()
    lock = threading.Lock()

    def drained(kind: str, key: Any) -> None:
        try:
            with app.app_context():
                drain_purges(key) if kind == "purge" else drain_webhook(key)
        finally:
            with lock:
                busy.discard((kind, key))

    drain = huey.task(name="drain")(drained)

    def dispatch(kind: str, key: Any) -> None:
        with lock:
            if (kind, key) in busy:
                return
            busy.add((kind, key))
        try:
            drain(kind, key)
        except Exception:
            with lock:
                busy.discard((kind, key))
            raise

    return huey, dispatch


def run_worker(app: Flask, *, threads: int | None = None) -> None:
    """The worker process: huey's consumer (its threads send), and a dispatcher thread
    that looks at the outbox. SIGINT/SIGTERM stop it; whatever was not sent stays due."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    huey, dispatch = build_queue(app)
    log.info("worker: outbox %s, queue %s", app.config["DATABASE"], queue_path(app))
    huey.flush()  # drains queued by an earlier process: the outbox says what is due
    poll = float(app.config["WORKER_POLL_SECONDS"])
    stopping = threading.Event()

    def dispatcher() -> None:
        with app.app_context():
            while not stopping.is_set():
                try:
                    run_once(dispatch)
                except Exception:  # a locked database, say: look again next time
                    log.exception("dispatch failed")
                stopping.wait(poll)

    thread = threading.Thread(target=dispatcher, name="dispatcher", daemon=True)
    thread.start()
    consumer = huey.create_consumer(
        workers=threads or int(app.config["WORKER_THREADS"]),
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        max_delay=poll,
    )
    try:
        consumer.run()
    finally:
        stopping.set()
