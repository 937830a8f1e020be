"""CORS: public reads from any origin; writes (and previews) only from configured ones.

Reads answer `*` without `Vary: Origin`, so shared caches keep one copy. A page on one
of `FLASK_WRITE_ORIGINS` also gets its own origin back with the write methods and the
headers an editor's request carries (Authorization, If-Match); every other origin's
preflight for a write is answered without them, so the browser refuses the write.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_cors import CORS

WRITE_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
WRITE_HEADERS = "Authorization, Content-Type, If-Match, If-None-Match"
EXPOSED = ["ETag", "Link", "Last-Modified", "Location", "Retry-After"]


def _writing_origin(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if origin and origin in current_app.config["WRITE_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = WRITE_METHODS
        response.headers["Access-Control-Allow-Headers"] = WRITE_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    return response


def init_cors(app: Flask) -> None:
    CORS(
        app,
        resources={r"/v1/*": {"origins": "*"}, r"/openapi.*": {"origins": "*"}},
        methods=["GET", "HEAD", "OPTIONS"],
        expose_headers=[*EXPOSED, "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
        send_wildcard=True,
        max_age=86400,
    )
    app.after_request(_writing_origin)
