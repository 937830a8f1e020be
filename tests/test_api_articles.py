"""Articles and their sub-resources: seed values, filters, search, sorting, pagination,
fields/include, the three paragraph formats and glossary linking, draft visibility."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from api.db import Database
from api.importer.document import Item, Question, Section, Source, Term
from api.importer.write import write_document
from tests.factories import make_document
from tests.helpers import (
    BACKGROUND_HEADINGS,
    BASE_URL,
    BODY_HEADINGS,
    RFC3339,
    SANCTIONS_DEFINITION,
    SEED_HEADINGS,
    SEED_QUESTIONS,
    SEED_SLUG,
    SEED_SOURCE_URL,
    SEED_TERMS,
    SEED_TITLE,
    BuildApi,
    assert_listed,
    assert_problem,
    links,
    md_links,
    ok,
    strip_html,
    walk,
    walk_all,
)

# Fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def filters_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_filters_dataset)


@pytest.fixture(scope="module")
def linking_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_linking_document)


@pytest.fixture(scope="module")
def rich_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_rich_document)


@pytest.fixture(scope="module")
def hidden_setup(build_api: BuildApi) -> tuple[FlaskClient, tuple[int, int]]:
    ids: list[int] = []
    client = build_api(lambda db: ids.extend(_hidden_dataset(db)))
    return client, (ids[0], ids[1])


@pytest.fixture
def hidden_api(hidden_setup: tuple[FlaskClient, tuple[int, int]]) -> FlaskClient:
    return hidden_setup[0]


@pytest.fixture
def hidden_api_ids(hidden_setup: tuple[FlaskClient, tuple[int, int]]) -> tuple[int, int]:
    return hidden_setup[1]


def slugs(body: dict[str, Any]) -> list[str]:
    return [a["slug"] for a in body["data"]]


# The seed article ----------------------------------------------------------------------


def test_seeded_fixture_imports_the_seed(seeded: FlaskClient) -> None:
    """conftest's `seeded` runs `seed` through app.test_cli_runner(), as a deploy script would."""
    assert [a["slug"] for a in ok(seeded, "/v1/articles")["data"]] == [SEED_SLUG]


def test_seed_article_detail_by_slug(seed_api: FlaskClient) -> None:
    article = ok(seed_api, f"/v1/articles/{SEED_SLUG}")["data"]
    issue = ok(seed_api, "/v1/issues/issue-1")["data"]
    assert article["slug"] == SEED_SLUG
    assert article["title"] == SEED_TITLE
    assert article["lede"].startswith("On June 19, 2024, Russian President Vladimir Putin")
    assert article["lede"].endswith("has raised concerns in the West.")
    assert article["issue_id"] == issue["id"]
    assert issue["number"] == 1
    assert article["published_at"] == "2024-06-19T00:00:00Z"
    assert article["status"] == "published"
    assert article["url"] == f"{BASE_URL}/v1/articles/{SEED_SLUG}"
    # What the importer measured (tests/test_parse.py pins the same numbers on the parser).
    assert article["word_count"] == 1330
    assert article["reading_minutes"] == 7
    assert article["reading_level"] == 11.0
    assert RFC3339.match(article["created_at"]) and RFC3339.match(article["updated_at"])


def test_seed_article_detail_by_id_is_the_same_article(seed_api: FlaskClient) -> None:
    by_slug = ok(seed_api, f"/v1/articles/{SEED_SLUG}")["data"]
    by_id = ok(seed_api, f"/v1/articles/{by_slug['id']}")["data"]
    assert by_id == by_slug


def test_seed_article_list(seed_api: FlaskClient) -> None:
    body = ok(seed_api, "/v1/articles")
    assert slugs(body) == [SEED_SLUG]
    assert body["meta"] == {"total": 1, "limit": 20, "next_cursor": None}
    assert body["links"]["next"] is None
    assert body["links"]["self"].endswith("/v1/articles")


def test_seed_sections_in_order(seed_api: FlaskClient) -> None:
    sections = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections")["data"]
    assert [s["heading"] for s in sections] == SEED_HEADINGS
    assert [s["kind"] for s in sections] == ["body"] * 5 + ["background"] * 5
    assert [s["position"] for s in sections] == list(range(1, 11))
    # Each kind has only its own keys: no number, no items on a body section.
    assert [s.get("number") for s in sections] == [None] * 5 + [1, 2, 3, 4, 5]
    assert all("number" not in s and "items" not in s for s in sections[:5])
    anchors = [s["anchor"] for s in sections]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a) for a in anchors), anchors
    assert len(set(anchors)) == 10
    for body in sections[:5]:
        assert "items" not in body
        assert len(body["paragraphs"]) == 2
    assert sections[0]["paragraphs"][0].startswith("The new agreement includes a clause")
    assert sections[4]["paragraphs"][1].endswith("aimed at nuclear non-proliferation.")
    for background in sections[5:]:
        assert "paragraphs" not in background
    assert [i["label"] for i in sections[5]["items"]] == [
        "Cold War and Soviet Support",
        "1961 Treaty",
        "Post-Soviet Era",
    ]
    assert sections[5]["items"][1]["text"].startswith("In 1961, North Korea and the Soviet Union")
    assert [i["label"] for i in sections[7]["items"]] == [
        "Invasion of Ukraine",
        "International Sanctions",
    ]


def test_seed_section_by_anchor_and_by_position(seed_api: FlaskClient) -> None:
    listed = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections")["data"]
    for section in (listed[1], listed[6]):
        by_anchor = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections/{section['anchor']}")
        by_position = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections/{section['position']}")
        assert by_anchor["data"] == section
        assert by_position["data"] == section


@pytest.mark.parametrize(
    ("kind", "headings"), [("body", BODY_HEADINGS), ("background", BACKGROUND_HEADINGS)]
)
def test_seed_sections_kind_filter(seed_api: FlaskClient, kind: str, headings: list[str]) -> None:
    body = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections?kind={kind}")
    assert [s["heading"] for s in body["data"]] == headings
    assert {s["kind"] for s in body["data"]} == {kind}
    assert body["meta"]["total"] == 5


def test_seed_article_glossary(seed_api: FlaskClient) -> None:
    terms = ok(seed_api, f"/v1/articles/{SEED_SLUG}/glossary")["data"]
    assert [t["term"] for t in terms] == SEED_TERMS
    assert [t["slug"] for t in terms] == [
        "mutual-defense-pact",
        "cold-war",
        "sanctions",
        "ballistic-missiles",
        "geopolitics",
    ]
    assert all(t["url"] == f"{BASE_URL}/v1/glossary/{t['slug']}" for t in terms)
    assert terms[2]["definition"] == SANCTIONS_DEFINITION
    assert terms[4]["definition"].startswith("The study of the effects of geography")


def test_seed_article_questions(seed_api: FlaskClient) -> None:
    questions = ok(seed_api, f"/v1/articles/{SEED_SLUG}/questions")["data"]
    assert [q["text"] for q in questions] == SEED_QUESTIONS
    assert [q["position"] for q in questions] == [1, 2]
    assert all(isinstance(q["kinds"], list) and q["kinds"] for q in questions)


def test_seed_article_sources(seed_api: FlaskClient) -> None:
    sources = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sources")["data"]
    assert len(sources) == 1
    source = sources[0]
    assert source["url"] == SEED_SOURCE_URL
    assert source["domain"] == "nytimes.com"
    assert source["publisher"] == "The New York Times"
    assert source["published_on"] == "2024-06-19"
    assert source["position"] == 1


def test_seed_list_with_every_include_is_complete(seed_api: FlaskClient) -> None:
    body = ok(seed_api, "/v1/articles?include=sections,glossary,questions,sources")
    assert len(body["data"]) == 1
    article = body["data"][0]
    assert article["slug"] == SEED_SLUG
    assert [s["heading"] for s in article["sections"]] == SEED_HEADINGS
    assert [t["term"] for t in article["glossary"]] == SEED_TERMS
    assert [q["text"] for q in article["questions"]] == SEED_QUESTIONS
    assert [s["url"] for s in article["sources"]] == [SEED_SOURCE_URL]
    assert article["sources"][0]["publisher"] == "The New York Times"
    # The same pieces as the sub-resources serve.
    sections = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections")["data"]
    assert article["sections"] == sections
    # The footer is not article content.
    assert "subscribe" not in str(body).lower()


def test_seed_include_issue(seed_api: FlaskClient) -> None:
    article = ok(seed_api, f"/v1/articles/{SEED_SLUG}?include=issue")["data"]
    assert article["issue"]["number"] == 1
    assert article["issue"]["slug"] == "issue-1"
    assert article["issue"]["id"] == article["issue_id"]


def test_seed_html_links_glossary_words(seed_api: FlaskClient) -> None:
    sections = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections?format=html")["data"]
    text_sections = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections")["data"]
    strategic = sections[1]["paragraphs"]
    # "Cold War-era": the term links, the suffix stays outside the link.
    first = strategic[0]
    assert ("https://w.test/cold-war", "Cold War") in links(first)
    assert re.search(
        r"<a\b[^>]*https://w.test/cold-war[^>]*>.*?Cold War.*?</a>-era",
        first,
    )
    # "...through United Nations sanctions." links Sanctions (case-insensitive).
    assert ("https://w.test/sanctions", "sanctions") in links(strategic[1])
    # Plural "ballistic missiles" in lowercase links Ballistic Missiles.
    implications = sections[4]["paragraphs"][1]
    assert (
        "https://w.test/ballistic-missiles",
        "ballistic missiles",
    ) in links(implications)
    assert ("https://w.test/sanctions", "sanctions") in links(implications)
    # Nothing but markup was added: the text reads the same.
    for html_section, text_section in zip(sections, text_sections, strict=True):
        if html_section["kind"] == "body":
            assert [strip_html(p) for p in html_section["paragraphs"]] == text_section["paragraphs"]
        else:
            assert [strip_html(i["text"]) for i in html_section["items"]] == [
                i["text"] for i in text_section["items"]
            ]
    # A <dfn> marks the defined word.
    assert "<dfn" in first


def test_seed_html_links_in_background_items(seed_api: FlaskClient) -> None:
    sections = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections?kind=background&format=html")
    nuclear_tests = sections["data"][1]["items"][1]["text"]
    assert ("https://w.test/sanctions", "sanctions") in links(nuclear_tests)


def test_seed_text_format_has_no_markup(seed_api: FlaskClient) -> None:
    body = ok(seed_api, f"/v1/articles/{SEED_SLUG}?include=sections&format=text")
    for section in body["data"]["sections"]:
        for text in section.get("paragraphs") or [i["text"] for i in section["items"]]:
            assert "<a" not in text and "<dfn" not in text and "](" not in text


def test_seed_markdown_links_glossary_words(seed_api: FlaskClient) -> None:
    sections = ok(seed_api, f"/v1/articles/{SEED_SLUG}/sections?format=markdown")["data"]
    found = md_links(sections[1]["paragraphs"][0])
    assert ("https://w.test/cold-war", "Cold War") in found
    assert ("https://w.test/sanctions", "sanctions") in md_links(sections[1]["paragraphs"][1])


def test_seed_lede_is_formatted(seed_api: FlaskClient) -> None:
    text = ok(seed_api, f"/v1/articles/{SEED_SLUG}")["data"]["lede"]
    rendered = ok(seed_api, f"/v1/articles/{SEED_SLUG}?format=html")["data"]["lede"]
    markdown = ok(seed_api, f"/v1/articles/{SEED_SLUG}?format=markdown")["data"]["lede"]
    # "mutual defense pact" is the only glossary term the lede uses ("geopolitical" is not
    # a form of "Geopolitics").
    pact = ("https://w.test/mutual-defense-pact", "mutual defense pact")
    assert links(rendered) == [pact]
    assert md_links(markdown) == [pact]
    assert strip_html(rendered) == text
    assert rendered.count("<") == 4  # <a>, <dfn> and their closing tags: nothing else


# Targeted datasets ------------------------------------------------------------------------


def _filters_dataset(db: Database) -> None:
    """Three articles in two issues, with distinct dates, terms and words."""
    for document in [
        make_document(
            1,
            slug="march-story",
            title="Alpha march story",
            issue=1,
            published_at="2024-03-01T00:00:00Z",
            terms=[("Sanctions", "Penalties.")],
            paragraphs=["Pyongyang hosted the summit.", "C++ programmers were not invited."],
        ),
        make_document(
            2,
            slug="june-story",
            title="Bravo june story",
            issue=2,
            published_at="2024-06-19T00:00:00Z",
            terms=[("Cold War", "A standoff.")],
            paragraphs=["Moscow answered.", "Nobody said anything about foo."],
        ),
        make_document(
            3,
            slug="september-story",
            title="Charlie september story",
            issue=2,
            published_at="2024-09-01T12:00:00Z",
            terms=[("Geopolitics", "Maps and power.")],
            paragraphs=["Seoul reacted.", "Tokyo too."],
        ),
    ]:
        write_document(db, document)
    with db.conn:
        for updated_at, slug in [
            ("2024-01-01T00:00:00Z", "march-story"),
            ("2024-07-01T00:00:00Z", "june-story"),
            ("2024-12-01T00:00:00Z", "september-story"),
        ]:
            db.execute("UPDATE articles SET updated_at = ? WHERE slug = ?", [updated_at, slug])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["september-story", "june-story", "march-story"]),
        ({"issue": "issue-2"}, ["september-story", "june-story"]),
        ({"issue": "issue-1"}, ["march-story"]),
        ({"issue": "issue-404"}, []),
        ({"published_after": "2024-06-01"}, ["september-story", "june-story"]),
        ({"published_after": "2024-06-19T12:00:00Z"}, ["september-story"]),
        ({"published_after": "2024-06-19T01:00:00+02:00"}, ["september-story", "june-story"]),
        ({"published_before": "2024-07-01"}, ["june-story", "march-story"]),
        # june-story is published at exactly 2024-06-19T00:00:00Z: "after" includes the
        # instant itself, "before" excludes it.
        ({"published_after": "2024-06-19T00:00:00Z"}, ["september-story", "june-story"]),
        ({"published_before": "2024-06-19T00:00:00Z"}, ["march-story"]),
        ({"published_after": "2024-06-19"}, ["september-story", "june-story"]),
        ({"published_before": "2024-06-19"}, ["march-story"]),
        # Stored times are whole seconds: half a second past the instant is past it.
        ({"published_after": "2024-06-19T00:00:00.5Z"}, ["september-story"]),
        ({"published_before": "2024-06-19T00:00:00.5Z"}, ["june-story", "march-story"]),
        ({"published_after": "2024-06-18T23:59:59.5Z"}, ["september-story", "june-story"]),
        ({"published_after": "2024-04-01", "published_before": "2024-07-01"}, ["june-story"]),
        ({"updated_since": "2024-06-01T00:00:00Z"}, ["september-story", "june-story"]),
        ({"updated_since": "2024-11-30"}, ["september-story"]),
        ({"updated_since": "2024-07-01T00:00:00Z"}, ["september-story", "june-story"]),
        ({"updated_since": "2024-07-01T00:00:00.5Z"}, ["september-story"]),
        ({"updated_since": "2025-01-01T00:00:00Z"}, []),
        ({"term": "sanctions"}, ["march-story"]),
        ({"term": "cold-war"}, ["june-story"]),
        ({"term": "no-such-term"}, []),
        ({"q": "Pyongyang"}, ["march-story"]),
        ({"q": "moscow"}, ["june-story"]),
        ({"q": "Charlie"}, ["september-story"]),
        ({"q": "c++"}, ["march-story"]),
        ({"q": 'foo"'}, ["june-story"]),
        ({"q": "-x"}, []),
        ({"q": "Pyongyang", "issue": "issue-2"}, []),
        ({"issue": "issue-2", "sort": "title"}, ["june-story", "september-story"]),
        ({"sort": "-title"}, ["september-story", "june-story", "march-story"]),
        ({"sort": "published_at"}, ["march-story", "june-story", "september-story"]),
        ({"sort": "-updated_at"}, ["september-story", "june-story", "march-story"]),
    ],
)
def test_article_filters(
    filters_api: FlaskClient, query: dict[str, str], expected: list[str]
) -> None:
    assert_listed(ok(filters_api, "/v1/articles", query_string=query), "slug", expected)


@pytest.mark.parametrize(
    ("query", "newest"),
    [
        ("", "Sun, 01 Dec 2024 00:00:00 GMT"),
        ("?sort=updated_at", "Sun, 01 Dec 2024 00:00:00 GMT"),
        ("?sort=title&limit=2", "Mon, 01 Jul 2024 00:00:00 GMT"),
        ("?issue=issue-1", "Fri, 01 Mar 2024 00:00:00 GMT"),  # updated before it was published
    ],
)
def test_list_last_modified_is_its_newest_item(
    filters_api: FlaskClient, query: str, newest: str
) -> None:
    response = filters_api.get(f"/v1/articles{query}")
    newest_item = max(a["updated_at"] for a in response.get_json()["data"])
    assert newest_item == parsedate_to_datetime(newest).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert response.headers["Last-Modified"] == newest


def test_article_filter_issue_by_id(filters_api: FlaskClient) -> None:
    issue = ok(filters_api, "/v1/issues/issue-2")["data"]
    body = ok(filters_api, f"/v1/articles?issue={issue['id']}&sort=published_at")
    assert slugs(body) == ["june-story", "september-story"]
    assert {a["issue_id"] for a in body["data"]} == {issue["id"]}


def test_article_filter_term_by_id(filters_api: FlaskClient) -> None:
    term = ok(filters_api, "/v1/glossary/geopolitics")["data"]
    assert slugs(ok(filters_api, f"/v1/articles?term={term['id']}")) == ["september-story"]


ALL_THREE = ["september-story", "june-story", "march-story"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Words are looked for as words, all of them required, whatever FTS5 makes of them.
        ("c++", ["march-story"]),
        ('foo"', ["june-story"]),
        ("AND", ALL_THREE),  # every lede says "sanctions and the Cold War"
        ("NOT", ["march-story"]),  # "C++ programmers were not invited."
        ("pyongyang*", ["march-story"]),
        ("moscow OR seoul", []),  # as FTS syntax: june-story and september-story
        ("Moscow -Seoul", []),
        ("OR NOT", []),
        ("NEAR(a b", []),
        ("title:alpha", []),  # as FTS syntax: a column filter finding march-story
        ("a:b", []),
        ("^x", []),
        ("-x", []),
        ("a\x00b", []),
        ("\u00e9t\u00e9", []),
        # No word at all: nothing is searched, nothing matches.
        ('"', []),
        ('""', []),
        ("*", []),
        ("'", []),
    ],
)
def test_search_text_is_never_fts_syntax(
    filters_api: FlaskClient, q: str, expected: list[str]
) -> None:
    assert_listed(ok(filters_api, "/v1/articles", query_string={"q": q}), "slug", expected)


def test_list_include_issue_embeds_each_articles_own_issue(filters_api: FlaskClient) -> None:
    body = ok(filters_api, "/v1/articles?include=issue")
    assert [(a["slug"], a["issue"]["number"]) for a in body["data"]] == [
        ("september-story", 2),
        ("june-story", 2),
        ("march-story", 1),
    ]
    listed = {i["id"]: i for i in ok(filters_api, "/v1/issues")["data"]}
    for article in body["data"]:
        assert article["issue"] == listed[article["issue_id"]]


# Formats and glossary linking ------------------------------------------------------------

LINK_TEXT = (
    "The war reached Warsaw. WAR again, and wars; Warsaw's wartime mood. "
    "A sanction, then Sanctions. One ballistic missile, then ballistic missiles. "
    "Policies changed and one policy stayed. The Cold War ended."
)


def _linking_document(db: Database) -> None:
    document = make_document(
        7,
        slug="linking",
        terms=[
            ("War", "Armed conflict."),
            ("Cold War", "A long standoff."),
            ("Sanctions", "Penalties."),
            ("Ballistic Missiles", "Rockets."),
            ("Policy", "A course of action."),
        ],
        lede="Sanctions <b>bite</b> & the war goes on.",
        paragraphs=[LINK_TEXT, "<script>alert(1)</script> & <img src=x onerror=alert(2)>"],
    )
    document.sections[1].items = [Item("Note", "Wartime sanctions in Warsaw <i>hurt</i>.")]
    write_document(db, document)


def test_html_links_plural_singular_case_insensitive_whole_words(linking_api: FlaskClient) -> None:
    section = ok(linking_api, "/v1/articles/linking/sections/1?format=html")["data"]
    found = links(section["paragraphs"][0])
    by_term: dict[str, list[str]] = {}
    for href, words in found:
        by_term.setdefault(href, []).append(words)
    assert by_term == {
        "https://w.test/war": ["war", "WAR", "wars"],
        "https://w.test/sanctions": ["sanction", "Sanctions"],
        "https://w.test/ballistic-missiles": [
            "ballistic missile",
            "ballistic missiles",
        ],
        "https://w.test/policy": ["Policies", "policy"],
        "https://w.test/cold-war": ["Cold War"],
    }
    assert strip_html(section["paragraphs"][0]) == LINK_TEXT


def test_html_escapes_markup_from_text(linking_api: FlaskClient) -> None:
    article = ok(linking_api, "/v1/articles/linking?format=html&include=sections")["data"]
    script = article["sections"][0]["paragraphs"][1]
    assert "<script" not in script and "<img" not in script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in script
    assert strip_html(script) == "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    assert "<b>" not in article["lede"] and "&lt;b&gt;" in article["lede"]
    assert ("https://w.test/sanctions", "Sanctions") in links(article["lede"])
    item = article["sections"][1]["items"][0]
    assert "<i>" not in item["text"]
    assert links(item["text"]) == [("https://w.test/sanctions", "sanctions")]


def test_markdown_links_terms_and_escapes_markup(linking_api: FlaskClient) -> None:
    section = ok(linking_api, "/v1/articles/linking/sections/1?format=markdown")["data"]
    found = md_links(section["paragraphs"][0])
    assert [href for href, _ in found].count("https://w.test/war") == 3
    assert (
        "https://w.test/ballistic-missiles",
        "ballistic missile",
    ) in found
    assert not any("warsaw" in words.lower() for _, words in found)
    assert "<script>" not in section["paragraphs"][1]


def test_text_format_is_the_plain_text(linking_api: FlaskClient) -> None:
    article = ok(linking_api, "/v1/articles/linking?include=sections")["data"]
    assert article["lede"] == "Sanctions <b>bite</b> & the war goes on."
    assert article["sections"][0]["paragraphs"] == [
        LINK_TEXT,
        "<script>alert(1)</script> & <img src=x onerror=alert(2)>",
    ]


def test_format_applies_to_lists_and_includes(linking_api: FlaskClient) -> None:
    body = ok(linking_api, "/v1/articles?format=html&include=sections")
    article = body["data"][0]
    assert links(article["lede"])
    assert links(article["sections"][0]["paragraphs"][0])
    sections = ok(linking_api, "/v1/articles/linking/sections?format=html")["data"]
    assert sections[0] == article["sections"][0]


MARKUP_TERMS = [
    ("R&D", "Research and development."),
    ("<Tag>", "A tag."),
    ("[Redacted]", "Blacked out."),
    ("M*A*S*H", "A television series."),
    ("Sanctions", "Penalties."),
    ("Sanctions Regime", "A set of sanctions."),
]
MARKUP_TEXT = (
    "R&D fell under the Sanctions Regime; sanctions on <Tag> and [Redacted] M*A*S*H reruns."
)
HEADING_LIKE = "#1 priority: R&D"


def _markup_document(db: Database) -> None:
    """Terms holding characters that HTML and Markdown give a meaning to, and two terms of
    which one starts the other."""
    write_document(
        db,
        make_document(8, slug="markup", terms=MARKUP_TERMS, paragraphs=[MARKUP_TEXT, HEADING_LIKE]),
    )


@pytest.fixture(scope="module")
def markup_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_markup_document)


def _html_link(slug: str, words: str) -> str:
    return (
        f'<a class="glossary-term" href="https://w.test/{slug}" data-term="{slug}">'
        f"<dfn>{words}</dfn></a>"
    )


def test_html_escapes_linked_words_and_prefers_the_longest_term(markup_api: FlaskClient) -> None:
    paragraphs = ok(markup_api, "/v1/articles/markup/sections/1?format=html")["data"]["paragraphs"]
    assert paragraphs == [
        f"{_html_link('r-d', 'R&amp;D')} fell under the"
        f" {_html_link('sanctions-regime', 'Sanctions Regime')};"
        f" {_html_link('sanctions', 'sanctions')} on {_html_link('tag', '&lt;Tag&gt;')} and"
        f" {_html_link('redacted', '[Redacted]')} {_html_link('m-a-s-h', 'M*A*S*H')} reruns.",
        f"#1 priority: {_html_link('r-d', 'R&amp;D')}",
    ]
    assert [strip_html(p) for p in paragraphs] == [MARKUP_TEXT, HEADING_LIKE]


def test_markdown_escapes_link_text_and_a_leading_hash(markup_api: FlaskClient) -> None:
    section = ok(markup_api, "/v1/articles/markup/sections/1?format=markdown")["data"]
    assert section["paragraphs"] == [
        "[R\\&D](https://w.test/r-d) fell under the"
        " [Sanctions Regime](https://w.test/sanctions-regime);"
        " [sanctions](https://w.test/sanctions) on [\\<Tag\\>](https://w.test/tag) and"
        " [\\[Redacted\\]](https://w.test/redacted)"
        " [M\\*A\\*S\\*H](https://w.test/m-a-s-h) reruns.",
        "\\#1 priority: [R\\&D](https://w.test/r-d)",
    ]
    assert md_links(section["paragraphs"][0]) == [
        ("https://w.test/r-d", "R&D"),
        ("https://w.test/sanctions-regime", "Sanctions Regime"),
        ("https://w.test/sanctions", "sanctions"),
        ("https://w.test/tag", "<Tag>"),
        ("https://w.test/redacted", "[Redacted]"),
        ("https://w.test/m-a-s-h", "M*A*S*H"),
    ]


# fields / include ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/v1/articles?fields=slug,title&sort=title",
            [
                {"slug": "march-story", "title": "Alpha march story"},
                {"slug": "june-story", "title": "Bravo june story"},
                {"slug": "september-story", "title": "Charlie september story"},
            ],
        ),
        (
            "/v1/articles/june-story/sections?fields=heading,kind",
            [
                {"heading": "What happened", "kind": "body"},
                {"heading": "Historical Context", "kind": "background"},
            ],
        ),
    ],
    ids=["articles", "sections"],
)
def test_fields_trim_list_items(
    filters_api: FlaskClient, url: str, expected: list[dict[str, str]]
) -> None:
    assert ok(filters_api, url)["data"] == expected


def test_fields_keep_included_relations(filters_api: FlaskClient) -> None:
    article = ok(filters_api, "/v1/articles/june-story?fields=title&include=glossary,sources")[
        "data"
    ]
    assert set(article) == {"title", "glossary", "sources"}
    assert [t["term"] for t in article["glossary"]] == ["Cold War"]
    assert article["sources"][0]["domain"] == "example.com"


# Visibility ------------------------------------------------------------------------------


def _hidden_dataset(db: Database) -> tuple[int, int]:
    write_document(db, make_document(1, slug="public-story", issue=1))
    draft = write_document(
        db, make_document(2, slug="draft-story", status="draft", title="Secret draft zebra")
    )
    future = write_document(
        db,
        make_document(
            3,
            slug="future-story",
            status="scheduled",
            published_at="2999-01-01T00:00:00Z",
            title="Future zebra",
        ),
    )
    return draft.article_id, future.article_id


@pytest.mark.parametrize("slug", ["draft-story", "future-story"])
@pytest.mark.parametrize(
    "suffix", ["", "/sections", "/sections/1", "/questions", "/glossary", "/sources"]
)
def test_hidden_article_detail_and_sublists_are_404(
    hidden_api: FlaskClient, slug: str, suffix: str
) -> None:
    assert_problem(hidden_api.get(f"/v1/articles/{slug}{suffix}"), 404)


def test_hidden_article_by_id_is_404(
    hidden_api: FlaskClient, hidden_api_ids: tuple[int, int]
) -> None:
    draft_id, future_id = hidden_api_ids
    assert_problem(hidden_api.get(f"/v1/articles/{draft_id}"), 404)
    assert_problem(hidden_api.get(f"/v1/articles/{future_id}"), 404)


@pytest.mark.parametrize(
    "query", ["", "?q=zebra", "?issue=issue-1", "?sort=title", "?published_after=2020-01-01"]
)
def test_hidden_articles_absent_from_lists(hidden_api: FlaskClient, query: str) -> None:
    body = ok(hidden_api, f"/v1/articles{query}")
    assert "draft-story" not in slugs(body) and "future-story" not in slugs(body)
    assert body["meta"]["total"] == len(body["data"])


def test_scheduled_article_appears_once_its_time_has_come(
    client: FlaskClient, db: Database
) -> None:
    write_document(
        db,
        make_document(
            4, slug="was-scheduled", status="scheduled", published_at="2020-01-01T00:00:00Z"
        ),
    )
    assert slugs(ok(client, "/v1/articles")) == ["was-scheduled"]
    assert ok(client, "/v1/articles/was-scheduled")["data"]["slug"] == "was-scheduled"


def test_scheduled_article_is_visible_from_its_very_second(
    client: FlaskClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = "2030-05-01T12:00:00Z"
    write_document(db, make_document(5, slug="on-the-dot", status="scheduled", published_at=moment))
    monkeypatch.setattr("api.store.pagination.utc_now", lambda: "2030-05-01T11:59:59Z")
    assert slugs(ok(client, "/v1/articles")) == []
    assert_problem(client.get("/v1/articles/on-the-dot"), 404)
    monkeypatch.setattr("api.store.pagination.utc_now", lambda: moment)
    assert slugs(ok(client, "/v1/articles")) == ["on-the-dot"]
    assert ok(client, "/v1/articles/on-the-dot")["data"]["published_at"] == moment


def test_title_sort_ignores_case(client: FlaskClient, db: Database) -> None:
    for n, title in enumerate(["Banana split", "cherry tart", "apple pie"], start=1):
        write_document(db, make_document(n, slug=f"dessert-{n}", title=title))
    titles = [a["title"] for a in ok(client, "/v1/articles?sort=title")["data"]]
    assert titles == ["apple pie", "Banana split", "cherry tart"]
    titles = [a["title"] for a in ok(client, "/v1/articles?sort=-title")["data"]]
    assert titles == ["cherry tart", "Banana split", "apple pie"]


# Pagination on many articles ------------------------------------------------------------


def _check_order(items: list[dict[str, Any]], key: str, descending: bool) -> None:
    values = [i[key].lower() if key == "title" else i[key] for i in items]
    assert values == sorted(values, reverse=descending)


@pytest.mark.parametrize(
    ("sort", "key", "descending"),
    [
        (None, "published_at", True),
        ("title", "title", False),
        ("-title", "title", True),
        ("updated_at", "updated_at", False),
        ("-updated_at", "updated_at", True),
        ("published_at", "published_at", False),
        ("-published_at,title", "published_at", True),
    ],
)
def test_articles_paginate_to_the_end(
    many_api: FlaskClient, sort: str | None, key: str, descending: bool
) -> None:
    url = "/v1/articles?limit=37" + (f"&sort={sort}" if sort else "")
    items = walk_all(many_api, url, 300)
    assert {a["slug"] for a in items} == {f"generated-article-{n:04d}" for n in range(1, 301)}
    _check_order(items, key, descending)


def test_articles_paginate_with_a_filter(many_api: FlaskClient) -> None:
    items, total = walk(
        many_api, "/v1/articles?issue=issue-3&limit=7&sort=title&fields=slug,issue_id"
    )
    assert total == 60
    assert len({a["slug"] for a in items}) == 60
    expected = {f"generated-article-{n:04d}" for n in range(1, 301) if 1 + n % 5 == 3}
    assert {a["slug"] for a in items} == expected
    assert all(set(a) == {"slug", "issue_id"} for a in items)


def test_default_and_max_page_size(many_api: FlaskClient) -> None:
    assert len(ok(many_api, "/v1/articles")["data"]) == 20
    body = ok(many_api, "/v1/articles?limit=100")
    assert len(body["data"]) == 100 and body["meta"]["limit"] == 100


def test_next_link_keeps_the_query(many_api: FlaskClient) -> None:
    body = ok(many_api, "/v1/articles?limit=5&sort=-title&fields=slug")
    next_url = body["links"]["next"]
    assert "limit=5" in next_url and "sort=-title" in next_url and "fields=slug" in next_url
    second = ok(many_api, next_url)
    assert [a["slug"] for a in second["data"]] == [
        f"generated-article-{n:04d}" for n in range(295, 290, -1)
    ]


def _rich_document(db: Database) -> None:
    document = make_document(9, slug="rich", terms=[(f"Term {c}", f"Def {c}.") for c in "ABCDEFG"])
    document.sections += [
        Section(kind="body", heading=f"Part {i}", anchor=f"part-{i}", paragraphs=[f"Text {i}."])
        for i in range(2, 8)
    ]
    document.questions += [Question(f"Extra question {i}?", ["essay"]) for i in range(2, 8)]
    document.sources += [
        Source(url=f"https://news.example.org/{i}", domain="news.example.org") for i in range(2, 8)
    ]
    document.glossary.append(Term("Term H", "Def H."))
    write_document(db, document)


@pytest.mark.parametrize(
    ("sub", "count"), [("sections", 8), ("questions", 7), ("glossary", 8), ("sources", 7)]
)
def test_article_sublists_paginate_to_the_end(rich_api: FlaskClient, sub: str, count: int) -> None:
    full = ok(rich_api, f"/v1/articles/rich/{sub}?limit=100")["data"]
    items, total = walk(rich_api, f"/v1/articles/rich/{sub}?limit=3")
    assert total == count == len(full)
    assert items == full
    if sub != "glossary":
        assert [i["position"] for i in items] == list(range(1, count + 1))
    else:
        assert [t["term"] for t in items] == [f"Term {c}" for c in "ABCDEFGH"]
