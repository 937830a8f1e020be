"""Every warning the importer gives, pinned with its exact line and message.

Each case is a small document that needs exactly one guess of its kind; the warning
must name that line with that message. The larger documents (tests/test_parse*.py,
the editors' documents) pin their whole warning lists; this module makes sure no kind
of warning goes untested, including the ones those documents never need.
"""

from __future__ import annotations

import pytest

from api.importer.parse import parse_document

LEDE = (
    "Russian President Vladimir Putin and North Korean leader Kim Jong-un signed a mutual"
    " defense pact in Pyongyang on June 19, 2024. The deal alarmed the West."
)
DETAILS = (
    "The agreement requires each side to help the other if attacked. Officials gave no details."
)
NYT = "https://www.nytimes.com/2024/06/19/world/asia/putin-meets-kim-north-korea.html"


def doc(*lines: str) -> str:
    return "\n".join(lines) + "\n"


HEAD = ["Putin and Kim Sign a Defense Pact", "", LEDE, "", "Details of the Pact", DETAILS, ""]
SRC = ["This article is based on the following articles:", NYT, ""]
BG = [
    "Background Information",
    "1. Historical Context",
    "Cold War: A long standoff between blocs.",
    "",
]
GL = ["Key Terms and Concepts", "- Sanctions: Penalties imposed on a country.", ""]
QS = ["Debate/Essay Questions", "- Is the pact a threat to Asia?"]
FULL = [*HEAD, *SRC, *BG, *GL, *QS]


def full(**repl: list[str]) -> str:
    """FULL with blocks replaced: head=, src=, bg=, gl=, qs= lists."""
    parts = [
        repl.get("head", HEAD),
        repl.get("src", SRC),
        repl.get("bg", BG),
        repl.get("gl", GL),
        repl.get("qs", QS),
    ]
    return doc(*[line for part in parts for line in part])


TEXTS = {
    "masthead": (doc("Insight Fortnight — Issue 12", *FULL), "masthead"),
    "newsletter line before the end": (
        full(
            gl=[
                "Key Terms and Concepts",
                "- Sanctions: Penalties imposed on a country.",
                "",
                "Forward this email to a friend.",
                "",
            ]
        ),
        "newsletter line",
    ),
    "lines after the footer": (
        doc(*FULL, "", "Please subscribe to Insight Fortnight!", "Some stray text here."),
        "after the footer",
    ),
    "empty block": (full(gl=["Key Terms and Concepts", ""]), "is empty"),
    "empty sources block": (
        full(src=["This article is based on the following articles:", ""]),
        "sources block is empty",
    ),
    "unusable url": (
        full(
            src=["This article is based on the following articles:", NYT, "https://localhost/x", ""]
        ),
        "not a usable URL",
    ),
    "not a url in sources": (
        full(
            src=[
                "This article is based on the following articles:",
                NYT,
                "New York Times coverage",
                "",
            ]
        ),
        "is not a URL",
    ),
    "no scheme": (
        full(
            src=[
                "This article is based on the following articles:",
                "www.reuters.com/world/2024/06/19/x/",
                "",
            ]
        ),
        "no scheme",
    ),
    "source twice": (
        full(src=["This article is based on the following articles:", NYT, NYT, ""]),
        "listed twice",
    ),
    "unknown publisher named": (
        full(
            src=[
                "This article is based on the following articles:",
                "Kyiv Independent: https://kyivindependent.com/putin-kim/",
                "",
            ]
        ),
        "not a known publisher",
    ),
    "body after sources": (
        full(
            src=[
                "This article is based on the following articles:",
                NYT,
                "",
                "What Comes After",
                "Analysts expect more visits in the coming months.",
                "",
            ]
        ),
        "after the sources block",
    ),
    "second block": (
        full(
            qs=[*QS, "", "Debate/Essay Questions", "- Will sanctions work against both countries?"]
        ),
        "second questions block",
    ),
    "background holds paragraphs": (
        full(
            bg=[
                "Background",
                "The two countries have been allies since 1961. Their ties cooled after 1991.",
                "",
            ]
        ),
        "holds paragraphs",
    ),
    "heading without text under it": (
        full(
            head=[
                "Putin and Kim Sign a Defense Pact",
                "",
                LEDE,
                "",
                "Reactions Abroad",
                "Details of the Pact",
                DETAILS,
                "",
            ]
        ),
        "nothing stands under",
    ),
    "dateline": (
        full(
            head=[
                "Putin and Kim Sign a Defense Pact",
                "",
                "June 19, 2024",
                "",
                LEDE.replace(" on June 19, 2024", ""),
                "",
                "Details of the Pact",
                DETAILS,
                "",
            ]
        ),
        "as the date of the article",
    ),
    "subtitle": (
        full(
            head=[
                "Putin and Kim Sign a Defense Pact",
                "A New Alliance in Asia",
                LEDE,
                "",
                "Details of the Pact",
                DETAILS,
                "",
            ]
        ),
        "subtitle",
    ),
    "title but no lede": (
        full(
            head=[
                "Putin and Kim sign a pact",
                "",
                "Details of the Pact",
                DETAILS,
                "",
                "Reactions",
                DETAILS.replace("The agreement", "The deal"),
                "",
            ]
        ),
        "no lede follows",
    ),
    "differs from front matter": (
        doc("---", "title: A Pact in Pyongyang", "---", *FULL),
        "differs from the front matter",
    ),
    "title in capitals": (
        full(
            head=[
                "PUTIN AND KIM SIGN A DEFENSE PACT",
                "",
                LEDE,
                "",
                "Details of the Pact",
                DETAILS,
                "",
            ]
        ),
        "in capitals",
    ),
    "dangling line": (
        full(
            head=[
                *HEAD[:5],
                "The agreement requires each side to help the",
                "North Korean army if attacked. Officials gave no details.",
                "",
            ]
        ),
        "mid-sentence",
    ),
    "not title case heading": (
        full(head=[*HEAD[:4], "details of the pact", DETAILS, ""]),
        "not in Title Case",
    ),
    "question kinds none": (
        full(qs=["Questions", "- Is the pact a threat to Asia?"]),
        "names no kind",
    ),
    "question twice": (
        full(qs=[*QS, "- Is the pact a threat to Asia?"]),
        "question is listed twice",
    ),
    "label on its own line": (
        full(
            bg=[
                "Background Information",
                "1. Historical Context",
                "Cold War:",
                "A long standoff between blocs.",
                "",
            ]
        ),
        "stands on its own line",
    ),
    "item before subsection": (
        full(bg=["Background Information", "Cold War: A long standoff between blocs.", ""]),
        "before any numbered subsection",
    ),
    "glossary without a term": (
        full(
            gl=[
                "Key Terms and Concepts",
                "- Sanctions: Penalties imposed on a country.",
                "They are often used to influence behavior.",
                "",
            ]
        ),
        "without a term",
    ),
    "glossary no definition": (
        full(
            gl=[
                "Key Terms and Concepts",
                "- Sanctions: Penalties imposed on a country.",
                "- Deterrence",
                "",
            ]
        ),
        "has no definition",
    ),
    "front matter separator": (doc("---", *FULL), "opens no front matter"),
    "issue empty": (doc("---", "issue:", "---", *FULL), "issue is empty"),
    "no date at all": (
        full(
            head=[HEAD[0], "", LEDE.replace(" on June 19, 2024", ""), "", *HEAD[4:]],
            src=[
                "This article is based on the following articles:",
                "https://example.org/putin-kim",
                "",
            ],
        ),
        "moment it is imported",
    ),
    "no title line": (full(head=HEAD[2:]), "no title line"),
    "markdown emphasis": (
        full(
            head=[
                *HEAD[:5],
                "The agreement requires **each side** to help the other if attacked.",
                "",
            ]
        ),
        "emphasis markers",
    ),
    "no sources block": (full(src=[]), "no sources block"),
    "no background block": (full(bg=[]), "no Background Information block"),
    "no glossary block": (full(gl=[]), "no Key Terms block"),
    "no questions block": (full(qs=[]), "no questions block"),
    "short line like a heading": (
        full(head=[*HEAD[:5], DETAILS, "", "Will the pact hold?", ""]),
        "stands alone like a heading; kept it as a paragraph",
    ),
    "footer standard": (
        doc(*FULL, "", "Please subscribe to Insight Fortnight, our biweekly newsletter!"),
        "newsletter footer",
    ),
}

EXPECTED: dict[str, tuple[int, str]] = {
    "masthead": (1, "dropped the masthead line 'Insight Fortnight — Issue 12'"),
    "newsletter line before the end": (
        18,
        "dropped the newsletter line 'Forward this email to a friend.' before the end",
    ),
    "lines after the footer": (22, "dropped 1 line(s) after the footer on line 21"),
    "empty block": (15, "the 'Key Terms and Concepts' block is empty"),
    "empty sources block": (8, "the sources block is empty"),
    "unusable url": (10, "'https://localhost/x' is not a usable URL; ignored"),
    "not a url in sources": (
        10,
        "'New York Times coverage' in the sources block is not a URL; ignored",
    ),
    "no scheme": (
        9,
        "source URL 'www.reuters.com/world/2024/06/19/x/' had no scheme; read it as https",
    ),
    "source twice": (
        10,
        (
            "source 'https://www.nytimes.com/2024/06/19/world/asia/putin-meets-k…' is listed twice;"
            " kept it once"
        ),
    ),
    "unknown publisher named": (
        9,
        (
            "kyivindependent.com is not a known publisher; used the name the line gives, 'Kyiv"
            " Independent'"
        ),
    ),
    "body after sources": (
        11,
        "body section 'What Comes After' after the sources block; read it as a body section",
    ),
    "second block": (21, "a second questions block (the first is on line 18); merged them"),
    "background holds paragraphs": (
        11,
        "'Background' holds paragraphs, not numbered subsections; read it as a body section",
    ),
    "heading without text under it": (
        5,
        (
            "'Reactions Abroad' looks like a heading but nothing stands under it; kept it as a"
            " paragraph"
        ),
    ),
    "dateline": (3, "read 'June 19, 2024' as the date of the article"),
    "subtitle": (
        2,
        (
            "'A New Alliance in Asia' reads like a subtitle; kept it as the first paragraph of the"
            " lede"
        ),
    ),
    "title but no lede": (
        1,
        "the first line reads like a title but no lede follows it; read it as the lede",
    ),
    "differs from front matter": (
        4,
        (
            "title line 'Putin and Kim Sign a Defense Pact' differs from the front matter title;"
            " used the front matter title"
        ),
    ),
    "title in capitals": (
        1,
        "title 'PUTIN AND KIM SIGN A DEFENSE PACT' is in capitals; title-cased it",
    ),
    "dangling line": (7, "line 6 breaks off mid-sentence; joined this line to it"),
    "not title case heading": (
        5,
        (
            "'details of the pact' is not in Title Case but stands alone like a heading; read it"
            " as a heading"
        ),
    ),
    "question kinds none": (
        18,
        "'Questions' names no kind of question; read them as discussion questions",
    ),
    "question twice": (20, "question is listed twice; kept it once"),
    "label on its own line": (
        13,
        "label 'Cold War' stands on its own line; read the next line as its text",
    ),
    "item before subsection": (
        12,
        (
            "background item before any numbered subsection; put it in a subsection 'Background"
            " Information'"
        ),
    ),
    "glossary without a term": (
        17,
        "glossary line without a term; appended it to the definition of 'Sanctions'",
    ),
    "glossary no definition": (
        17,
        "glossary line 'Deterrence' has no definition; kept it as a term without one",
    ),
    "front matter separator": (
        1,
        (
            "the '---' line opens no front matter (no 'key: value' lines follow); read it as a"
            " separator"
        ),
    ),
    "issue empty": (2, "issue is empty; the article belongs to no issue"),
    "no date at all": (
        1,
        (
            "no published_at in the front matter, the lede, the source URLs or the issue; the"
            " article will be published at the moment it is imported"
        ),
    ),
    "no title line": (
        1,
        (
            "no title line; derived the title 'Vladimir Putin and Kim Jong-un Signed a Mutual"
            " Defense Pact in Pyongyang' from the lede"
        ),
    ),
    "markdown emphasis": (6, "removed the markdown emphasis markers '**' from the paragraph"),
    "no sources block": (8, "no sources block"),
    "no background block": (11, "no Background Information block"),
    "no glossary block": (15, "no Key Terms block"),
    "no questions block": (16, "no questions block"),
    "short line like a heading": (
        8,
        "short line 'Will the pact hold?' stands alone like a heading; kept it as a paragraph",
    ),
    "footer standard": (
        21,
        (
            "dropped the newsletter footer 'Please subscribe to Insight Fortnight, our biweekly"
            " newslet…'"
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_the_warning_names_its_line_exactly(name: str) -> None:
    text, fragment = TEXTS[name]
    warnings = [(w.line, w.message) for w in parse_document(text).warnings]
    assert [w for w in warnings if fragment in w[1]] == [EXPECTED[name]]
    assert all(line >= 1 for line, _ in warnings)


def test_every_case_is_pinned() -> None:
    assert sorted(TEXTS) == sorted(EXPECTED)
