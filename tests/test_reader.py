"""/reader/: the static page, its headers and its Content-Security-Policy (no browser here;
tests/test_reader_browser.py drives it in Chromium)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api import create_app
from api.routes.reader import PAGE_PATH

PAGE = PAGE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def reader(tmp_path: Path) -> FlaskClient:
    # A plain client: the reader is HTML, outside what the JSON contract validator reads.
    app: Flask = create_app({"TESTING": True, "DATABASE": str(tmp_path / "reader.db")})
    return app.test_client()


def csp(response: TestResponse) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def sha256_source(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def test_the_page_is_served_as_html_with_cache_headers_and_an_etag(reader: FlaskClient) -> None:
    response = reader.get("/reader/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == PAGE
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    again = reader.get("/reader/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_the_policy_allows_exactly_the_inline_blocks_and_same_origin_fetches(
    reader: FlaskClient,
) -> None:
    directives = csp(reader.get("/reader/"))
    scripts = re.findall(r"<script>(.*?)</script>", PAGE, re.S)
    styles = re.findall(r"<style>(.*?)</style>", PAGE, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    assert directives == {
        "default-src": "'none'",
        "script-src": sha256_source(scripts[0]),
        "style-src": sha256_source(styles[0]),
        "connect-src": "'self'",
        "img-src": "'self' data:",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }


def test_the_page_loads_nothing_the_policy_would_block() -> None:
    # Hashes cover <script> and <style> blocks only: any of these would be refused.
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", PAGE)
    assert not re.search(r"<[a-z][^>]*\s(style|on[a-z]+)\s*=", PAGE, re.I)
    assert not re.search(r"<link\b(?![^>]*href=\"data:)", PAGE)
    assert not re.search(r"\b(src|href)=\"(https?:)?//", PAGE)
    # The page talks to the API with relative URLs only and never parses API text as HTML.
    assert "innerHTML" not in PAGE and "insertAdjacentHTML" not in PAGE
    assert not re.search(r"fetch\(\s*[\"'`]https?:", PAGE)


def test_the_url_without_slash_redirects_with_no_html_page(reader: FlaskClient) -> None:
    response = reader.get("/reader")
    assert response.status_code == 308
    assert response.headers["Location"] == "/reader/"
    assert response.get_data() == b""
    assert "Content-Type" not in response.headers
    assert reader.get("/reader", follow_redirects=True).get_data(as_text=True) == PAGE


def test_other_methods_and_paths_are_problems(reader: FlaskClient) -> None:
    response = reader.post("/reader/")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]
    assert reader.get("/reader/index.html").mimetype == "application/problem+json"
    assert reader.head("/reader/").status_code == 200
