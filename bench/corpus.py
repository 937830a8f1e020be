"""A synthetic corpus shaped like real issues, seeded through the real writer.

Each article has what an editor's document has (tests/factories.py builds the same
Document objects): a lede, five headed body sections of two paragraphs, five numbered
Background Information subsections of two or three ``Label: text`` items, five Key Terms
drawn from one shared pool (so a term is used by many articles, as in real issues), two
questions and a source. Words follow a Zipf-like law, so full-text search meets both
common and rare terms; every article also carries one unique marker word
(``marker00042``) for a search that matches a single article.

Seeding goes the way `flask seed` writes: api.importer.write.write_document, a batch of
documents per transaction (api.importer.batch.WriteBatch), each in a savepoint.

    python -m bench.corpus DB [--articles N]   # prints one JSON line: docs/s, peak memory
    python bench/corpus.py --articles 10000 --seed-only    # the seeding figure alone
    python bench/corpus.py --articles 2000 --seed-only --one-by-one   # a transaction each
    python bench/corpus.py --articles 2000 --seed-only --through-files  # text files, parsed
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.db import connect, init_db
from api.importer.batch import WriteBatch
from api.importer.document import (
    Document,
    IssueRef,
    Item,
    Question,
    Section,
    Source,
    Term,
)
from api.importer.write import write_document
from api.slugs import slugify

ARTICLES_PER_ISSUE = 4
# Words every article uses (the "common term" of the search cases) come first: the
# Zipf weights make the head of the list frequent and the tail rare.
HEAD = [
    *("sanctions", "government", "minister", "international", "security", "economic"),
    *("talks", "agreement", "military", "president", "officials", "alliance", "trade"),
    *("policy", "election", "summit", "treaty", "region"),
]
SYLLABLES = [a + b for a in "kmnrstvzbd" for b in "aeiou"][:20]
PUBLISHERS = (
    ("nytimes.com", "The New York Times"),
    ("bbc.co.uk", "BBC News"),
    ("reuters.com", "Reuters"),
    ("theguardian.com", "The Guardian"),
    ("apnews.com", "AP News"),
)
TERM_POOL_SIZE = 400


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = list(HEAD)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Generator:
    """Deterministic documents: the same seed gives the same corpus."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = _vocabulary(self.rng)
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(6000)))
        self.terms = [
            Term(
                " ".join(self._words(self.rng.randint(1, 3))).title(),
                self._sentence(12, 24),
            )
            for _ in range(TERM_POOL_SIZE)
        ]
        self.terms = list({slugify(t.term): t for t in self.terms}.values())

    def _words(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def _sentence(self, low: int, high: int) -> str:
        words = self._words(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def _paragraph(self) -> str:
        return " ".join(self._sentence(10, 22) for _ in range(self.rng.randint(3, 5)))

    def _heading(self) -> str:
        return " ".join(self._words(self.rng.randint(2, 5))).title()

    def document(self, n: int) -> Document:
        rng = self.rng
        sections: list[Section] = []
        anchors: set[str] = set()
        for _ in range(5):
            heading = self._heading()
            while slugify(heading) in anchors:
                heading += " Again"
            anchors.add(slugify(heading))
            sections.append(
                Section(
                    kind="body",
                    heading=heading,
                    anchor=slugify(heading),
                    paragraphs=[self._paragraph(), self._paragraph()],
                )
            )
        for number in range(1, 6):
            heading = self._heading()
            sections.append(
                Section(
                    kind="background",
                    heading=heading,
                    anchor=f"background-{number}-{slugify(heading)}",
                    number=number,
                    items=[
                        Item(self._heading(), self._sentence(15, 35))
                        for _ in range(rng.randint(2, 3))
                    ],
                )
            )
        domain, publisher = PUBLISHERS[n % len(PUBLISHERS)]
        year, month, day = 2010 + n % 15, 1 + n % 12, 1 + n % 28
        words = sum(len(p.split()) for s in sections for p in s.paragraphs)
        return Document(
            title=f"{self._heading()} {n}",
            slug=f"article-{n:06d}",
            lede=f"{self._sentence(25, 45)} Marker{n:06d} sanctions.",
            published_at=f"{year}-{month:02d}-{day:02d}T{n % 24:02d}:{n % 60:02d}:00Z",
            issue=IssueRef(number=1 + n // ARTICLES_PER_ISSUE),
            sections=sections,
            sources=[
                Source(
                    url=f"https://www.{domain}/{year}/{month:02d}/{day:02d}/story-{n}.html",
                    domain=domain,
                    publisher=publisher,
                    published_on=f"{year}-{month:02d}-{day:02d}",
                )
            ],
            glossary=rng.sample(self.terms, 5),
            questions=[
                Question(self._sentence(12, 20)[:-1] + "?", ["debate", "essay"]) for _ in range(2)
            ],
            word_count=words,
            reading_minutes=max(1, round(words / 200)),
            reading_level=11.0,
        )


def seed(
    path: str | Path,
    count: int,
    seed: int = 7,
    *,
    batched: bool = True,
    finish: bool = True,
) -> dict[str, float]:
    """Write ``count`` generated articles through api.importer.write.write_document, in
    batches as `flask seed` does (``batched=False``: one transaction each, as before).
    ``finish`` checkpoints the WAL and runs ANALYZE afterwards (untimed)."""
    init_db(path)
    db = connect(path)
    generator = Generator(seed)
    generator_seconds = generator_cpu = 0.0
    start, start_cpu = time.perf_counter(), time.process_time()
    with WriteBatch(db) as batch:
        for n in range(count):
            made, made_cpu = time.perf_counter(), time.process_time()
            document = generator.document(n)
            generator_seconds += time.perf_counter() - made
            generator_cpu += time.process_time() - made_cpu
            if not batched:
                write_document(db, document)
                continue
            with batch.document():
                write_document(db, document)
            batch.commit_if_due()
    elapsed = time.perf_counter() - start
    write_cpu = time.process_time() - start_cpu - generator_cpu
    if finish:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("ANALYZE")
    db.close()
    write_seconds = elapsed - generator_seconds
    return {
        "articles": count,
        "seconds": round(elapsed, 2),
        # The writer alone: the generator's own time is not the importer's cost.
        "docs_per_s": round(count / write_seconds, 1) if write_seconds else 0.0,
        "docs_per_s_with_generator": round(count / elapsed, 1) if elapsed else 0.0,
        # Per second of this process's own CPU: what a machine to itself would reach.
        "docs_per_cpu_s": round(count / write_cpu, 1) if write_cpu else 0.0,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "db_mb": round(Path(path).stat().st_size / 1e6, 1),
    }


def seed_through_files(path: str | Path, count: int, seed: int = 7) -> dict[str, float]:
    """What `flask seed FOLDER` does with the same corpus as editors' text files: read,
    parse (api.importer.parse), write. The files are written first, untimed."""
    from api.importer.canonical import render_document
    from api.importer.imports import import_files

    init_db(path)
    db = connect(path)
    generator = Generator(seed)
    folder = Path(tempfile.mkdtemp(prefix="bench-texts-"))
    files = []
    for n in range(count):
        files.append(folder / f"{n:06d}.txt")
        files[-1].write_text(render_document(generator.document(n)), encoding="utf-8")
    start, start_cpu = time.perf_counter(), time.process_time()
    report = import_files(db, files)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    db.close()
    for file in files:
        file.unlink()
    folder.rmdir()
    return {
        "articles": count,
        "outcomes": dict(report.counts),
        "seconds": round(elapsed, 2),
        "docs_per_s": round(count / elapsed, 1),
        "docs_per_cpu_s": round(count / cpu, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def add_peer_search(path: str | Path) -> None:
    """Datasette's `_search=` needs an FTS table over articles. Ours stopped keeping one
    (migration m011: search reads m010's index), so the benchmark builds it for the peer
    after the timed seeding, once, with no triggers: the bench writes nothing later."""
    db = connect(path)
    try:
        if not db["articles_fts"].exists():
            db["articles"].enable_fts(["title", "lede", "body_text"], create_triggers=False)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", help="the database to build (default: a temporary one)")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="measure seeding only: no ANALYZE, no peer search table",
    )
    parser.add_argument(
        "--one-by-one", action="store_true", help="a transaction per document (the old way)"
    )
    parser.add_argument(
        "--through-files",
        action="store_true",
        help="seed editors' text files through import_files, parsing included",
    )
    args = parser.parse_args()
    scratch = None
    if args.db is None:
        scratch = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
        args.db = str(scratch / "corpus.db")
    try:
        if args.through_files:
            result = seed_through_files(args.db, args.articles)
        else:
            result = seed(
                args.db, args.articles, batched=not args.one_by_one, finish=not args.seed_only
            )
            if not args.seed_only:
                add_peer_search(args.db)
        print(orjson.dumps(result).decode())
    finally:
        if scratch is not None:
            for file in scratch.iterdir():
                file.unlink()
            scratch.rmdir()


if __name__ == "__main__":
    main()
