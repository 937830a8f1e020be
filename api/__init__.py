"""Insight Fortnight content API: the app factory.

flask --app api run                                   # development server
granian --interface wsgi --factory api:create_app     # production (see Procfile)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from flask import Flask
from flask.json.provider import JSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from .compression import init_compression
from .config import DEFAULTS
from .cors import init_cors
from .db import init_db
from .errors import register_error_handlers

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class OrjsonProvider(JSONProvider):
    """orjson serialises an article in a few microseconds where the stdlib takes ~100."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)


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

    if not app.config["REPLICA_OF"]:  # a replica's file is Litestream's: never migrated here
        init_db(app.config["DATABASE"], app.config["DATABASE_BUSY_TIMEOUT_MS"])
    # /v1//articles is not /v1/articles: a 404 problem, not an HTML redirect page.
    app.url_map.merge_slashes = False
    from .renditions import init_renditions

    init_renditions(app)  # stored article responses: wraps Flask's own WSGI app, innermost
    hops = int(app.config["TRUSTED_PROXIES"])
    front = 1 if app.config["FRONT_PROXY"] else 0
    if hops or front:
        # Behind a TLS-terminating proxy, links must say https and the public host. Our own
        # nginx front (api.front) only says who the client is: one more X-Forwarded-For hop.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops + front, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    init_compression(app)
    init_cors(app)

    register_error_handlers(app)
    from .boundary import init_boundary

    init_boundary(app)  # request limits, trusted hosts, security headers, read snapshots
    from .auth import authenticate_request

    app.before_request(authenticate_request)
    from .routes import register_blueprints

    register_blueprints(app)
    from .limits import init_limits

    init_limits(app)  # after authentication: writes are counted per key
    from .cli import register_commands

    register_commands(app)
    from .surrogate import init_surrogate

    init_surrogate(app)  # xkey on cacheable responses; after compression, so it runs first
    from .replica import init_replica

    init_replica(app)  # FLASK_REPLICA_OF set: read-only node, writes answered 421
    from .webhooks import init_webhooks

    init_webhooks(app)  # /v1/webhooks, its CLI, and the outbox fed before each commit
    from .cache import init_response_cache

    init_response_cache(app)  # last: the outermost WSGI layer, in front of ProxyFix too
    return app
