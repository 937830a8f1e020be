"""Glossary terms: shared across articles, filtered by letter, prefix and article; no drafts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.db import connect
from api.importer.write import write_document
from tests.contract import ValidatingClient
from tests.factories import make_document

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
SEED_SLUG = "russia-north-korea-defense-pact"
SEED_TERMS_SORTED = [
    "Ballistic Missiles",
    "Cold War",
    "Geopolitics",
    "Mutual Defense Pact",
    "Sanctions",
]
SANCTIONS = (
    "Economic and political penalties imposed by one or more countries against a targeted"
    " country, individual, or entity. Sanctions are often used to influence behavior and policies."
)


def _make_app(path: Path) -> Flask:
    app = create_app({"TESTING": True, "DATABASE": str(path)})
    app.test_client_class = ValidatingClient
    return app


@pytest.fixture(scope="module")
def many_api(many_articles_db: str) -> FlaskClient:
    """conftest's 300 generated articles in 5 issues, behind one app for the whole module."""
    return _make_app(Path(many_articles_db)).test_client()


def _api(factory: pytest.TempPathFactory, name: str, build: Any) -> FlaskClient:
    path = factory.mktemp(name) / "content.db"
    app = _make_app(path)
    database = connect(path)
    try:
        build(database)
    finally:
        database.close()
    return app.test_client()


@pytest.fixture(scope="module")
def seed_api(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    app = _make_app(tmp_path_factory.mktemp("seed") / "seed.db")
    # The app context is pushed here because `seed` needs one and app.cli does not push it
    # (see test_seeded_fixture_imports_the_seed in test_api_articles.py).
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed", str(SEED_DIR)])
    assert result.exit_code == 0, (result.output, result.exception)
    return app.test_client()


def _terms_dataset(db: Any) -> None:
    write_document(
        db,
        make_document(
            1,
            slug="alpha",
            published_at="2024-03-01T00:00:00Z",
            terms=[
                ("Sanctions", "Penalties A."),
                ("Cold War", "A standoff."),
                ("Satellite State", "A nominally independent country."),
            ],
        ),
    )
    write_document(
        db,
        make_document(
            2,
            slug="bravo",
            published_at="2024-04-01T00:00:00Z",
            terms=[("Sanctions", "Penalties B."), ("100% Tariff", "A tax as high as the price.")],
        ),
    )
    # Written last: a draft that rewords a shared term, and a story scheduled for later.
    write_document(
        db,
        make_document(
            3,
            slug="charlie-draft",
            status="draft",
            terms=[("Secret Weapon", "Classified."), ("Sanctions", "Secret draft wording.")],
        ),
    )
    write_document(
        db,
        make_document(
            4,
            slug="delta-future",
            status="scheduled",
            published_at="2999-01-01T00:00:00Z",
            terms=[("Future Treaty", "Not yet signed."), ("Cold War", "Embargoed wording.")],
        ),
    )


@pytest.fixture(scope="module")
def terms_api(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return _api(tmp_path_factory, "terms", _terms_dataset)


def _alphabet(db: Any) -> None:
    words = [f"{chr(c)}{suffix}" for c in range(ord("A"), ord("Z") + 1) for suffix in ("ax", "ox")]
    write_document(db, make_document(1, slug="alphabet", terms=[(w, f"Def {w}.") for w in words]))


@pytest.fixture(scope="module")
def alphabet_api(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return _api(tmp_path_factory, "alphabet", _alphabet)


# Helpers -------------------------------------------------------------------------------


def ok(client: FlaskClient, url: str, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.get_data(True))
    assert response.mimetype == "application/json"
    return response.get_json()


def assert_problem(response: Any, status: int, param: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    for key in ("type", "title", "status", "detail", "instance"):
        assert key in body, key
    assert body["status"] == status
    if param is not None:
        assert param in body.get("errors", {}), body
    return body


def walk(client: FlaskClient, url: str, *, max_pages: int = 100) -> tuple[list[dict], int]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    total = response.get_json()["meta"]["total"]
    items: list[dict] = []
    for _ in range(max_pages):
        body = response.get_json()
        assert body["meta"]["total"] == total
        items.extend(body["data"])
        next_url = body["links"]["next"]
        link = response.headers.get("Link")
        if next_url is None:
            assert body["meta"]["next_cursor"] is None
            assert link is None or 'rel="next"' not in link
            return items, total
        assert len(body["data"]) == body["meta"]["limit"]
        match = re.search(r'<([^>]+)>\s*;\s*rel="next"', link or "")
        assert match and match.group(1) == next_url, link
        response = client.get(next_url)
        assert response.status_code == 200, response.get_data(as_text=True)
    raise AssertionError("pagination never ended")


def terms(body: dict[str, Any]) -> list[str]:
    return [t["term"] for t in body["data"]]


# Seed -------------------------------------------------------------------------------------


def test_seed_glossary_list(seed_api: FlaskClient) -> None:
    body = ok(seed_api, "/v1/glossary")
    assert terms(body) == SEED_TERMS_SORTED
    assert body["meta"]["total"] == 5
    for term in body["data"]:
        assert term["article_count"] == 1
        assert term["url"] == f"/v1/glossary/{term['slug']}"
    by_term = {t["term"]: t for t in body["data"]}
    assert by_term["Sanctions"]["definition"] == SANCTIONS
    assert by_term["Mutual Defense Pact"]["slug"] == "mutual-defense-pact"
    assert by_term["Geopolitics"]["definition"] == (
        "The study of the effects of geography (human and physical) on international politics"
        " and international relations."
    )


def test_seed_glossary_detail(seed_api: FlaskClient) -> None:
    term = ok(seed_api, "/v1/glossary/sanctions")["data"]
    assert term["term"] == "Sanctions"
    assert term["slug"] == "sanctions"
    assert term["definition"] == SANCTIONS
    assert term["article_count"] == 1
    assert term["articles"] == [
        {
            "id": term["articles"][0]["id"],
            "slug": SEED_SLUG,
            "title": "Russia and North Korea Sign a Mutual Defense Pact",
            "url": f"/v1/articles/{SEED_SLUG}",
            "definition": SANCTIONS,
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
    body = ok(seed_api, f"/v1/glossary?{query}")
    assert terms(body) == expected
    assert body["meta"]["total"] == len(expected)


# Targeted terms ---------------------------------------------------------------------------


def test_terms_of_hidden_articles_are_invisible(terms_api: FlaskClient) -> None:
    body = ok(terms_api, "/v1/glossary")
    assert terms(body) == ["100% Tariff", "Cold War", "Sanctions", "Satellite State"]
    assert body["meta"]["total"] == 4
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


def test_unpublished_wording_never_shows(terms_api: FlaskClient) -> None:
    """A draft (or a scheduled story) that rewords a shared term must not publish its wording."""
    listed = {t["slug"]: t for t in ok(terms_api, "/v1/glossary")["data"]}
    assert listed["sanctions"]["definition"] in ("Penalties A.", "Penalties B.")
    assert listed["cold-war"]["definition"] == "A standoff."
    detail = ok(terms_api, "/v1/glossary/sanctions")["data"]
    assert detail["definition"] in ("Penalties A.", "Penalties B.")
    assert ok(terms_api, "/v1/glossary/cold-war")["data"]["definition"] == "A standoff."


def test_article_glossary_keeps_each_articles_own_definition(terms_api: FlaskClient) -> None:
    alpha = ok(terms_api, "/v1/articles/alpha/glossary")["data"]
    bravo = ok(terms_api, "/v1/articles/bravo/glossary")["data"]
    assert [(t["term"], t["definition"]) for t in alpha] == [
        ("Sanctions", "Penalties A."),
        ("Cold War", "A standoff."),
        ("Satellite State", "A nominally independent country."),
    ]
    assert [(t["term"], t["definition"]) for t in bravo] == [
        ("Sanctions", "Penalties B."),
        ("100% Tariff", "A tax as high as the price."),
    ]
    assert alpha[0]["id"] == bravo[0]["id"]
    assert alpha[0]["url"] == "/v1/glossary/sanctions"


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
    body = ok(terms_api, "/v1/glossary", query_string=query)
    assert terms(body) == expected
    assert body["meta"]["total"] == len(expected)


def test_glossary_article_filter_by_id(terms_api: FlaskClient) -> None:
    bravo_id = ok(terms_api, "/v1/articles/bravo")["data"]["id"]
    assert terms(ok(terms_api, f"/v1/glossary?article={bravo_id}")) == ["100% Tariff", "Sanctions"]


def test_glossary_unknown_article_filter_matches_nothing(terms_api: FlaskClient) -> None:
    response = terms_api.get("/v1/glossary?article=no-such-article")
    if response.status_code == 404:
        assert_problem(response, 404)
    else:
        body = ok(terms_api, "/v1/glossary?article=no-such-article")
        assert body["data"] == [] and body["meta"]["total"] == 0


@pytest.mark.parametrize("ref", ["no-such-term", "999999", "99999999999999999999999"])
def test_unknown_term_is_404(terms_api: FlaskClient, ref: str) -> None:
    body = assert_problem(terms_api.get(f"/v1/glossary/{ref}"), 404)
    assert body["instance"] == f"/v1/glossary/{ref}"


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
    ("query", "param", "hint"),
    [
        ("letter=ab", "letter", "letter"),
        ("letter=%25", "letter", "letter"),
        ("letter=", "letter", "letter"),
        ("prefix=", "prefix", ""),
        ("fields=term,meaning", "fields", "definition"),
        ("sort=definition", "sort", "term"),
        ("article=not%20a%20slug", "article", ""),
        ("include=articles", "include", "prefix"),
        ("limit=0", "limit", ""),
    ],
)
def test_glossary_bad_parameters_are_400(
    terms_api: FlaskClient, query: str, param: str, hint: str
) -> None:
    body = assert_problem(terms_api.get(f"/v1/glossary?{query}"), 400, param)
    assert hint in " ".join(body["errors"][param])


def test_glossary_detail_unknown_field_is_400(terms_api: FlaskClient) -> None:
    body = assert_problem(terms_api.get("/v1/glossary/sanctions?fields=meaning"), 400, "fields")
    assert "articles" in " ".join(body["errors"]["fields"])


# Pagination --------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", [None, "term", "-term"])
def test_glossary_paginates_to_the_end(alphabet_api: FlaskClient, sort: str | None) -> None:
    items, total = walk(alphabet_api, "/v1/glossary?limit=5" + (f"&sort={sort}" if sort else ""))
    names = [t["term"] for t in items]
    expected = sorted(
        (f"{chr(c)}{s}" for c in range(ord("A"), ord("Z") + 1) for s in ("ax", "ox")),
        key=str.lower,
        reverse=sort == "-term",
    )
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


def test_glossary_cursor_from_another_sort_is_400(alphabet_api: FlaskClient) -> None:
    cursor = ok(alphabet_api, "/v1/glossary?limit=5")["meta"]["next_cursor"]
    assert cursor
    assert_problem(alphabet_api.get(f"/v1/glossary?limit=5&sort=-term&cursor={cursor}"), 400)
