"""The benchmark: figures and ratios measured in one run on this machine.

    make bench                     # 2,000 articles
    BENCH_ARTICLES=10000 make bench

Everything is measured in-process through Flask's test client (no network noise), each
figure the median of many repetitions. Ratios compare figures from this same run, so they
hold on a noisy shared machine where absolute numbers drift.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api import create_app
from api.db import connect
from api.importer.parse import parse_document
from bench.corpus import SEED, build


def median_ms(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    count = int(os.environ.get("BENCH_ARTICLES", "2000"))
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    app = create_app({"DATABASE": str(folder / "bench.db")})
    db = connect(folder / "bench.db")

    raw = SEED.read_bytes()
    parse_ms = median_ms(lambda: parse_document(raw), 50)
    start = time.perf_counter()
    build(db, count)
    import_s = time.perf_counter() - start
    print(f"corpus: {count} articles of {len(raw) / 1024:.1f} KB text")
    print(f"import: parse {parse_ms:.2f} ms/doc; parse+write {count / import_s:.0f} docs/s")

    client = app.test_client()
    slug = "russia-north-korea-defense-pact-00042"

    def get(url: str, **headers: str) -> object:
        response = client.get(url, headers=headers)
        assert response.status_code in (200, 304), (url, response.status_code)
        return response

    full = f"/v1/articles/{slug}?include=sections,glossary,questions,sources"
    etag = client.get(full).headers["ETag"]
    # Walk to a deep page once to get its cursor.
    url: str | None = "/v1/articles?limit=20&fields=id"
    for _ in range(min(count // 20 - 1, 99)):
        url = client.get(url).json["links"]["next"]
    deep = url.replace("fields=id", "fields=id,title").replace("http://localhost", "")
    figures = {
        "article, full": median_ms(lambda: get(full), 200),
        "article, full, 304": median_ms(lambda: get(full, **{"If-None-Match": etag}), 200),
        "article, full, gzip": median_ms(lambda: get(full, **{"Accept-Encoding": "gzip"}), 200),
        "list page 1": median_ms(lambda: get("/v1/articles?limit=20&fields=id,title"), 200),
        "list deep page": median_ms(lambda: get(deep), 200),
        "search, common word": median_ms(lambda: get("/v1/articles?q=Korea"), 100),
        "search, rare word": median_ms(lambda: get("/v1/articles?q=embargo-5"), 100),
        "issue bundle": median_ms(lambda: get("/v1/issues/issue-3/bundle"), 100),
    }
    width = max(len(k) for k in figures)
    for name, ms in figures.items():
        print(f"{name:<{width}}  {ms:7.2f} ms  ({1000 / ms:7.0f} req/s one thread)")
    body = client.get(full).data
    print(f"article body: {len(body) / 1024:.1f} KB, gzip {len(gzip.compress(body)) / 1024:.1f} KB")
    ratios = {
        "deep page / page 1": figures["list deep page"] / figures["list page 1"],
        "304 / full 200": figures["article, full, 304"] / figures["article, full"],
        "gzip (cached) / identity": figures["article, full, gzip"] / figures["article, full"],
    }
    print("ratios (same run):")
    for name, ratio in ratios.items():
        print(f"  {name:<26}  {ratio:.2f}")
    db.close()


if __name__ == "__main__":
    main()
