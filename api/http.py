"""Response helpers shared by every route: JSON bodies, ETag/304, cache headers, list envelopes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import orjson
from flask import Response, current_app, g, request

from .store.pagination import Page


def json_response(
    payload: Any,
    *,
    last_modified: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Serialise once, tag with a strong ETag of the bytes, answer 304 when it matches."""
    body = orjson.dumps(payload)
    response = Response(body, mimetype="application/json")
    etag = hashlib.blake2b(body, digest_size=16).hexdigest()
    response.set_etag(etag)
    g.etag = etag  # the compression cache keys on it: one gzip per content version
    # Everything served so far is published content; drafts come with editor keys.
    response.headers["Cache-Control"] = current_app.config["PUBLIC_CACHE_CONTROL"]
    if last_modified:
        response.last_modified = datetime.fromisoformat(last_modified.replace("Z", "+00:00"))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response.make_conditional(request)


def text_response(text: str, *, last_modified: str | None = None) -> Response:
    """Plain UTF-8 text, with the same strong ETag, 304 and cache headers as the JSON reads."""
    body = text.encode("utf-8")
    response = Response(body, mimetype="text/plain")  # Flask adds "; charset=utf-8"
    etag = hashlib.blake2b(body, digest_size=16).hexdigest()
    response.set_etag(etag)
    g.etag = etag
    response.headers["Cache-Control"] = current_app.config["PUBLIC_CACHE_CONTROL"]
    if last_modified:
        response.last_modified = datetime.fromisoformat(last_modified.replace("Z", "+00:00"))
    return response.make_conditional(request)


def detail_response(item: dict[str, Any], *, modified: str | None = None) -> Response:
    return json_response({"data": item}, last_modified=modified)


def _url_with(**changes: Any) -> str:
    params = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = [str(value)]
    query = urlencode(params, doseq=True)
    return f"{request.base_url}?{query}" if query else request.base_url


def list_response(
    items: Sequence[dict[str, Any]], page: Page, *, modified: str | None = None
) -> Response:
    """The list envelope of DESIGN.md, with the next page in body and Link header alike."""
    next_url = _url_with(cursor=page.next_cursor) if page.next_cursor else None
    payload = {
        "data": list(items),
        "meta": {"total": page.total, "limit": page.limit, "next_cursor": page.next_cursor},
        "links": {"self": _url_with(), "next": next_url},
    }
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return json_response(payload, last_modified=modified, headers=headers)
