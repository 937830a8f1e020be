"""Where seeding's time goes, statement by statement.

    python bench/seed_statements.py [--articles 1000] [--after 300]

Seeds `--after` generated articles (untimed, so the tables are not empty), then writes
`--articles` more through api.importer.write.write_document in batches, as `flask seed`
does, with every statement the writer runs timed. Prints the writer's CPU time a
document, the share that is SQL, and the statements that cost most, in ms a document
(a statement's triggers count as its own).
"""

from __future__ import annotations

import argparse
import collections
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.importer.batch import WriteBatch
from api.importer.write import write_document
from bench.corpus import Generator, connect, seed


class TimedConnection:
    """A sqlite3 connection whose execute and executemany add their time to a tally."""

    def __init__(self, conn: sqlite3.Connection, tally: collections.Counter[str]) -> None:
        self._conn = conn
        self._tally = tally
        self.calls: collections.Counter[str] = collections.Counter()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def _timed(self, method: str, sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return getattr(self._conn, method)(sql, *args)
        finally:
            key = re.sub(r"\s+", " ", sql.strip())[:72]
            self._tally[key] += time.perf_counter() - started
            self.calls[key] += 1

    def execute(self, sql: str, *args: Any) -> Any:
        return self._timed("execute", sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        return self._timed("executemany", sql, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--after", type=int, default=300)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="seed-statements-") as folder:
        path = Path(folder) / "content.db"
        seed(path, args.after, finish=False)
        db = connect(path)
        generator = Generator(11)
        documents = [generator.document(n) for n in range(args.after, args.after + args.articles)]
        tally: collections.Counter[str] = collections.Counter()
        timed = TimedConnection(db.conn, tally)
        db.conn = timed  # type: ignore[assignment]
        started = time.process_time()
        with WriteBatch(db) as batch:
            for document in documents:
                with batch.document():
                    write_document(db, document)
                batch.commit_if_due()
        cpu = time.process_time() - started
        db.close()
    per = 1000 / args.articles
    sql = sum(tally.values())
    print(f"{args.articles} documents after {args.after}: {cpu * per:.2f} ms of CPU a document,")
    print(f"of which SQL {sql * per:.2f} ms (wall time of the statements)\n")
    for key, seconds in tally.most_common(args.top):
        print(f"{seconds * per:7.3f} ms  {timed.calls[key]:6d} calls  {key}")
    rest = sql - sum(seconds for _, seconds in tally.most_common(args.top))
    print(f"{rest * per:7.3f} ms  the other statements")


if __name__ == "__main__":
    main()
