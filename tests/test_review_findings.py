"""Regressions for what a code review found: each test failed before its fix."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta

import orjson

from api import create_app
from api.compression import CompressCache
from api.db import connect
from api.importer.render import markdown_escape
from api.importer.write import write_document
from api.timefmt import RFC3339
from tests.factories import make_document
from tests.helpers import assert_problem


def _cursor(sort: str, values: list) -> str:
    raw = orjson.dumps({"s": sort, "v": values})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_cursor_with_an_unbindable_number_is_a_400_not_a_500(many) -> None:
    for url in (
        f"/v1/questions?cursor={_cursor('id', [2**63])}",
        f"/v1/articles?cursor={_cursor('-published_at,-id', ['x', 2**64 - 1])}",
        f"/v1/sources?cursor={_cursor('id', [True])}",
    ):
        assert_problem(many.get(url), 400, "cursor")


def test_a_trailing_newline_is_not_part_of_a_valid_reference(many) -> None:
    assert_problem(many.get("/v1/articles?issue=issue-1%0A"), 400, "issue")
    assert_problem(many.get("/v1/glossary?letter=s%0A"), 400, "letter")


def test_a_scheduled_article_reaches_pollers_when_its_time_comes(client, db) -> None:
    write_document(db, make_document(1, published_at="2024-01-01T00:00:00Z"))
    held = client.get("/v1/articles").get_json()["data"][0]["updated_at"]
    soon = datetime.now(UTC) + timedelta(seconds=2)
    scheduled = make_document(2, published_at=soon.strftime(RFC3339), status="scheduled")
    write_document(db, scheduled)
    assert [
        a["id"] for a in client.get(f"/v1/articles?updated_since={held}").get_json()["data"]
    ] == [1]
    # Once its time has come, it is simply published, and it counts as a change then.
    db.execute(
        "UPDATE articles SET published_at = ? WHERE slug = ?",
        [(datetime.now(UTC) - timedelta(seconds=1)).strftime(RFC3339), scheduled.slug],
    )
    db.conn.commit()
    newer = client.get(f"/v1/articles?updated_since={held}&sort=updated_at").get_json()["data"]
    assert newer[-1]["slug"] == scheduled.slug
    assert newer[-1]["status"] == "published"


def test_markdown_escapes_what_would_change_its_meaning() -> None:
    assert markdown_escape("1961. The treaty") == "1961\\. The treaty"
    assert markdown_escape("a &copy; b") == "a \\&copy; b"


def test_the_compression_cache_survives_many_threads() -> None:
    cache = CompressCache(size=8)
    errors: list[BaseException] = []

    def hammer(n: int) -> None:
        try:
            for i in range(2000):
                cache.set(f"{n}-{i}", b"x")
                cache.get(f"{n}-{i - 1}")
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_health_is_never_conditional(client) -> None:
    response = client.get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_the_served_spec_is_conditional(client) -> None:
    first = client.get("/openapi.json")
    again = client.get("/openapi.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_doubled_slashes_are_a_404_problem_not_a_redirect_page(client) -> None:
    assert_problem(client.get("/v1//articles"), 404)


def test_links_come_from_the_base_url_never_from_forwarded_headers(tmp_path) -> None:
    app = create_app(
        {
            "DATABASE": str(tmp_path / "proxied.db"),
            "TRUSTED_PROXIES": 1,
            "PUBLIC_BASE_URL": "https://api.insightfortnight.org",
        }
    )
    database = connect(tmp_path / "proxied.db")
    for n in (1, 2):
        write_document(database, make_document(n))
    database.close()
    body = (
        app.test_client()
        .get(
            "/v1/articles?limit=1",
            # A trusted host (an untrusted one is a 400 before any link is made).
            headers={"X-Forwarded-Proto": "http", "X-Forwarded-Host": "localhost:8443"},
        )
        .get_json()
    )
    assert body["links"]["next"].startswith("https://api.insightfortnight.org/v1/articles?")
    assert body["data"][0]["url"].startswith("https://api.insightfortnight.org/v1/articles/")
