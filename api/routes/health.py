from __future__ import annotations

from flask import Blueprint, Response

from ..db import get_db, ping
from ..errors import problem
from ..http import json_response

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
    response = json_response({"status": "ok", "database": "ok"}, public=False)
    return response
