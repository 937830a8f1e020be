"""What `make fuzz` found at full size (issue 12), each as a small, fast regression test, and
the rules it made the code and the contract agree on: one spelling of a whole number, a source
URL as the contract's pattern says, and read-only echo fields of the type the contract gives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.db import connect
from api.importer.write import write_document
from api.schemas.articles import SOURCE_URL_PATTERN
from tests.conftest import make_app
from tests.contract import spec_document
from tests.factories import make_document
from tests.helpers import assert_problem, bearer, make_key

NOT_WHOLE = "Not a whole number (ASCII digits, no sign or leading zero)."


@pytest.fixture
def editor(tmp_path: Path) -> tuple[Flask, dict[str, str]]:
    app = make_app(tmp_path / "fuzz-findings.db", WRITE_RATE_LIMIT="1000 per minute")
    db = connect(app.config["DATABASE"])
    for n in (1, 2):
        write_document(db, make_document(n, issue=1))
    db.close()
    return app, bearer(make_key(app, "editor", name="findings"))


@pytest.fixture
def client(editor: tuple[Flask, dict[str, str]]) -> FlaskClient:
    return editor[0].test_client()


def article_body(slug: str, **extra: Any) -> dict[str, Any]:
    return {"title": "Found", "lede": "A lede.", "slug": slug, **extra}


# Trimmed sections ------------------------------------------------------------------------------


def test_fields_items_leaves_a_body_section_without_items(client: FlaskClient) -> None:
    # Was `{"items": null}` for a body section (the kind was trimmed away before the kind's
    # keys were chosen): no section's shape, found by the read fuzzing. The client validates.
    sections = client.get("/v1/articles/1/sections?fields=items").get_json()["data"]
    kinds = [s["kind"] for s in client.get("/v1/articles/1/sections").get_json()["data"]]
    assert kinds == ["body", "background"]
    assert sections[0] == {}
    assert sections[1]["items"] and sections[1]["items"][0]["label"]
    assert client.get("/v1/articles/1/sections/1?fields=items").get_json()["data"] == {}
    assert client.get("/v1/articles/1/sections/2?fields=paragraphs").get_json()["data"] == {}


# Whole numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["05", "0100", "+5", "1_0", " 5", "٥", "5.0"])
@pytest.mark.parametrize("url", ["/v1/sync?limit=", "/v1/questions?limit=", "/v1/sources?limit="])
def test_a_limit_is_spelled_one_way(client: FlaskClient, url: str, value: str) -> None:
    body = assert_problem(client.get(url + quote(value)), 400, "limit")
    assert body["errors"]["limit"] == [NOT_WHOLE]


def test_an_unpadded_limit_still_works(client: FlaskClient) -> None:
    assert client.get("/v1/sync?limit=10").status_code == 200
    assert client.get("/v1/articles?limit=1").get_json()["meta"]["limit"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles/01",
        "/v1/articles/001",
        "/v1/issues/01",
        "/v1/articles/1/sections/01",
        "/v1/questions/01",
        "/v1/sources/01",
    ],
)
def test_a_padded_id_names_nothing(client: FlaskClient, url: str) -> None:
    # /v1/articles/01 was article 1 while /v1/questions/01 was a 404: one rule now.
    assert_problem(client.get(url), 404)
    assert client.get(re.sub(r"/0+1$", "/1", url)).status_code == 200


@pytest.mark.parametrize("url", ["/v1/articles?issue=01", "/v1/questions?article=01"])
def test_a_padded_id_filter_matches_nothing(client: FlaskClient, url: str) -> None:
    body = client.get(url).get_json()
    assert body["data"] == [] and body["meta"]["total"] == 0
    assert client.get(url.replace("=01", "=1")).get_json()["meta"]["total"] > 0


def test_the_contract_says_how_a_number_is_spelled() -> None:
    parameters = spec_document()["components"]["parameters"]
    integers = [p for p in parameters.values() if p["schema"].get("type") == "integer"]
    assert len(integers) >= 5  # limit, sync limit, question, source and webhook ids
    for parameter in integers:
        assert "no sign or leading zero" in parameter["description"], parameter["name"]


# Source URLs -----------------------------------------------------------------------------------


def source_url_schemas() -> list[dict[str, Any]]:
    schemas = spec_document()["components"]["schemas"]
    return [
        schemas[n]["properties"]["url"]
        for n in ("SourceInput", "SourcePatch", "ArticleSourceInput")
    ]


def test_the_code_checks_the_contracts_source_url_pattern() -> None:
    for schema in source_url_schemas():
        assert schema["pattern"] == SOURCE_URL_PATTERN


@pytest.mark.parametrize(
    "url",
    [
        "https://0.a",
        "http://a.b:99999/x?y=1#z",
        "https://news.example/2024/06/19/a%20b.html?q=a/b?c",
    ],
)
def test_a_url_the_contract_allows_is_a_source(
    editor: tuple[Flask, dict[str, str]], url: str
) -> None:
    app, auth = editor
    assert re.fullmatch(SOURCE_URL_PATTERN, url)
    response = app.test_client().post("/v1/articles/1/sources", json={"url": url}, headers=auth)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["data"]["url"] == url


@pytest.mark.parametrize(
    "url",
    [
        "https://a.b\n",  # `$` alone matches before a final newline
        "https://a.b/ x",
        "https://é.example/",
        "https://[::1].a/",  # urlsplit raises on it
        "https://user@a.b/",
        "https://a.b/%zz",
        "https://localhost/",
        "ftp://a.b/",
        "https://" + "." * 1990,  # was a second of backtracking per source
    ],
)
def test_a_url_the_contract_refuses_is_422(editor: tuple[Flask, dict[str, str]], url: str) -> None:
    app, auth = editor
    assert not re.fullmatch(SOURCE_URL_PATTERN, url)
    client = app.test_client()
    body = assert_problem(
        client.post("/v1/articles/1/sources", json={"url": url}, headers=auth), 422, "url"
    )
    assert "Not a valid URL" in body["errors"]["url"][0]
    whole = client.post(
        "/v1/articles", json=article_body("bad-url", sources=[{"url": url}]), headers=auth
    )
    assert_problem(whole, 422)


# Server-set fields of a part -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,value", [("published_on", ""), ("domain", "x.y"), ("publisher", "Me")]
)
def test_a_new_source_cannot_set_what_its_url_decides(
    editor: tuple[Flask, dict[str, str]], name: str, value: str
) -> None:
    # POST with `published_on` was a 201 that ignored it; the contract has it readOnly.
    app, auth = editor
    client = app.test_client()
    sent = {"url": "https://news.example/2024/06/19/x.html", name: value}
    body = assert_problem(client.post("/v1/articles/1/sources", json=sent, headers=auth), 422, name)
    assert body["errors"][name] == ["Set by the server; leave it out."]
    assert len(client.get("/v1/articles/1/sources", headers=auth).get_json()["data"]) == 1


def test_a_source_sent_back_as_read_is_accepted(editor: tuple[Flask, dict[str, str]]) -> None:
    app, auth = editor
    client = app.test_client()
    read = client.get("/v1/sources/1", headers=auth)
    source = read.get_json()["data"]
    replaced = client.put(
        "/v1/sources/1", json=source, headers={**auth, "If-Match": read.headers["ETag"]}
    )
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    changed = {**source, "published_on": "1999-01-01"}
    again = client.put(
        "/v1/sources/1", json=changed, headers={**auth, "If-Match": replaced.headers["ETag"]}
    )
    assert_problem(again, 422, "published_on")


def test_a_whole_article_takes_its_parts_back_as_read(
    editor: tuple[Flask, dict[str, str]],
) -> None:
    # Inside a whole article the parts' server-set fields are accepted back and ignored, so the
    # contract's parts there are schemas without readOnly (see fuzz3-openapi.py).
    app, auth = editor
    client = app.test_client()
    read = client.get("/v1/articles/1?include=sections,glossary,questions,sources", headers=auth)
    article = read.get_json()["data"]
    copy = {
        k: v
        for k, v in article.items()
        if k in ("title", "lede", "sections", "glossary", "questions", "sources")
    }
    made = client.post("/v1/articles", json={**copy, "slug": "a-copy"}, headers=auth)
    assert made.status_code == 201, made.get_data(as_text=True)
    sources = client.get("/v1/articles/a-copy/sources", headers=auth).get_json()["data"]
    assert [s["url"] for s in sources] == [s["url"] for s in article["sources"]]
    assert {s["id"] for s in sources}.isdisjoint({s["id"] for s in article["sources"]})
    schemas = spec_document()["components"]["schemas"]
    for part in ("ArticleSourceInput", "ArticleQuestionInput", "ArticleGlossaryEntryInput"):
        assert not any(p.get("readOnly") for p in schemas[part]["properties"].values()), part
    assert any(p.get("readOnly") for p in schemas["SourceInput"]["properties"].values())


# Echo fields of a type ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,body,named",
    [
        ("/v1/articles", article_body("raw-a", issue=[1]), "issue"),
        ("/v1/articles", article_body("raw-b", issue=7), "issue"),
        ("/v1/issues", {"number": 900, "title": "Raw", "articles": {"a": 1}}, "articles"),
        ("/v1/issues", {"number": 901, "title": "Raw", "articles": ["x"]}, "articles.0"),
    ],
)
def test_an_echo_field_of_the_wrong_type_is_refused(
    editor: tuple[Flask, dict[str, str]], url: str, body: dict[str, Any], named: str
) -> None:
    app, auth = editor
    assert_problem(app.test_client().post(url, json=body, headers=auth), 422, named)


def test_an_echo_field_of_the_right_type_is_accepted_and_ignored(
    editor: tuple[Flask, dict[str, str]],
) -> None:
    app, auth = editor
    client = app.test_client()
    made = client.post("/v1/articles", json=article_body("raw-ok", issue={"id": 1}), headers=auth)
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["data"]["issue_id"] is None  # read-only: not written
    issue = client.post(
        "/v1/issues", json={"number": 902, "title": "Ok", "articles": [{}]}, headers=auth
    )
    assert issue.status_code == 201, issue.get_data(as_text=True)


# Numbers too big for int() or SQLite ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles/{n}",
        "/v1/issues/{n}",
        "/v1/glossary/{n}",
        "/v1/articles/1/sections/{n}",
        "/v1/articles/{n}/sources",
    ],
)
def test_a_ref_of_thousands_of_digits_names_nothing(client: FlaskClient, url: str) -> None:
    # int() refuses more than 4,300 digits: /v1/articles/<5,000 digits> was a 500.
    assert_problem(client.get(url.format(n="1" * 5000)), 404)


def test_a_content_length_of_thousands_of_digits_is_413(
    editor: tuple[Flask, dict[str, str]],
) -> None:
    # Was a 500 from the boundary check, for the same int() limit.
    app, auth = editor
    response = app.test_client().post(
        "/v1/articles",
        data=b"{}",
        headers={**auth, "Content-Type": "application/json"},
        environ_overrides={"CONTENT_LENGTH": "9" * 5000},
    )
    body = assert_problem(response, 413)
    assert len(body["detail"]) < 200


@pytest.mark.parametrize("issue_id", [2**63, 2**64 - 1, 0, -1])
def test_an_issue_id_past_sqlites_range_is_no_issue(
    editor: tuple[Flask, dict[str, str]], issue_id: int
) -> None:
    # 2**63 .. 2**64-1 parse as JSON ints and could not be bound: a 500 (OverflowError).
    app, auth = editor
    sent = article_body(f"big-{issue_id % 1000}", issue_id=issue_id)
    body = assert_problem(
        app.test_client().post("/v1/articles", json=sent, headers=auth), 422, "issue_id"
    )
    assert body["errors"]["issue_id"] == [f"No newsletter issue has the id {issue_id}."]


# JSON types exactly ------------------------------------------------------------------------


@pytest.mark.parametrize("position", [2.5e-42, 2.5, "5", True])
def test_a_part_integer_of_another_json_type_is_422(
    editor: tuple[Flask, dict[str, str]], position: Any
) -> None:
    # marshmallow's non-strict Integer took 2.5e-42 (as 0) and "5": found by make fuzz.
    app, auth = editor
    part = {"url": "https://news.example/a.html", "position": position}
    sent = article_body("typed", sources=[part])
    response = app.test_client().post("/v1/articles", json=sent, headers=auth)
    assert_problem(response, 422, "sources.0.position")


def test_a_part_integer_is_accepted_back(editor: tuple[Flask, dict[str, str]]) -> None:
    app, auth = editor
    part = {"url": "https://news.example/a.html", "position": 5, "id": None}
    sent = article_body("typed-ok", sources=[part])
    response = app.test_client().post("/v1/articles", json=sent, headers=auth)
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("enabled", [1, 0, "true"])
def test_a_webhooks_enabled_is_a_json_boolean(
    editor: tuple[Flask, dict[str, str]], enabled: Any
) -> None:
    app, _ = editor
    admin = bearer(make_key(app, "admin", name="hooks-admin"))
    sent = {"url": "https://hooks.example/x", "events": ["article.published"], "enabled": enabled}
    response = app.test_client().post("/v1/webhooks", json=sent, headers=admin)
    body = assert_problem(response, 422, "enabled")
    assert body["errors"]["enabled"] == ["Must be true or false."]


# Percent-escapes that are not UTF-8 ------------------------------------------------------------


@pytest.mark.parametrize(
    "query,named",
    [
        ("q=%FF", "q"),  # Latin-1's ÿ
        ("q=%C0%AF", "q"),  # an overlong `/`
        ("q=%E2%82", "q"),  # a cut sequence
        ("q=pact&limit=%FF", "limit"),
        ("%FF=1", "%FF"),
    ],
)
def test_a_query_that_is_not_utf8_is_400(client: FlaskClient, query: str, named: str) -> None:
    # werkzeug keeps such an escape as literal text: q=%FF searched for `%FF` (a 200 whose
    # self link said q=%25FF) instead of telling the client its encoding is wrong.
    body = assert_problem(client.get(f"/v1/search?{query}"), 400, named)
    assert "Not UTF-8: percent-escapes must encode UTF-8 text." in body["errors"][named]


def test_a_utf8_query_is_read_as_text(client: FlaskClient) -> None:
    body = client.get("/v1/search?q=caf%C3%A9+pact").get_json()
    assert body["links"]["self"].endswith("?q=caf%C3%A9+pact")


def test_a_source_patch_cannot_change_what_its_url_decides(
    editor: tuple[Flask, dict[str, str]],
) -> None:
    app, auth = editor
    client = app.test_client()
    read = client.get("/v1/sources/1", headers=auth)
    patch = {"published_on": "1999-01-01"}
    headers = {
        **auth,
        "If-Match": read.headers["ETag"],
        "Content-Type": "application/merge-patch+json",
    }
    response = client.patch("/v1/sources/1", data=json.dumps(patch), headers=headers)
    assert_problem(response, 422, "published_on")
    schemas = spec_document()["components"]["schemas"]
    for name, owned in (("SourcePatch", "published_on"), ("QuestionPatch", "position")):
        assert schemas[name]["properties"][owned].get("readOnly") is True, name


@pytest.mark.parametrize("big", [2**64, 2**90, -(2**63) - 1])
def test_an_integer_past_64_bits_is_still_an_integer(
    editor: tuple[Flask, dict[str, str]], big: int
) -> None:
    # orjson reads it as a float; a strict Integer then said "Not a valid integer." to what the
    # contract's unbounded integer allows (make fuzz: rejected positive data).
    app, auth = editor
    client = app.test_client()
    headers = {**auth, "Content-Type": "application/json"}
    part = {"text": "Why?", "position": big}
    sent = json.dumps(article_body(f"big-part-{big % 97}", questions=[part]))
    response = client.post("/v1/articles", data=sent, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    sent = json.dumps(article_body(f"big-issue-{big % 97}", issue_id=big))
    body = assert_problem(client.post("/v1/articles", data=sent, headers=headers), 422, "issue_id")
    assert body["errors"]["issue_id"][0].startswith("No newsletter issue has the id")
