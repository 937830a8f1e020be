"""gzip/brotli through flask-compress, compressing each content version once.

A JSON body's strong ETag is a hash of its bytes (api.http.json_response puts it on
flask.g), so it is a safe cache key: equal keys mean equal bytes. Bodies without
one (errors, the docs) are compressed afresh every time.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import Any

from flask import Flask, g
from flask_compress import Compress

_NO_CACHE = ":no-cache"


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


def init_compression(app: Flask) -> None:
    app.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIMETYPES=["application/json", "application/problem+json"],
        COMPRESS_CACHE_BACKEND=CompressCache,
        COMPRESS_CACHE_KEY=_cache_key,
    )
    Compress(app)
