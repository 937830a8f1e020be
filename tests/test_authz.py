"""Authorisation (OWASP API1, API3, API5), derived from openapi.yaml so new endpoints are covered.

- Drafts and scheduled articles never reach the public: not by id or slug, search, include,
  bundle, sync, the glossary's reverse lookup or the question and source lists. Every GET
  operation of the contract is called with every hidden reference and filter we can give it.
- Internal columns and key hashes never appear in any response, editors' included.
- Every write operation refuses no key (401), an invalid key (401) and a reader key (403),
  and the content is unchanged afterwards.
- Clients cannot set server-owned fields (those the contract says are "Set by the server").
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.backup import backup_database
from api.db import connect
from api.importer.document import Item, Question, Source
from api.importer.write import write_document
from tests.conftest import make_app
from tests.contract import spec_document
from tests.factories import make_document
from tests.helpers import assert_problem, bearer, make_key, table_digest

# Words that appear only in hidden content (every part of it): a public response that
# holds one has leaked it.
DRAFT_WORD = "zanzibarian"
SCHEDULED_WORD = "quokkaesque"
HIDDEN_WORDS = (DRAFT_WORD, SCHEDULED_WORD)
# Columns and key material that no response carries, by name.
FORBIDDEN_KEYS = {
    "secret_hash",
    "body_hash",
    "body_text",
    "lede_html",
    "lede_markdown",
    "content_html",
    "content_markdown",
    "revoked_at",
    "last_used_at",
}
CONTENT_TABLES = (
    "issues",
    "articles",
    "sections",
    "terms",
    "article_terms",
    "questions",
    "sources",
)
GENEROUS = {"WRITE_RATE_LIMIT": "100000 per minute", "AUTH_FAILURE_RATE_LIMIT": "100000 per minute"}
METHODS = ("get", "post", "put", "patch", "delete")


def hidden_document(n: int, word: str, slug: str, **kw: Any):
    base = make_document(
        n,
        slug=slug,
        title=f"The {word.title()} affair",
        lede=f"A {word} lede about sanctions.",
        paragraphs=[f"A {word} paragraph.", "Sanctions followed."],
        terms=[("Sanctions", f"The {word} wording of sanctions."), (f"{word} doctrine", "Secret.")],
        **kw,
    )
    background = dataclasses.replace(
        base.sections[1], items=[Item(f"{word} label", f"The {word} item.")]
    )
    return dataclasses.replace(
        base,
        sections=[base.sections[0], background],
        questions=[Question(f"Is the {word} question fair?", ["debate"])],
        sources=[Source(f"https://news.example.org/2024/06/01/{word}-{n}.html", "example.org")],
    )


def content_digest(path: Path | str) -> str:
    return table_digest(path, CONTENT_TABLES)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("authz") / "authz.db"
    app = make_app(path, **GENEROUS)
    db = connect(path)
    try:
        for n in range(1, 4):
            write_document(db, make_document(n, issue=1))
        write_document(db, hidden_document(10, DRAFT_WORD, "draft-one", issue=1, status="draft"))
        write_document(
            db,
            hidden_document(
                11, SCHEDULED_WORD, "scheduled-one", issue=2, published_at="2099-06-01T00:00:00Z"
            ),
        )
        # A draft alone in an issue of its own.
        write_document(db, hidden_document(12, DRAFT_WORD, "draft-two", issue=3, status="draft"))
    finally:
        db.close()
    editor = make_key(app, "editor")
    reader = make_key(app, "reader")
    conn = sqlite3.connect(path)
    hidden_articles = "SELECT id FROM articles WHERE slug IN ('draft-one', 'draft-two',"
    hidden_articles += " 'scheduled-one')"

    def column(sql: str) -> list[Any]:
        return [r[0] for r in conn.execute(sql)]

    try:
        hidden = {
            "article": [*column(hidden_articles), "draft-one", "draft-two", "scheduled-one"],
            "section": column(f"SELECT id FROM sections WHERE article_id IN ({hidden_articles})"),
            "anchor": column(
                f"SELECT anchor FROM sections WHERE article_id IN ({hidden_articles})"
            ),
            "question": column(f"SELECT id FROM questions WHERE article_id IN ({hidden_articles})"),
            "source": column(f"SELECT id FROM sources WHERE article_id IN ({hidden_articles})"),
            "term": column("SELECT id FROM terms WHERE slug LIKE '%-doctrine'")
            + column("SELECT slug FROM terms WHERE slug LIKE '%-doctrine'"),
            "issue": [*column("SELECT id FROM issues WHERE number = 2"), "issue-2"],
            "webhook": [],  # admin-only: anyone else gets a 401 or 403 before any lookup
        }
        visible = {
            "article": column("SELECT slug FROM articles WHERE slug LIKE 'generated-%'")[:1],
            "question": column(
                "SELECT id FROM questions WHERE article_id NOT IN (" + hidden_articles + ")"
            )[:1],
            "source": column(
                "SELECT id FROM sources WHERE article_id NOT IN (" + hidden_articles + ")"
            )[:1],
            "term": ["sanctions"],
            "issue": ["issue-1", "issue-3", "latest"],
            "section": column(
                "SELECT id FROM sections WHERE article_id NOT IN (" + hidden_articles + ")"
            )[:1],
            "webhook": [1],
        }
        secrets = [
            *column("SELECT content_hash FROM articles"),
            *column("SELECT body_hash FROM articles"),
            *column("SELECT secret_hash FROM api_keys"),
            editor,
            reader,
        ]
    finally:
        conn.close()
    return {
        "app": app,
        "path": path,
        "hidden": hidden,
        "visible": visible,
        "secrets": secrets,
        "editor": editor,
        "reader": reader,
    }


# The contract's operations ---------------------------------------------------------------


def operations(methods: tuple[str, ...]) -> list[tuple[str, str, dict[str, Any]]]:
    spec = spec_document()
    return [
        (method, template, operation)
        for template, item in spec["paths"].items()
        for method, operation in item.items()
        if method in methods
    ]


def parameters(template: str, operation: dict[str, Any]) -> list[dict[str, Any]]:
    spec = spec_document()
    found = []
    for parameter in operation.get("parameters", []) + spec["paths"][template].get(
        "parameters", []
    ):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].split("/")[-1]]
        found.append(parameter)
    return found


def resource_of(template: str, name: str) -> str:
    """What a path parameter names: `{ref}` under /v1/articles is an article, and so on."""
    if name == "section":
        return "section"
    first = template.split("/")[2] if template.startswith("/v1/") else ""
    return {
        "articles": "article",
        "issues": "issue",
        "glossary": "term",
        "questions": "question",
        "sources": "source",
        "webhooks": "webhook",
    }[first]


def fill(template: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


def public_urls(world: dict[str, Any]) -> list[tuple[str, bool]]:
    """(url, names something hidden) for every GET operation: each path parameter with
    every hidden and a visible value, and each filter with every hidden value."""
    hidden, visible = world["hidden"], world["visible"]
    urls: list[tuple[str, bool]] = []
    for _, template, operation in operations(("get",)):
        names = re.findall(r"\{(\w+)\}", template)
        combos: list[tuple[dict[str, Any], bool]] = [({}, False)]
        for name in names:
            resource = resource_of(template, name)
            # Anchors are shared by articles (what-happened), so sections go by id.
            pool = hidden[resource]
            combos = [
                ({**values, name: value}, secret or is_hidden)
                for values, secret in combos
                for value, is_hidden in [(v, True) for v in pool]
                + [(v, False) for v in visible[resource]]
            ]
        if "/v1/issues/latest" in template:
            combos = [({}, False)]
        query_sets: list[dict[str, str]] = [{}]
        for parameter in parameters(template, operation):
            if parameter["in"] != "query":
                continue
            name = parameter["name"]
            schema = parameter.get("schema", {})
            if name == "include":
                query_sets.append({"include": ",".join(schema["items"]["enum"])})
            elif name == "format":
                query_sets.append({"format": "html"})
            elif name == "q":
                query_sets += [{"q": word} for word in (*HIDDEN_WORDS, "doctrine", "sanctions")]
            elif name in ("article", "issue", "term"):
                resource = {"article": "article", "issue": "issue", "term": "term"}[name]
                query_sets += [{name: str(v)} for v in hidden[resource]]
            elif name == "prefix":
                query_sets += [{"prefix": word[:4]} for word in HIDDEN_WORDS]
            elif name == "letter":
                query_sets += [{"letter": word[0]} for word in HIDDEN_WORDS]
            elif name == "limit":
                query_sets.append({"limit": str(schema.get("maximum", 100))})
        for values, secret in combos:
            path = fill(template, values)
            for query in query_sets:
                urls.append((path + ("?" + urlencode(query) if query else ""), secret))
    return urls


def walk_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        keys = set(value)
        for inner in value.values():
            keys |= walk_keys(inner)
        return keys
    if isinstance(value, list):
        return set().union(*(walk_keys(v) for v in value)) if value else set()
    return set()


def what_a_reader_sees(body: Any, url: str = "") -> str:
    """The body without what echoes the request (links, instance, and the names the URL
    gave, which a 404's detail repeats), lowercased."""
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in ("links", "instance")}
    text = orjson.dumps(body).decode().lower()
    parts = urlsplit(url)
    for given in [*parts.path.split("/"), *(v for _, v in parse_qsl(parts.query))]:
        if len(given) > 3:
            text = text.replace(given.lower(), "")
    return text


def pages(client: FlaskClient, url: str, headers: dict[str, str]) -> list[Any]:
    """The response to `url` and to every next page it links to."""
    responses = []
    for _ in range(50):
        response = client.get(url, headers=headers)
        responses.append(response)
        body = response.get_json(silent=True) or {}
        next_url = (body.get("links") or {}).get("next") if isinstance(body, dict) else None
        if response.status_code != 200 or not next_url:
            return responses
        parts = urlsplit(next_url)
        url = parts.path + "?" + parts.query
    raise AssertionError(f"{url}: pagination never ended")


def test_every_get_operation_is_tried(world: dict[str, Any]) -> None:
    tried = {urlsplit(url).path for url, _ in public_urls(world)}
    for _, template, _ in operations(("get",)):
        pattern = re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$")
        assert any(pattern.match(path) for path in tried), template


def test_hidden_content_never_reaches_the_public(world: dict[str, Any]) -> None:
    client: FlaskClient = world["app"].test_client()
    leaks, hidden_found = [], []
    for url, names_hidden in public_urls(world):
        for response in pages(client, url, {"Accept-Encoding": "identity"}):
            assert response.status_code < 500, (url, response.status_code)
            if response.mimetype not in ("application/json", "application/problem+json"):
                continue
            seen = what_a_reader_sees(response.get_json(), response.request.url)
            leaks += [(url, word) for word in HIDDEN_WORDS if word in seen]
            if names_hidden and response.status_code != 401:  # 401: editors-only operations
                hidden_found.append((url, response.status_code))
    assert not leaks, leaks[:20]
    # Every path naming a hidden thing is a 404, like a thing that never existed.
    detail_answers = {
        (url, status)
        for url, status in hidden_found
        if "?" not in url or urlsplit(url).path.rsplit("/", 1)[-1] in ("bundle",)
    }
    assert detail_answers and all(status == 404 for _, status in detail_answers), sorted(
        a for a in detail_answers if a[1] != 404
    )[:10]


def test_a_hidden_ref_is_a_404_indistinguishable_from_none(world: dict[str, Any]) -> None:
    client: FlaskClient = world["app"].test_client()
    for url, never in (
        ("/v1/articles/draft-one", "/v1/articles/no-such-one"),
        ("/v1/articles/scheduled-one", "/v1/articles/no-such-one"),
        (f"/v1/questions/{world['hidden']['question'][0]}", "/v1/questions/987654"),
        (f"/v1/sources/{world['hidden']['source'][0]}", "/v1/sources/987654"),
        ("/v1/glossary/zanzibarian-doctrine", "/v1/glossary/no-such-one"),
        ("/v1/issues/issue-2", "/v1/issues/no-such-one"),
        ("/v1/issues/issue-2/bundle", "/v1/issues/no-such-one/bundle"),
    ):
        hidden_body = assert_problem(client.get(url), 404)
        never_body = assert_problem(client.get(never), 404)
        name, other = url.rsplit("/", 1)[-1], never.rsplit("/", 1)[-1]
        if name == "bundle":
            name, other = url.split("/")[-2], never.split("/")[-2]

        def masked(body: dict[str, Any], ref: str) -> str:
            return re.sub(rf"\b{re.escape(ref)}\b", "X", orjson.dumps(body).decode())

        assert masked(hidden_body, name) == masked(never_body, other), (url, never)


def test_an_editor_sees_what_the_public_does_not(world: dict[str, Any]) -> None:
    # The other side of the tests above: the words are there to be found, with a key.
    client: FlaskClient = world["app"].test_client()
    auth = bearer(world["editor"])
    for url in (
        "/v1/articles/draft-one",
        "/v1/articles/scheduled-one",
        "/v1/glossary/zanzibarian-doctrine",
        f"/v1/questions/{world['hidden']['question'][0]}",
        f"/v1/search?q={DRAFT_WORD}",
        "/v1/issues/issue-1/bundle",
    ):
        response = client.get(url, headers=auth)
        assert response.status_code == 200, (url, response.get_data(as_text=True))
        seen = what_a_reader_sees(response.get_json())
        assert any(word in seen for word in HIDDEN_WORDS), url


def test_the_contract_documents_no_internal_column() -> None:
    documented = {
        name
        for schema in spec_document()["components"]["schemas"].values()
        for name in schema.get("properties", {})
    }
    assert not documented & FORBIDDEN_KEYS


def test_no_response_carries_internal_columns_or_key_material(world: dict[str, Any]) -> None:
    client: FlaskClient = world["app"].test_client()
    checked = 0
    for headers in ({}, bearer(world["editor"]), bearer(world["reader"])):
        for url, _ in public_urls(world):
            for response in pages(client, url, {**headers, "Accept-Encoding": "identity"}):
                text = response.get_data(as_text=True)
                for secret in world["secrets"]:
                    assert secret not in text, (url, "a stored hash or key")
                if response.mimetype in ("application/json", "application/problem+json"):
                    body = response.get_json()
                    assert not walk_keys(body) & FORBIDDEN_KEYS, (
                        url,
                        walk_keys(body) & FORBIDDEN_KEYS,
                    )
                    checked += 1
                    # deleted_at is the sync's tombstone field, and only that.
                    if "deleted_at" in walk_keys(body) and url.startswith("/v1/"):
                        assert urlsplit(url).path == "/v1/sync", url
    assert checked > 500


# Writes ----------------------------------------------------------------------------------


def admin_only(operation: dict[str, Any]) -> bool:
    return all("adminKey" in need for need in operation.get("security", [{}]))


def write_urls(world: dict[str, Any], *, admin: bool | None = None) -> list[tuple[str, str]]:
    """Every write operation's URL; `admin` picks the admin-only ones (True) or the rest."""
    visible = world["visible"]
    found = []
    for method, template, operation in operations(("post", "put", "patch", "delete")):
        if admin is not None and admin_only(operation) != admin:
            continue
        values = {
            name: visible[resource_of(template, name)][0]
            for name in re.findall(r"\{(\w+)\}", template)
        }
        found.append((method, fill(template, values)))
    return found


def test_every_write_operation_is_in_the_contract_list() -> None:
    # A new write endpoint is a new operation in openapi.yaml, and so tested below.
    assert len(operations(("post", "put", "patch", "delete"))) >= 20


@pytest.mark.parametrize(
    "who,status",
    [("nobody", 401), ("invalid", 401), ("revoked", 401), ("reader", 403)],
)
def test_every_write_refuses_every_non_editor(
    world: dict[str, Any], tmp_path: Path, who: str, status: int
) -> None:
    copy = tmp_path / "copy.db"
    backup_database(world["path"], copy)
    app: Flask = make_app(copy, **GENEROUS)
    headers = {
        "nobody": {},
        "invalid": bearer("if_" + "x" * 40),
        "revoked": bearer(revoked_key(app)),
        "reader": bearer(world["reader"]),
    }[who]
    before = content_digest(copy)
    client = app.test_client()
    for method, url in write_urls(world):
        for content_type, data in (
            ("application/json", b'{"title": "Mine now"}'),
            ("text/plain", b"Mine now\n\nA lede."),
        ):
            response = client.open(
                url,
                method=method.upper(),
                data=data,
                headers={**headers, "Content-Type": content_type, "If-Match": "*"},
            )
            body = assert_problem(response, status)
            assert response.headers.get("Cache-Control", "").startswith(
                ("private", "no-store")
            ) or ("public" not in response.headers.get("Cache-Control", "")), url
            assert "key" in body["detail"].lower(), (method, url, body)
    assert content_digest(copy) == before


def revoked_key(app: Flask) -> str:
    key = make_key(app, "editor", name="to-be-revoked")
    result = app.test_cli_runner().invoke(args=["keys", "revoke", "to-be-revoked"])
    assert result.exit_code == 0, result.output
    return key


def test_an_editor_gets_past_the_door_of_every_write(world: dict[str, Any], tmp_path: Path) -> None:
    # The same requests with an editor's key are not refused for want of a key: the list
    # above names real write operations guarded by the editor role.
    copy = tmp_path / "copy.db"
    backup_database(world["path"], copy)
    client = make_app(copy, **GENEROUS).test_client()
    for admin in (False, True):
        for method, url in write_urls(world, admin=admin):
            response = client.open(
                url,
                method=method.upper(),
                data=b"{}",
                headers={**bearer(world["editor"]), "Content-Type": "application/json"},
            )
            if admin:  # webhooks: an editor's key is a key, but not enough of one
                assert response.status_code == 403, (method, url, response.status_code)
            else:
                assert response.status_code not in (401, 403, 405), (method, url)
            assert response.status_code < 500


# Server-owned fields ---------------------------------------------------------------------


def server_owned(schema_name: str) -> list[str]:
    schema = spec_document()["components"]["schemas"][schema_name]
    return [
        name
        for name, prop in schema.get("properties", {}).items()
        if "Set by the server" in prop.get("description", "")
    ]


BOGUS = {"integer": 424242, "number": 42.5, "string": "2001-01-01T00:00:00Z", "boolean": True}


def _bogus(schema_name: str, name: str) -> Any:
    prop = spec_document()["components"]["schemas"][schema_name]["properties"][name]
    if name in ("url", "web_url"):
        return "https://evil.example/x"
    return BOGUS.get(prop.get("type", "string"), "x")


@pytest.mark.parametrize(
    "url,schema_name",
    [("/v1/articles", "ArticleInput"), ("/v1/issues", "IssueInput")],
)
def test_clients_cannot_set_server_owned_fields(
    world: dict[str, Any], tmp_path: Path, url: str, schema_name: str
) -> None:
    owned = server_owned(schema_name)
    assert len(owned) >= 3, owned  # the contract marks them; none marked would test nothing
    copy = tmp_path / "copy.db"
    backup_database(world["path"], copy)
    client = make_app(copy, **GENEROUS).test_client()
    example = spec_document()["paths"][url]["post"]["requestBody"]["content"]["application/json"]
    body = dict(example.get("example") or next(iter(example["examples"].values()))["value"])
    if "number" in body:
        body.update(number=777, slug="issue-777")  # an issue number the fixture does not use
    before = content_digest(copy)
    for name in owned:
        response = client.post(
            url, json={**body, name: _bogus(schema_name, name)}, headers=bearer(world["editor"])
        )
        problem = assert_problem(response, 422, name)
        assert "server" in " ".join(problem["errors"][name]).lower()
    assert content_digest(copy) == before
    # The example itself is accepted: the refusals above are about the one field.
    assert client.post(url, json=body, headers=bearer(world["editor"])).status_code == 201
