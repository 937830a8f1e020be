"""GET /v1/search: ranked hits over articles, background, terms and questions; no drafts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.db import Database, connect, init_db, migrations
from api.importer.document import Item, Question, Section
from api.importer.write import write_document
from api.store.common import fts_query
from api.store.search import mark_snippet
from tests.conftest import make_app
from tests.factories import make_document
from tests.helpers import (
    BASE_URL,
    BuildApi,
    assert_cursor_refused,
    assert_problem,
    assert_rejects,
    ok,
    walk,
)

FILLER = " ".join(f"filler{n} words about ports and shipping lanes." for n in range(40))


def _document(n: int, slug: str, **kwargs):
    """A generated document whose text is only what the test gives it."""
    background = kwargs.pop("background", [Item("Harbour", "Ships dock here.")])
    question = kwargs.pop("question", f"Question {n}: what happens next?")
    terms = kwargs.pop("terms", [("Tonnage", "How much a ship carries.")])
    document = make_document(n, slug=slug, terms=terms, **kwargs)
    document.sections = [
        Section(
            kind="body",
            heading="What happened",
            anchor="what-happened",
            paragraphs=document.sections[0].paragraphs,
        ),
        Section(
            kind="background",
            heading="Historical Context",
            anchor="background-1-historical-context",
            number=1,
            items=background,
        ),
    ]
    document.questions = [Question(question, ["debate"])]
    return document


def _search_dataset(db: Database) -> None:
    for document in [
        _document(
            1,
            "alpha",
            title="Zeppelin Diplomacy",
            issue=1,
            published_at="2024-03-01T00:00:00Z",
            lede="Airships are back in the news.",
            paragraphs=["Plain paragraph.", "Nothing else to say."],
            terms=[("Sanctions", "Penalties imposed on a country.")],
            background=[Item("Hindenburg", "An airship that burned in 1937.")],
            question="Should airships return to the skies?",
        ),
        _document(
            2,
            "bravo",
            title="Harbour Report",
            issue=2,
            published_at="2024-06-01T00:00:00Z",
            lede="Ports are busy this fortnight.",
            paragraphs=[
                FILLER,
                "Markup <b>bold</b> & <script>alert(1)</script> came from zanzibar.",
                "Once, a zeppelin flew over the harbour.",
                "C++ programmers were not invited.",
            ],
            terms=[("Sanctions", "Trade penalties on ports."), ("Tariff", "A tax on imports.")],
        ),
        # A title match against a short lede's mention: only column weights tell them apart.
        _document(
            5,
            "echo",
            title="Walrus Census Results Announced",
            issue=1,
            lede="Counting the animals on the ice took a whole season this year.",
            paragraphs=["The count is done."],
        ),
        _document(
            6, "foxtrot", title="Arctic Notes", issue=1, lede="A walrus.", paragraphs=["Ice."]
        ),
        # A draft and a story scheduled for later: never found, whatever they say.
        _document(
            3,
            "charlie-draft",
            title="Secret Zeppelin Plans",
            status="draft",
            issue=2,
            lede="The quokka plan.",
            paragraphs=["Quokka everywhere."],
            terms=[("Sanctions", "Secret draft wording about wombats.")],
            background=[Item("Wombat", "A draft-only background item.")],
            question="Is the quokka plan wise?",
        ),
        _document(
            4,
            "delta-future",
            title="Future Zeppelin Fleet",
            status="scheduled",
            published_at="2999-01-01T00:00:00Z",
            issue=2,
            lede="The quokka fleet, embargoed.",
            terms=[("Embargoed Term", "Quokka wording.")],
        ),
    ]:
        write_document(db, document)


@pytest.fixture(scope="module")
def search_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_search_dataset)


def hits(client: FlaskClient, *, whole: bool = True, **query: str) -> list[dict]:
    """The first page (of up to 100) hits; with `whole`, checked to be all of them."""
    body = ok(client, "/v1/search", query_string={"limit": "100", **query})
    if whole:
        assert body["meta"]["total"] == len(body["data"])
    return body["data"]


def found(client: FlaskClient, *, whole: bool = True, **query: str) -> list[tuple[str, str]]:
    """(type, URL path) of every hit, best first; each URL absolute, from the base URL."""
    found = []
    for hit in hits(client, whole=whole, **query):
        assert hit["url"].startswith(f"{BASE_URL}/v1/"), hit["url"]
        found.append((hit["type"], hit["url"].removeprefix(BASE_URL)))
    return found


# Ranking -----------------------------------------------------------------------------------


def test_a_title_match_outranks_a_passing_body_mention(search_api: FlaskClient) -> None:
    assert found(search_api, q="zeppelin") == [
        ("article", "/v1/articles/alpha"),
        ("article", "/v1/articles/bravo"),
    ]


def test_a_title_match_outranks_a_mention_in_a_short_lede(search_api: FlaskClient) -> None:
    assert found(search_api, q="walrus") == [
        ("article", "/v1/articles/echo"),
        ("article", "/v1/articles/foxtrot"),
    ]


def test_a_term_outranks_the_articles_that_mention_it(search_api: FlaskClient) -> None:
    ranked = found(search_api, q="tariff")
    assert ranked[0] == ("term", "/v1/glossary/tariff")
    assert ranked[1:] == [("article", "/v1/articles/bravo")]


def test_the_order_is_the_same_every_time(many_api: FlaskClient) -> None:
    first = found(many_api, q="sanctions", whole=False)
    assert len(first) == 100
    assert found(many_api, q="sanctions", whole=False) == first


# Each type, the type filter, the issue scope ------------------------------------------------


@pytest.mark.parametrize(
    ("q", "kind", "url", "title"),
    [
        ("zeppelin diplomacy", "article", "/v1/articles/alpha", "Zeppelin Diplomacy"),
        (
            "hindenburg",
            "background",
            "/v1/articles/alpha/sections/background-1-historical-context",
            "Historical Context",
        ),
        ("penalties imposed", "term", "/v1/glossary/sanctions", "Sanctions"),
        ("airships return skies", "question", None, "Zeppelin Diplomacy"),
    ],
)
def test_each_type_is_found_with_its_url_and_title(
    search_api: FlaskClient, q: str, kind: str, url: str | None, title: str
) -> None:
    [hit] = hits(search_api, q=q, type=kind)
    assert hit["type"] == kind and hit["title"] == title
    if url is not None:
        assert hit["url"] == BASE_URL + url
    # The URL names the very item: its id is the hit's id.
    item = ok(search_api, hit["url"])["data"]
    assert item["id"] == hit["id"]
    if kind == "question":
        assert hit["url"] == f"{BASE_URL}/v1/questions/{hit['id']}"
        assert item["text"] == "Should airships return to the skies?"


def test_without_a_type_every_kind_of_hit_comes_back(search_api: FlaskClient) -> None:
    # "Hindenburg" is in alpha's background section, which is also text of the article.
    assert {h[0] for h in found(search_api, q="hindenburg")} == {"background", "article"}
    kinds = {h[0] for h in found(search_api, q="sanctions")}
    assert kinds == {"article", "term"}


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("term", {"term"}),
        ("article,term", {"article", "term"}),
        ("term,article,term", {"article", "term"}),
        ("question", set()),
        ("article,background,term,question", {"article", "term"}),
    ],
)
def test_type_restricts_the_hits(search_api: FlaskClient, type_: str, expected: set) -> None:
    assert {h[0] for h in found(search_api, q="sanctions", type=type_)} == expected


@pytest.mark.parametrize("type_", ["articles", "article,page", "", ","])
def test_an_unknown_type_is_a_400_listing_the_types(search_api: FlaskClient, type_: str) -> None:
    assert_rejects(search_api, f"/v1/search?q=x&type={type_}", "type", "article, background")


def test_issue_scopes_the_search(search_api: FlaskClient) -> None:
    assert found(search_api, q="sanctions", issue="issue-1") == [
        ("term", "/v1/glossary/sanctions"),
        ("article", "/v1/articles/alpha"),
    ]
    issue_2 = ok(search_api, "/v1/issues/issue-2")["data"]["id"]
    for ref in ("issue-2", str(issue_2), "latest"):
        scoped = hits(search_api, q="sanctions", issue=ref)
        assert [(h["type"], h["url"].removeprefix(BASE_URL)) for h in scoped] == [
            ("term", "/v1/glossary/sanctions"),
            ("article", "/v1/articles/bravo"),
        ]
        # Within issue 2 the term is found through bravo's wording, never the draft's.
        assert "Trade penalties" in scoped[0]["snippet"] or "Sanctions" in scoped[0]["title"]
    assert found(search_api, q="sanctions", issue="issue-404") == []
    assert found(search_api, q="zeppelin", issue="latest") == [("article", "/v1/articles/bravo")]


# Snippets -----------------------------------------------------------------------------------


def test_snippets_mark_the_match_and_escape_everything_else(search_api: FlaskClient) -> None:
    [hit] = hits(search_api, q="zanzibar")
    snippet = hit["snippet"]
    assert "<mark>zanzibar</mark>" in snippet
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in snippet
    without_marks = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks


def test_markup_in_the_query_is_only_text(search_api: FlaskClient) -> None:
    for hit in hits(search_api, q="<b>zanzibar</b>"):
        assert re.sub(r"</?mark>", "", hit["snippet"]).count("<") == 0


def test_a_stemmed_match_is_marked_as_written(search_api: FlaskClient) -> None:
    [hit] = hits(search_api, q="airship return", type="question")
    assert hit["snippet"] == "Should <mark>airships</mark> <mark>return</mark> to the skies?"


def test_stray_sentinels_in_content_cannot_unbalance_the_marks() -> None:
    assert mark_snippet("a\x03b\x02c\x02d & e") == "ab<mark>cd &amp; e</mark>"
    assert mark_snippet("<i>\x02x\x03</i>") == "&lt;i&gt;<mark>x</mark>&lt;/i&gt;"


def test_a_title_only_match_still_has_a_snippet(search_api: FlaskClient) -> None:
    [hit] = hits(search_api, q="tariff", type="term")
    assert hit["snippet"] == "A tax on imports."


# Whatever a reader types --------------------------------------------------------------------

HOSTILE = [
    "c++",
    '"unbalanced',
    "-x",
    "AND",
    "OR",
    "NOT",
    "NEAR(",
    "NEAR(zeppelin harbour, 2)",
    "*",
    "zeppelin*",
    "title:zeppelin",
    "^zeppelin",
    '"',
    "'",
    "(",
    ")",
    "{a b}",
    "\U0001f6eb\U0001f30d",
    "zeppelin \U0001f6eb",
    "a\x00b",
    "\u00e9t\u00e9",
    "x" * 2048,
    "zeppelin " * 227,  # 2,043 characters
    "\U0001f6eb" * 512,  # 2 KB of UTF-8, 512 characters
    "\u00e9" * 1024,  # 2 KB of UTF-8, 1,024 characters
    " ".join(f"word{n}" for n in range(300))[:2048],
]


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q[:20]))
def test_any_text_gets_a_list_not_an_error(search_api: FlaskClient, q: str) -> None:
    body = ok(search_api, "/v1/search", query_string={"q": q})
    assert body["meta"]["total"] == len(body["data"])
    assert ok(search_api, "/v1/articles", query_string={"q": q[:200]})["meta"]["total"] >= 0


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("c++", [("article", "/v1/articles/bravo")]),
        ('zeppelin"', [("article", "/v1/articles/alpha"), ("article", "/v1/articles/bravo")]),
        ("title:zeppelin", []),  # as FTS syntax, a column filter; as text, two words
        ("zeppelin OR quokka", []),  # as FTS syntax, an OR finding the draft's wording
        ("zeppelin -harbour", [("article", "/v1/articles/bravo")]),  # not a NOT
        ("NEAR(zeppelin harbour)", []),  # as FTS syntax, a NEAR group finding bravo
        ("*", []),
        ("\U0001f6eb", []),
    ],
)
def test_search_syntax_is_just_text(
    search_api: FlaskClient, q: str, expected: list[tuple[str, str]]
) -> None:
    assert found(search_api, q=q, type="article") == expected


def test_the_query_may_be_2048_characters_not_more(search_api: FlaskClient) -> None:
    ok(search_api, "/v1/search", query_string={"q": "z" * 2048})
    assert_rejects(search_api, "/v1/search?q=" + "z" * 2049, "q")
    assert_rejects(search_api, "/v1/search?q=", "q")
    assert_problem(search_api.get("/v1/search"), 400, "q")
    assert_rejects(search_api, "/v1/search?q=x&colour=red", "colour", "Allowed")


def test_a_long_query_uses_its_first_words() -> None:
    many_words = " ".join(f"w{n}" for n in range(100))
    assert fts_query(many_words) == " ".join(f'"w{n}"' for n in range(32))


# Prefixes and stemming ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sanc", ("term", "/v1/glossary/sanctions")),
        ("Sanct", ("term", "/v1/glossary/sanctions")),
        ("sanction", ("term", "/v1/glossary/sanctions")),
        ("sanctioned", ("term", "/v1/glossary/sanctions")),
        ("zepp", ("article", "/v1/articles/alpha")),
        ("zeppelin diplo", ("article", "/v1/articles/alpha")),
        ("hindenb*", ("background", "/v1/articles/alpha/sections/background-1-historical-context")),
        ("airship", ("question", None)),
    ],
)
def test_prefixes_and_stems_match(search_api: FlaskClient, q: str, expected: tuple) -> None:
    kind, url = expected
    matched = found(search_api, q=q, type=kind)
    assert matched, q
    if url is not None:
        assert matched[0] == expected


@pytest.mark.parametrize("q", ["sanc ", "zepp.", "zepp diplomacy"])
def test_only_the_word_being_typed_is_a_prefix(search_api: FlaskClient, q: str) -> None:
    assert found(search_api, q=q) == []


# Only what is published ----------------------------------------------------------------------


@pytest.mark.parametrize("q", ["quokka", "wombat", "secret", "embargoed", "future fleet"])
def test_drafts_and_scheduled_stories_are_not_found(search_api: FlaskClient, q: str) -> None:
    assert found(search_api, q=q) == []


def test_a_draft_is_found_once_published_and_not_after(app: Flask, db: Database) -> None:
    client = app.test_client()
    draft = _document(7, "gamma", title="Gamma Narwhal", status="draft", question="Narwhal?")
    write_document(db, draft)
    assert found(client, q="narwhal") == []
    assert ok(client, "/v1/articles", query_string={"q": "narwhal"})["data"] == []
    draft.status = "published"
    write_document(db, draft)
    assert {h[0] for h in found(client, q="narwhal")} == {"article", "question"}
    draft.title, draft.questions = "Gamma Walrus", [Question("Walrus?", ["debate"])]
    write_document(db, draft)  # an edit replaces what was indexed
    assert found(client, q="narwhal") == []
    assert {h[0] for h in found(client, q="walrus")} == {"article", "question"}
    _assert_index_matches_content(db)
    with db.conn:
        db.execute("DELETE FROM articles WHERE slug = 'gamma'")
    assert found(client, q="walrus") == []
    for table in ("search_docs", "search_text"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    _assert_index_matches_content(db)


def _assert_index_matches_content(db: Database) -> None:
    """FTS5 compares its index with the text it was built from; raises when they differ."""
    with db.conn:
        db.execute("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
    orphans = db.execute(
        "SELECT COUNT(*) FROM search_text WHERE id NOT IN (SELECT id FROM search_docs)"
    ).fetchone()[0]
    assert orphans == 0


def test_the_migration_indexes_what_was_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = connect(path)
    migrations.apply(db, stop_before="m010_search_index")
    _search_dataset(db)
    db.close()
    init_db(path)
    client = make_app(path).test_client()
    assert found(client, q="zeppelin") == [
        ("article", "/v1/articles/alpha"),
        ("article", "/v1/articles/bravo"),
    ]
    assert found(client, q="hindenburg", type="background")
    assert found(client, q="quokka") == []


# Paging, caching, and /v1/articles?q= ------------------------------------------------------


def test_paging_walks_every_hit_once_in_rank_order(many_api: FlaskClient) -> None:
    everything = hits(many_api, q="sanctions", type="term,question", whole=False)
    total = ok(many_api, "/v1/search?q=sanctions")["meta"]["total"]
    assert total == 601  # 300 articles, 300 questions, 1 shared term
    items, seen_total = walk(many_api, "/v1/search?q=sanctions&limit=37")
    assert seen_total == total and len(items) == total
    assert len({(h["type"], h["id"]) for h in items}) == total
    ranked = [(h["type"], h["id"]) for h in items]
    assert [(h["type"], h["id"]) for h in everything] == [r for r in ranked if r[0] != "article"][
        :100
    ]


def test_a_cursor_belongs_to_its_search(many_api: FlaskClient) -> None:
    assert_cursor_refused(many_api, "/v1/search?q=sanctions&limit=5", "/v1/search?q=cold")
    assert_cursor_refused(
        many_api, "/v1/search?q=sanctions&limit=5", "/v1/search?q=sanctions&type=article"
    )
    assert_cursor_refused(many_api, "/v1/search?q=sanctions&limit=5", "/v1/articles")
    assert_rejects(many_api, "/v1/search?q=x&cursor=bm90LWEtY3Vyc29y", "cursor")


def test_search_answers_are_cached_and_conditional(search_api: FlaskClient) -> None:
    response = search_api.get("/v1/search?q=zeppelin")
    assert response.headers["Cache-Control"].startswith("public")
    etag = response.headers["ETag"]
    again = search_api.get("/v1/search?q=zeppelin", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(
    "q", ["zeppelin", "sanc", "hindenburg", "c++", "airship", "quokka", "-x", "penalties"]
)
def test_articles_q_agrees_with_the_search_index(search_api: FlaskClient, q: str) -> None:
    listed = ok(search_api, "/v1/articles", query_string={"q": q, "limit": "100"})["data"]
    searched = found(search_api, q=q, type="article")
    assert {a["url"] for a in listed} == {BASE_URL + path for _, path in searched}
