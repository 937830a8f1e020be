"""Response helpers shared by every route: JSON bodies, ETag/304, cache headers, list envelopes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import orjson
from flask import Response, current_app, g, request

from .cache import CACHEABLE
from .errors import PreconditionFailed
from .links import api_path_url
from .schemas.common import ignored_parameter, is_default, query_values
from .store.pagination import Page


def body_etag(body: bytes) -> str:
    """The strong ETag of a JSON body: a hash of its bytes."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def etag_of(payload: Any) -> str:
    return body_etag(orjson.dumps(payload))


def cache_headers(response: Response) -> None:
    """Public content may be kept by any cache; what a key sees (a preview, say) by none.
    Either way the answer depends on the Authorization header."""
    keyed = g.get("caller") is not None
    response.headers["Cache-Control"] = (
        "private, no-store" if keyed else current_app.config["PUBLIC_CACHE_CONTROL"]
    )
    response.vary.add("Authorization")
    if not keyed:
        # The response cache (api.cache) may keep this answer for every public reader.
        request.environ[CACHEABLE] = True


def conditional(response: Response) -> Response:
    """304 when If-None-Match / If-Modified-Since say the client has it; a failed
    If-Match or If-Unmodified-Since is a 412 problem, without the resource and never
    kept by a cache (werkzeug would send the whole body with a 412 status)."""
    response.make_conditional(request)  # in place
    if response.status_code == 412:
        raise PreconditionFailed(
            "If-Match (or If-Unmodified-Since) does not match the current version;"
            " GET it again without the condition to see it."
        )
    return response


def json_response(
    payload: Any,
    *,
    last_modified: str | None = None,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """Serialise once, tag with a strong ETag of the bytes, answer 304 when it matches."""
    body = orjson.dumps(payload)
    response = Response(body, status=status, mimetype="application/json")
    etag = body_etag(body)
    response.set_etag(etag)
    g.etag = etag  # the compression cache keys on it: one gzip per content version
    cache_headers(response)
    if last_modified:
        response.last_modified = datetime.fromisoformat(last_modified.replace("Z", "+00:00"))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if request.method not in ("GET", "HEAD"):
        return response  # a write's answer: its ETag is the new version's, not a condition
    return conditional(response)


def text_response(text: str, *, last_modified: str | None = None) -> Response:
    """Plain UTF-8 text, with the same strong ETag, 304 and cache headers as the JSON reads."""
    body = text.encode("utf-8")
    response = Response(body, mimetype="text/plain")  # Flask adds "; charset=utf-8"
    etag = body_etag(body)
    response.set_etag(etag)
    g.etag = etag
    cache_headers(response)
    if last_modified:
        response.last_modified = datetime.fromisoformat(last_modified.replace("Z", "+00:00"))
    return conditional(response)


def detail_response(item: dict[str, Any], *, modified: str | None = None) -> Response:
    return json_response({"data": item}, last_modified=modified)


def canonical_query(**changes: Any) -> dict[str, str]:
    """The request's query as one value per parameter, without ignored parameters and
    without those that only restate a default: `?limit=20&format=text` and no query at
    all are the same request, so they get the same links and the same ETag."""
    schema = g.get("query_schema")
    if schema is None:
        params = {k: v for k, v in request.args.items() if not ignored_parameter(k)}
    else:
        params, _ = query_values(schema, request.args)
        params = {k: v for k, v in params.items() if not is_default(schema, k, v)}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params


def self_url(**changes: Any) -> str:
    """This request's absolute URL, from the configured base URL, never from Host."""
    return api_path_url(request.path, urlencode(canonical_query(**changes), safe=","))


def list_response(
    items: Sequence[dict[str, Any]],
    page: Page,
    *,
    modified: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Response:
    """The list envelope of DESIGN.md, with the next page in body and Link header alike."""
    next_url = self_url(cursor=page.next_cursor) if page.next_cursor else None
    payload = {
        "data": list(items),
        "meta": {
            "total": page.total,
            "limit": page.limit,
            "next_cursor": page.next_cursor,
            **(meta or {}),
        },
        "links": {"self": self_url(), "next": next_url},
    }
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return json_response(payload, last_modified=modified, headers=headers)
