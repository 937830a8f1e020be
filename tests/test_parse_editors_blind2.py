"""Blind editors' documents 09-18: what a careful human reader extracts.

The expectations in tests/data/editors/expected/*.json were written from the
text alone, without reading the importer or its other tests. Each expected
key is compared with the parsed document; dicts and list elements are
compared only on the keys the expectation gives (so `questions` compares
`text` and not `kinds`, `issue` compares `number`). Every expected warning
must be matched by some parser warning on that exact line.

See tests/data/editors/expected/README.md for what fails and why.
"""

import json
from functools import cache
from pathlib import Path

import pytest

from api.importer.parse import parse_document

EDITORS = Path(__file__).parent / "data" / "editors"
EXPECTED = EDITORS / "expected"

CASES = sorted(p.stem for p in EXPECTED.glob("*.json"))


@cache
def parsed(name):
    return parse_document((EDITORS / f"{name}.txt").read_bytes()).to_dict()


def expected(name):
    return json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))


def mismatches(want, got, where="$"):
    """Differences between an expectation and a parsed value, comparing
    dicts only on the expected keys and lists element by element."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{where}: expected an object, got {got!r}"]
        out = []
        for key, value in want.items():
            if key not in got:
                out.append(f"{where}.{key}: missing (expected {value!r})")
            else:
                out += mismatches(value, got[key], f"{where}.{key}")
        return out
    if isinstance(want, list):
        if not isinstance(got, list):
            return [f"{where}: expected a list, got {got!r}"]
        out = []
        if len(want) != len(got):
            out.append(f"{where}: expected {len(want)} entries, got {len(got)}")
        for i, (w, g) in enumerate(zip(want, got, strict=False)):
            out += mismatches(w, g, f"{where}[{i}]")
        return out
    if want != got:
        return [f"{where}: expected {want!r}, got {got!r}"]
    return []


FIELD_CASES = [
    (name, key) for name in CASES for key in expected(name) if key != "expected_warnings"
]

WARNING_CASES = [
    (name, w["line"], w["about"]) for name in CASES for w in expected(name)["expected_warnings"]
]


def test_there_are_blind_documents():
    assert len(CASES) >= 8
    for name in CASES:
        assert (EDITORS / f"{name}.txt").is_file()


def test_expected_warning_lines_are_real_lines():
    for name in CASES:
        raw = (EDITORS / f"{name}.txt").read_bytes().decode("utf-8")
        count = len(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        for w in expected(name)["expected_warnings"]:
            assert 1 <= w["line"] <= count, (name, w)


@pytest.mark.parametrize(("name", "key"), FIELD_CASES, ids=[f"{n}:{k}" for n, k in FIELD_CASES])
def test_field_as_a_human_reads_it(name, key):
    doc = parsed(name)
    assert key in doc, f"{key} missing from the parsed document"
    problems = mismatches(expected(name)[key], doc[key], key)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("name", "line", "about"),
    WARNING_CASES,
    ids=[f"{n}:line{ln}:{a}" for n, ln, a in WARNING_CASES],
)
def test_guess_is_reported_on_its_line(name, line, about):
    warnings = parsed(name)["warnings"]
    lines = [w["line"] for w in warnings]
    assert line in lines, f"no warning on line {line} ({about}); warnings: {warnings}"
