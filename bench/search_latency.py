"""/v1/search latency over a generated corpus, in-process through Flask's test client.

    python bench/search_latency.py                  # builds 10,000 articles in a temp folder
    python bench/search_latency.py /tmp/search.db   # builds it there once, reuses it after
    BENCH_ARTICLES=100000 python bench/search_latency.py /tmp/search-100k.db

The corpus is bench/corpus.py's (the one `make bench` serves), seeded through the real
writer, so the m010 triggers build the index as they would in production. Every article
has its own marker word (the rare term) and nearly every one says `sanctions` (the
common term). Each figure: median and p99 of REPEAT requests (no If-None-Match, so every
one is a search).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api import create_app
from api.db import connect
from bench.corpus import seed

RARE_WORD = "marker004242"
REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))


def build(path: Path, count: int) -> None:
    if path.exists():
        db = connect(path)
        try:
            have = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            db.close()
        if have >= count:
            print(f"corpus: reusing {have} articles in {path}")
            return
        raise SystemExit(f"{path} has {have} articles, not {count}: give a new path")
    figures = seed(path, count)
    print(f"corpus: wrote {count} articles ({figures['docs_per_s']} docs/s)")


def measure(client, url: str) -> tuple[float, float, int]:
    samples = []
    total = 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.data[:300])
        total = response.json["meta"]["total"]
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return statistics.median(samples), p99, total


def main() -> None:
    count = int(os.environ.get("BENCH_ARTICLES", "10000"))
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
    else:
        path = Path(tempfile.mkdtemp(prefix="bench-search-")) / "search.db"
    build(path, count)
    app = create_app({"DATABASE": str(path)})
    client = app.test_client()
    client.get("/v1/search?q=warmup")
    # A deep page: the cursor after 5 pages of the common term.
    url = "/v1/search?q=sanctions"
    for _ in range(5):
        url = client.get(url).json["links"]["next"].replace("http://localhost", "")
    cases = {
        f"rare term ({RARE_WORD})": f"/v1/search?q={RARE_WORD}",
        "common term (sanctions)": "/v1/search?q=sanctions",
        # A trailing space ends the word: no type-ahead prefix, an exact term.
        "common word, typed out": "/v1/search?q=sanctions%20",
        "prefix (sanc)": "/v1/search?q=sanc",
        "common term, page 6": url,
        "common term, type=term": "/v1/search?q=sanctions&type=term",
        "two common words": "/v1/search?q=sanctions%20government",
        "2 KB of text": "/v1/search?q=" + "+".join(["sanctions minister talks treaty"] * 70)[:2048],
        "/v1/articles?q=sanctions": "/v1/articles?q=sanctions&fields=id,title",
        "/v1/articles?q=marker004242": f"/v1/articles?q={RARE_WORD}&fields=id,title",
    }
    width = max(len(name) for name in cases)
    print(f"{REPEAT} requests each, in-process (ms):")
    for name, case_url in cases.items():
        median, p99, total = measure(client, case_url)
        print(f"  {name:<{width}}  median {median:7.2f}  p99 {p99:7.2f}  ({total} hits)")


if __name__ == "__main__":
    main()
