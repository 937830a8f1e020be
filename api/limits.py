"""Rate limits (OWASP API4): writes per key, failed authentication per client address.

Flask-Limiter counts; its `RateLimit-*` headers (the IETF draft's names) go on every
limited response, and a 429 leaves as problem+json with `Retry-After` through the
common error handler. Counters live in each worker's memory
(`FLASK_RATELIMIT_STORAGE_URI` points them at a shared store such as Redis when
several machines serve).
"""

from __future__ import annotations

import time
from typing import cast

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from .errors import ApiError

WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
WRITING_BLUEPRINTS = ("articles", "issues", "glossary", "questions", "sources", "imports")


class TooManyRequests(ApiError):
    status = 429
    title = "Too Many Requests"


def _front_replay() -> bool:
    """A request our nginx front sends again after the app refused it with 400 or 431, to
    pass the app's own answer through (deploy/nginx/front.conf): counted once, not twice.
    Only the front can say so: it removes the header from what clients send."""
    return bool(current_app.config["FRONT_PROXY"]) and request.headers.get("X-Front-Replay") == "1"


def _caller_key() -> str:
    caller = g.get("caller")
    return f"key:{caller.key_id}" if caller else f"addr:{get_remote_address()}"


class AuthFailures:
    """Invalid keys per client address: past the limit, a 429 before the key is looked at."""

    def __init__(self, limiter: Limiter, limit: str) -> None:
        self._limit = parse(limit)
        self._window = MovingWindowRateLimiter(limiter.storage)

    def check(self) -> None:
        address = get_remote_address()
        if not self._window.test(self._limit, "auth-failures", address):
            reset, _ = self._window.get_window_stats(self._limit, "auth-failures", address)
            raise TooManyRequests(
                "Too many requests with an invalid key from this address; wait and retry.",
                headers={"Retry-After": str(max(1, int(reset - time.time())))},
            )

    def hit(self) -> None:
        self._window.hit(self._limit, "auth-failures", get_remote_address())


def _retry_after_only_when_refused(response: Response) -> Response:
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_limits(app: Flask) -> None:
    """After the blueprints and the authentication hook: writes are counted per key."""
    app.config.setdefault("RATELIMIT_HEADER_LIMIT", "RateLimit-Limit")
    app.config.setdefault("RATELIMIT_HEADER_REMAINING", "RateLimit-Remaining")
    app.config.setdefault("RATELIMIT_HEADER_RESET", "RateLimit-Reset")
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # Registered first, so it runs after Flask-Limiter's own hook, which adds Retry-After
    # to every limited answer: only a 429 says when to retry.
    app.after_request(_retry_after_only_when_refused)
    limiter = Limiter(key_func=_caller_key, headers_enabled=True)
    limiter.init_app(app)
    writes = limiter.shared_limit(
        lambda: str(app.config["WRITE_RATE_LIMIT"]),
        scope="writes",
        methods=WRITE_METHODS,
        error_message="Too many writes with this key; wait and retry.",
        exempt_when=_front_replay,
    )
    for name in WRITING_BLUEPRINTS:
        writes(cast(Blueprint, app.blueprints[name]))
    app.extensions["auth_failures"] = AuthFailures(
        limiter, str(app.config["AUTH_FAILURE_RATE_LIMIT"])
    )
