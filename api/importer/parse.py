"""Editor plain text -> Document: the pure half of the importer (no database, no Flask, no files).

The format is the one DESIGN.md describes: optional YAML front matter, an optional
title line, the lede, headed body sections, then the known blocks (sources,
Background Information, Key Terms and Concepts, Debate/Essay Questions) and the
footer, which is not content.

The parser reads like an attentive human: it accepts drift in line endings, blank
lines, hard-wrapped paragraphs, heading colons and case, block names, list markers
and dashes, and it records every guess as a Warning naming the line. Text it cannot
make sense of raises DocumentError naming the line. Line numbers are 1-based lines
of the original text, front matter included; a warning never names line 0 (what the
whole document lacks is warned where it was expected, or at line 1).

The stages, one module each, each knowing only the ones above it in this list:

- ``lines``: bytes to clean content lines; refuses binary, non-UTF-8 and foreign
  formats; reports invisible characters once per kind.
- ``frontmatter``: the YAML front matter, validated key by key.
- ``boilerplate``: drops the masthead and the footer, with a warning.
- ``body``: the title, the lede, the body sections and the blocks, using
  ``layout`` (hard-wrapped or one paragraph a line), ``shapes`` and ``blocks``
  (what a line is), ``sources`` and ``block_readers`` (what a block holds).
- ``assemble``: the Document, with its title, date and reading metrics settled.

Beside them: ``titles``, ``dates`` and ``publishers`` (facts about headlines, dates
and news sites), ``text`` (word sets, quoting, anchors), and ``canonical``, the way
back: ``render_document`` writes a Document as the text this parser reads.

The date of an article, in order: front matter ``published_at``; a dateline above the
lede; the first date the lede states; the date in the first source URL that carries
one (in listing order, not the earliest); the issue's ``published_on``. With none of
them the parser leaves ``published_at`` empty, with a warning on line 1, and the
writer publishes the article at the moment of its first import (an edit without a
date keeps the date it has). Every fallback is warned.
"""

from __future__ import annotations

from ..slugs import slugify
from .assemble import assemble
from .body import read_content
from .boilerplate import drop_masthead_and_footer
from .document import Document, DocumentError, Status, Warning
from .frontmatter import read_front_matter
from .lines import (
    MAX_DOCUMENT_BYTES,
    content_lines,
    decode,
    reject_foreign_formats,
    report_invisible,
    split_lines,
)

__all__ = ["MAX_DOCUMENT_BYTES", "parse_document", "slugify"]


def parse_document(
    text: str | bytes, *, name: str | None = None, default_status: Status = "published"
) -> Document:
    """Read one editor document. Raises DocumentError (with the line) for unusable input.

    ``name`` (a file name) is attached to errors as a note: the CLI already prefixes
    its messages with the path, so it is kept out of the message itself.
    ``default_status`` is the status when the front matter states none (the seed
    publishes; an import over HTTP makes a draft).
    """
    try:
        return _parse(text, default_status)
    except DocumentError as error:
        if name:
            error.add_note(f"in {name}")
        raise


def _parse(text: str | bytes, default_status: Status) -> Document:
    decoded = decode(text)
    raw_lines = split_lines(decoded)
    warnings: list[Warning] = []

    def warn(line: int, message: str) -> None:
        warnings.append(Warning(max(line, 1), message))

    report_invisible(raw_lines, warn, bom=_starts_with_bom(text))

    front, start = read_front_matter(raw_lines, warn)
    status_stated = front.status is not None
    front.status = front.status or default_status
    lines = content_lines(raw_lines, start, warn)
    if not lines:  # only front matter: name its closing line (``start`` is 1-based there)
        raise DocumentError(start, "no article text after the front matter")
    reject_foreign_formats(lines[0], decoded)
    lines = drop_masthead_and_footer(lines, warn)
    document = assemble(front, read_content(lines, warn, title=front.title), lines, warn)
    document.status_stated = status_stated
    # Stable order: the line they concern, then the order they were found in.
    document.warnings = sorted(warnings, key=lambda w: w.line)
    return document


def _starts_with_bom(text: str | bytes) -> bool:
    if isinstance(text, str):
        return text.startswith("\ufeff")
    return bytes(text[:3]) == b"\xef\xbb\xbf"
