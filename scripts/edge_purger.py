"""The edge's purger until the outbox worker sends purges (issue 13, webhooks part):
follows the primary's change log and, for each batch of new lines, purges the union of
their surrogate keys from every cache node once every replica holds them.

    python scripts/edge_purger.py      # env: FLASK_DATABASE, FLASK_CACHE_PURGE_URLS,
                                       #      FLASK_REPLICA_URLS (JSON lists)

It starts at the log's end (what is cached now was fetched after what came before), and
on a failed purge retries the same batch. One line per purge on stdout:
`purge seq=<from>..<to> keys=<n> requests=<nodes> objects=<purged> waited_ms=<ms>`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlite_utils import Database

from api.surrogate import PurgeError, purge_keys, send_purge


def main() -> None:
    path = os.environ["FLASK_DATABASE"]
    caches = json.loads(os.environ.get("FLASK_CACHE_PURGE_URLS", "[]"))
    replicas = json.loads(os.environ.get("FLASK_REPLICA_URLS", "[]"))
    interval = float(os.environ.get("EDGE_PURGER_INTERVAL", "0.02"))
    db = Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    done = int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])
    print(f"purger: following {path} from change {done}", flush=True)
    while True:
        lines = db.execute(
            "SELECT seq, type, item_id FROM changes WHERE seq > ? ORDER BY seq", [done]
        ).fetchall()
        if not lines:
            time.sleep(interval)
            continue
        last = int(lines[-1][0])
        keys = sorted(set().union(*(purge_keys(db, kind, item) for _, kind, item in lines)))
        started = time.monotonic()
        try:
            objects = send_purge(keys, cache_urls=caches, replica_urls=replicas, position=last)
        except PurgeError as error:
            print(f"purger: {error}; retrying", flush=True)
            time.sleep(0.5)
            continue
        waited = (time.monotonic() - started) * 1000
        print(
            f"purge seq={done + 1}..{last} keys={len(keys)} requests={len(caches)}"
            f" objects={objects} waited_ms={waited:.0f}",
            flush=True,
        )
        done = last


if __name__ == "__main__":
    main()
