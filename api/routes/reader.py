"""The reader: one static HTML page at /reader/ that reads the public API like any client.

The page carries its CSS and JS inline, so its Content-Security-Policy allows exactly
those two blocks by hash (computed here from the file, once at startup) and nothing
else: no other script or style, no request but to this origin.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, request, url_for

from .docs import DOCS_CACHE_CONTROL

bp = Blueprint("reader", __name__)

PAGE_PATH = Path(__file__).resolve().parent.parent / "templates" / "reader" / "index.html"

_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)


def _hash_source(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(page: str) -> str:
    """A policy that lets the page's own inline <script> and <style> blocks run and forbids
    everything else but fetches to 'self' (the API) and the data: favicon."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for tag, body in _INLINE.findall(page):
        hashes[tag].append(_hash_source(body))
    directives = {
        "default-src": "'none'",
        "script-src": " ".join(hashes["script"]) or "'none'",
        "style-src": " ".join(hashes["style"]) or "'none'",
        "connect-src": "'self'",
        "img-src": "'self' data:",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


@bp.get("/reader/")
def page() -> Response:
    body, policy = current_app.extensions["reader_page"]
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = DOCS_CACHE_CONTROL
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.add_etag()
    response.make_conditional(request)  # in place: 304 and 412 as the headers ask
    return response


@bp.get("/reader")
def page_without_slash() -> Response:
    """/reader -> /reader/ with no body: werkzeug's own slash redirect is an HTML page."""
    response = Response(status=308)
    del response.headers["Content-Type"]
    response.headers["Location"] = url_for("reader.page")
    response.headers["Cache-Control"] = DOCS_CACHE_CONTROL
    return response


def init_app(app: Flask) -> None:
    # Read once: the page does not change while the app runs.
    text = PAGE_PATH.read_text(encoding="utf-8")
    app.extensions["reader_page"] = (text.encode(), content_security_policy(text))
    app.register_blueprint(bp)
