"""A synthetic corpus shaped like real issues: the seed article's text, varied per article."""

from __future__ import annotations

import random
from pathlib import Path

from sqlite_utils import Database

from api.importer.document import Document, IssueRef
from api.importer.parse import parse_document
from api.importer.write import write_document

SEED = next((Path(__file__).resolve().parent.parent / "seed").rglob("*.txt"))
WORDS = ("treaty", "alliance", "sanctions", "missile", "summit", "embargo", "election", "climate")


def seed_document() -> Document:
    return parse_document(SEED.read_bytes())


def variant(base: Document, n: int, rng: random.Random) -> Document:
    """The seed with a new slug, date, issue and a few words changed, so FTS has work to do."""
    doc = parse_document(SEED.read_bytes())
    doc.slug = f"{base.slug}-{n:05d}"
    doc.title = f"{base.title} ({n})"
    doc.published_at = f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00Z"
    doc.issue = IssueRef(number=1 + n // 4)
    doc.lede = f"{doc.lede} Keyword {rng.choice(WORDS)}-{n % 97}."
    return doc


def build(db: Database, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    base = seed_document()
    for n in range(count):
        write_document(db, variant(base, n, rng))
