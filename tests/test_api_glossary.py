"""Glossary terms: shared across articles, filtered by letter, prefix and article; no drafts."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from api.db import Database
from api.importer.write import write_document
from tests.factories import make_document
from tests.helpers import (
    BASE_URL,
    SANCTIONS_DEFINITION,
    SEED_SLUG,
    SEED_TERMS_SORTED,
    SEED_TITLE,
    BuildApi,
    assert_listed,
    assert_nothing_matches,
    assert_problem,
    assert_rejects,
    ok,
    walk,
)

ALPHABET = [f"{chr(c)}{suffix}" for c in range(ord("A"), ord("Z") + 1) for suffix in ("ax", "ox")]


def _terms_dataset(db: Database) -> None:
    """Two published articles sharing Sanctions, each spelling it its own way; a draft and a
    scheduled story, both newer, respell and reword shared terms (same slugs)."""
    for document in [
        make_document(
            1,
            slug="alpha",
            published_at="2024-03-01T00:00:00Z",
            terms=[
                ("sanctions", "Penalties A."),
                ("Cold War", "A standoff."),
                ("Satellite State", "A nominally independent country."),
            ],
        ),
        make_document(
            2,
            slug="bravo",
            published_at="2024-04-01T00:00:00Z",
            terms=[("Sanctions", "Penalties B."), ("100% Tariff", "A tax as high as the price.")],
        ),
        # Written last: a draft that rewords a shared term, and a story scheduled for later.
        make_document(
            3,
            slug="charlie-draft",
            status="draft",
            terms=[("Secret Weapon", "Classified."), ("SANCTIONS", "Secret draft wording.")],
        ),
        make_document(
            4,
            slug="delta-future",
            status="scheduled",
            published_at="2999-01-01T00:00:00Z",
            terms=[("Future Treaty", "Not yet signed."), ("COLD WAR", "Embargoed wording.")],
        ),
    ]:
        write_document(db, document)


def _alphabet(db: Database) -> None:
    write_document(
        db, make_document(1, slug="alphabet", terms=[(w, f"Def {w}.") for w in ALPHABET])
    )


@pytest.fixture(scope="module")
def terms_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_terms_dataset)


@pytest.fixture(scope="module")
def alphabet_api(build_api: BuildApi) -> FlaskClient:
    return build_api(_alphabet)


def terms(body: dict) -> list[str]:
    return [t["term"] for t in body["data"]]


# Seed -------------------------------------------------------------------------------------


def test_seed_glossary_list(seed_api: FlaskClient) -> None:
    body = ok(seed_api, "/v1/glossary")
    assert terms(body) == SEED_TERMS_SORTED
    assert body["meta"]["total"] == 5
    for term in body["data"]:
        assert term["article_count"] == 1
        assert term["url"] == f"{BASE_URL}/v1/glossary/{term['slug']}"
    by_term = {t["term"]: t for t in body["data"]}
    assert by_term["Sanctions"]["definition"] == SANCTIONS_DEFINITION
    assert by_term["Mutual Defense Pact"]["slug"] == "mutual-defense-pact"
    assert by_term["Geopolitics"]["definition"] == (
        "The study of the effects of geography (human and physical) on international politics"
        " and international relations."
    )


def test_seed_glossary_detail(seed_api: FlaskClient) -> None:
    term = ok(seed_api, "/v1/glossary/sanctions")["data"]
    assert term["term"] == "Sanctions"
    assert term["slug"] == "sanctions"
    assert term["definition"] == SANCTIONS_DEFINITION
    assert term["article_count"] == 1
    assert term["articles"] == [
        {
            "id": term["articles"][0]["id"],
            "slug": SEED_SLUG,
            "title": SEED_TITLE,
            "url": f"{BASE_URL}/v1/articles/{SEED_SLUG}",
            "definition": SANCTIONS_DEFINITION,
        }
    ]
    assert ok(seed_api, f"/v1/glossary/{term['id']}")["data"] == term


def test_seed_cold_war_detail(seed_api: FlaskClient) -> None:
    term = ok(seed_api, "/v1/glossary/cold-war")["data"]
    assert term["term"] == "Cold War"
    assert term["definition"].startswith("A period of geopolitical tension between the Soviet")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("letter=s", ["Sanctions"]),
        ("letter=C", ["Cold War"]),
        ("letter=z", []),
        ("prefix=geo", ["Geopolitics"]),
        ("prefix=MUTUAL%20def", ["Mutual Defense Pact"]),
        ("prefix=b", ["Ballistic Missiles"]),
        ("prefix=war", []),
        (f"article={SEED_SLUG}", SEED_TERMS_SORTED),
        ("sort=-term", SEED_TERMS_SORTED[::-1]),
    ],
)
def test_seed_glossary_filters(seed_api: FlaskClient, query: str, expected: list[str]) -> None:
    assert_listed(ok(seed_api, f"/v1/glossary?{query}"), "term", expected)


# Targeted terms ---------------------------------------------------------------------------


def test_terms_of_hidden_articles_are_invisible(terms_api: FlaskClient) -> None:
    body = ok(terms_api, "/v1/glossary")
    assert_listed(body, "term", ["100% Tariff", "Cold War", "Sanctions", "Satellite State"])
    assert_problem(terms_api.get("/v1/glossary/secret-weapon"), 404)
    assert_problem(terms_api.get("/v1/glossary/future-treaty"), 404)


def test_shared_term_counts_only_visible_articles(terms_api: FlaskClient) -> None:
    term = ok(terms_api, "/v1/glossary/sanctions")["data"]
    assert term["article_count"] == 2
    uses = {a["slug"]: a["definition"] for a in term["articles"]}
    assert uses == {"alpha": "Penalties A.", "bravo": "Penalties B."}
    cold_war = ok(terms_api, "/v1/glossary/cold-war")["data"]
    assert cold_war["article_count"] == 1
    assert [a["slug"] for a in cold_war["articles"]] == ["alpha"]


def test_shared_term_reads_as_the_newest_visible_article_has_it(terms_api: FlaskClient) -> None:
    """Spelling and definition come from the newest visible use (bravo, not the older alpha);
    a newer draft or scheduled story that respells or rewords the term must not show."""
    listed = {t["slug"]: t for t in ok(terms_api, "/v1/glossary")["data"]}
    for shown in (listed, {s: ok(terms_api, f"/v1/glossary/{s}")["data"] for s in listed}):
        assert (shown["sanctions"]["term"], shown["sanctions"]["definition"]) == (
            "Sanctions",
            "Penalties B.",
        )
        assert (shown["cold-war"]["term"], shown["cold-war"]["definition"]) == (
            "Cold War",
            "A standoff.",
        )


def test_article_glossary_keeps_each_articles_own_definition(terms_api: FlaskClient) -> None:
    alpha = ok(terms_api, "/v1/articles/alpha/glossary")["data"]
    bravo = ok(terms_api, "/v1/articles/bravo/glossary")["data"]
    assert [(t["term"], t["definition"]) for t in alpha] == [
        ("sanctions", "Penalties A."),
        ("Cold War", "A standoff."),
        ("Satellite State", "A nominally independent country."),
    ]
    assert [(t["term"], t["definition"]) for t in bravo] == [
        ("Sanctions", "Penalties B."),
        ("100% Tariff", "A tax as high as the price."),
    ]
    assert alpha[0]["id"] == bravo[0]["id"]
    assert alpha[0]["url"] == f"{BASE_URL}/v1/glossary/sanctions"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"letter": "s"}, ["Sanctions", "Satellite State"]),
        ({"letter": "S"}, ["Sanctions", "Satellite State"]),
        ({"letter": "1"}, ["100% Tariff"]),
        ({"letter": "x"}, []),
        ({"prefix": "sat"}, ["Satellite State"]),
        ({"prefix": "SANC"}, ["Sanctions"]),
        ({"prefix": "cold war"}, ["Cold War"]),
        # Matched against the slug too: spellings the term itself does not start with.
        ({"prefix": "cold-w"}, ["Cold War"]),
        ({"prefix": "Cold  War"}, ["Cold War"]),
        ({"prefix": "%"}, []),
        ({"prefix": "_"}, []),
        ({"prefix": "100%"}, ["100% Tariff"]),
        ({"prefix": "s", "letter": "s"}, ["Sanctions", "Satellite State"]),
        ({"article": "alpha"}, ["Cold War", "Sanctions", "Satellite State"]),
        ({"article": "bravo", "letter": "s"}, ["Sanctions"]),
        ({"article": "charlie-draft"}, []),
        ({"article": "delta-future"}, []),
        ({"sort": "-term"}, ["Satellite State", "Sanctions", "Cold War", "100% Tariff"]),
        ({"sort": "term", "prefix": "s"}, ["Sanctions", "Satellite State"]),
    ],
)
def test_glossary_filters(
    terms_api: FlaskClient, query: dict[str, str], expected: list[str]
) -> None:
    assert_listed(ok(terms_api, "/v1/glossary", query_string=query), "term", expected)


def test_glossary_article_filter_by_id(terms_api: FlaskClient) -> None:
    bravo_id = ok(terms_api, "/v1/articles/bravo")["data"]["id"]
    assert terms(ok(terms_api, f"/v1/glossary?article={bravo_id}")) == ["100% Tariff", "Sanctions"]


def test_glossary_unknown_article_filter_matches_nothing(terms_api: FlaskClient) -> None:
    assert_nothing_matches(terms_api, "/v1/glossary?article=no-such-article")


def test_glossary_fields(terms_api: FlaskClient) -> None:
    body = ok(terms_api, "/v1/glossary?fields=slug,article_count&letter=s")
    assert body["data"] == [
        {"slug": "sanctions", "article_count": 2},
        {"slug": "satellite-state", "article_count": 1},
    ]
    detail = ok(terms_api, "/v1/glossary/cold-war?fields=term,articles")["data"]
    assert set(detail) == {"term", "articles"}
    assert [a["slug"] for a in detail["articles"]] == ["alpha"]


@pytest.mark.parametrize(
    ("url", "param", "hint"),
    [
        ("/v1/glossary?letter=ab", "letter", "letter"),
        ("/v1/glossary?letter=%25", "letter", "letter"),
        ("/v1/glossary?letter=", "letter", "letter"),
        ("/v1/glossary?prefix=", "prefix", "between 1 and 200"),
        ("/v1/glossary?sort=definition", "sort", "term"),
        ("/v1/glossary?article=not%20a%20slug", "article", "Not an id or a slug"),
        ("/v1/glossary?include=articles", "include", "prefix"),
        ("/v1/glossary?limit=0", "limit", "between 1 and 100"),
    ],
)
def test_glossary_bad_parameters_are_400(
    terms_api: FlaskClient, url: str, param: str, hint: str
) -> None:
    assert_rejects(terms_api, url, param, hint)


# Pagination --------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", [None, "term", "-term"])
def test_glossary_paginates_to_the_end(alphabet_api: FlaskClient, sort: str | None) -> None:
    items, total = walk(alphabet_api, "/v1/glossary?limit=5" + (f"&sort={sort}" if sort else ""))
    names = [t["term"] for t in items]
    expected = sorted(ALPHABET, key=str.lower, reverse=sort == "-term")
    assert total == 52
    assert names == expected


def test_glossary_paginates_with_a_filter(alphabet_api: FlaskClient) -> None:
    items, total = walk(alphabet_api, "/v1/glossary?limit=1&letter=q")
    assert total == 2 and [t["term"] for t in items] == ["Qax", "Qox"]


def test_article_glossary_paginates(alphabet_api: FlaskClient) -> None:
    items, total = walk(alphabet_api, "/v1/articles/alphabet/glossary?limit=10")
    assert total == 52
    assert [t["term"] for t in items][:3] == ["Aax", "Aox", "Bax"]
    assert len({t["id"] for t in items}) == 52


@pytest.mark.parametrize("sort", ["term", "-term"])
def test_glossary_paginates_on_many(many_api: FlaskClient, sort: str) -> None:
    items, total = walk(many_api, f"/v1/glossary?limit=1&sort={sort}")
    assert total == 2
    expected = ["Cold War", "Sanctions"]
    assert [t["term"] for t in items] == (expected if sort == "term" else expected[::-1])
    assert all(t["article_count"] == 300 for t in items)
