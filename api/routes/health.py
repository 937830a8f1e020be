from __future__ import annotations

import orjson
from flask import Blueprint, Response

from ..db import get_db, ping
from ..errors import problem
from ..replica import replication_state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Load balancers poll this: 200 when the database answers, 503 otherwise."""
    try:
        db = get_db()
        healthy = ping(db)
        replication = replication_state(db) if healthy else {}
    except Exception:  # an unopenable file is as unhealthy as a failing query
        healthy = False
    if not healthy:
        return problem(503, "Service Unavailable", "The database is not reachable.")
    # Not content: never cached, never conditional.
    body = {"status": "ok", "database": "ok", **replication}
    response = Response(orjson.dumps(body), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
