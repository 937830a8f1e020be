"""Every error leaves as RFC 9457 application/problem+json: routes raise, this module answers."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .store.pagination import CursorError

PROBLEM_MIMETYPE = "application/problem+json"
# `instance` names the request, not its whole query: a 4,000-character cursor must not
# make a 4 KB error body (nor echo back everything a client sent).
MAX_INSTANCE_LENGTH = 512
TRUNCATED = "..."

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error a route raises on purpose; ``errors`` maps a field or parameter to messages."""

    status = 400
    title = "Bad Request"
    default_headers: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(
        self,
        detail: str,
        *,
        errors: dict[str, Any] | None = None,
        status: int | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title
        self.headers = dict(self.default_headers) | (headers or {})


class InvalidQuery(ApiError):
    status = 400
    title = "Bad Request"  # RFC 9457: with type about:blank, the title is the status phrase


class NotFound(ApiError):
    status = 404
    title = "Not Found"


class Conflict(ApiError):
    status = 409
    title = "Conflict"


class PreconditionFailed(ApiError):
    status = 412
    title = "Precondition Failed"


class UnsupportedMediaType(ApiError):
    status = 415
    title = "Unsupported Media Type"


class InvalidBody(ApiError):
    """A body that parses but says something we cannot store; `errors` names the fields."""

    status = 422
    title = "Unprocessable Content"


class PreconditionRequired(ApiError):
    status = 428
    title = "Precondition Required"


def problem_instance() -> str:
    """The request's path and query, cut to MAX_INSTANCE_LENGTH characters."""
    instance = request.full_path.rstrip("?")
    if len(instance) <= MAX_INSTANCE_LENGTH:
        return instance
    return instance[: MAX_INSTANCE_LENGTH - len(TRUNCATED)] + TRUNCATED


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": problem_instance() if request else "",
    }
    if errors:
        body["errors"] = errors
    response = Response(orjson.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in dict(headers or {}).items():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return problem(
            error.status, error.title, error.detail, errors=error.errors, headers=error.headers
        )

    @app.errorhandler(CursorError)
    def _bad_cursor(error: CursorError) -> Response:
        return problem(
            400,
            InvalidQuery.title,
            "Check the query parameters: cursor.",
            errors={"cursor": [str(error)]},
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        # get_headers() carries Allow on 405 and WWW-Authenticate on 401.
        headers = dict(error.get_headers())
        status = error.code or 500
        return problem(status, error.name, error.description or error.name, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        fallback = InternalServerError()
        return problem(500, fallback.name, "The server could not answer this request.")
