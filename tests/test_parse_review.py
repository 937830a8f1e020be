"""The parser against the documents of a review: each finding, its fix, and the warning's line.

Pure tests like tests/test_parse.py. Every document is written out line by line here,
so the line numbers the assertions name can be counted in the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from api.importer.document import Document, DocumentError, Item, Question, Source, Term
from api.importer.parse import MAX_DOCUMENT_BYTES, parse_document
from api.importer.shapes import heading_shape, split_label
from api.importer.sources import SourceList
from api.importer.text import Anchors
from api.importer.titles import title_case

LEDE = (
    "Russian President Vladimir Putin and North Korean leader Kim Jong-un signed a mutual"
    " defense pact in Pyongyang on Wednesday. The deal alarmed the West."
)
DETAILS = (
    "The agreement requires each side to help the other if attacked. Officials gave no details."
)
QUESTION = "Is the pact a threat to Asia?"
TITLE = "Putin and Kim Sign a Defense Pact"
# Lines 2-7 under a title line: the lede and one body section. Line 8 on is each test's own.
BODY = ["", LEDE, "", "Details of the Pact", DETAILS, ""]
QUESTIONS = ["Debate/Essay Questions", f"- {QUESTION}"]


def doc(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# The warnings about what the whole document lacks (a block, a date): pinned in test_parse.py.
_LACKS = re.compile(
    r"^no (?:sources|Background Information|Key Terms|questions) block$"
    r"|^no published_at in the front matter, the lede, the source URLs or the issue"
)


def messages(document: Document, *, line: int | None = None) -> list[tuple[int, str]]:
    """The warnings as (line, message), without the ones about what the document lacks."""
    return [
        (w.line, w.message)
        for w in document.warnings
        if not _LACKS.search(w.message) and (line is None or w.line == line)
    ]


def body(document: Document) -> list[tuple[str, str, list[str]]]:
    return [(s.heading, s.anchor, s.paragraphs) for s in document.sections if s.kind == "body"]


def error_of(data: str | bytes) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse_document(data)
    return caught.value


# --- 1. title lines a heading could not be ---------------------------------------------


@pytest.mark.parametrize(
    ("title", "unusual"),
    [
        ("Putin Hails Kim as His “Dearest Friend”", "ends in a closing quote"),
        (
            "Analysis: Why the Russia–North Korea Pact Matters for Asia and Europe",
            "has a subtitle after a colon",
        ),
        ("Putin and Kim Sign a Pact. What Now?", "holds two sentences"),
    ],
)
def test_title_line_despite_quote_colon_or_two_sentences(title: str, unusual: str) -> None:
    document = parse_document(doc(title, *BODY, *QUESTIONS))
    assert (document.title, document.lede) == (title, LEDE)
    assert body(document) == [("Details of the Pact", "details-of-the-pact", [DETAILS])]
    assert document.questions == [Question(QUESTION, ["debate", "essay"])]
    shown = title if len(title) <= 60 else title[:59].rstrip() + "…"
    assert messages(document) == [(1, f"read '{shown}' as the title although it {unusual}")]


def test_title_line_straight_above_the_lede() -> None:
    title = "Putin Hails Kim as His “Dearest Friend”"
    document = parse_document(doc(title, *BODY[1:], *QUESTIONS))
    assert (document.title, document.lede) == (title, LEDE)
    assert messages(document, line=1) == [
        (1, f"read '{title}' as the title although it ends in a closing quote")
    ]


def test_headline_in_sentence_case_is_the_title_not_also_the_lede() -> None:
    document = parse_document(doc("Putin hails Kim as his “dearest friend”", *BODY, *QUESTIONS))
    assert document.title == "Putin Hails Kim as His “Dearest Friend”"
    assert document.lede == LEDE
    assert messages(document, line=1) == [
        (1, "read the line 'Putin hails Kim as his “dearest friend”' as the title")
    ]


def test_title_case_lifts_a_word_after_its_opening_quote() -> None:
    assert title_case("putin hails his “dearest friend”") == "Putin Hails His “Dearest Friend”"


# --- 2. headings with abbreviations -----------------------------------------------------


def test_headings_with_abbreviations_are_headings() -> None:
    document = parse_document(
        doc(
            TITLE,
            "",
            LEDE,
            "",
            "Mr. Putin’s Gamble",
            DETAILS,
            "",
            "Dr. Kim’s Warning",
            "A South Korean analyst said the pact could change the balance in Asia.",
            "",
            "Debate/Essay Questions",
            f"- {QUESTION}",
        )
    )
    assert document.lede == LEDE
    assert body(document) == [
        ("Mr. Putin’s Gamble", "mr-putins-gamble", [DETAILS]),
        (
            "Dr. Kim’s Warning",
            "dr-kims-warning",
            ["A South Korean analyst said the pact could change the balance in Asia."],
        ),
    ]
    assert messages(document) == []


def test_two_sentences_are_still_no_heading() -> None:
    assert heading_shape("St. Petersburg Forum") == ("St. Petersburg Forum", [])
    assert heading_shape("Talks Failed. Then Came War") is None


# --- 3. sources outside a sources heading -----------------------------------------------

GUARDIAN = "https://www.theguardian.com/world/2024/jun/19/putin-kim-pact"
REUTERS = "https://www.reuters.com/world/asia-pacific/putin-kim-pact-2024-06-19/"
AP = "https://apnews.com/article/putin-kim-pact-123"
KYIV = "https://kyivindependent.com/putin-kim-pact/"


def _with_source_line(source_line: str) -> str:
    """A document whose only sources are one 'Source:' line at the end of the body (line 7)."""
    return doc(
        TITLE,
        "",
        LEDE,
        "",
        "Details of the Pact",
        DETAILS,
        source_line,
        "",
        "Debate/Essay Questions",
        f"- {QUESTION}",
    )


def test_source_line_with_the_publisher_first() -> None:
    document = parse_document(_with_source_line(f"Source: The Guardian, {GUARDIAN}"))
    assert document.sources == [Source(GUARDIAN, "theguardian.com", "The Guardian", "2024-06-19")]
    assert body(document) == [("Details of the Pact", "details-of-the-pact", [DETAILS])]
    assert messages(document, line=7) == [
        (7, "read 'Source:' as the 'This article is based on the following articles:' heading"),
        (
            7,
            "kept only the URL from 'The Guardian, https://www.theguardian.com/world/2024/jun/19…'",
        ),
        (
            7,
            "no published_at in the front matter or the lede; used the date in the first"
            " source URL (2024-06-19)",
        ),
    ]
    assert "no sources block" not in [w.message for w in document.warnings]


def test_sources_line_with_several_named_urls() -> None:
    document = parse_document(_with_source_line(f"Sources: Reuters ({REUTERS}), AP ({AP})"))
    assert document.sources == [
        Source(REUTERS, "reuters.com", "Reuters", "2024-06-19"),
        Source(AP, "apnews.com", "Associated Press", None),
    ]
    assert messages(document, line=7) == [
        (7, "read 'Sources:' as the 'This article is based on the following articles:' heading"),
        (
            7,
            "kept only the URLs from 'Reuters (https://www.reuters.com/world/asia-pacific/putin-k…'",
        ),
        (
            7,
            "no published_at in the front matter or the lede; used the date in the first"
            " source URL (2024-06-19)",
        ),
    ]


def test_publisher_named_for_an_unknown_domain_is_kept() -> None:
    document = parse_document(_with_source_line(f"Source: Kyiv Independent, {KYIV}"))
    assert document.sources == [Source(KYIV, "kyivindependent.com", "Kyiv Independent", None)]
    assert messages(document, line=7)[1:] == [
        (
            7,
            "kyivindependent.com is not a known publisher; used the name the line gives,"
            " 'Kyiv Independent'",
        )
    ]


def test_a_name_that_matches_the_domain_names_the_publisher_in_a_sources_block() -> None:
    document = parse_document(
        doc(
            TITLE,
            *BODY,
            "Sources",
            f"- Kyiv Independent: {KYIV}",
            "- Putin meets Kim: https://example.org/a",
        )
    )
    assert [(s.url, s.publisher) for s in document.sources] == [
        (KYIV, "Kyiv Independent"),
        ("https://example.org/a", None),  # a headline is not a publisher
    ]
    assert messages(document, line=10) == [
        (10, "source line had the list marker '-'; removed it"),
        (10, "kept only the URL from 'Putin meets Kim: https://example.org/a'"),
    ]


def test_source_line_inside_the_body_keeps_the_prose_after_it() -> None:
    document = parse_document(
        doc(
            TITLE,
            "",
            LEDE,
            "",
            "Details of the Pact",
            DETAILS,
            f"Source: Kyiv Independent, {KYIV}",
            "Analysts in Seoul said the deal was the most important since the Cold War.",
            "",
            "Reactions",
            "Washington condemned the pact on Thursday and promised a response.",
            "",
            "Debate/Essay Questions",
            f"- {QUESTION}",
        )
    )
    assert body(document) == [
        (
            "Details of the Pact",
            "details-of-the-pact",
            [
                DETAILS,
                "Analysts in Seoul said the deal was the most important since the Cold War.",
            ],
        ),
        (
            "Reactions",
            "reactions",
            ["Washington condemned the pact on Thursday and promised a response."],
        ),
    ]
    assert document.sources == [Source(KYIV, "kyivindependent.com", "Kyiv Independent", None)]
    assert messages(document, line=7) == [
        (7, "a 'Source:' line inside the body; read it as a source"),
        (
            7,
            "kyivindependent.com is not a known publisher; used the name the line gives,"
            " 'Kyiv Independent'",
        ),
    ]


# --- 4. labels with commas and abbreviations --------------------------------------------


def test_labels_with_commas_and_abbreviations() -> None:
    document = parse_document(
        doc(
            TITLE,
            *BODY,
            "Background Information",
            "1. History",
            "Sanctions, Trade and Aid: Both countries have been under sanctions for years.",
            "St. Petersburg Forum: Putin hosted the forum in June.",
            "Mr. Putin’s Role: He has led Russia since 2000.",
            "",
            "Key Terms and Concepts",
            "- St. Petersburg: Russia’s second city.",
            "- Sanctions: Penalties imposed on a country.",
        )
    )
    background = [s for s in document.sections if s.kind == "background"]
    assert [(s.number, s.heading, s.anchor, s.items) for s in background] == [
        (
            1,
            "History",
            "background-1-history",
            [
                Item(
                    "Sanctions, Trade and Aid",
                    "Both countries have been under sanctions for years.",
                ),
                Item("St. Petersburg Forum", "Putin hosted the forum in June."),
                Item("Mr. Putin’s Role", "He has led Russia since 2000."),
            ],
        )
    ]
    assert document.glossary == [
        Term("St. Petersburg", "Russia’s second city."),
        Term("Sanctions", "Penalties imposed on a country."),
    ]
    assert [line for line, _ in messages(document) if line >= 8] == []


def test_a_sentence_before_a_colon_is_still_no_label() -> None:
    assert split_label("Talks failed. Then came this: a pact.") is None
    # What stands before the first colon is the label, commas and all (issue 11):
    # "Russia, from 2015: …" is an item a reader sees, so this one reads the same way.
    assert split_label("In 1961, the treaty: a pact.") == ("In 1961, the treaty", "a pact.", ":")


# --- 5. a question wrapped onto a capitalised line --------------------------------------


def test_question_wrapped_onto_a_capitalised_line() -> None:
    document = parse_document(
        doc(
            TITLE,
            *BODY,
            QUESTIONS[0],
            "- Should the West respond with new sanctions against",
            "North Korea and Russia?",
            f"- {QUESTION}",
        )
    )
    assert document.questions == [
        Question(
            "Should the West respond with new sanctions against North Korea and Russia?",
            ["debate", "essay"],
        ),
        Question(QUESTION, ["debate", "essay"]),
    ]
    assert messages(document) == [
        (
            10,
            "the question on line 9 does not end in '?' or '.'; read this line as its continuation",
        )
    ]


# --- 6. heading guesses are reported ----------------------------------------------------


def test_heading_and_prose_guesses_are_warned() -> None:
    document = parse_document(
        doc(
            TITLE,
            *BODY[:-1],
            "Officials in Seoul said they would watch closely",
            "South Korea’s president called an emergency meeting on Thursday.",
            "",
            "What happens next?",
            "",
            "Analysts expect more visits between the two leaders this year.",
            "",
            *QUESTIONS,
        )
    )
    assert body(document) == [
        ("Details of the Pact", "details-of-the-pact", [DETAILS]),
        (
            "Officials in Seoul said they would watch closely",
            "officials-in-seoul-said-they-would-watch-closely",
            [
                "South Korea’s president called an emergency meeting on Thursday.",
                "What happens next?",
                "Analysts expect more visits between the two leaders this year.",
            ],
        ),
    ]
    assert messages(document) == [
        (
            7,
            "'Officials in Seoul said they would watch closely' is not in Title Case but stands"
            " alone like a heading; read it as a heading",
        ),
        (
            10,
            "short line 'What happens next?' stands alone like a heading; kept it as a paragraph",
        ),
    ]


# --- 7. a glossary term that looks like the footer --------------------------------------


def test_glossary_term_that_looks_like_a_footer_line() -> None:
    document = parse_document(
        doc(
            TITLE,
            *BODY,
            "Key Terms and Concepts",
            "- Sanctions: Penalties imposed on a country.",
            "Copyright: The legal right of a creator to control copies of a work.",
            "- Treaty: A formal agreement between countries.",
            "",
            "Copyright: 2024 Insight Fortnight",
            "Please subscribe!",
        )
    )
    assert document.glossary == [
        Term("Sanctions", "Penalties imposed on a country."),
        Term("Copyright", "The legal right of a creator to control copies of a work."),
        Term("Treaty", "A formal agreement between countries."),
    ]
    assert messages(document) == [
        (10, "glossary line has no '- ' marker; read it as a list item"),
        (13, "dropped the newsletter footer 'Copyright: 2024 Insight Fortnight'"),
    ]


# --- 8. Windows-1252 bytes --------------------------------------------------------------


def test_windows_1252_file_is_rejected_naming_line_column_and_encoding() -> None:
    data = "Putin and Kim\n\nKim called Putin his “dearest friend”.\n".encode("cp1252")
    error = error_of(data)
    assert (error.line, error.message) == (
        3,
        "not valid UTF-8: byte 0x93 at column 22; this looks like Windows-1252"
        " (0x93 is '“' there); save the file as UTF-8",
    )


def test_column_counts_characters_not_bytes() -> None:
    # Four curly quotes in UTF-8 (three bytes each) before a Windows-1252 apostrophe.
    data = "Title\n“A” ‘b’ Kim".encode() + "’s pact".encode("cp1252")
    error = error_of(data)
    assert (error.line, error.message) == (
        2,
        "not valid UTF-8: byte 0x92 at column 12; this looks like Windows-1252"
        " (0x92 is '’' there); save the file as UTF-8",
    )


# --- 9. linear time under the size cap --------------------------------------------------


class _CountingSet(set[str]):
    """A set that counts membership tests, to bound the work without timing it."""

    checks = 0

    def __contains__(self, item: object) -> bool:
        type(self).checks += 1
        return super().__contains__(item)


def test_anchors_cost_constant_work_per_heading() -> None:
    anchors = Anchors()
    counting = _CountingSet()
    anchors._taken = counting  # the set every claim consults
    claimed = [anchors.claim("details") for _ in range(20_000)]
    assert claimed == ["details", *(f"details-{n}" for n in range(2, 20_001))]
    assert _CountingSet.checks <= 20_000


def test_anchors_skip_a_suffix_another_heading_took() -> None:
    anchors = Anchors()
    assert [anchors.claim(b) for b in ("details-2", "details", "details", "details")] == [
        "details-2",
        "details",
        "details-3",
        "details-4",
    ]


def test_twenty_thousand_equal_headings_get_unique_anchors() -> None:
    sections = "".join("Details\nText under the heading.\n" for _ in range(20_000))
    document = parse_document(doc(LEDE, "", sections))
    anchors = [s.anchor for s in document.sections]
    assert anchors == ["details", *(f"details-{n}" for n in range(2, 20_001))]
    assert {s.heading for s in document.sections} == {"Details"}


class _NoScan(list[Source]):
    """A list that must not be scanned: a repeat is found without looking at every source."""

    def __iter__(self) -> Iterator[Source]:
        raise AssertionError("the sources were scanned")


def test_repeated_source_is_found_without_a_scan() -> None:
    sources = SourceList(items=_NoScan())
    for n in range(50_000):
        assert sources.add(Source(f"https://e.com/{n}", "e.com"), n + 1)
    assert not sources.add(Source("https://e.com/7", "e.com"), 50_001)
    assert (len(sources.items), sources.lines["https://e.com/7"]) == (50_000, 8)


def test_a_mebibyte_of_source_urls_parses() -> None:
    urls = "".join(f"https://e.com/{n}\n" for n in range(60_000))
    text = doc(TITLE, *BODY, "Sources", urls)
    text = text[: MAX_DOCUMENT_BYTES - 1].rsplit("\n", 1)[0] + "\n"
    document = parse_document(text)
    count = text.count("https://")
    assert [s.url for s in document.sources] == [f"https://e.com/{n}" for n in range(count)]


# --- 10. minor ones --------------------------------------------------------------------


def test_opening_separator_that_is_not_front_matter() -> None:
    document = parse_document(doc("---", TITLE, *BODY, "---", *QUESTIONS))
    assert (document.title, document.lede) == (TITLE, LEDE)
    assert body(document) == [("Details of the Pact", "details-of-the-pact", [DETAILS])]
    assert document.questions == [Question(QUESTION, ["debate", "essay"])]
    assert messages(document) == [
        (
            1,
            "the '---' line opens no front matter (no 'key: value' lines follow);"
            " read it as a separator",
        ),
        (9, "ignored the separator line '---'"),
    ]


def test_unclosed_separator_at_the_top_is_a_separator() -> None:
    document = parse_document(doc("---", TITLE, *BODY, *QUESTIONS))
    assert (document.title, document.lede) == (TITLE, LEDE)
    assert [line for line, _ in messages(document)] == [1]


def test_markdown_emphasis_in_the_lede_is_removed() -> None:
    lede = LEDE.replace("Kim Jong-un", "**Kim Jong-un**").replace("alarmed", "*alarmed*")
    document = parse_document(doc(TITLE, "", lede, *BODY[2:], *QUESTIONS))
    assert document.lede == LEDE
    assert messages(document) == [
        (3, "removed the markdown emphasis markers '**', '*' from the paragraph")
    ]
