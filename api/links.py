"""Every link the API hands out, built in one place.

API links are absolute and start from the configured public base URL
(``FLASK_PUBLIC_BASE_URL``), never from the request's ``Host``: a response that a
shared cache keeps must not carry a host some client made up. Paths come from the
route names, so a route that moves takes its links with it.

Website links (``web_url``) come from optional URL templates
(``FLASK_WEB_URL_ARTICLE`` and the like); without a template there is none.

Glossary links inside stored HTML and Markdown are written at write time in a
neutral form (``<dfn data-term="slug">`` and ``[word](glossary:slug)``) and resolved
here when served, so changing a template never needs a re-import.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from flask import Flask, current_app, url_for

API_PREFIX = "/v1"

# Placeholders each template may use, and where their values come from.
WEB_TEMPLATES = {
    "article": "WEB_URL_ARTICLE",
    "issue": "WEB_URL_ISSUE",
    "term": "WEB_URL_TERM",
}

_HTML_TERM = re.compile(r'<dfn data-term="([a-z0-9-]+)">(.*?)</dfn>')
# Escaped text never holds an unescaped [ ] ( ), so only our own links match.
_MARKDOWN_TERM = re.compile(r"\[((?:\\.|[^\\\[\]])*)\]\(glossary:([a-z0-9-]+)\)")


def html_term(slug: str, word_html: str) -> str:
    """The stored, neutral form of a glossary term in HTML."""
    return f'<dfn data-term="{slug}">{word_html}</dfn>'


def markdown_term(slug: str, word_markdown: str) -> str:
    """The stored, neutral form of a glossary term in Markdown."""
    return f"[{word_markdown}](glossary:{slug})"


def base_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")


@lru_cache(maxsize=64)
def _path_template(app: Flask, endpoint: str, names: tuple[str, ...]) -> str:
    """The route's path with `{name}` holes, built once per app through url_for."""
    holes: dict[str, Any] = {n: f"__{n}__" for n in names}
    with app.test_request_context():
        try:
            path = url_for(endpoint, **holes)
        except ValueError:  # an int converter (a question's id) takes only digits
            holes = {n: str(9_000_000_000_000_000_000 + i) for i, n in enumerate(names)}
            path = url_for(endpoint, **holes)
    for name, hole in holes.items():
        path = path.replace(hole, "{" + name + "}")
    return path


def api_url(endpoint: str, **values: Any) -> str:
    """Absolute URL of a route, e.g. api_url("articles.get_article", ref="some-slug")."""
    template = _path_template(current_app._get_current_object(), endpoint, tuple(sorted(values)))  # type: ignore[attr-defined]
    path = template.format(**{k: quote(str(v), safe="") for k, v in values.items()})
    return base_url() + path


def api_path_url(path: str, query: str = "") -> str:
    """Absolute URL of a path on this API (for self and next links)."""
    return base_url() + path + (f"?{query}" if query else "")


def article_url(slug: str) -> str:
    return api_url("articles.get_article", ref=slug)


def issue_url(slug: str) -> str:
    return api_url("issues.get_issue", ref=slug)


def term_url(slug: str) -> str:
    return api_url("glossary.get_term", ref=slug)


def section_url(article_slug: str, anchor: str) -> str:
    return api_url("articles.get_section", ref=article_slug, section=anchor)


def question_url(question_id: int) -> str:
    return api_url("questions.get_question", question_id=question_id)


def source_url(source_id: int) -> str:
    return api_url("sources.get_source", source_id=source_id)


def web_url(kind: str, **values: Any) -> str | None:
    """The object's page on the website, when a template for its kind is configured."""
    template = current_app.config.get(WEB_TEMPLATES[kind])
    if not template:
        return None
    safe = {k: quote(str(v), safe="") if v is not None else "" for k, v in values.items()}
    return str(template).format_map(_Missing(safe))


class _Missing(dict[str, str]):
    """A placeholder the row cannot fill renders empty rather than failing a request."""

    def __missing__(self, key: str) -> str:
        return ""


def article_web_url(row: dict[str, Any]) -> str | None:
    return web_url(
        "article",
        slug=row["slug"],
        id=row["id"],
        issue=row.get("issue_slug"),
        issue_number=row.get("issue_number"),
    )


def issue_web_url(row: dict[str, Any]) -> str | None:
    return web_url("issue", slug=row["slug"], id=row["id"], number=row.get("number"))


def term_web_url(row: dict[str, Any]) -> str | None:
    # Only the slug: inline glossary links in text know nothing else of the term.
    return web_url("term", slug=row["slug"])


def resolve_term_links(text: str, fmt: str) -> str:
    """Turn the stored neutral glossary marks into what the configuration says: a link
    to the term's web page, or (HTML) only `data-term`, (Markdown) only the word."""
    if fmt == "html" and "<dfn data-term=" in text:
        return _HTML_TERM.sub(_html_link, text)
    if fmt == "markdown" and "](glossary:" in text:
        return _MARKDOWN_TERM.sub(_markdown_link, text)
    return text


def _term_page(slug: str) -> str | None:
    return web_url("term", slug=slug)


def _html_link(match: re.Match[str]) -> str:
    slug, word = match.group(1), match.group(2)
    page = _term_page(slug)
    if page is None:
        return match.group(0)
    href = page.replace("&", "&amp;").replace('"', "&quot;")
    return f'<a class="glossary-term" href="{href}" data-term="{slug}"><dfn>{word}</dfn></a>'


def _markdown_link(match: re.Match[str]) -> str:
    word, slug = match.group(1), match.group(2)
    page = _term_page(slug)
    return f"[{word}]({page})" if page else word
