from __future__ import annotations

import orjson
from flask import Blueprint, Response

from ..db import get_db, ping
from ..errors import problem

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Load balancers poll this: 200 when the database answers, 503 otherwise."""
    try:
        healthy = ping(get_db())
    except Exception:  # an unopenable file is as unhealthy as a failing query
        healthy = False
    if not healthy:
        return problem(503, "Service Unavailable", "The database is not reachable.")
    # Not content: never cached, never conditional.
    response = Response(
        orjson.dumps({"status": "ok", "database": "ok"}), mimetype="application/json"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
