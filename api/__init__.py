"""Insight Fortnight content API: the app factory.

flask --app api run            # development server
gunicorn 'api:create_app()'    # production
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

import orjson
from flask import Flask
from flask.json.provider import JSONProvider
from flask_compress import Compress
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import DEFAULTS
from .db import init_db
from .errors import register_error_handlers

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class OrjsonProvider(JSONProvider):
    """orjson serialises an article in a few microseconds where the stdlib takes ~100."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)


_NO_CACHE = ":no-cache"


class _CompressCache:
    """Compressed bodies keyed by ETag, least recently used out first; shared by a
    worker's threads, hence the lock."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(_NO_CACHE):
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


def _compress_cache_key(request: Any) -> str:
    from flask import g

    # The ETag is a hash of the body, so equal keys mean equal bytes.
    # Bodies without our ETag (errors, docs) are compressed afresh every time.
    return getattr(g, "etag", None) or f"{uuid.uuid4()}{_NO_CACHE}"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("FLASK_INSTANCE_PATH"), static_folder=None)
    app.json = OrjsonProvider(app)
    app.config.from_mapping(DEFAULTS)
    app.config["SEED_PATH"] = str(PROJECT_ROOT / "seed")
    app.config["OPENAPI_PATH"] = str(PROJECT_ROOT / "openapi.yaml")
    app.config.from_prefixed_env()
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config["DATABASE"]:
        app.config["DATABASE"] = str(Path(app.instance_path) / "content.db")

    init_db(app.config["DATABASE"], app.config["DATABASE_BUSY_TIMEOUT_MS"])
    # /v1//articles is not /v1/articles: a 404 problem, not an HTML redirect page.
    app.url_map.merge_slashes = False
    if app.config["TRUSTED_PROXIES"]:
        # Behind a TLS-terminating proxy, links must say https and the public host.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    app.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIMETYPES=["application/json", "application/problem+json"],
        COMPRESS_CACHE_BACKEND=_CompressCache,
        COMPRESS_CACHE_KEY=_compress_cache_key,
    )
    Compress(app)
    # Reads are public: `*` without Vary: Origin lets shared caches keep one copy.
    CORS(
        app,
        resources={r"/v1/*": {"origins": "*"}, r"/openapi.*": {"origins": "*"}},
        methods=["GET", "HEAD", "OPTIONS"],
        expose_headers=["ETag", "Link", "Last-Modified"],
        send_wildcard=True,
        max_age=86400,
    )

    register_error_handlers(app)
    from .routes import register_blueprints

    register_blueprints(app)
    from .cli import register_commands

    register_commands(app)
    return app
