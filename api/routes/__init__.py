"""One blueprint per resource, all mounted under /v1 (health and docs at the root)."""

from __future__ import annotations

from typing import NoReturn

from flask import Flask

from ..errors import NotFound


def not_found(kind: str, ref: object) -> NoReturn:
    """Raise the 404 for a detail URL, so a view can say `return fetch(...) or not_found(...)`."""
    raise NotFound(f"No published {kind} has the id or slug {str(ref)[:200]!r}.")


def register_blueprints(app: Flask) -> None:
    from . import articles, docs, glossary, health, issues, questions, search, sources

    for module in (issues, articles, glossary, questions, sources, search):
        app.register_blueprint(module.bp, url_prefix="/v1")
    app.register_blueprint(health.bp)
    docs.init_app(app)
