"""The importer under hypothesis: any text either parses or raises DocumentError.

parse_document is tested from outside: arbitrary text and bytes, and mutations of the real
documents under tests/data/ and seed/ (lines dropped, doubled, swapped, cut, garbled; other
line endings; BOMs; front matter spliced in). Nothing else may escape, and no document may
take longer than HANG_SECONDS (a hang bound, not a speed test: a document takes milliseconds).

`make test` tries IMPORT_FUZZ_EXAMPLES (default 150) inputs per test; `make fuzz` many more.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.importer.document import Document, DocumentError
from api.importer.parse import parse_document

ROOT = Path(__file__).resolve().parent.parent
REAL_DOCUMENTS = sorted(
    p for folder in (ROOT / "tests" / "data", ROOT / "seed") for p in folder.rglob("*.txt")
)
TEXTS = [p.read_bytes() for p in REAL_DOCUMENTS]
EXAMPLES = int(os.environ.get("IMPORT_FUZZ_EXAMPLES", "150"))
HANG_SECONDS = 10

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the alarm below bounds a document; hypothesis' deadline would be flaky
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("IMPORT_FUZZ_RANDOM") is None,  # reproducible unless asked
)


class Hang(Exception):
    pass


@contextmanager
def hang_bound(seconds: int = HANG_SECONDS) -> Iterator[None]:
    def ring(signum: int, frame: object) -> None:
        raise Hang(f"parse_document ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def parses_or_refuses(text: str | bytes) -> Document | DocumentError:
    """The only two outcomes allowed; anything else (or a hang) fails the test."""
    with hang_bound():
        try:
            document = parse_document(text, name="fuzz.txt")
        except DocumentError as error:
            assert isinstance(error.line, int) and error.line >= 0
            assert error.message and isinstance(error.message, str)
            return error
    assert isinstance(document, Document)
    assert document.slug and document.title
    for warning in document.warnings:
        assert warning.line >= 0 and warning.message
    return document


def test_the_real_documents_are_there() -> None:
    # The mutations below start from these; an empty list would make them vacuous.
    assert len(REAL_DOCUMENTS) >= 10
    assert sum(isinstance(parses_or_refuses(t), Document) for t in TEXTS) >= 10


@FUZZ
@given(st.text())
def test_any_text(text: str) -> None:
    parses_or_refuses(text)


@FUZZ
@given(st.binary())
def test_any_bytes(raw: bytes) -> None:
    parses_or_refuses(raw)


# Mutations of real documents ----------------------------------------------------------

LINE_PIECES = st.sampled_from(
    [
        "",
        " ",
        "\t",
        "---",
        "Background Information",
        "Key Terms and Concepts",
        "Debate/Essay Questions",
        "This article is based on the following articles:",
        "1. Heading",
        "99999999999999999999. Huge number",
        "- Term: definition",
        "- ",
        ":",
        "Label:",
        "https://",
        "https://example.com/2024/13/45/x.html",
        "title: [unclosed",
        "status: maybe",
        "issue: -1",
        "published_at: 2024-02-30",
        "slug: ../../etc/passwd",
        "&&&",
        "\ufeff",
        "\u202e",
        "\x00",
        "\u2028",
        "Please subscribe",
        "Key Terms",
    ]
)


@st.composite
def mutated_document(draw: st.DrawFn) -> str | bytes:
    raw = draw(st.sampled_from(TEXTS))
    if draw(st.booleans()):
        # Bytes-level damage: cut, flip, splice.
        data = bytearray(raw)
        for _ in range(draw(st.integers(1, 6))):
            if not data:
                break
            at = draw(st.integers(0, len(data) - 1))
            action = draw(st.sampled_from(["cut", "flip", "splice", "truncate"]))
            if action == "cut":
                del data[at : at + draw(st.integers(1, 400))]
            elif action == "flip":
                data[at] = draw(st.integers(0, 255))
            elif action == "splice":
                data[at:at] = draw(st.binary(min_size=1, max_size=40))
            else:
                del data[at:]
        if draw(st.booleans()):
            data[0:0] = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
        return bytes(data)
    lines = raw.decode("utf-8", errors="replace").splitlines()
    for _ in range(draw(st.integers(1, 8))):
        if not lines:
            lines = [draw(LINE_PIECES)]
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(["drop", "double", "swap", "insert", "garble", "strip", "shout"])
        )
        if action == "drop":
            del lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "insert":
            lines.insert(at, draw(st.one_of(LINE_PIECES, st.text(max_size=80))))
        elif action == "garble":
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(st.text(max_size=10)) + line[cut:]
        elif action == "strip":
            lines[at] = lines[at].strip(" -:.0123456789")
        else:
            lines[at] = lines[at].upper()
    ending = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028"]))
    text = ending.join(lines)
    if draw(st.booleans()):
        front = draw(st.lists(LINE_PIECES | st.text(max_size=40), max_size=5).map("\n".join))
        text = f"---\n{front}\n---\n{text}"
    return text


@FUZZ
@given(mutated_document())
def test_mutations_of_real_documents(text: str | bytes) -> None:
    parses_or_refuses(text)


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024, 1024 * 1024 + 1, 4 * 1024 * 1024])
def test_sizes_at_and_past_the_limit(size: int) -> None:
    # A long real-looking document: the seed's body repeated, cut at `size` bytes.
    raw = (TEXTS[0] * (size // len(TEXTS[0]) + 1))[:size]
    outcome = parses_or_refuses(raw)
    if size > 1024 * 1024:
        assert isinstance(outcome, DocumentError)


@pytest.mark.parametrize(
    "pathological",
    [
        "a" * 500_000,
        ("word " * 100_000),
        "\n" * 500_000,
        ("- " * 200_000),
        "1. " * 100_000,
        ":" * 500_000,
        "Key Terms and Concepts\n" + "- x: y\n" * 60_000,
        "Background Information\n" + "1. H\nL: t\n" * 40_000,
        "---\n" + "a: [" * 10_000 + "\n---\nText",
        "---\n" + "- " * 10_000 + "\n---\nText",
        # A "billion laughs" front matter: 2**30 strings if anything walks it.
        "---\na0: &a0 [x, x]\n"
        + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 31))
        + "title: *a30\n---\nText",
    ],
    ids=lambda text: repr(text[:24]),
)
def test_pathological_shapes_end(pathological: str) -> None:
    parses_or_refuses(pathological)
