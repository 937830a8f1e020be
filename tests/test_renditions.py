"""Renditions (api.renditions): any write, by any path or process, shows at once.

The memory cache is off (`RESPONSE_CACHE_BYTES=0`), so the rendition store is what
answers. Each test reads article URLs twice (the second read must come from the store),
writes, then reads again: every answer must be what a second app over the same file,
without renditions, builds afresh. A stale row would differ from it. A third read must
come from the store again, so the store is still in use after the write.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from api.db import connect
from api.importer.write import write_document
from api.renditions import store_path
from api.timefmt import clock_at
from tests.conftest import make_app
from tests.factories import make_document
from tests.helpers import SEED_FILE, SEED_SLUG, TEST_CONFIG, bearer, make_key, run_seed
from tests.test_cache import ALL_PARTS, ARTICLE, WRITES, Apps, article_body, small_document

ROOT = Path(__file__).resolve().parent.parent
# An article's web page names its issue: an issue's slug is in the article's answer.
WEB = {"WEB_URL_ARTICLE": "https://w.test/{issue}/{issue_number}/{slug}"}
OTHER = "/v1/articles/test-article-6"  # shares the term Sanctions with ARTICLE

Answer = tuple[int, list[tuple[str, str]], bytes]


class RenditionApps(Apps):
    """The app answering from renditions, the oracle without them, an editor's key."""

    def __init__(self, database: Path, **config: Any) -> None:
        self.database = database
        self.cached = make_app(
            database, RESPONSE_CACHE_BYTES=0, WRITE_RATE_LIMIT="10000 per minute", **WEB, **config
        )
        self.fresh = make_app(database, RESPONSE_CACHE_BYTES=0, RENDITIONS=False, **WEB, **config)
        assert "response_cache" not in self.cached.extensions
        assert "renditions" not in self.fresh.extensions
        self.client = self.cached.test_client()
        self.oracle = self.fresh.test_client()
        self.auth = bearer(make_key(self.cached))

    @property
    def store(self) -> Any:
        return self.cached.extensions["renditions"]


def exchange(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> Answer:
    response = client.get(url, headers=headers or {})
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)  # gzip's header has the second it was made
    kept = sorted((k, v) for k, v in response.headers.items() if k != "Date")
    return response.status_code, kept, body


GZIP = {"Accept-Encoding": "gzip"}


def variants(urls: list[str]) -> list[tuple[str, dict[str, str] | None]]:
    unique = list(dict.fromkeys(urls))
    return [(url, None) for url in unique] + [(url, GZIP) for url in unique[:1]]


def read_twice(apps: RenditionApps, urls: list[str]) -> dict[Any, Answer]:
    """Each URL read, then read again: the second time from the store (for every 200)."""
    first = {(u, str(h)): exchange(apps.client, u, h) for u, h in variants(urls)}
    hits = apps.store.hits
    second = {(u, str(h)): exchange(apps.client, u, h) for u, h in variants(urls)}
    assert second == first
    assert apps.store.hits - hits == sum(1 for s, _, _ in first.values() if s == 200)
    return first


def assert_current(apps: RenditionApps, urls: list[str]) -> dict[Any, Answer]:
    """Each URL answered as the app without renditions answers it; then answered from the
    store again (the rows were rebuilt, not given up)."""
    now = {}
    for url, headers in variants(urls):
        now[(url, str(headers))] = exchange(apps.client, url, headers)
        assert now[(url, str(headers))] == exchange(apps.oracle, url, headers), (url, headers)
    hits = apps.store.hits
    assert {(u, str(h)): exchange(apps.client, u, h) for u, h in variants(urls)} == now
    assert apps.store.hits - hits == sum(1 for s, _, _ in now.values() if s == 200)
    return now


def article_urls(apps: RenditionApps) -> list[str]:
    """Every variant of the two articles the writes below can change."""
    article_id = apps.client.get(ARTICLE).get_json()["data"]["id"]
    return [
        ARTICLE + ALL_PARTS,
        f"/v1/articles/{article_id}{ALL_PARTS}",
        ARTICLE + ALL_PARTS + "&_=17&utm_source=mail",
        ARTICLE,
        ARTICLE + "?format=html&include=glossary,sections",
        ARTICLE + "?format=markdown&include=sources,questions",
        ARTICLE + "?fields=title,web_url&include=glossary",
        OTHER + ALL_PARTS,
    ]


@pytest.fixture
def apps(tmp_path: Path) -> RenditionApps:
    made = RenditionApps(tmp_path / "renditions.db")
    issue = {"number": 1, "title": "Issue one", "status": "published", "published_on": "2024-06-20"}
    made.write("POST", "/v1/issues", issue, if_match=False)
    empty = {"number": 2, "title": "Issue two", "status": "published", "published_on": "2024-07-01"}
    made.write("POST", "/v1/issues", empty, if_match=False)
    made.write("POST", "/v1/articles", article_body(1, issue_id=1), if_match=False)
    made.write("POST", "/v1/articles", article_body(6, issue_id=1), if_match=False)
    return made


# The editors' writes of tests/test_cache.py, and what they leave alone in an article's answer.
ARTICLE_WRITES = {
    **WRITES,
    "PATCH issue slug": lambda a: a.write("PATCH", "/v1/issues/issue-1", {"slug": "first"}),
    "PATCH issue number": lambda a: a.write("PATCH", "/v1/issues/issue-1", {"number": 11}),
    "move article to another issue": lambda a: a.write("PATCH", ARTICLE, {"issue_id": 2}),
}
UNSEEN = {"POST issue", "DELETE issue", "POST article", "PUT issue", "PATCH issue"}
SHARED = {"PUT term", "PATCH term", "DELETE term", "PATCH issue slug", "PATCH issue number"}


@pytest.mark.parametrize("name", list(ARTICLE_WRITES))
def test_every_editor_write_shows_at_once(apps: RenditionApps, name: str) -> None:
    urls = article_urls(apps)
    before = read_twice(apps, urls)
    ARTICLE_WRITES[name](apps)
    after = assert_current(apps, urls)
    if name not in UNSEEN:
        changed = {key for key in before if before[key] != after[key]}
        assert changed, "the write changed nothing a reader sees: the test proves nothing"
        if name in SHARED:  # a term or issue row shared by both articles
            assert (OTHER + ALL_PARTS, "None") in changed


def test_a_deleted_article_is_404_at_once(apps: RenditionApps) -> None:
    urls = article_urls(apps)
    read_twice(apps, urls)
    apps.write("DELETE", ARTICLE)
    after = assert_current(apps, urls)
    assert after[(ARTICLE + ALL_PARTS, "None")][0] == 404


@pytest.mark.parametrize("slug", ["test-article-1", "imported-one"])
def test_an_import_over_http_shows_at_once(apps: RenditionApps, slug: str) -> None:
    urls = [*article_urls(apps), f"/v1/articles/{slug}"]
    read_twice(apps, urls)
    lede = "An imported lede that says something new about the sanctions treaty."
    response = apps.client.post(
        "/v1/imports", data=small_document(slug, lede), content_type="text/plain", headers=apps.auth
    )
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    after = assert_current(apps, urls)
    assert lede.encode() in after[(f"/v1/articles/{slug}", "None")][2]


def test_flask_seed_from_another_process_shows_at_once(tmp_path: Path) -> None:
    apps = RenditionApps(tmp_path / "seeded.db")
    folder = tmp_path / "seed"
    folder.mkdir()
    document = folder / SEED_FILE.name
    document.write_text(SEED_FILE.read_text())
    run_seed(apps.cached.test_cli_runner(), folder)
    url = f"/v1/articles/{SEED_SLUG}{ALL_PARTS}"
    before = read_twice(apps, [url])
    document.write_text(document.read_text().replace("North Korea", "Nordkorea"))
    env = {**os.environ, "FLASK_DATABASE": str(apps.database), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "api", "seed", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    after = assert_current(apps, [url])
    assert b"Nordkorea" in after[(url, "None")][2] and b"Nordkorea" not in before[(url, "None")][2]


def test_a_write_through_another_connection_shows_at_once(apps: RenditionApps) -> None:
    urls = article_urls(apps)
    before = read_twice(apps, urls)
    db = connect(apps.database)
    try:
        write_document(db, make_document(1, slug="test-article-1", issue=1, lede="Elsewhere."))
    finally:
        db.close()
    assert assert_current(apps, urls) != before


@pytest.mark.parametrize(
    ("statement", "both"),
    [
        ("UPDATE sections SET heading = 'By hand' WHERE article_id = {id}", False),
        ("UPDATE article_terms SET definition = 'By hand.' WHERE article_id = {id}", False),
        ("DELETE FROM questions WHERE article_id = {id}", False),
        ("UPDATE sources SET url = 'https://by.hand/' WHERE article_id = {id}", False),
        ("UPDATE articles SET title = 'By hand' WHERE id = {id}", False),
        ("UPDATE articles SET deleted_at = '2024-07-01T00:00:00Z' WHERE id = {id}", False),
        ("UPDATE terms SET slug = 'penalties' WHERE slug = 'sanctions'", True),
        ("UPDATE issues SET slug = 'by-hand', number = 12 WHERE number = 1", True),
    ],
)
def test_a_change_made_by_hand_in_sql_shows_at_once(
    apps: RenditionApps, statement: str, both: bool
) -> None:
    """No app, no change log: the triggers alone stamp the articles the rows belong to."""
    urls = article_urls(apps)
    before = read_twice(apps, urls)
    article_id = apps.client.get(ARTICLE).get_json()["data"]["id"]
    conn = sqlite3.connect(apps.database)
    try:
        conn.execute(statement.format(id=article_id))
        conn.commit()
    finally:
        conn.close()
    after = assert_current(apps, urls)
    changed = {key for key in before if before[key] != after[key]}
    assert (ARTICLE + ALL_PARTS, "None") in changed
    assert ((OTHER + ALL_PARTS, "None") in changed) == both


def test_a_scheduled_article_shows_when_its_time_comes(apps: RenditionApps) -> None:
    moment = "2030-05-01T12:00:00Z"
    db = connect(apps.database)
    try:
        write_document(
            db, make_document(5, slug="on-the-dot", status="scheduled", published_at=moment)
        )
    finally:
        db.close()
    url = "/v1/articles/on-the-dot" + ALL_PARTS
    with clock_at("2030-05-01T11:59:59Z"):
        assert read_twice(apps, [url])[(url, "None")][0] == 404
    with clock_at(moment):
        assert assert_current(apps, [url])[(url, "None")][0] == 200
    # A row kept once the moment came is not served when the clock reads earlier.
    with clock_at("2030-05-01T11:59:59Z"):
        hits = apps.store.hits
        assert exchange(apps.client, url) == exchange(apps.oracle, url)
        assert exchange(apps.client, url)[0] == 404 and apps.store.hits == hits


def test_a_draft_scheduled_then_due_shows_on_time(apps: RenditionApps) -> None:
    moment = "2030-05-01T12:00:00Z"
    apps.write(
        "POST",
        "/v1/articles",
        article_body(3, issue_id=1, status="draft", published_at=moment),
        if_match=False,
    )
    url = "/v1/articles/test-article-3"
    with clock_at("2030-04-30T00:00:00Z"):
        apps.write("PATCH", url, {"status": "scheduled"})
    with clock_at("2030-05-01T11:59:59Z"):
        assert read_twice(apps, [url])[(url, "None")][0] == 404
    with clock_at(moment):
        assert assert_current(apps, [url])[(url, "None")][0] == 200
    with clock_at("2030-05-02T00:00:00Z"):
        apps.write("PATCH", url, {"status": "draft"})
        assert assert_current(apps, [url])[(url, "None")][0] == 404


# What the store answers, and to whom ------------------------------------------------------------


def test_a_stored_answer_is_what_the_app_sends(apps: RenditionApps) -> None:
    """Headers and body of answers from the store (200, HEAD, 304, each content coding,
    an Origin) are those the app builds without it, Date aside."""

    def seen(client: FlaskClient, method: str, headers: dict[str, str]) -> tuple[Any, ...]:
        response = client.open(ARTICLE + ALL_PARTS, method=method, headers=headers)
        kept = sorted((k, v) for k, v in response.headers.items() if k != "Date")
        body = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return response.status_code, kept, body

    tag = apps.client.get(ARTICLE + ALL_PARTS).headers["ETag"]
    gzip_tag = apps.client.get(ARTICLE + ALL_PARTS, headers=GZIP).headers["ETag"]
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
        ("GET", {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}),
        ("GET", {"Origin": "https://reader.example"}),
        ("GET", {"Origin": "null"}),
    ]
    hits = apps.store.hits
    for method, headers in cases:
        for _ in range(2):
            assert seen(apps.client, method, headers) == seen(apps.oracle, method, headers), (
                method,
                headers,
            )
    assert apps.store.hits - hits >= len(cases)


def test_requests_the_store_must_not_answer_go_to_the_app(tmp_path: Path) -> None:
    apps = RenditionApps(tmp_path / "bypass.db", WRITE_ORIGINS=["https://editor.example"])
    apps.write("POST", "/v1/articles", article_body(1), if_match=False)
    url = ARTICLE + ALL_PARTS
    apps.client.get(url)
    hits = apps.store.hits
    cases: list[tuple[str, dict[str, str]]] = [
        (url, {"Host": "evil.example"}),  # an untrusted Host: 400
        (url, {"Origin": "https://editor.example"}),  # a writing origin's own CORS headers
        (url, {"If-Match": '"nope"'}),  # 412
        (url, apps.auth),  # a preview: private
        (url + "&_=" + "9" * 40_000, {}),  # over the request-line limit: 414
        (url + "&include=issue", {}),  # the issue embeds other articles' counts
        (url + "&_=%ff", {}),  # a value the store does not drop from its key
    ]
    for target, headers in cases:
        ours = apps.client.get(target, headers=headers)
        theirs = apps.oracle.get(target, headers=headers)
        assert (ours.status_code, ours.get_data()) == (theirs.status_code, theirs.get_data())
    assert apps.store.hits == hits


def test_another_configuration_never_gets_a_row_built_under_this_one(tmp_path: Path) -> None:
    database = tmp_path / "config.db"
    apps = RenditionApps(database)
    apps.write("POST", "/v1/articles", article_body(1), if_match=False)
    url = ARTICLE + ALL_PARTS
    read_twice(apps, [url])
    other = make_app(database, RESPONSE_CACHE_BYTES=0, PUBLIC_BASE_URL="https://api.other")
    answer = other.test_client().get(url)
    assert b"https://api.other/v1/articles/test-article-1" in answer.get_data()
    assert other.extensions["renditions"].hits == 0


def test_a_row_from_another_file_or_a_later_clock_is_not_served(apps: RenditionApps) -> None:
    """A restored file is another file (device and inode), or one whose clock is behind
    the row's: either way the row is not used."""
    url = ARTICLE + ALL_PARTS
    read_twice(apps, [url])
    # The identity variant's row: its key ends with the separator and no content coding.
    identity = "WHERE key LIKE '%' || char(31)"
    store = sqlite3.connect(store_path(str(apps.database)))
    try:
        for change in ("source = '0:0'", "tick = tick + 1000"):
            original = store.execute(f"SELECT source, tick FROM renditions {identity}").fetchall()
            store.execute(f"UPDATE renditions SET {change} {identity}")
            store.commit()
            hits = apps.store.hits
            assert exchange(apps.client, url) == exchange(apps.oracle, url)
            assert apps.store.hits == hits
            assert exchange(apps.client, url) == exchange(apps.oracle, url)
            assert apps.store.hits == hits + 1  # rebuilt and kept anew
            assert store.execute(f"SELECT source, tick FROM renditions {identity}").fetchall() == (
                original
            )
    finally:
        store.close()


def test_renditions_live_in_their_own_file(apps: RenditionApps) -> None:
    read_twice(apps, article_urls(apps))
    conn = sqlite3.connect(store_path(str(apps.database)))
    try:
        assert conn.execute("SELECT COUNT(*) FROM renditions").fetchone()[0] >= 8
    finally:
        conn.close()
    content = sqlite3.connect(apps.database)
    try:
        names = {r[0] for r in content.execute("SELECT name FROM sqlite_master")}
    finally:
        content.close()
    assert "renditions" not in names and "rendition_marks" in names


def test_a_store_that_cannot_be_written_never_fails_a_read(apps: RenditionApps) -> None:
    url = ARTICLE + ALL_PARTS
    apps.client.get(url)
    blocker = sqlite3.connect(store_path(str(apps.database)), isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")  # every other writer of the file waits, then gives up
        apps.write("PATCH", ARTICLE, {"lede": "Changed while the store is locked, long enough."})
        stored = apps.store.stored
        for _ in range(2):
            assert exchange(apps.client, url) == exchange(apps.oracle, url)
        assert apps.store.stored == stored
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_warm_renders_every_visible_article(tmp_path: Path) -> None:
    apps = RenditionApps(tmp_path / "warm.db")
    db = connect(apps.database)
    try:
        for n in range(1, 6):
            write_document(db, make_document(n, slug=f"warm-{n}", issue=1))
        write_document(db, make_document(9, slug="warm-draft", issue=1, status="draft"))
    finally:
        db.close()
    # In another process, as `flask serve` at start or the bench would: its rows serve this one.
    env = {
        **os.environ,
        "FLASK_DATABASE": str(apps.database),
        "PYTHONPATH": str(ROOT),
        **{f"FLASK_{name}": str(value) for name, value in {**TEST_CONFIG, **WEB}.items()},
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "api", "renditions", "warm"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "5 articles: 5 rendered, 0 already current" in done.stdout
    runner = apps.cached.test_cli_runner()
    assert (
        "5 articles: 0 rendered, 5 already current"
        in runner.invoke(args=["renditions", "warm"]).output
    )
    ids = [r[0] for r in sqlite3.connect(apps.database).execute("SELECT id FROM articles")]
    hits = apps.store.hits
    for article_id in ids:
        url = f"/v1/articles/{article_id}{ALL_PARTS}"
        assert exchange(apps.client, url) == exchange(apps.oracle, url)
    assert apps.store.hits - hits == 5
    # Only what a write made out of date is rendered again: an edited article, and one
    # whose row was taken away; a slug is another URL, so another variant.
    db = connect(apps.database)
    try:
        write_document(db, make_document(2, slug="warm-2", issue=1, lede="A new lede."))
    finally:
        db.close()
    store = sqlite3.connect(apps.store.store.path)
    with store:
        store.execute("DELETE FROM renditions WHERE key LIKE ?", (f"%/v1/articles/{ids[3]}?%",))
    store.close()
    again = runner.invoke(args=["renditions", "warm"]).output
    assert "5 articles: 2 rendered, 3 already current" in again
    by_slug = runner.invoke(args=["renditions", "warm", "--by", "slug"]).output
    assert "5 articles: 5 rendered, 0 already current" in by_slug
    url = f"/v1/articles/warm-2{ALL_PARTS}"
    assert exchange(apps.client, url) == exchange(apps.oracle, url)
    assert b"A new lede." in exchange(apps.client, url)[2]
    assert "renditions deleted" in runner.invoke(args=["renditions", "clear"]).output


def test_a_full_store_keeps_nothing_more_and_answers_all(tmp_path: Path) -> None:
    apps = RenditionApps(tmp_path / "full.db", RENDITIONS_MAX_BYTES=1)
    apps.write("POST", "/v1/articles", article_body(1), if_match=False)
    url = ARTICLE + ALL_PARTS
    for _ in range(2):
        assert exchange(apps.client, url) == exchange(apps.oracle, url)
    assert (apps.store.stored, apps.store.hits) == (0, 0)
