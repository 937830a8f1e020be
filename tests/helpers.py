"""Assertions, walkers, patterns and seed facts shared by the API test modules."""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from api.db import Database

BuildApi = Callable[[Callable[[Database], object]], FlaskClient]
"""The `build_api` fixture: a client over a fresh database that `build(db)` filled."""

# The shipped seed -----------------------------------------------------------------------

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
SEED_FILE = next(SEED_DIR.rglob("*.txt"))
SEED_SLUG = "russia-north-korea-defense-pact"
SEED_TITLE = "Russia and North Korea Sign a Mutual Defense Pact"
SEED_ISSUE_TITLE = "Insight Fortnight, Issue 1: A New Alliance"
BODY_HEADINGS = [
    "Details of the Pact",
    "Strategic and Historical Context",
    "International Reactions",
    "Ceremony and Symbolism",
    "Geopolitical Implications",
]
BACKGROUND_HEADINGS = [
    "Historical Context",
    "North Korea’s Military and Nuclear Program",
    "Russia’s Geopolitical Moves",
    "United States and Allied Responses",
    "Recent Developments in Russia-North Korea Relations",
]
SEED_HEADINGS = BODY_HEADINGS + BACKGROUND_HEADINGS
SEED_TERMS = ["Mutual Defense Pact", "Cold War", "Sanctions", "Ballistic Missiles", "Geopolitics"]
SEED_TERMS_SORTED = sorted(SEED_TERMS)
SANCTIONS_DEFINITION = (
    "Economic and political penalties imposed by one or more countries against a targeted"
    " country, individual, or entity. Sanctions are often used to influence behavior and policies."
)
SEED_QUESTIONS = [
    "Are international sanctions an effective tool for curbing the actions of countries"
    " like Russia and North Korea?",
    "Can global non-proliferation efforts be successful in an environment where powerful"
    " nations like Russia and North Korea form military alliances?",
]
SEED_SOURCE_URL = "https://www.nytimes.com/2024/06/19/world/asia/putin-meets-kim-north-korea.html"

# The configuration every test app gets (tests/conftest.py make_app) ---------------------

BASE_URL = "http://api.test"
TERM_PAGES = "https://w.test/"
TEST_CONFIG = {"PUBLIC_BASE_URL": BASE_URL, "WEB_URL_TERM": TERM_PAGES + "{slug}"}


AppFactory = Callable[..., Flask]
"""The `editor_app_factory` fixture: `factory(**config)` is a fresh app over its own file."""


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def make_key(app: Flask, role: str = "editor", name: str | None = None) -> str:
    """A new API key's secret, made through the CLI as an administrator would."""
    runner = app.test_cli_runner()
    name = name or f"{role}-{len(runner.invoke(args=['keys', 'list', '--json']).output)}"
    result = runner.invoke(args=["keys", "create", "--role", role, "--name", name, "--quiet"])
    assert result.exit_code == 0, result.output
    return str(result.output.strip())


# Patterns -------------------------------------------------------------------------------

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTENT_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")
LINK_RE = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>(.*?)</a>', re.S)
MD_LINK_RE = re.compile(r"\[((?:[^\]\\]|\\.)+)\]\((https://w\.test/[^)\s]+)\)")
NEXT_LINK_RE = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


def links(text: str) -> list[tuple[str, str]]:
    """(href, visible words) of every link in an HTML fragment."""
    return [(href, re.sub(r"<[^>]+>", "", inner)) for href, inner in LINK_RE.findall(text)]


def md_links(text: str) -> list[tuple[str, str]]:
    """(href, words) of every glossary link in a Markdown fragment."""
    return [(href, re.sub(r"\\(.)", r"\1", words)) for words, href in MD_LINK_RE.findall(text)]


def strip_html(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# Seeding --------------------------------------------------------------------------------


def run_seed(runner: FlaskCliRunner, path: Path) -> None:
    """`flask seed PATH`, as a deploy script would run it; it must succeed."""
    result = runner.invoke(args=["seed", str(path)])
    assert result.exit_code == 0, (result.output, result.exception)


# Responses ------------------------------------------------------------------------------


def ok(client: FlaskClient, url: str, **kwargs: Any) -> Any:
    """The JSON body of a GET that must answer 200 application/json."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.get_data(True))
    assert response.mimetype == "application/json"
    return response.get_json()


def assert_problem(response: Any, status: int, param: str | None = None) -> dict[str, Any]:
    """An RFC 9457 problem with `status`; with `param`, one naming that parameter."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, text
    assert response.mimetype == "application/problem+json", response.mimetype
    assert "Traceback" not in text and "<html" not in text.lower()
    body = response.get_json()
    for key in ("type", "title", "status", "detail", "instance"):
        assert key in body, key
    for key in ("type", "title", "detail"):
        assert isinstance(body[key], str) and body[key], key
    assert isinstance(body["instance"], str)
    assert body["status"] == status
    if param is not None:
        assert param in body.get("errors", {}), body
        messages = body["errors"][param]
        assert isinstance(messages, list) and messages
        assert all(isinstance(m, str) and m for m in messages)
    return body


def assert_rejects(client: FlaskClient, url: str, param: str, *hints: str) -> dict[str, Any]:
    """GET `url` is a 400 problem about `param` whose messages mention every hint."""
    body = assert_problem(client.get(url), 400, param)
    message = " ".join(body["errors"][param])
    for hint in hints:
        assert hint in message, (hint, message)
    return body


def assert_not_found(client: FlaskClient, url: str) -> dict[str, Any]:
    """GET `url` is a 404 problem about that very URL."""
    body = assert_problem(client.get(url), 404)
    assert body["instance"] == url
    return body


def assert_nothing_matches(client: FlaskClient, url: str) -> None:
    """A filter naming an unknown (or hidden) article or issue: 200 with an empty list, as for
    any filter that matches nothing (not a 404: the list itself exists)."""
    body = ok(client, url)
    assert body["data"] == []
    assert body["meta"]["total"] == 0 and body["meta"]["next_cursor"] is None


def assert_listed(body: dict[str, Any], key: str, expected: list[Any]) -> None:
    """The list holds exactly `expected` (by `key`, in order), and its total says so."""
    assert [item[key] for item in body["data"]] == expected
    assert body["meta"]["total"] == len(expected)


# Pagination -----------------------------------------------------------------------------


def walk(client: FlaskClient, url: str, *, max_pages: int = 400) -> tuple[list[dict], int]:
    """Every item of a list, following `Link: rel="next"` (checked equal to links.next)."""
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    total = response.get_json()["meta"]["total"]
    items: list[dict] = []
    for _ in range(max_pages):
        body = response.get_json()
        assert set(body) == {"data", "meta", "links"}
        assert body["meta"]["total"] == total
        items.extend(body["data"])
        next_url = body["links"]["next"]
        link = response.headers.get("Link")
        if next_url is None:
            assert body["meta"]["next_cursor"] is None
            assert link is None or 'rel="next"' not in link
            return items, total
        assert len(body["data"]) == body["meta"]["limit"]
        assert body["meta"]["next_cursor"]
        match = NEXT_LINK_RE.search(link or "")
        assert match and match.group(1) == next_url, link
        response = client.get(next_url)
        assert response.status_code == 200, response.get_data(as_text=True)
    raise AssertionError("pagination never ended")


def walk_all(client: FlaskClient, url: str, total: int) -> list[dict]:
    """`walk`, checking that it yields `total` items with distinct ids."""
    items, seen_total = walk(client, url)
    assert seen_total == total
    assert len(items) == total
    assert len({item["id"] for item in items}) == total
    return items


def assert_cursor_refused(client: FlaskClient, first: str, second: str) -> None:
    """A next_cursor from the list `first` is a 400 on `second` (another sort or list)."""
    cursor = ok(client, first)["meta"]["next_cursor"]
    assert cursor
    separator = "&" if "?" in second else "?"
    body = assert_problem(client.get(f"{second}{separator}cursor={cursor}"), 400, "cursor")
    assert body["instance"].startswith(second.split("?")[0])


def table_digest(path: Path | str, tables: tuple[str, ...]) -> str:
    """A hash of every row of these tables (with ids), in a stable order: equal digests,
    equal content."""
    conn = sqlite3.connect(path)
    digest = hashlib.sha256()
    try:
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()
