"""One blueprint per resource, all mounted under /v1 (health, docs and the reader at the root)."""

from __future__ import annotations

from typing import NoReturn

from flask import Flask, Response, request
from werkzeug.routing import BaseConverter, IntegerConverter

from ..errors import NotFound
from ..links import API_PREFIX, api_path_url


def not_found(kind: str, ref: object) -> NoReturn:
    """Raise the 404 for a detail URL, so a view can say `return fetch(...) or not_found(...)`."""
    raise NotFound(f"No published {kind} has the id or slug {str(ref)[:200]!r}.")


def drop_trailing_slash() -> Response | None:
    """`/v1/articles/` is `/v1/articles`: a 308 (method and body kept) to the one URL."""
    path = request.path
    if path.startswith(f"{API_PREFIX}/") and path.endswith("/"):
        query = request.query_string.decode("latin-1")
        # No body: werkzeug's redirect() would send an HTML page.
        target = api_path_url(path.rstrip("/") or "/", query)
        return Response(status=308, headers={"Location": target, "Cache-Control": "no-store"})
    return None


class IssueRefConverter(BaseConverter):
    """An issue's id or slug in a write's URL: `latest` names no issue to write to (it is
    a read's shortcut), so PUT /v1/issues/latest is a 405 allowing only what GET allows."""

    regex = r"(?!latest(?:/|$))[^/]+"


class AsciiIntegerConverter(IntegerConverter):
    """An id in a URL is ASCII digits without padding: werkzeug's `\\d+` also takes other
    scripts' digits, so /v1/sources/١ (Arabic-Indic one) and /v1/sources/01 were source 1."""

    regex = r"(?:0|[1-9][0-9]{0,18})"  # longer numbers match no rule: a 404

    def to_python(self, value: str) -> int:
        # Past `max` (SQLite's largest integer) is an id nothing has. werkzeug's own
        # refusal (ValidationError) made PUT /v1/questions/9223372036854775808 a 405
        # allowing GET, since the GET rule had matched the path first; id 0 is never given.
        number = int(value)
        return 0 if self.max is not None and number > self.max else number


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["issue"] = IssueRefConverter
    app.url_map.converters["int"] = AsciiIntegerConverter  # before any rule is added
    from . import (
        articles,
        docs,
        glossary,
        health,
        imports,
        index,
        issues,
        questions,
        reader,
        search,
        sources,
        sync,
    )

    for module in (issues, articles, glossary, questions, sources, imports, search, sync):
        app.register_blueprint(module.bp, url_prefix=API_PREFIX)
    app.register_blueprint(index.bp)
    app.register_blueprint(health.bp)
    app.before_request(drop_trailing_slash)
    docs.init_app(app)
    reader.init_app(app)
