"""Cross-cutting HTTP behaviour: problem+json errors, ETag/304, cache headers, compression,
CORS, the list envelope and pagination everywhere, fields/include validation, health."""

from __future__ import annotations

import gzip
import json
import os
import re
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.db import Database
from api.importer.document import Question, Source
from api.importer.write import write_document
from tests.factories import make_document
from tests.helpers import (
    DATE,
    RFC3339,
    BuildApi,
    assert_cursor_refused,
    assert_not_found,
    assert_problem,
    assert_rejects,
    ok,
    walk_all,
)

STRONG_ETAG = re.compile(r'^"[^"]+"$')
HIDDEN_MARKERS = ("zebra", "Secret Weapon", "secret-weapon", "Hidden question", "only.example")


def _dataset(db: Database) -> None:
    for n, slug in [(1, "alpha"), (2, "bravo")]:
        write_document(
            db,
            make_document(
                n,
                slug=slug,
                issue=1,
                published_at=f"2024-06-0{n}T00:00:00Z",
                # Long enough paragraphs that list bodies are worth compressing.
                paragraphs=[f"Sanctions paragraph {i} of {slug}. " * 6 for i in range(4)],
            ),
        )
    for n, slug, status, published_at in [
        (3, "hidden-draft", "draft", "2024-06-03T00:00:00Z"),
        (4, "hidden-future", "scheduled", "2999-01-01T00:00:00Z"),
    ]:
        document = make_document(
            n,
            slug=slug,
            issue=1,
            status=status,
            published_at=published_at,
            title=f"Hidden {status} zebra",
            terms=[("Secret Weapon", "Classified."), ("Sanctions", "Penalties.")],
        )
        document.questions = [Question(f"Hidden question {n}?", ["debate"])]
        document.sources = [Source(f"https://{status}-only.example/{n}", f"{status}-only.example")]
        write_document(db, document)


@pytest.fixture(scope="module")
def api(build_api: BuildApi) -> FlaskClient:
    return build_api(_dataset)


@pytest.fixture(scope="module")
def ids(api: FlaskClient) -> dict[str, int]:
    return {
        "question": ok(api, "/v1/questions?article=alpha")["data"][0]["id"],
        "source": ok(api, "/v1/sources?article=alpha")["data"][0]["id"],
        "article": ok(api, "/v1/articles/alpha")["data"]["id"],
    }


def expand(url: str, ids: dict[str, int]) -> str:
    return url.format(**ids)


DETAIL_URLS = [
    "/v1/articles/alpha",
    "/v1/articles/{article}",
    "/v1/articles/alpha/sections/what-happened",
    "/v1/articles/alpha/sections/2",
    "/v1/issues/issue-1",
    "/v1/issues/latest",
    "/v1/issues/issue-1/bundle",
    "/v1/glossary/sanctions",
    "/v1/questions/{question}",
    "/v1/sources/{source}",
]
LIST_URLS = [
    "/v1/articles",
    "/v1/articles?include=sections,glossary,questions,sources,issue&format=html",
    "/v1/articles/alpha/sections",
    "/v1/articles/alpha/questions",
    "/v1/articles/alpha/glossary",
    "/v1/articles/alpha/sources",
    "/v1/issues",
    "/v1/glossary",
    "/v1/questions",
    "/v1/sources",
]


# ETag, 304, cache headers ------------------------------------------------------------------


@pytest.mark.parametrize("url", DETAIL_URLS + LIST_URLS)
def test_every_200_has_strong_etag_and_public_cache_headers(
    api: FlaskClient, ids: dict[str, int], url: str
) -> None:
    response = api.get(expand(url, ids))
    assert response.status_code == 200
    etag = response.headers.get("ETag", "")
    assert STRONG_ETAG.match(etag), etag
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    vary = [v.strip().lower() for v in response.headers.get("Vary", "").split(",")]
    assert "accept-encoding" in vary


@pytest.mark.parametrize("url", DETAIL_URLS + LIST_URLS)
def test_if_none_match_gives_304_without_body(
    api: FlaskClient, ids: dict[str, int], url: str
) -> None:
    url = expand(url, ids)
    first = api.get(url)
    etag = first.headers["ETag"]
    again = api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    listed = api.get(url, headers={"If-None-Match": f'"nope", {etag}'})
    assert listed.status_code == 304
    other = api.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.get_data() == first.get_data()


def test_same_content_same_etag_different_content_different_etag(api: FlaskClient) -> None:
    alpha = api.get("/v1/articles/alpha")
    assert api.get("/v1/articles/alpha").headers["ETag"] == alpha.headers["ETag"]
    assert api.get("/v1/articles/bravo").headers["ETag"] != alpha.headers["ETag"]
    html = api.get("/v1/articles/alpha?format=html")
    assert html.headers["ETag"] != alpha.headers["ETag"]


@pytest.mark.parametrize("url", DETAIL_URLS)
def test_details_have_last_modified(api: FlaskClient, ids: dict[str, int], url: str) -> None:
    response = api.get(expand(url, ids))
    assert response.status_code == 200
    assert response.headers.get("Last-Modified"), dict(response.headers)
    parsedate_to_datetime(response.headers["Last-Modified"])


def test_article_last_modified_is_its_updated_at(api: FlaskClient) -> None:
    response = api.get("/v1/articles/alpha")
    updated_at = response.get_json()["data"]["updated_at"]
    modified = parsedate_to_datetime(response.headers["Last-Modified"])
    assert modified.strftime("%Y-%m-%dT%H:%M:%SZ") == updated_at


def _http_date(stamp: str) -> str:
    """An RFC 3339 instant of ours as an HTTP-date."""
    return format_datetime(datetime.fromisoformat(stamp.replace("Z", "+00:00")), usegmt=True)


OLD, NEWER = "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"


def test_last_modified_is_the_newest_visible_change(client: FlaskClient, db: Database) -> None:
    """Lists take the newest item, and an issue or a term takes its newest *visible* article:
    a draft or a scheduled story saved later must not move it (nor reveal when it was)."""
    for n, slug in [(1, "older"), (2, "newer")]:
        write_document(db, make_document(n, slug=slug, issue=1))
    with db.conn:
        for slug, stamp in [("older", OLD), ("newer", NEWER)]:
            db.execute(
                "UPDATE articles SET updated_at = ?, published_at = ? WHERE slug = ?",
                [stamp, stamp, slug],
            )
        db.execute("UPDATE issues SET updated_at = ?", [OLD])
    write_document(db, make_document(3, slug="draft", issue=1, status="draft"))
    write_document(
        db,
        make_document(
            4, slug="future", issue=1, status="scheduled", published_at="2999-01-01T00:00:00Z"
        ),
    )
    newest = _http_date(NEWER)
    for url in [
        "/v1/articles",
        "/v1/articles?sort=updated_at",
        "/v1/issues",
        "/v1/issues/issue-1",
        "/v1/issues/latest",
        "/v1/issues/issue-1/bundle",
        "/v1/glossary",
        "/v1/glossary/sanctions",
        "/v1/questions",
        "/v1/sources",
    ]:
        assert client.get(url).headers["Last-Modified"] == newest, url
    assert client.get("/v1/articles/older").headers["Last-Modified"] == _http_date(OLD)


def test_head_answers_like_get_without_body(api: FlaskClient) -> None:
    get = api.get("/v1/articles/alpha")
    head = api.head("/v1/articles/alpha")
    assert head.status_code == 200
    assert head.get_data() == b""
    assert head.headers["ETag"] == get.headers["ETag"]


def _changed(n: int, slug: str, paragraph: str, definition: str = "Penalties.") -> Any:
    """The same article with new words in its lede, its paragraph and its term's definition."""
    return make_document(
        n,
        slug=slug,
        lede=f"Lede: {paragraph}",
        paragraphs=[paragraph],
        terms=[("Sanctions", definition)],
    )


CHANGE_URLS = [
    "/v1/articles/story",
    "/v1/articles",
    "/v1/articles/story/sections/1",
    "/v1/articles/story/sections",
    "/v1/issues/issue-1",
    "/v1/issues/issue-1/bundle",
    "/v1/glossary/sanctions",
    "/v1/glossary",
]


def test_a_change_gives_200_with_a_new_etag(client: FlaskClient, db: Database) -> None:
    write_document(db, _changed(1, "story", "The first wording of the story."))
    before = {url: client.get(url) for url in CHANGE_URLS}
    for url, response in before.items():
        assert response.status_code == 200, url
        etag = response.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
    write_document(
        db, _changed(1, "story", "The second wording of the story.", "Penalties, revised.")
    )
    stale = []
    for url, response in before.items():
        etag = response.headers["ETag"]
        after = client.get(url, headers={"If-None-Match": etag})
        if after.status_code != 200 or after.headers["ETag"] == etag:
            stale.append(url)
            continue
        assert after.get_data() != response.get_data(), url
        fresh = client.get(url, headers={"If-None-Match": after.headers["ETag"]})
        assert fresh.status_code == 304, url
    assert stale == []
    section = client.get("/v1/articles/story/sections/1").get_json()["data"]
    assert section["paragraphs"] == ["The second wording of the story."]
    term = client.get("/v1/glossary/sanctions").get_json()["data"]
    assert term["definition"] == "Penalties, revised."


# Compression -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles?include=sections,glossary,questions,sources",
        "/v1/issues/issue-1/bundle",
        "/v1/articles/alpha/sections",
    ],
)
def test_gzip_when_accepted(api: FlaskClient, url: str) -> None:
    plain = api.get(url)
    assert plain.headers.get("Content-Encoding") is None
    zipped = api.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200
    assert zipped.headers.get("Content-Encoding") == "gzip"
    assert "accept-encoding" in zipped.headers.get("Vary", "").lower()
    raw = zipped.get_data()
    assert len(raw) < len(plain.get_data())
    assert gzip.decompress(raw) == plain.get_data()
    # The compressed representation revalidates too.
    etag = zipped.headers["ETag"]
    again = api.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


def test_brotli_when_preferred(api: FlaskClient) -> None:
    brotli = pytest.importorskip("brotli")
    url = "/v1/articles?include=sections"
    plain = api.get(url).get_data()
    response = api.get(url, headers={"Accept-Encoding": "br"})
    assert response.headers.get("Content-Encoding") == "br"
    assert brotli.decompress(response.get_data()) == plain


def test_identity_when_compression_refused(api: FlaskClient) -> None:
    response = api.get("/v1/articles?include=sections", headers={"Accept-Encoding": "identity"})
    assert response.headers.get("Content-Encoding") is None
    assert response.get_json()["meta"]["total"] == 2


# CORS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/v1/articles", "/v1/articles/alpha", "/v1/glossary/sanctions"])
def test_cors_public_reads_from_any_origin(api: FlaskClient, url: str) -> None:
    response = api.get(url, headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert response.headers.get("Access-Control-Allow-Origin") == "*"
    exposed = {
        h.strip().lower()
        for h in response.headers.get("Access-Control-Expose-Headers", "").split(",")
    }
    assert {"etag", "link", "last-modified"} <= exposed


def test_cors_on_errors_so_clients_can_read_them(api: FlaskClient) -> None:
    response = api.get("/v1/articles?limit=0", headers={"Origin": "https://example.org"})
    assert response.status_code == 400
    assert response.headers.get("Access-Control-Allow-Origin") == "*"


def test_cors_preflight_allows_get(api: FlaskClient) -> None:
    response = api.options(
        "/v1/articles",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code in (200, 204)
    assert response.headers.get("Access-Control-Allow-Origin") == "*"
    assert "GET" in response.headers.get("Access-Control-Allow-Methods", "")


# Envelope, pagination on every list ------------------------------------------------------------


def test_list_envelope(api: FlaskClient) -> None:
    response = api.get("/v1/articles?limit=1&fields=slug")
    body = response.get_json()
    assert set(body) == {"data", "meta", "links"}
    assert body["data"] == [{"slug": "bravo"}]
    assert body["meta"]["total"] == 2 and body["meta"]["limit"] == 1
    assert body["links"]["self"].endswith("/v1/articles?limit=1&fields=slug")
    cursor = body["meta"]["next_cursor"]
    assert cursor and f"cursor={cursor}" in body["links"]["next"]
    assert response.headers["Link"] == f'<{body["links"]["next"]}>; rel="next"'
    last = api.get(body["links"]["next"])
    assert last.get_json()["data"] == [{"slug": "alpha"}]
    assert last.get_json()["links"]["next"] is None
    assert "Link" not in last.headers


def test_detail_envelope(api: FlaskClient) -> None:
    body = ok(api, "/v1/articles/alpha")
    assert set(body) == {"data"}
    assert body["data"]["slug"] == "alpha"


@pytest.mark.parametrize(
    ("url", "total"),
    [
        ("/v1/articles?limit=100", 300),
        ("/v1/articles?limit=64&sort=title", 300),
        ("/v1/articles?limit=64&sort=-title", 300),
        ("/v1/articles?limit=64&sort=updated_at", 300),
        ("/v1/articles?limit=64&sort=published_at", 300),
        ("/v1/issues?limit=2", 5),
        ("/v1/glossary?limit=1", 2),
        ("/v1/articles/generated-article-0007/sections?limit=1", 2),
        ("/v1/articles/generated-article-0007/glossary?limit=1", 2),
        ("/v1/articles/generated-article-0007/questions?limit=1", 1),
        ("/v1/articles/generated-article-0007/sources?limit=1", 1),
    ],
)
def test_every_list_paginates_to_the_end(many_api: FlaskClient, url: str, total: int) -> None:
    walk_all(many_api, url, total)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/v1/articles?limit=3&sort=title", "/v1/articles?limit=3&sort=-title"),
        ("/v1/articles?limit=3&sort=title", "/v1/articles?limit=3"),
        ("/v1/articles?limit=3", "/v1/articles?limit=3&sort=updated_at"),
        ("/v1/articles?limit=3&sort=published_at", "/v1/articles?limit=3"),
        ("/v1/issues?limit=2&sort=number", "/v1/issues?limit=2"),
        ("/v1/issues?limit=2&sort=number", "/v1/issues?limit=2&sort=-number"),
        ("/v1/glossary?limit=1&sort=-term", "/v1/glossary?limit=1"),
        # A cursor of another list altogether.
        ("/v1/articles?limit=1&sort=title", "/v1/questions"),
    ],
)
def test_cursor_from_another_sort_is_400(many_api: FlaskClient, first: str, second: str) -> None:
    assert_cursor_refused(many_api, first, second)


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles?cursor=garbage",
        "/v1/articles?cursor=eyJzIjoiLXB1Ymxpc2hlZF9hdCxpZCIsInYiOlt0cnVlLDFdfQ",
        "/v1/articles?cursor=eyJzIjoiLXB1Ymxpc2hlZF9hdCxpZCJ9",
        "/v1/articles?cursor=W10",
        "/v1/articles?cursor=%E2%9C%93",
        "/v1/articles?cursor=eyJ4IjoxfQ",  # {"x":1}
        "/v1/articles?cursor=bm90IGpzb24",  # not json
        "/v1/articles?cursor=e30",  # {}
        "/v1/articles?cursor=!!!",
        "/v1/issues?cursor=garbage",
        "/v1/glossary?cursor=garbage",
        "/v1/questions?cursor=garbage",
        "/v1/sources?cursor=garbage",
        "/v1/articles/generated-article-0001/sections?cursor=garbage",
        "/v1/articles/generated-article-0001/glossary?cursor=garbage",
    ],
)
def test_garbage_cursor_is_400(many_api: FlaskClient, url: str) -> None:
    assert_problem(many_api.get(url), 400, "cursor")


# fields / include --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/v1/articles?fields=slug,nope", "title"),
        ("/v1/articles/alpha?fields=nope", "lede"),
        ("/v1/articles/alpha/sections?fields=nope", "heading"),
        ("/v1/articles/alpha/sections/1?fields=nope", "anchor"),
        ("/v1/articles/alpha/questions?fields=nope", "text"),
        ("/v1/articles/alpha/glossary?fields=nope", "term"),
        ("/v1/articles/alpha/sources?fields=nope", "domain"),
        ("/v1/issues?fields=nope", "number"),
        ("/v1/issues/issue-1?fields=nope", "articles"),
        ("/v1/issues/latest?fields=nope", "title"),
        ("/v1/glossary?fields=nope", "definition"),
        ("/v1/glossary/sanctions?fields=nope", "articles"),
        ("/v1/questions?fields=nope", "kinds"),
        ("/v1/questions/{question}?fields=nope", "kinds"),
        ("/v1/sources?fields=nope", "publisher"),
        ("/v1/sources/{source}?fields=nope", "url"),
    ],
)
def test_unknown_field_is_400_listing_allowed(
    api: FlaskClient, ids: dict[str, int], url: str, allowed: str
) -> None:
    assert_rejects(api, expand(url, ids), "fields", "nope", allowed)


@pytest.mark.parametrize(
    "url", ["/v1/articles?include=nope", "/v1/articles/alpha?include=sections,nope"]
)
def test_unknown_include_is_400_listing_allowed(api: FlaskClient, url: str) -> None:
    assert_rejects(api, url, "include", "sections", "glossary", "questions", "sources")


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("/v1/articles?fields=id,title", {"id", "title"}),
        ("/v1/articles?fields=title&include=questions", {"title", "questions"}),
        ("/v1/articles/alpha?fields=slug&include=sections,issue", {"slug", "sections", "issue"}),
        ("/v1/issues?fields=slug", {"slug"}),
        ("/v1/glossary?fields=term", {"term"}),
        ("/v1/questions?fields=text,kinds", {"text", "kinds"}),
        ("/v1/sources?fields=url", {"url"}),
        ("/v1/articles/alpha/sections?fields=anchor", {"anchor"}),
    ],
)
def test_fields_trim_and_include_survives(api: FlaskClient, url: str, keys: set[str]) -> None:
    body = ok(api, url)
    items = body["data"] if isinstance(body["data"], list) else [body["data"]]
    assert items
    assert all(set(item) == keys for item in items)
    for item in items:
        for name in keys & {"questions", "sections"}:
            assert item[name], name
        if "issue" in keys:
            assert item["issue"]["number"] == 1


# Errors ----------------------------------------------------------------------------------------

PAGING = ["cursor", "limit"]
ALLOWED_PARAMETERS = {
    "/v1/articles": [
        *PAGING,
        *("fields", "format", "include", "issue", "published_after", "published_before"),
        *("q", "sort", "term", "updated_since"),
    ],
    "/v1/articles/alpha": ["fields", "format", "include"],
    "/v1/articles/alpha/sections": [*PAGING, "fields", "format", "kind"],
    "/v1/articles/alpha/sections/1": ["fields", "format"],
    "/v1/articles/alpha/questions": [*PAGING, "fields"],
    "/v1/articles/alpha/glossary": [*PAGING, "fields"],
    "/v1/articles/alpha/sources": [*PAGING, "fields"],
    "/v1/issues": [*PAGING, "fields", "sort"],
    "/v1/issues/latest": ["fields"],
    "/v1/issues/issue-1": ["fields"],
    "/v1/issues/issue-1/bundle": ["format"],
    "/v1/glossary": [*PAGING, "article", "fields", "letter", "prefix", "sort"],
    "/v1/glossary/sanctions": ["fields"],
    "/v1/questions": [*PAGING, "article", "fields", "issue", "kind"],
    "/v1/questions/{question}": ["fields"],
    "/v1/sources": [*PAGING, "article", "domain", "fields"],
    "/v1/sources/{source}": ["fields"],
}


@pytest.mark.parametrize("url", sorted(ALLOWED_PARAMETERS))
def test_unknown_parameter_is_400_naming_it(
    api: FlaskClient, ids: dict[str, int], url: str
) -> None:
    full = expand(url, ids) + "?colour=blue"
    body = assert_problem(api.get(full), 400, "colour")
    assert body["instance"] == full
    assert "colour" in body["detail"]
    allowed = ", ".join(sorted(ALLOWED_PARAMETERS[url]))
    assert body["errors"]["colour"] == [f"Unknown parameter. Allowed: {allowed}."]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("/v1/articles?limit=0", "limit"),
        ("/v1/articles?limit=101", "limit"),
        ("/v1/articles?limit=abc", "limit"),
        ("/v1/articles?limit=-1", "limit"),
        ("/v1/articles?limit=1.5", "limit"),
        ("/v1/articles?format=pdf", "format"),
        ("/v1/articles/alpha?format=HTML5", "format"),
        ("/v1/articles/alpha/sections?format=pdf", "format"),
        ("/v1/issues/issue-1/bundle?format=pdf", "format"),
        ("/v1/articles?sort=bogus", "sort"),
        ("/v1/articles?sort=-published_at,bogus", "sort"),
        ("/v1/issues?sort=bogus", "sort"),
        ("/v1/glossary?sort=bogus", "sort"),
        ("/v1/articles?published_after=yesterday", "published_after"),
        ("/v1/articles?published_before=2024-13-01", "published_before"),
        ("/v1/articles?updated_since=2024-06-19T25:00:00Z", "updated_since"),
        ("/v1/articles?issue=not%20a%20ref", "issue"),
        ("/v1/articles?term=a%2Fb", "term"),
        ("/v1/articles?q=", "q"),
        ("/v1/articles?q=" + "x" * 1000, "q"),
        ("/v1/glossary?letter=ab", "letter"),
        ("/v1/glossary?limit=0", "limit"),
        ("/v1/articles/alpha/sections?kind=footer", "kind"),
        ("/v1/articles/alpha/questions?limit=101", "limit"),
        ("/v1/questions?limit=abc", "limit"),
        ("/v1/sources?limit=0", "limit"),
        ("/v1/issues?limit=101", "limit"),
    ],
)
def test_bad_value_is_400_naming_the_parameter(api: FlaskClient, query: str, param: str) -> None:
    body = assert_problem(api.get(query), 400, param)
    # `instance` is the request, cut at 512 characters (tests/test_boundary.py).
    assert body["instance"] == (query if len(query) <= 512 else query[:509] + "...")


@pytest.mark.parametrize(
    ("query", "param", "allowed"),
    [
        ("/v1/articles?format=pdf", "format", ["text", "html", "markdown"]),
        ("/v1/articles?sort=bogus", "sort", ["published_at", "title", "updated_at"]),
        ("/v1/issues?sort=bogus", "sort", ["number", "published_on"]),
        ("/v1/articles?limit=101", "limit", ["100"]),
    ],
)
def test_bad_value_message_lists_what_is_allowed(
    api: FlaskClient, query: str, param: str, allowed: list[str]
) -> None:
    assert_rejects(api, query, param, *allowed)


def test_several_bad_parameters_are_all_reported(api: FlaskClient) -> None:
    body = assert_problem(api.get("/v1/articles?limit=0&format=pdf&colour=blue"), 400)
    assert {"limit", "format", "colour"} <= set(body["errors"])


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("/v1/articles?limit=1&limit=2", "limit"),
        ("/v1/articles?format=html&format=text", "format"),
        ("/v1/articles?issue=issue-1&issue=issue-2", "issue"),
        ("/v1/glossary?letter=a&letter=b", "letter"),
        ("/v1/questions?limit=5&limit=5", "limit"),
    ],
)
def test_repeated_parameter_is_400(api: FlaskClient, query: str, param: str) -> None:
    assert_problem(api.get(query), 400, param)


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles/no-such-article",
        "/v1/articles/999999",
        "/v1/articles/99999999999999999999999",  # beyond SQLite's integers: 404, not 500
        "/v1/articles/no-such-article/sections",
        "/v1/articles/alpha/sections/no-such-anchor",
        "/v1/articles/alpha/sections/99",
        "/v1/issues/no-such-issue",
        "/v1/issues/424242",
        "/v1/issues/99999999999999999999999",
        "/v1/issues/no-such-issue/bundle",
        "/v1/issues/424242/bundle",
        "/v1/glossary/no-such-term",
        "/v1/glossary/424242",
        "/v1/glossary/99999999999999999999999",
        "/v1/questions/424242",
        "/v1/questions/abc",
        "/v1/questions/99999999999999999999999",
        "/v1/sources/424242",
        "/v1/sources/abc",
        "/v1/sources/99999999999999999999999",
    ],
)
def test_unknown_resource_is_404_problem(api: FlaskClient, url: str) -> None:
    assert_not_found(api, url)


@pytest.mark.parametrize(
    "url", ["/v1/nothing", "/nothing", "/v1/articles/alpha/comments", "/v2/articles"]
)
def test_unknown_route_is_404_problem_not_html(api: FlaskClient, url: str) -> None:
    assert_not_found(api, url)


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize(
    "url",
    ["/v1/glossary", "/v1/issues/issue-1/bundle", "/v1/articles/alpha/sections", "/v1/sources"],
)
def test_wrong_method_is_405_with_allow(api: FlaskClient, method: str, url: str) -> None:
    response = getattr(api, method)(url, json={"title": "x"})
    assert_problem(response, 405)
    allow = {m.strip().upper() for m in response.headers.get("Allow", "").split(",")}
    assert "GET" in allow
    assert method.upper() not in allow


def test_healthz_wrong_method_is_405(api: FlaskClient) -> None:
    response = api.post("/healthz")
    assert_problem(response, 405)
    assert "GET" in response.headers.get("Allow", "")


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles",
        "/v1/articles?sort=title&limit=100",
        "/v1/articles?q=zebra",
        "/v1/articles?issue=issue-1&include=sections,glossary,questions,sources",
        "/v1/issues",
        "/v1/issues/issue-1",
        "/v1/issues/latest",
        "/v1/issues/issue-1/bundle",
        "/v1/glossary",
        "/v1/glossary?letter=s",
        "/v1/glossary/sanctions",
        "/v1/questions",
        "/v1/questions?kind=debate",
        "/v1/questions?issue=issue-1",
        "/v1/sources",
        "/v1/articles?term=secret-weapon",
    ],
)
def test_unpublished_content_never_appears(api: FlaskClient, url: str) -> None:
    body = ok(api, url)
    text = json.dumps(body["data"], ensure_ascii=False)  # links.self echoes the query
    for marker in HIDDEN_MARKERS:
        assert marker not in text, (url, marker)
    assert "hidden-draft" not in text and "hidden-future" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles/hidden-draft",
        "/v1/articles/hidden-future",
        "/v1/articles/hidden-draft/questions",
        "/v1/articles/hidden-future/sources",
        "/v1/glossary/secret-weapon",
        "/v1/sources?domain=draft-only.example",
        "/v1/sources?domain=scheduled-only.example",
    ],
)
def test_unpublished_content_is_404_or_empty(api: FlaskClient, url: str) -> None:
    response = api.get(url)
    if "?" in url:
        assert response.status_code == 200 and response.get_json()["data"] == []
    else:
        assert_problem(response, 404)


def test_unpublished_counts_are_not_counted(api: FlaskClient) -> None:
    assert ok(api, "/v1/articles")["meta"]["total"] == 2
    assert ok(api, "/v1/issues/issue-1")["data"]["article_count"] == 2
    assert ok(api, "/v1/glossary/sanctions")["data"]["article_count"] == 2
    assert ok(api, "/v1/questions")["meta"]["total"] == 2
    assert ok(api, "/v1/sources")["meta"]["total"] == 2


def test_errors_are_not_publicly_cached(api: FlaskClient) -> None:
    for url in ("/v1/articles?limit=0", "/v1/articles/nope", "/v1/nothing"):
        cache_control = api.get(url).headers.get("Cache-Control", "")
        assert "public" not in cache_control, (url, cache_control)


# Timestamps --------------------------------------------------------------------------------------


def test_timestamps_are_rfc3339_utc_and_dates_are_plain(api: FlaskClient) -> None:
    article = ok(api, "/v1/articles/alpha?include=sources,issue")["data"]
    for key in ("published_at", "created_at", "updated_at"):
        assert RFC3339.match(article[key]), (key, article[key])
    assert article["published_at"] == "2024-06-01T00:00:00Z"
    assert DATE.match(article["sources"][0]["published_on"])
    assert DATE.match(article["issue"]["published_on"])
    for key in ("created_at", "updated_at"):
        assert RFC3339.match(article["issue"][key])


# Health ------------------------------------------------------------------------------------------


def test_healthz_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    health = {"status": "ok", "database": "ok", "role": "primary", "position": 0}
    assert response.get_json() == health
    assert "public" not in response.headers.get("Cache-Control", "")


def _replace_with_garbage(app: Flask) -> None:
    """Swap the database file (and its WAL) for bytes that are not a database."""
    path = Path(app.config["DATABASE"])
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            os.remove(candidate)
    path.write_bytes(b"this is not a database\n" * 200)


def _assert_reads_fail_as_problems(app: Flask) -> None:
    # Not checked against the contract, which lists no 5xx for this route.
    response = FlaskClient(app, app.response_class).get("/v1/articles")
    assert response.status_code in (500, 503)
    assert_problem(response, response.status_code)


def test_healthz_503_when_the_file_is_not_a_database(app: Flask) -> None:
    _replace_with_garbage(app)
    assert_problem(app.test_client().get("/healthz"), 503)
    _assert_reads_fail_as_problems(app)


def test_healthz_503_when_the_file_is_replaced_while_serving(app: Flask) -> None:
    """The file swapped for garbage after the app has answered requests (a bad restore)."""
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    _replace_with_garbage(app)
    assert_problem(client.get("/healthz"), 503)


def test_healthz_503_when_a_table_is_gone(app: Flask, client: FlaskClient, db: Database) -> None:
    assert client.get("/healthz").status_code == 200
    db.execute("DROP TABLE articles")
    assert_problem(client.get("/healthz"), 503)
    _assert_reads_fail_as_problems(app)
