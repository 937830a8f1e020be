"""Read replicas: the same app over a copy of the primary's database that Litestream keeps
current (`litestream restore -f`, "restore and follow").

A node is a replica when ``FLASK_REPLICA_OF`` names the primary's public URL. Then it

- refuses every write with a 421 problem naming the primary (writes go there);
- never migrates or writes its file: Litestream writes it, page by page, under an
  exclusive lock, and flips its header to rollback-journal mode. So each request opens
  its own read-only connection (``mode=ro``, ``query_only``) and closes it at the end: a
  connection held open would keep a lock that stalls the follower, and a page cache that
  misses pages Litestream wrote behind SQLite's back;
- reports its role and replication position in /healthz: the last change-log sequence it
  holds (the same number on every node, so "caught up with write N" is `position >= N`)
  and Litestream's transaction id from the follower's ``<db>-txid`` file.

Everything a client holds (sync tokens, cursors, ETags) is computed from the content and
the configured public base URL alone, so any node answers it alike.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, current_app, g, request
from sqlite_utils import Database

from .errors import problem

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def primary_url() -> str | None:
    """The primary's public URL when this node is a replica, else None."""
    value = current_app.config.get("REPLICA_OF")
    return str(value).rstrip("/") if value else None


def is_replica(app: Flask) -> bool:
    return bool(app.config.get("REPLICA_OF"))


def connect_read_only(path: str, busy_timeout_ms: int) -> Database:
    """A connection that cannot write: the file opened read-only, queries only."""
    conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA query_only = ON")
    return Database(conn)


def request_db() -> Database:
    """This request's read-only connection to the replica's copy (closed at teardown)."""
    db = g.get("replica_db")
    if db is None:
        config = current_app.config
        db = connect_read_only(config["DATABASE"], config["DATABASE_BUSY_TIMEOUT_MS"])
        g.replica_db = db
    return db


def _close(_: BaseException | None) -> None:
    db = g.pop("replica_db", None)
    if db is not None:
        db.close()


def refuse_writes() -> Response | None:
    """A write sent to a replica: 421, with where to send it."""
    if request.method in READ_METHODS:
        return None
    primary = primary_url()
    target = f"{primary}{request.full_path.rstrip('?')}"
    return problem(
        421,
        "Misdirected Request",
        f"This node is a read-only replica; send writes to the primary: {target}",
        headers={"Link": f'<{primary}>; rel="primary"'},
    )


def position(db: Database) -> int:
    """The last change-log sequence this node holds (0 for none)."""
    row = db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()
    return int(row[0])


def replication_state(db: Database) -> dict[str, Any]:
    """What /healthz says about replication: role, position, and on a replica the primary
    and Litestream's last applied transaction (with when the follower applied it)."""
    state: dict[str, Any] = {"role": "primary", "position": position(db)}
    primary = primary_url()
    if primary is None:
        return state
    txid_path = f"{current_app.config['DATABASE']}-txid"
    txid: str | None = None
    synced_at: str | None = None
    try:
        with open(txid_path, encoding="ascii") as handle:
            txid = handle.read().strip() or None
        stamp = datetime.fromtimestamp(os.stat(txid_path).st_mtime, UTC)
        synced_at = stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    except OSError:
        pass  # a copy that no follower keeps: position alone
    state.update(
        role="replica", replication={"primary": primary, "txid": txid, "synced_at": synced_at}
    )
    return state


def init_replica(app: Flask) -> None:
    """On a replica: refuse writes first (before authentication and rate limits), and close
    each request's connection."""
    if not is_replica(app):
        return
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_writes)
    app.teardown_appcontext(_close)
