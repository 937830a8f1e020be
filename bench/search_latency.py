"""/v1/search latency over a generated corpus, in-process through Flask's test client.

    python bench/search_latency.py                  # builds 10,000 articles in a temp folder
    python bench/search_latency.py /tmp/search.db   # builds it there once, reuses it after
    BENCH_ARTICLES=2000 python bench/search_latency.py

The corpus is the seed article varied per article (bench/corpus.py), written through the
real writer (api.importer.write.write_document), so the m010 triggers build the index as
they would in production. One article in a thousand also mentions a rare word.
Each figure: median and p99 of REPEAT requests (no If-None-Match, so every one is a search).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api import create_app
from api.db import connect
from api.importer.write import write_document
from bench.corpus import seed_document, variant

RARE_WORD = "quetzal"
REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))


def build(path: Path, count: int) -> None:
    db = connect(path)
    try:
        have = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        if have >= count:
            print(f"corpus: reusing {have} articles in {path}")
            return
        rng = random.Random(7)
        base = seed_document()
        start = time.perf_counter()
        for n in range(count):
            document = variant(base, n, rng)
            if n % 1000 == 7:
                document.lede = f"{document.lede} A {RARE_WORD} was sighted."
            write_document(db, document)
        seconds = time.perf_counter() - start
        print(f"corpus: wrote {count} articles in {seconds:.0f} s ({count / seconds:.0f} docs/s)")
    finally:
        db.close()


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
    app = create_app({"DATABASE": str(path)})  # migrates, m010 included
    build(path, count)
    client = app.test_client()
    client.get("/v1/search?q=warmup")
    # A deep page: the cursor after 5 pages of the common term.
    url = "/v1/search?q=sanctions"
    for _ in range(5):
        url = client.get(url).json["links"]["next"].replace("http://localhost", "")
    cases = {
        f"rare term ({RARE_WORD})": f"/v1/search?q={RARE_WORD}",
        "common term (sanctions)": "/v1/search?q=sanctions",
        "prefix (sanc)": "/v1/search?q=sanc",
        "common term, page 6": url,
        "common term, type=term": "/v1/search?q=sanctions&type=term",
        "two common words": "/v1/search?q=north%20korea",
        "2 KB of text": "/v1/search?q=" + "+".join(["sanctions north korea treaty"] * 70)[:2048],
        "/v1/articles?q=sanctions": "/v1/articles?q=sanctions&fields=id,title",
    }
    width = max(len(name) for name in cases)
    print(f"{REPEAT} requests each, in-process (ms):")
    for name, case_url in cases.items():
        median, p99, total = measure(client, case_url)
        print(f"  {name:<{width}}  median {median:7.2f}  p99 {p99:7.2f}  ({total} hits)")


if __name__ == "__main__":
    main()
