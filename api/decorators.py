"""Route decorators, so a view reads as its intent: validate the query, fetch, respond.

    @bp.get("/articles/<ref>")
    @response(ArticleSchema)
    @arguments(ArticleDetailArgs)
    def get_article(ref, args): ...

The view returns a dict (one item), a Page (a list) or raises an ApiError.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from flask import Response, g, request
from marshmallow import Schema

from .http import detail_response, list_response
from .schemas.common import load_query
from .store.pagination import Page


def arguments(schema_cls: type[Schema]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    schema = schema_cls()

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.query_schema = schema
            g.query_args = load_query(schema, request.args)
            return view(*args, args=g.query_args, **kwargs)

        return wrapper

    return decorator


@lru_cache(maxsize=512)
def _dumper(schema_cls: type[Schema], only: tuple[str, ...] | None, many: bool) -> Schema:
    return schema_cls(only=only, many=many)


def _only(args: dict[str, Any]) -> tuple[str, ...] | None:
    """`fields` trims the objects; whatever `include` asked for stays."""
    names = args.get("field_names")
    if not names:
        return None
    return tuple(sorted({*names, *args.get("include", ())}))


def response(schema_cls: type[Schema]) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            result = view(*args, **kwargs)
            only = _only(getattr(g, "query_args", {}))
            if isinstance(result, Page):
                items = _dumper(schema_cls, only, True).dump(result.items)
                return list_response(items, result, modified=_newest(result.items))
            return detail_response(
                _dumper(schema_cls, only, False).dump(result), modified=_newest([result])
            )

        return wrapper

    return decorator


def _newest(items: list[dict[str, Any]]) -> str | None:
    """Last-Modified: stores may add `last_modified` (not part of any response shape) where
    an item's representation changes with more than its own row, as an issue with its articles."""
    stamps = (i.get("last_modified") or i.get("updated_at") for i in items)
    return max((s for s in stamps if s), default=None)
