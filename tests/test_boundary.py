"""What every request meets before any route: the app's own limits on the request line,
headers and body, the trusted hosts, strict integers, a capped problem `instance`, and one
read snapshot per response. (Through the production server: tests/test_server.py.)"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.boundary import default_trusted_hosts, request_line_length, trusted_hosts
from api.db import connect, get_db
from api.importer.document import Document
from api.importer.write import write_document
from tests.factories import make_document
from tests.helpers import AppFactory, assert_problem, bearer, make_key


def assert_boundary_problem(response: Any, status: int) -> dict[str, Any]:
    """A problem a browser can read: problem+json, CORS, never cached."""
    body = assert_problem(response, status)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return body


# The request line and the headers -----------------------------------------------------------


def test_a_request_line_over_the_limit_is_a_414_problem(client: FlaskClient) -> None:
    limit = client.application.config["MAX_REQUEST_LINE"]
    query = "q=" + "a" * limit
    body = assert_boundary_problem(client.get(f"/v1/articles?{query}"), 414)
    assert str(limit) in body["detail"]
    assert len(body["instance"]) <= 512


def test_a_request_line_at_the_limit_reaches_the_route(client: FlaskClient) -> None:
    limit = client.application.config["MAX_REQUEST_LINE"]
    overhead = request_line_length(
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/v1/nothing", "QUERY_STRING": "x="}
    )
    response = client.get("/v1/nothing?x=" + "a" * (limit - overhead))
    assert_problem(response, 404)  # the route's answer, not the limit's


def test_percent_encoded_text_counts_as_sent(client: FlaskClient) -> None:
    # 2,048 characters of four-byte UTF-8 (the longest search) is 24 KB encoded: allowed.
    assert (
        request_line_length(
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/v1/search",
                "QUERY_STRING": "q=" + "%F0%9F%98%80" * 2048,
            }
        )
        < client.application.config["MAX_REQUEST_LINE"]
    )
    long_path = "/v1/articles/" + "é" * 6000  # 12,000 bytes, 36,000 percent-encoded
    assert_boundary_problem(client.get(long_path), 414)


def test_a_header_over_the_limit_is_a_431_problem(client: FlaskClient) -> None:
    limit = client.application.config["MAX_HEADER_FIELD_SIZE"]
    body = assert_boundary_problem(
        client.get("/v1/articles", headers={"X-Big-Note": "a" * limit}), 431
    )
    assert "X-Big-Note" in body["detail"]
    response = client.get("/v1/articles", headers={"X-Note": "a" * (limit - 20)})
    assert response.status_code == 200


def test_too_many_headers_are_a_431_problem(client: FlaskClient) -> None:
    limit = client.application.config["MAX_HEADER_COUNT"]
    headers = {f"X-Header-{i}": "v" for i in range(limit + 1)}
    body = assert_boundary_problem(client.get("/v1/articles", headers=headers), 431)
    assert str(limit) in body["detail"]


def test_headers_over_the_total_limit_are_a_431_problem(client: FlaskClient) -> None:
    total = client.application.config["MAX_HEADERS_SIZE"]
    size = client.application.config["MAX_HEADER_FIELD_SIZE"] - 100
    headers = {f"X-Part-{i}": "v" * size for i in range(total // size + 1)}
    body = assert_boundary_problem(client.get("/v1/articles", headers=headers), 431)
    assert str(total) in body["detail"]


def test_a_declared_body_over_the_limit_is_a_413_before_the_key_is_checked(
    editor_app_factory: AppFactory,
) -> None:
    app = editor_app_factory(MAX_CONTENT_LENGTH=1000)
    client = app.test_client()
    body = b"x" * 1001
    # No key at all: still 413, and nothing read the body to find that out.
    response = client.post("/v1/imports", data=body, content_type="text/plain")
    problem = assert_boundary_problem(response, 413)
    assert "1001" in problem["detail"]
    assert response.headers["Connection"] == "close"
    auth = bearer(make_key(app))
    assert_problem(
        client.post("/v1/imports", data=body, content_type="text/plain", headers=auth), 413
    )
    # At the limit, the request goes on (here to the importer's own verdict).
    assert (
        client.post(
            "/v1/imports", data=b"x" * 1000, content_type="text/plain", headers=auth
        ).status_code
        != 413
    )


# Host -------------------------------------------------------------------------------------------


def test_an_untrusted_host_is_a_400_problem(client: FlaskClient) -> None:
    for host in ("evil.example", "evil.example:80", "api.test.evil.example", "localhost.evil"):
        response = client.get("/v1/articles", headers={"Host": host})
        body = assert_boundary_problem(response, 400)
        assert "evil" not in response.headers.get("Link", "")
        assert "data" not in body


@pytest.mark.parametrize("host", ["api.test", "localhost", "127.0.0.1:5000", "localhost:8080"])
def test_the_default_trusted_hosts_serve(client: FlaskClient, host: str) -> None:
    # api.test is the tests' FLASK_PUBLIC_BASE_URL host.
    assert client.get("/v1/articles", headers={"Host": host}).status_code == 200


def test_trusted_hosts_come_from_the_setting(tmp_path: Path) -> None:
    from tests.conftest import make_app

    app = make_app(tmp_path / "t.db", TRUSTED_HOSTS="api.example.org, .cdn.example")
    client = app.test_client()
    assert client.get("/v1/articles", headers={"Host": "api.example.org"}).status_code == 200
    assert client.get("/v1/articles", headers={"Host": "edge.cdn.example"}).status_code == 200
    assert_problem(client.get("/v1/articles", headers={"Host": "localhost"}), 400)


def test_the_default_is_the_public_host_and_loopback() -> None:
    assert default_trusted_hosts("https://api.insightfortnight.org/") == [
        "api.insightfortnight.org",
        "localhost",
        "127.0.0.1",
        "::1",
    ]
    assert trusted_hosts(["a.example"], "http://b.example") == ["a.example"]
    assert trusted_hosts("a.example,b.example", "http://c.example") == ["a.example", "b.example"]


# Integers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1_0", "+5", " 5", "5 ", "٥", "5.0", "1e1", "0x5", "-5", "²"])
def test_limit_is_ascii_digits_only(client: FlaskClient, value: str) -> None:
    from urllib.parse import quote

    assert_problem(client.get(f"/v1/articles?limit={quote(value)}"), 400, "limit")


@pytest.mark.parametrize("path", ["/v1/questions/{}", "/v1/sources/{}"])
@pytest.mark.parametrize("value", ["٥", "１", "+1", "1_0"])
def test_ids_in_paths_are_ascii_digits_only(seeded: FlaskClient, path: str, value: str) -> None:
    assert seeded.get(path.format(1)).status_code == 200
    assert_problem(seeded.get(path.format(value)), 404)


def test_an_article_id_in_non_ascii_digits_names_no_article(seeded: FlaskClient) -> None:
    assert seeded.get("/v1/articles/1").status_code == 200
    assert_problem(seeded.get("/v1/articles/١"), 404)


# The problem instance -------------------------------------------------------------------------


def test_a_long_cursor_does_not_make_a_long_problem(client: FlaskClient) -> None:
    cursor = "A" * 4000
    response = client.get(f"/v1/articles?cursor={cursor}")
    body = assert_problem(response, 400, "cursor")
    assert len(body["instance"]) == 512
    assert body["instance"].startswith("/v1/articles?cursor=AAAA")
    assert body["instance"].endswith("...")
    assert len(response.data) < 1500


def test_a_short_query_is_the_instance_unchanged(client: FlaskClient) -> None:
    body = assert_problem(client.get("/v1/articles?limit=0"), 400, "limit")
    assert body["instance"] == "/v1/articles?limit=0"


# One response, one snapshot ---------------------------------------------------------------------


@pytest.fixture
def two_articles(editor_app_factory: AppFactory) -> Flask:
    app = editor_app_factory()
    database = connect(app.config["DATABASE"])
    for n in (1, 2):
        write_document(database, make_document(n))
    database.close()
    return app


def commit_in_another_thread(app: Flask, document: Document) -> None:
    """An import that commits while a response is half read (its own thread and connection)."""

    def publish() -> None:
        database = connect(app.config["DATABASE"])
        try:
            write_document(database, document)
        finally:
            database.close()

    writer = threading.Thread(target=publish)
    writer.start()
    writer.join(timeout=10)
    assert not writer.is_alive()


def test_a_list_reads_its_count_and_its_page_from_one_version(
    two_articles: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.store import pagination

    count = pagination.scalar
    done: list[bool] = []

    def count_then_let_an_import_commit(*args: Any, **kwargs: Any) -> Any:
        total = count(*args, **kwargs)
        if not done:
            done.append(True)
            commit_in_another_thread(two_articles, make_document(3))
        return total

    monkeypatch.setattr(pagination, "scalar", count_then_let_an_import_commit)
    body = two_articles.test_client().get("/v1/articles?limit=100").get_json()
    assert done
    assert body["meta"]["total"] == len(body["data"]) == 2
    # The import did commit: the next response sees it.
    monkeypatch.setattr(pagination, "scalar", count)
    after = two_articles.test_client().get("/v1/articles?limit=100").get_json()
    assert after["meta"]["total"] == len(after["data"]) == 3


def test_embedded_content_comes_from_the_same_version_as_the_page(
    two_articles: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.store import articles

    list_articles = articles.list_articles

    def page_then_let_an_import_commit(*args: Any, **kwargs: Any) -> Any:
        page = list_articles(*args, **kwargs)
        # The same article again, its paragraphs rewritten, committed before they are read.
        commit_in_another_thread(
            two_articles, make_document(1, paragraphs=["Rewritten after the page was read."])
        )
        return page

    monkeypatch.setattr(articles, "list_articles", page_then_let_an_import_commit)
    body = two_articles.test_client().get("/v1/articles?include=sections").get_json()
    paragraphs = [p for a in body["data"] for s in a["sections"] for p in s.get("paragraphs", [])]
    assert "Rewritten after the page was read." not in paragraphs
    monkeypatch.setattr(articles, "list_articles", list_articles)
    again = two_articles.test_client().get("/v1/articles?include=sections").get_json()
    paragraphs = [p for a in again["data"] for s in a["sections"] for p in s.get("paragraphs", [])]
    assert "Rewritten after the page was read." in paragraphs


def test_the_read_transaction_ends_with_the_request(two_articles: Flask) -> None:
    client = two_articles.test_client()
    assert client.get("/v1/articles").status_code == 200
    with two_articles.app_context():
        # The same thread's connection: a snapshot left open would pin the WAL forever.
        assert not get_db().conn.in_transaction


def test_a_write_after_a_read_in_one_thread_still_writes(two_articles: Flask) -> None:
    client = two_articles.test_client()
    auth = bearer(make_key(two_articles))
    read = client.get("/v1/articles/generated-article-0001", headers=auth)
    patched = client.patch(
        "/v1/articles/generated-article-0001",
        json={"title": "A new title"},
        headers={**auth, "If-Match": read.headers["ETag"]},
    )
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert client.get("/v1/articles/generated-article-0001").get_json()["data"]["title"] == (
        "A new title"
    )
