"""Where the time of one article request goes, in-process, without an HTTP server.

    python bench/profile_article.py [--articles 2000] [--db PATH]

Calls the WSGI app directly (no test client) for the article with everything included,
and prints:

- the median CPU time of a 200, a 304, page 1 of the list and a common-term search;
- a cProfile attribution of the 200 to SQL, marshmallow, serialisation, conditional
  handling, the after_request hooks (CORS, compression) and Flask itself;
- the SQL statements one request runs (sqlite-utils' SAVEPOINT/RELEASE included);
- levers, each a runtime patch of this process only (nothing in api/ changes):
  the median again with the lever on, so the saving is measured, not guessed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlite_utils.db
from flask import Flask
from werkzeug.test import EnvironBuilder

from api import create_app
from bench.corpus import seed

DETAIL = "/v1/articles/article-000042?include=sections,glossary,questions,sources"


_ENVIRONS: dict[tuple[str, tuple[tuple[str, str], ...]], dict] = {}


def call(app: Flask, path: str, headers: dict[str, str] | None = None) -> tuple[str, bytes]:
    """One request through the app's WSGI callable (the response cache included). The
    environ is built once per URL and copied, so its making (≈ 20 µs) is not counted."""
    key = (path, tuple(sorted((headers or {}).items())))
    if key not in _ENVIRONS:
        if len(_ENVIRONS) > 64:
            _ENVIRONS.clear()  # the unique URLs of the miss cases
        _ENVIRONS[key] = EnvironBuilder(path=path, headers=headers or {}).get_environ()
    environ = dict(_ENVIRONS[key])
    status: list[str] = []
    body = b"".join(app.wsgi_app(environ, lambda s, h, e=None: status.append(s)))
    return status[0], body


def median_ms(action: Callable[[], object], repeat: int = 300) -> float:
    for _ in range(20):
        action()
    samples = []
    for _ in range(repeat):
        # CPU time of this process, not wall time: on a shared machine the wall clock
        # also counts the time other people's work held the core.
        start = time.process_time()
        action()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def statements(app: Flask, path: str) -> list[str]:
    """The SQL one request runs, as SQLite sees it."""
    from api.db import get_db

    seen: list[str] = []
    with app.app_context():
        get_db().conn.set_trace_callback(seen.append)
    call(app, path)
    with app.app_context():
        get_db().conn.set_trace_callback(None)
    return seen


CATEGORIES = {
    # (file fragment, function name): what it stands for. Cumulative times, so nested
    # entries (the SQL inside a store function) are listed for their own share.
    "SQL (sqlite-utils query/execute, rows to dicts)": [
        ("sqlite_utils/db.py", "query"),
        ("sqlite_utils/db.py", "<genexpr>"),
        ("sqlite_utils/db.py", "execute"),
    ],
    "marshmallow dump": [("marshmallow/schema.py", "dump")],
    "query-string validation (marshmallow load)": [("api/schemas/common.py", "load_query")],
    "orjson + ETag hash + Response (json_response minus make_conditional)": [
        ("api/http.py", "json_response")
    ],
    "make_conditional (304 check)": [("werkzeug/wrappers/response.py", "make_conditional")],
    "after_request hooks (CORS, compression)": [("flask/app.py", "process_response")],
    "view function (store + dump + response)": [("api/decorators.py", "wrapper")],
    "whole WSGI call": [("flask/app.py", "wsgi_app")],
}


def attribution(app: Flask, requests: int = 300) -> dict[str, float]:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call(app, DETAIL)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for label, keys in CATEGORIES.items():
        total = 0.0
        for key in keys:
            # A name defined at several places (decorator wrappers, nested in each other)
            # counts once: the outermost, largest cumulative figure.
            total += max(
                (
                    cumulative
                    for (filename, _, name), (_, _, _, cumulative, _) in stats.items()
                    if filename.endswith(key[0]) and name == key[1]
                ),
                default=0.0,
            )
        found[label] = total * 1000 / requests
    return found


# --- levers: runtime patches of this process ------------------------------------------


@contextmanager
def no_savepoint() -> Iterator[None]:
    """db.query without SAVEPOINT/RELEASE around each SELECT (the plain cursor)."""
    original = sqlite_utils.db.Database.query

    def query(self, sql, params=None):  # type: ignore[no-untyped-def]
        cursor = self.conn.execute(sql, params if params is not None else ())
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    sqlite_utils.db.Database.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        sqlite_utils.db.Database.query = original  # type: ignore[method-assign]


@contextmanager
def without_hooks(app: Flask, names: tuple[str, ...]) -> Iterator[None]:
    """Take after_request hooks whose qualified name mentions one of ``names`` out."""
    hooks = app.after_request_funcs.setdefault(None, [])
    kept = list(hooks)
    hooks[:] = [h for h in hooks if not any(n in getattr(h, "__qualname__", "") for n in names)]
    try:
        yield
    finally:
        hooks[:] = kept


@contextmanager
def no_marshmallow_dump() -> Iterator[None]:
    """The store's dicts go out as they are: the ceiling of what a faster dump can save."""
    import marshmallow

    original = marshmallow.Schema.dump
    marshmallow.Schema.dump = lambda self, obj, *, many=None: obj  # type: ignore[method-assign]
    try:
        yield
    finally:
        marshmallow.Schema.dump = original  # type: ignore[method-assign]


def response_cache_figures(cached: Flask, body: bytes, etag: str) -> None:
    """What the response cache costs per request: the version read, a hit, a 304, and
    the same hit served from a Flask before_request hook instead of WSGI middleware."""
    middleware = cached.wsgi_app
    versions = middleware.versions  # type: ignore[attr-defined]
    counter = iter(range(10**9))
    gzip = {"Accept-Encoding": "gzip"}
    figures = {
        "content version read (2 SQL statements)": median_ms(versions.current, 2000),
        "article 200, miss (unique _= each time)": median_ms(
            lambda: call(cached, f"{DETAIL}&_={next(counter)}")
        ),
        "article 200, hit (WSGI middleware)": median_ms(lambda: call(cached, DETAIL), 2000),
        "article 200 gzip, hit": median_ms(lambda: call(cached, DETAIL, gzip), 2000),
        "article 304, hit": median_ms(lambda: call(cached, DETAIL, {"If-None-Match": etag}), 2000),
        "list page 1, hit": median_ms(lambda: call(cached, "/v1/articles?limit=20"), 2000),
        "list page 1, miss (total kept by version)": median_ms(
            lambda: call(cached, f"/v1/articles?limit=20&_={next(counter)}")
        ),
    }
    # The alternative: the same stored response answered by Flask (a before_request
    # hook returning it): request context, routing, the other hooks and teardown.
    flask_level = create_app({"DATABASE": cached.config["DATABASE"], "RESPONSE_CACHE_BYTES": 0})
    stored = flask_level.response_class(body, mimetype="application/json")

    def answer_stored() -> object:
        return stored

    flask_level.before_request_funcs.setdefault(None, []).insert(0, answer_stored)
    figures["article 200, hit (Flask before_request)"] = median_ms(
        lambda: call(flask_level, DETAIL), 2000
    )
    print("with the response cache:")
    for name, ms in figures.items():
        print(f"  {name:<40} {ms * 1000:7.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--db", help="an existing bench corpus instead of seeding one")
    args = parser.parse_args()
    if args.db:
        database = args.db
    else:
        database = str(Path(tempfile.mkdtemp(prefix="bench-profile-")) / "content.db")
        seed(database, args.articles)
    app = create_app({"DATABASE": database, "RESPONSE_CACHE_BYTES": 0})
    cached = create_app({"DATABASE": database})
    status, body = call(app, DETAIL)
    etag = app.test_client().get(DETAIL).headers["ETag"]
    print(f"article: {status}, {len(body)} bytes")

    figures = {
        "article 200": median_ms(lambda: call(app, DETAIL)),
        "article 304": median_ms(lambda: call(app, DETAIL, {"If-None-Match": etag})),
        "list page 1": median_ms(lambda: call(app, "/v1/articles?limit=20")),
        "search, common term": median_ms(lambda: call(app, "/v1/articles?q=sanctions"), 50),
    }
    print("without the response cache (FLASK_RESPONSE_CACHE_BYTES=0):")
    for name, ms in figures.items():
        print(f"  {name:<40} {ms:7.3f} ms")
    response_cache_figures(cached, body, etag)

    print("\nwhere a 200 goes (cProfile, cumulative ms per request; profiler inflates Python):")
    shares = attribution(app)
    whole = shares["whole WSGI call"]
    for label, ms in shares.items():
        print(f"  {label:<72} {ms:7.3f}  {ms / whole:4.0%}")

    seen = statements(app, DETAIL)
    savepoints = [s for s in seen if s.startswith(("SAVEPOINT", "RELEASE"))]
    print(f"\nSQL statements per article request: {len(seen)}, of which {len(savepoints)}")
    print("  SAVEPOINT/RELEASE added by sqlite-utils' db.query")

    print("\nlevers (ms per 200; lever and baseline interleaved, best block median of 5):")
    levers = {
        "db.query without SAVEPOINT/RELEASE": no_savepoint,
        "no compression hook": lambda: without_hooks(app, ("Compress",)),
        "no CORS hook": lambda: without_hooks(app, ("cors",)),
        "no marshmallow dump (ceiling)": no_marshmallow_dump,
    }
    for name, patch in levers.items():
        base, lever = [], []
        for _ in range(5):
            base.append(median_ms(lambda: call(app, DETAIL), 100))
            with patch():
                lever.append(median_ms(lambda: call(app, DETAIL), 100))
        print(
            f"  {name:<44} {min(lever):7.3f} against {min(base):7.3f}"
            f"  ({(min(lever) - min(base)) / min(base):+.0%})"
        )
    base_ms = min(median_ms(lambda: call(app, DETAIL), 100) for _ in range(5))
    floor = Flask("floor")
    floor.add_url_rule("/", "floor", lambda: (body, 200, {"Content-Type": "application/json"}))
    bare = min(median_ms(lambda: call(floor, "/"), 100) for _ in range(5))
    label = "bare Flask returning the same bytes (floor)"
    print(f"  {label:<44} {bare:7.3f} against {base_ms:7.3f}")


if __name__ == "__main__":
    main()
