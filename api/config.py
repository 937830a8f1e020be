"""Configuration defaults. Every key can be overridden from the environment as FLASK_<KEY>
(Flask's ``from_prefixed_env``: values are parsed as JSON when they can be, so
``FLASK_MAX_CONTENT_LENGTH=65536`` is an int)."""

from __future__ import annotations

DEFAULTS: dict[str, object] = {
    # Path of the SQLite file; None means "content.db in the instance folder".
    "DATABASE": None,
    # SQLite busy timeout: how long a writer waits for another writer's lock.
    "DATABASE_BUSY_TIMEOUT_MS": 5000,
    # Request bodies above this get 413 (editors' documents are far smaller).
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # The app's own limits on a request's head (api.boundary), far below what the server
    # buffers: 414 above MAX_REQUEST_LINE bytes of `GET /path?query HTTP/1.1` (a search of
    # 2,048 characters is up to 24 KB percent-encoded), 431 above the header limits.
    "MAX_REQUEST_LINE": 32768,
    "MAX_HEADER_FIELD_SIZE": 8190,
    "MAX_HEADERS_SIZE": 32768,
    "MAX_HEADER_COUNT": 64,
    # Host names this API answers to (a JSON list or comma-separated; ".example.org" takes
    # its subdomains); any other Host is a 400. Unset: PUBLIC_BASE_URL's host, localhost,
    # 127.0.0.1 and ::1.
    "TRUSTED_HOSTS": None,
    "PUBLIC_CACHE_CONTROL": "public, max-age=60, stale-while-revalidate=300",
    # Folder the `seed` command reads when given no path.
    "SEED_PATH": None,
    # Proxies in front of the app whose X-Forwarded-* headers to trust (0: none). granian
    # passes those headers through untouched and applies none of them itself.
    "TRUSTED_PROXIES": 0,
    # Set by `flask serve` for the app behind its own nginx front (api.front): the client's
    # address is the X-Forwarded-For hop nginx appends. Nothing else of nginx's is trusted.
    "FRONT_PROXY": False,
    "COMPRESS_MIN_SIZE": 500,
    # Article responses kept in <database>-renditions.db (api/renditions.py): on or off, the
    # file's bound, and how long a reader waits to store one before giving up; and whether
    # `flask serve` runs `flask renditions warm` at idle priority when it starts.
    "RENDITIONS": True,
    "RENDITIONS_MAX_BYTES": 4 * 1024**3,
    "RENDITIONS_BUSY_TIMEOUT_MS": 20,
    "RENDITIONS_WARM_ON_START": True,
    # Writes per key (one editor's tool makes 60 a minute), and invalid keys per address.
    "WRITE_RATE_LIMIT": "60 per minute",
    "AUTH_FAILURE_RATE_LIMIT": "20 per minute",
    # Origins whose pages may write with an editor's key (CORS); reads are open to all.
    "WRITE_ORIGINS": [],
    # When true, every read needs a key too (a reader key is enough).
    "READS_REQUIRE_KEY": False,
    # Where clients reach this API: every link in a response starts with it, so the
    # request's Host header never decides where a cached response points.
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    # Pages on the website, as URL templates; unset means no web_url and glossary marks
    # without links. Article: {slug} {id} {issue} (issue slug) {issue_number};
    # issue: {slug} {id} {number}; term: {slug}.
    # e.g. FLASK_WEB_URL_ARTICLE="https://insightfortnight.org/{issue}/{slug}"
    "WEB_URL_ARTICLE": None,
    "WEB_URL_ISSUE": None,
    "WEB_URL_TERM": None,
    # Scaling out (README "Scaling out"). REPLICA_OF: the primary's public URL; set, this
    # node is a read-only replica of a file Litestream keeps current, and refuses writes.
    "REPLICA_OF": None,
    # Cache nodes (Varnish) the primary purges by surrogate key, as base URLs; and the
    # replicas' URLs, whose /healthz must show a write before its purge is sent.
    "CACHE_PURGE_URLS": [],
    "REPLICA_URLS": [],
    # Webhooks and the worker (api/webhooks.py, api/worker.py) ---------------------------------
    # Receivers on loopback, private or link-local addresses are refused unless this is true.
    "WEBHOOK_ALLOW_PRIVATE_URLS": False,
    # Seconds before each retry of a failed delivery (Standard Webhooks' advice: 5 s, 5 min,
    # 30 min, 2 h, 5 h, 10 h, 10 h): 8 attempts in all.
    "WEBHOOK_RETRY_SCHEDULE": [5, 300, 1800, 7200, 18000, 36000, 36000],
    # Failed deliveries (every attempt used) in a row that disable an endpoint.
    "WEBHOOK_DISABLE_AFTER": 5,
    # Per request to a receiver or a cache node (connect, each read and write).
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    # Days a finished delivery (its attempts, its event) or purge is kept, for
    # GET /v1/webhooks/{id}/deliveries; the worker deletes older ones once an hour.
    "WEBHOOK_KEEP_DAYS": 30,
    # Seconds before each retry of a cache purge that failed.
    "CACHE_PURGE_RETRY_SCHEDULE": [1, 5, 30, 300, 1800],
    # How often the worker looks at the outbox, and its sending threads (one lane each).
    "WORKER_POLL_SECONDS": 0.5,
    "WORKER_THREADS": 8,
    # The huey queue's SQLite file; None means worker-queue.db in the instance folder.
    "WORKER_QUEUE": None,
}
