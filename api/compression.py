"""gzip/brotli through flask-compress, compressing each content version once.

A JSON body's strong ETag is a hash of its bytes (api.http.json_response puts it on
flask.g), so it is a safe cache key: equal keys mean equal bytes. Bodies without
one (errors, the docs) are compressed afresh every time.

The coding is chosen here (`choose_encoding`), not by flask-compress, whose parser takes
`gzip;q=0` ("never gzip", RFC 9110 §12.5.3) for a wish for gzip. The response cache
(api.cache) keys its entries on the same choice.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import Any

from flask import Flask, Response, g, request
from flask_compress import Compress

from .surrogate import HEADER as SURROGATE_HEADER

_NO_CACHE = ":no-cache"
ENCODINGS = ("br", "gzip")  # ours, preferred first when a client likes several alike


def choose_encoding(
    accept_encoding: str | None, offered: tuple[str, ...] = ENCODINGS
) -> str | None:
    """The content coding to send for this Accept-Encoding header, or None for identity.

    The highest q wins, ties go to our order; `q=0` rules a coding out, also one that
    `*` would otherwise let in. No header means no compression (as flask-compress did)."""
    if not accept_encoding:
        return None
    stated: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.partition(";")
        name = name.strip()
        if not name:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0  # a q we cannot read is no permission
                if not 0.0 <= quality <= 1.0:
                    quality = 0.0
        stated.setdefault(name, quality)
    wildcard = stated.get("*", 0.0)
    best: str | None = None
    best_quality = 0.0
    for coding in offered:
        quality = stated.get(coding, wildcard)
        if quality > best_quality:
            best, best_quality = coding, quality
    if best is not None and stated.get("identity", 0.0) > best_quality:
        return None  # the client prefers the bytes as they are
    return best


class CompressCache:
    """Compressed bodies by ETag, least recently used out first; shared by a worker's
    threads, hence the lock."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(_NO_CACHE):
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


def _cache_key(request: Any) -> str:
    return getattr(g, "etag", None) or f"{uuid.uuid4()}{_NO_CACHE}"


class _Compress(Compress):
    """flask-compress, told our choice of coding instead of the raw header: it then picks
    exactly that one (or none, for identity)."""

    def after_request(self, response: Response | None) -> Response:
        environ = request.environ
        stated = environ.get("HTTP_ACCEPT_ENCODING")
        environ["HTTP_ACCEPT_ENCODING"] = choose_encoding(stated) or "identity"
        try:
            answered = super().after_request(response)
            if answered.status_code == 304:
                # flask-compress revalidates the coded ETag after the surrogate keys were set;
                # a 304 carries none (api.surrogate: a cache tier merges them over its copy).
                answered.headers.pop(SURROGATE_HEADER, None)
            return answered
        finally:
            if stated is None:
                environ.pop("HTTP_ACCEPT_ENCODING", None)
            else:
                environ["HTTP_ACCEPT_ENCODING"] = stated


def init_compression(app: Flask) -> None:
    app.config.update(
        COMPRESS_ALGORITHM=list(ENCODINGS),
        COMPRESS_MIMETYPES=["application/json", "application/problem+json"],
        COMPRESS_CACHE_BACKEND=CompressCache,
        COMPRESS_CACHE_KEY=_cache_key,
    )
    _Compress(app)
