"""The response cache (api.cache): any write, by any path or process, shows at once.

Every test reads through the cached app, writes, and reads again; the oracle is a
second app over the same file with the cache turned off, which builds every answer
afresh. A stale entry would differ from it.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.http import remove_entity_headers, unquote_etag
from werkzeug.serving import make_server

from api.cache import _entry as cache_entry
from api.db import connect
from api.http import body_etag
from api.importer.write import write_document
from api.timefmt import clock_at
from tests.conftest import make_app
from tests.factories import make_document
from tests.helpers import SEED_FILE, SEED_SLUG, bearer, make_key, run_seed

ROOT = Path(__file__).resolve().parent.parent
ALL_PARTS = "?include=sections,glossary,questions,sources"
ARTICLE = "/v1/articles/test-article-1"


class Apps:
    """The cached app, the uncached oracle over the same database, an editor's key."""

    def __init__(self, database: Path, **config: Any) -> None:
        self.database = database
        self.cached = make_app(database, WRITE_RATE_LIMIT="10000 per minute", **config)
        self.fresh = make_app(database, RESPONSE_CACHE_BYTES=0, RENDITIONS=False)
        self.client = self.cached.test_client()
        self.oracle = self.fresh.test_client()
        self.auth = bearer(make_key(self.cached))

    @property
    def cache(self) -> Any:
        return self.cached.extensions["response_cache"]

    def etag(self, url: str) -> str:
        response = self.client.get(url, headers=self.auth)
        assert response.status_code == 200, response.get_data(as_text=True)
        return str(response.headers["ETag"])

    def write(self, method: str, url: str, body: Any = None, *, if_match: bool = True) -> Any:
        headers = dict(self.auth)
        if if_match:
            headers["If-Match"] = self.etag(url)
        response = self.client.open(url, method=method, json=body, headers=headers)
        assert response.status_code in (200, 201, 204), response.get_data(as_text=True)
        return response


def exchange(client: FlaskClient, url: str) -> tuple[int, bytes, str | None]:
    response = client.get(url)
    return response.status_code, response.get_data(), response.headers.get("ETag")


def read_twice(apps: Apps, urls: list[str]) -> dict[str, tuple[int, bytes, str | None]]:
    """Each URL read, then read again from the cache (which must have kept the 200s)."""
    first = {url: exchange(apps.client, url) for url in urls}
    hits = apps.cache.hits
    second = {url: exchange(apps.client, url) for url in urls}
    assert second == first
    assert apps.cache.hits - hits == sum(1 for s, _, _ in first.values() if s == 200)
    return first


def assert_current(apps: Apps, urls: list[str]) -> dict[str, tuple[int, bytes, str | None]]:
    """Each URL read through the cache is what the uncached app answers, and was built
    afresh: the write moved the version, so no entry from before it was used."""
    hits = apps.cache.hits
    now = {url: exchange(apps.client, url) for url in urls}
    assert apps.cache.hits == hits, "an entry from before the write was served"
    for url in urls:
        assert now[url] == exchange(apps.oracle, url), url
    return now


@pytest.fixture
def apps(tmp_path: Path) -> Apps:
    made = Apps(tmp_path / "cache.db")
    issue = {"number": 1, "title": "Issue one", "status": "published", "published_on": "2024-06-20"}
    made.write("POST", "/v1/issues", issue, if_match=False)
    empty = {"number": 2, "title": "Issue two", "status": "published", "published_on": "2024-07-01"}
    made.write("POST", "/v1/issues", empty, if_match=False)
    made.write("POST", "/v1/articles", article_body(1, issue_id=1), if_match=False)
    return made


def article_body(n: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": f"Test article {n}",
        "lede": f"The lede of test article {n} talks about sanctions and the treaty.",
        "slug": f"test-article-{n}",
        "status": "published",
        "published_at": "2024-06-19T08:00:00Z",
        "sections": [
            {"kind": "body", "heading": "What happened", "paragraphs": ["Sanctions followed."]},
            {
                "kind": "background",
                "heading": "Historical Context",
                "items": [{"label": "Cold War", "text": "A long standoff."}],
            },
        ],
        "glossary": [{"term": "Sanctions", "definition": "Penalties imposed by states."}],
        "questions": [{"text": "Are sanctions an effective tool?"}],
        "sources": [{"url": f"https://www.example.com/2024/06/19/story-{n}.html"}],
    }
    body.update(changes)
    return body


def part_url(apps: Apps, part: str) -> str:
    listed = apps.client.get(f"{ARTICLE}/{part}").get_json()["data"]
    return f"/v1/{part}/{listed[0]['id']}"


def watched(apps: Apps) -> list[str]:
    """Every kind of public read the writes below can change."""
    return [
        "/v1/issues",
        "/v1/issues/issue-1",
        "/v1/issues/issue-2",
        "/v1/issues/issue-1/bundle",
        "/v1/articles",
        "/v1/articles?limit=1",
        ARTICLE + ALL_PARTS,
        ARTICLE + "?format=text",
        "/v1/glossary",
        "/v1/glossary/sanctions",
        "/v1/questions",
        part_url(apps, "questions"),
        "/v1/sources",
        part_url(apps, "sources"),
        "/v1/search?q=sanctions",
        "/v1/articles?q=treaty",
    ]


# Each write over the editors' API, as (what it does to the fixture's content).
Write = Callable[[Apps], None]
WRITES: dict[str, Write] = {
    "POST issue": lambda a: a.write(
        "POST",
        "/v1/issues",
        {"number": 3, "title": "Issue three", "status": "published", "published_on": "2024-08-01"},
        if_match=False,
    ),
    "PUT issue": lambda a: a.write(
        "PUT",
        "/v1/issues/issue-1",
        {
            "number": 1,
            "title": "Renamed",
            "slug": "issue-1",
            "status": "published",
            "published_on": "2024-06-20",
        },
    ),
    "PATCH issue": lambda a: a.write("PATCH", "/v1/issues/issue-1", {"title": "Patched"}),
    "DELETE issue": lambda a: a.write("DELETE", "/v1/issues/issue-2"),
    "POST article": lambda a: a.write(
        "POST", "/v1/articles", article_body(2, issue_id=1), if_match=False
    ),
    "PUT article": lambda a: a.write(
        "PUT", ARTICLE, article_body(1, issue_id=1, title="A new title")
    ),
    "PATCH article": lambda a: a.write("PATCH", ARTICLE, {"lede": "A patched lede, long enough."}),
    "DELETE article": lambda a: a.write("DELETE", ARTICLE),
    "unpublish article": lambda a: a.write("PATCH", ARTICLE, {"status": "draft"}),
    "POST term": lambda a: a.write(
        "POST",
        f"{ARTICLE}/glossary",
        {"term": "Treaty", "definition": "A written agreement."},
        if_match=False,
    ),
    "PUT term": lambda a: a.write(
        "PUT", "/v1/glossary/sanctions", {"term": "Sanctions", "definition": "Rewritten."}
    ),
    "PATCH term": lambda a: a.write("PATCH", "/v1/glossary/sanctions", {"definition": "Patched."}),
    "DELETE term": lambda a: a.write("DELETE", "/v1/glossary/sanctions"),
    "POST question": lambda a: a.write(
        "POST", f"{ARTICLE}/questions", {"text": "Who gains?"}, if_match=False
    ),
    "PUT question": lambda a: a.write("PUT", part_url(a, "questions"), {"text": "Replaced?"}),
    "PATCH question": lambda a: a.write("PATCH", part_url(a, "questions"), {"text": "Patched?"}),
    "DELETE question": lambda a: a.write("DELETE", part_url(a, "questions")),
    "POST source": lambda a: a.write(
        "POST", f"{ARTICLE}/sources", {"url": "https://www.example.com/new.html"}, if_match=False
    ),
    "PUT source": lambda a: a.write(
        "PUT", part_url(a, "sources"), {"url": "https://www.example.com/put.html"}
    ),
    "PATCH source": lambda a: a.write(
        "PATCH", part_url(a, "sources"), {"url": "https://www.example.com/patch.html"}
    ),
    "DELETE source": lambda a: a.write("DELETE", part_url(a, "sources")),
}


# An issue shows once something in it is published: creating one, or deleting an empty
# one, changes nothing the public sees. The version still moves.
UNSEEN = {"POST issue", "DELETE issue"}


@pytest.mark.parametrize("name", list(WRITES))
def test_every_editor_write_shows_at_once(apps: Apps, name: str) -> None:
    urls = watched(apps)
    before = read_twice(apps, urls)
    WRITES[name](apps)
    after = assert_current(apps, urls)
    if name not in UNSEEN:
        assert after != before, "the write changed nothing a reader sees: the test proves nothing"


def small_document(slug: str, lede: str) -> str:
    return "\n".join(
        [
            "---",
            f"slug: {slug}",
            "issue: 1",
            "status: published",
            "published_at: 2024-06-21T00:00:00Z",
            "---",
            f"Small Import {slug.title()}",
            lede,
            "What Happened",
            "A paragraph of body text that tells the story in plain words, long enough to count.",
            "Key Terms",
            "Sanctions: Penalties imposed by states.",
        ]
    )


@pytest.mark.parametrize("slug", ["test-article-1", "imported-one"])
def test_an_import_over_http_shows_at_once(apps: Apps, slug: str) -> None:
    urls = [*watched(apps), f"/v1/articles/{slug}"]
    before = read_twice(apps, urls)
    lede = "An imported lede that says something new about the sanctions treaty."
    response = apps.client.post(
        "/v1/imports",
        data=small_document(slug, lede),
        content_type="text/plain",
        headers=apps.auth,
    )
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    after = assert_current(apps, urls)
    assert after != before
    assert lede.encode() in after[f"/v1/articles/{slug}"][1]


def test_flask_seed_from_another_process_shows_at_once(tmp_path: Path) -> None:
    apps = Apps(tmp_path / "seeded.db")
    folder = tmp_path / "seed"
    folder.mkdir()
    document = folder / SEED_FILE.name
    document.write_text(SEED_FILE.read_text())
    run_seed(apps.cached.test_cli_runner(), folder)
    url = f"/v1/articles/{SEED_SLUG}{ALL_PARTS}"
    urls = [url, "/v1/articles", "/v1/glossary", "/v1/issues/issue-1/bundle"]
    before = read_twice(apps, urls)
    text = document.read_text()
    assert "North Korea" in text
    document.write_text(text.replace("North Korea", "Nordkorea"))
    env = {**os.environ, "FLASK_DATABASE": str(apps.database), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "api", "seed", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    after = assert_current(apps, urls)
    assert b"Nordkorea" in after[url][1] and b"Nordkorea" not in before[url][1]


def test_a_write_through_another_connection_shows_at_once(apps: Apps) -> None:
    urls = watched(apps)
    before = read_twice(apps, urls)
    db = connect(apps.database)
    try:
        write_document(db, make_document(7, slug="written-elsewhere", issue=1))
    finally:
        db.close()
    assert assert_current(apps, urls) != before


def test_a_scheduled_article_shows_when_its_time_comes(apps: Apps) -> None:
    moment = "2030-05-01T12:00:00Z"
    db = connect(apps.database)
    try:
        write_document(
            db, make_document(5, slug="on-the-dot", status="scheduled", published_at=moment)
        )
    finally:
        db.close()
    urls = [
        "/v1/articles",
        "/v1/articles/on-the-dot",
        "/v1/issues/issue-1/bundle",
        "/v1/search?q=sanctions",
    ]
    with clock_at("2030-05-01T11:59:59Z"):
        before = read_twice(apps, urls)
        assert before["/v1/articles/on-the-dot"][0] == 404
    with clock_at(moment):
        after = assert_current(apps, urls)
    assert after["/v1/articles/on-the-dot"][0] == 200
    assert (
        b"on-the-dot" in after["/v1/articles"][1] and b"on-the-dot" not in before["/v1/articles"][1]
    )


def test_a_draft_scheduled_without_a_log_line_still_shows_on_time(apps: Apps) -> None:
    """Draft to scheduled is a change of status alone, which the change log leaves out
    (the public sees nothing new yet); the moment it comes must still show."""
    moment = "2030-05-01T12:00:00Z"
    body = article_body(3, issue_id=1, status="draft", published_at=moment)
    apps.write("POST", "/v1/articles", body, if_match=False)
    url = "/v1/articles/test-article-3"
    with clock_at("2030-04-30T00:00:00Z"):
        apps.write("PATCH", url, {"status": "scheduled"})
    with clock_at("2030-05-01T11:59:59Z"):
        assert read_twice(apps, [url, "/v1/articles"])[url][0] == 404
    with clock_at(moment):
        assert assert_current(apps, [url, "/v1/articles"])[url][0] == 200


def test_a_scheduled_issue_shows_on_its_day(apps: Apps) -> None:
    issue = {
        "number": 9,
        "title": "Issue nine",
        "status": "scheduled",
        "published_on": "2031-01-02",
    }
    created = apps.write("POST", "/v1/issues", issue, if_match=False).get_json()["data"]
    # An issue shows once something in it is published.
    apps.write("POST", "/v1/articles", article_body(9, issue_id=created["id"]), if_match=False)
    urls = ["/v1/issues", "/v1/issues/issue-9", "/v1/issues/latest"]
    with clock_at("2031-01-01T23:59:59Z"):
        before = read_twice(apps, urls)
        assert before["/v1/issues/issue-9"][0] == 404
    with clock_at("2031-01-02T00:00:00Z"):
        after = assert_current(apps, urls)
    assert after["/v1/issues/issue-9"][0] == 200
    assert after["/v1/issues/latest"] != before["/v1/issues/latest"]


# What is never cached, what a hit sends --------------------------------------------------


def test_previews_are_never_cached(apps: Apps) -> None:
    apps.write("POST", "/v1/articles", article_body(4, issue_id=1, status="draft"), if_match=False)
    url = "/v1/articles/test-article-4"
    kept, hits = len(apps.cache), apps.cache.hits
    for _ in range(2):
        preview = apps.client.get(url, headers=apps.auth)
        assert preview.status_code == 200
        assert preview.headers["Cache-Control"] == "private, no-store"
        listed = apps.client.get("/v1/articles", headers=apps.auth)
        assert b"test-article-4" in listed.get_data()
    assert (len(apps.cache), apps.cache.hits) == (kept, hits)
    assert apps.client.get(url).status_code == 404
    assert b"test-article-4" not in apps.client.get("/v1/articles").get_data()
    assert (
        apps.client.get(ARTICLE, headers=apps.auth).headers["Cache-Control"] == "private, no-store"
    )
    assert apps.client.get(ARTICLE).headers["Cache-Control"].startswith("public")


def test_a_hit_sends_what_the_app_sends(apps: Apps) -> None:
    """Headers and body of hits (200, HEAD, 304, each content coding) are those the app
    builds without the cache, Date aside."""

    def seen(client: FlaskClient, method: str, headers: dict[str, str]) -> tuple[Any, ...]:
        response = client.open(ARTICLE + ALL_PARTS, method=method, headers=headers)
        kept = sorted((k, v) for k, v in response.headers.items() if k != "Date")
        body = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)  # gzip's header has the second it was made
        return response.status_code, kept, body

    tag = apps.client.get(ARTICLE + ALL_PARTS).headers["ETag"]
    gzip_tag = apps.client.get(ARTICLE + ALL_PARTS, headers={"Accept-Encoding": "gzip"}).headers[
        "ETag"
    ]
    cases = [
        ("GET", {}),
        ("HEAD", {}),
        ("GET", {"Accept-Encoding": "gzip"}),
        ("GET", {"Accept-Encoding": "br, gzip"}),
        ("HEAD", {"Accept-Encoding": "gzip"}),
        ("GET", {"If-None-Match": tag}),
        ("HEAD", {"If-None-Match": tag}),
        ("GET", {"If-None-Match": f'"other", {tag}'}),
        ("GET", {"If-None-Match": '"other"'}),
        ("GET", {"If-None-Match": gzip_tag, "Accept-Encoding": "gzip"}),
        ("GET", {"If-None-Match": tag, "Accept-Encoding": "gzip"}),
        ("GET", {"Origin": "https://reader.example"}),
    ]
    for method, headers in cases:
        for _ in range(2):  # the second from the cache
            assert seen(apps.client, method, headers) == seen(apps.oracle, method, headers), (
                method,
                headers,
            )


def test_a_304_is_answered_from_the_cache(apps: Apps) -> None:
    url = ARTICLE + ALL_PARTS
    tag = apps.client.get(url).headers["ETag"]
    hits = apps.cache.hits
    response = apps.client.get(url, headers={"If-None-Match": tag})
    assert response.status_code == 304 and response.get_data() == b""
    assert apps.cache.hits == hits + 1


def test_the_key_has_the_host_and_the_query(apps: Apps) -> None:
    apps.client.get("/v1/articles")
    kept = len(apps.cache)
    apps.client.get("/v1/articles", headers={"Host": "127.0.0.1"})  # trusted, not the default
    apps.client.get("/v1/articles?limit=20")
    assert len(apps.cache) == kept + 2


def test_a_failed_if_match_on_a_read_is_a_412_problem(apps: Apps) -> None:
    for url in (ARTICLE, "/v1/articles", ARTICLE + "?format=text"):
        apps.client.get(url)
        response = apps.client.get(url, headers={"If-Match": '"not-the-etag"'})
        assert response.status_code == 412
        assert response.mimetype == "application/problem+json"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.get_json()["status"] == 412
        assert "data" not in response.get_json()
        current = apps.client.get(url).headers["ETag"]
        assert apps.client.get(url, headers={"If-Match": current}).status_code == 200


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip;q=0", None),
        ("gzip;q=0, br;q=0", None),
        ("br;q=0, gzip", "gzip"),
        ("*;q=0", None),
        ("gzip, br", "br"),
        ("br;q=0.5, gzip;q=1.0", "gzip"),
        ("identity", None),
    ],
)
def test_accept_encoding_q_values(apps: Apps, accept: str, coding: str | None) -> None:
    for _ in range(2):
        response = apps.client.get(ARTICLE + ALL_PARTS, headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == coding


# Threads ---------------------------------------------------------------------------------


@pytest.fixture
def threaded_server(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    # A small cache, so entries are evicted while others are read and stored.
    app = make_app(tmp_path / "threads.db", RESPONSE_CACHE_BYTES=200_000)
    db = connect(app.config["DATABASE"])
    write_document(db, make_document(1, slug="busy", lede="Version 0 of the lede, with sanctions."))
    db.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def test_concurrent_readers_and_a_writer_never_see_a_mismatch(
    threaded_server: tuple[Flask, str],
) -> None:
    """Readers on 6 threads, one writer rewriting the article 40 times: every body matches
    its ETag, and no reader ever sees an older version after a newer one."""
    import http.client
    import re
    from urllib.parse import urlsplit

    app, base = threaded_server
    port = urlsplit(base).port
    urls = ["/v1/articles/busy" + ALL_PARTS, "/v1/articles", "/v1/articles/busy?format=text"]
    urls += [f"/v1/articles?limit={n}" for n in range(1, 20)]
    version = re.compile(rb"Version (\d+) of the lede")
    writes, done, failures = 40, threading.Event(), []

    def read() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        newest = dict.fromkeys(urls, -1)
        try:
            while not done.is_set():
                for url in urls:
                    conn.request("GET", url)
                    response = conn.getresponse()
                    body = response.read()
                    if response.status != 200:
                        failures.append((url, response.status))
                        continue
                    if f'"{body_etag(body)}"' != response.getheader("ETag"):
                        failures.append((url, "ETag does not match the body"))
                    seen = int(version.search(body).group(1))  # type: ignore[union-attr]
                    if seen < newest[url]:
                        failures.append((url, f"saw version {seen} after {newest[url]}"))
                    newest[url] = seen
        except Exception as error:  # reported below, with the other failures
            failures.append(("reader", repr(error)))
        finally:
            conn.close()

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    db = connect(app.config["DATABASE"])
    try:
        for n in range(1, writes + 1):
            lede = f"Version {n} of the lede, with sanctions."
            write_document(db, make_document(1, slug="busy", lede=lede))
    finally:
        db.close()
        done.set()
        for reader in readers:
            reader.join(60)
    assert failures == []
    assert app.extensions["response_cache"].hits > 0
    for url in urls:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", url)
        assert f"Version {writes} of the lede".encode() in conn.getresponse().read()
        conn.close()


def test_a_url_with_a_cache_buster_is_not_kept(apps: Apps) -> None:
    apps.client.get(ARTICLE + ALL_PARTS)
    kept = len(apps.cache)
    for n in range(3):
        busted = f"{ARTICLE}{ALL_PARTS}&_={n}"
        assert exchange(apps.client, busted) == exchange(apps.oracle, busted)
    assert len(apps.cache) == kept


def _entry_by_werkzeug(headers: list[tuple[str, str]]) -> tuple[Any, ...]:
    """What api.cache._entry made with werkzeug's Headers before it was plain lists: the
    reference its 304 headers, ETags and Last-Modified must keep matching."""
    kept = [(name, value) for name, value in headers if name.lower() != "date"]
    found = Headers(kept)
    etag_header = found.get("ETag")
    short = Headers(kept)
    remove_entity_headers(short)
    short.remove("xkey")
    etag = unquote_etag(etag_header)[0] if etag_header else None
    coding = found.get("Content-Encoding")
    identity = None
    identity_short = Headers(short)
    if etag and coding and etag.endswith(f":{coding}"):
        identity = etag[: -len(coding) - 1]
        identity_short["ETag"] = f'"{identity}"'
    return (
        kept,
        list(short.items()),
        etag,
        etag_header,
        identity,
        list(identity_short.items()),
        found.get("Last-Modified"),
    )


_HEADER_NAMES = st.sampled_from(
    ["ETag", "etag", "Content-Type", "Content-Length", "Content-Encoding", "content-encoding",
     "Last-Modified", "xkey", "XKey", "Vary", "Date", "Expires", "Cache-Control", "Allow",
     "Content-Location", "X-Other"]
)  # fmt: skip
_HEADER_VALUES = st.sampled_from(
    ['"abc"', '"abc:gzip"', 'W/"x:gzip"', "gzip", "br", "v", "", "Tue, 01 Dec 2026 14:44:55 GMT"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), max_size=10))
def test_an_entry_is_what_werkzeugs_headers_made(headers: list[tuple[str, str]]) -> None:
    entry = cache_entry("200 OK", headers, b"body")
    made = (
        entry.headers,
        entry.headers_304,
        entry.etag,
        entry.etag_header,
        entry.identity_etag,
        entry.identity_304,
        entry.last_modified,
    )
    assert made == _entry_by_werkzeug(headers)
