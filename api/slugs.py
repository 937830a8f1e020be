"""Slugs: the stable, readable half of every detail URL."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG_LENGTH = 80


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """ASCII, lowercase, hyphen-separated, cut at a word boundary; never all digits,
    since a detail URL reads an all-digit reference as an id."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("’", "").replace("'", ""))
        .encode("ascii", "ignore")
        .decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[:max_length] else slug[:max_length]
    if not slug:  # nothing Latin to spell it with: a short stable hash instead
        slug = "x-" + hashlib.sha1(text.encode()).hexdigest()[:10]
    if slug.isdigit():
        slug = f"n-{slug}"
    return slug
