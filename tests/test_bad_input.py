"""The bad-input corpus: each case with its exact status and problem body, and the content
unchanged afterwards (a hash of every content table, compared before and after).

Big inputs are made at test time. Oversized request lines and headers go through the real
server and are tested with it (tests/test_server.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient

from api.db import connect
from api.importer.write import write_document
from tests.conftest import make_app
from tests.contract import spec_document
from tests.factories import make_document
from tests.helpers import (
    SEED_DIR,
    SEED_FILE,
    assert_problem,
    bearer,
    make_key,
    run_seed,
    table_digest,
)

CONTENT_TABLES = (
    "issues",
    "articles",
    "sections",
    "terms",
    "article_terms",
    "questions",
    "sources",
    "changes",
    "search_docs",
    "search_text",
)
GENEROUS = {"WRITE_RATE_LIMIT": "100000 per minute", "AUTH_FAILURE_RATE_LIMIT": "100000 per minute"}
SEED_BYTES = SEED_FILE.read_bytes()
MB = 1024 * 1024


def content_digest(path: Path | str) -> str:
    return table_digest(path, CONTENT_TABLES)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("bad") / "bad.db"
    app = make_app(path, **GENEROUS, WEBHOOK_ALLOW_PRIVATE_URLS=True)
    run_seed(app.test_cli_runner(), SEED_DIR)
    admin = make_key(app, "admin", name="admin")
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}  # webhook 1: its deliveries
    registered = app.test_client().post("/v1/webhooks", json=hook, headers=bearer(admin))
    assert registered.status_code == 201, registered.get_data(as_text=True)
    db = connect(path)
    try:
        for n in range(1, 31):
            write_document(db, make_document(n, issue=2 + n % 3))
    finally:
        db.close()
    return {"app": app, "path": path, "key": make_key(app), "admin": admin}


@pytest.fixture
def unchanged(site: dict[str, Any]) -> Iterator[FlaskClient]:
    """A client; the test fails if the content changed by its end."""
    before = content_digest(site["path"])
    yield site["app"].test_client()
    assert content_digest(site["path"]) == before, "the content changed"


def no_internals(body: dict[str, Any], sent: str = "") -> None:
    """No traceback, SQL or source path in a problem (beyond an echo of what was sent)."""
    text = repr(body).lower()
    if sent:
        text = text.replace(sent.lower(), "").replace(repr(sent.lower())[1:-1], "")
    for leak in ("traceback", "sqlite", "select ", 'file "/', '.py"'):
        assert leak not in text, (leak, body)


# Documents: POST /v1/imports and `flask seed` -------------------------------------------------

UTF16 = "Title\n\nLede.".encode("utf-16")
LATIN1_LINE = 1 + SEED_BYTES[: SEED_BYTES.index("’".encode())].count(b"\n")
DOCUMENTS: dict[str, tuple[bytes, int, int, str]] = {
    # name: (bytes, HTTP status, line, the one message under errors.document after "line N: ")
    "png": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        422,
        3,  # the PNG signature holds line breaks
        "NUL byte: this is a binary file, not text",
    ),
    "elf": (
        b"\x7fELF\x02\x01\x01" + b"\x00" * 64,
        422,
        1,
        "NUL byte: this is a binary file, not text",
    ),
    "invalid-utf8": (
        b"A title\n\nA lede \xff\xfe here.\n",
        422,
        3,
        "not valid UTF-8: byte 0xff at column 8; save the file as UTF-8",
    ),
    "latin-1": (
        SEED_BYTES.replace("’".encode(), b"\x92"),
        422,
        LATIN1_LINE,
        "not valid UTF-8: byte 0x92 at column",
    ),
    "utf16-bom": (UTF16, 422, 1, "the document is UTF-16 text; save it as UTF-8"),
    "utf32-bom": (
        "Title".encode("utf-32"),
        422,
        1,
        "the document is UTF-32 text; save it as UTF-8",
    ),
    "empty": (b"", 422, 1, "the document is empty"),
    "whitespace": (b" \n\t\n\r\n  \n", 422, 1, "the document holds only whitespace"),
    "no-structure": (
        b"just some words without any structure at all, on one line",
        422,
        1,
        "no structure: the text has no headed section and none of the known blocks",
    ),
    "over-the-document-limit": (
        (SEED_BYTES * (2 * MB // len(SEED_BYTES)))[: MB + 512 * 1024],
        422,
        1,
        f"the document is {MB + 512 * 1024} bytes; the limit is {MB}",
    ),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_import_refuses_a_bad_document(
    unchanged: FlaskClient, site: dict[str, Any], name: str
) -> None:
    raw, status, line, message = DOCUMENTS[name]
    response = unchanged.post(
        "/v1/imports", data=raw, headers={**bearer(site["key"]), "Content-Type": "text/plain"}
    )
    body = assert_problem(response, status, "document")
    assert body["errors"] == {"document": [body["errors"]["document"][0]]}
    assert body["errors"]["document"][0].startswith(f"line {line}: {message}"), body
    assert body["title"] == "Unprocessable Content"
    no_internals(body)


def test_a_10_mb_document_is_413_before_it_is_read(unchanged: FlaskClient, site: dict) -> None:
    response = unchanged.post(
        "/v1/imports",
        data=b"word " * (2 * MB),
        headers={**bearer(site["key"]), "Content-Type": "text/plain"},
    )
    body = assert_problem(response, 413)
    assert body["title"] == "Request Entity Too Large"


def test_a_utf8_bom_is_read_past(unchanged: FlaskClient, site: dict[str, Any]) -> None:
    response = unchanged.post(
        "/v1/imports?dry_run=true",
        data=b"\xef\xbb\xbf" + SEED_BYTES,
        headers={**bearer(site["key"]), "Content-Type": "text/plain"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()["data"]
    assert data["title"] == "Russia and North Korea Sign a Mutual Defense Pact"
    assert "\ufeff" not in repr(data)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_seed_refuses_a_bad_document_by_name_and_line(
    site: dict[str, Any], tmp_path: Path, name: str
) -> None:
    raw, _, line, message = DOCUMENTS[name]
    path = tmp_path / f"{name}.txt"
    path.write_bytes(raw)
    before = content_digest(site["path"])
    result = site["app"].test_cli_runner().invoke(args=["seed", str(path)])
    assert result.exit_code == 1
    error = next(line for line in result.output.splitlines() if line.startswith("error: "))
    assert error.startswith(f"error: {path}:{line}: {message}"), error
    assert "1 file(s): 1 failed" in result.output
    assert "Traceback" not in result.output
    assert content_digest(site["path"]) == before


def test_seed_refuses_a_10_mb_document(site: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(SEED_BYTES * (10 * MB // len(SEED_BYTES)))
    before = content_digest(site["path"])
    result = site["app"].test_cli_runner().invoke(args=["seed", str(path)])
    assert result.exit_code == 1
    assert re.search(
        rf"error: {re.escape(str(path))}:1: the document is \d+ bytes; the limit", result.output
    )
    assert content_digest(site["path"]) == before


# JSON bodies of the editors' writes --------------------------------------------------------------


def deep_array(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_title(depth: int) -> bytes:
    return b'{"title": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b', "lede": "x"}'


BODIES: dict[str, tuple[str, bytes, str | None, int, str | None, str]] = {
    # name: (url, body, content type, status, errors key or None, words of detail or message)
    "nested-10000-array": (
        "/v1/articles",
        deep_array(10_000),
        "application/json",
        400,
        None,
        "The body is not valid JSON: depth limit exceeded",
    ),
    "nested-10000-object": (
        "/v1/articles",
        deep_title(10_000),
        "application/json",
        400,
        None,
        "The body is not valid JSON: depth limit exceeded",
    ),
    "1mb-title": (
        "/v1/articles",
        b'{"title": "' + b"x" * MB + b'", "lede": "y"}',
        "application/json",
        422,
        "title",
        "Length must be between 1 and 300.",
    ),
    "1mb-lede": (
        "/v1/articles",
        b'{"title": "t", "lede": "' + b"y " * (MB // 2) + b'"}',
        "application/json",
        422,
        "lede",
        "Length must be between 1 and 20000.",
    ),
    "1mb-paragraph": (
        "/v1/articles",
        b'{"title": "t", "lede": "l", "sections": [{"kind": "body", "heading": "h",'
        b' "paragraphs": ["' + b"z" * MB + b'"]}]}',
        "application/json",
        422,
        "sections.0.paragraphs.0",
        "Length must be between 1 and 20000.",
    ),
    "1mb-issue-title": (
        "/v1/issues",
        b'{"number": 90, "title": "' + b"i" * MB + b'"}',
        "application/json",
        422,
        "title",
        "Length must be between",
    ),
    "3mb-body": (
        "/v1/articles",
        b'{"title": "' + b"x" * (3 * MB) + b'"}',
        "application/json",
        413,
        None,
        "Request Entity Too Large",
    ),
    "truncated-json": (
        "/v1/articles",
        b'{"title": ',
        "application/json",
        400,
        None,
        "The body is not valid JSON: unexpected end of data",
    ),
    "invalid-utf8-json": (
        "/v1/articles",
        b'{"title": "\xff"}',
        "application/json",
        400,
        None,
        "The body is not valid JSON: str is not valid UTF-8",
    ),
    "json-array": ("/v1/articles", b"[]", "application/json", 422, "body", "Not an object."),
    "json-null": ("/v1/articles", b"null", "application/json", 422, "body", "Not an object."),
    "json-string": ("/v1/issues", b'"x"', "application/json", 422, "body", "Not an object."),
    "text-plain": (
        "/v1/articles",
        b'{"title": "x"}',
        "text/plain",
        415,
        None,
        "Send the body as application/json, not text/plain.",
    ),
    "no-content-type": (
        "/v1/articles",
        b'{"title": "x"}',
        None,
        415,
        None,
        "Send the body as application/json, not nothing.",
    ),
    "xml": (
        "/v1/issues",
        b"<issue/>",
        "application/xml",
        415,
        None,
        "Send the body as application/json, not application/xml.",
    ),
    "form": (
        "/v1/articles",
        b"title=x",
        "application/x-www-form-urlencoded",
        415,
        None,
        "Send the body as application/json",
    ),
    "json-to-imports": (
        "/v1/imports",
        b'{"a": 1}',
        "application/json",
        415,
        None,
        "Send the document as text/plain, or as the field 'file' of multipart/form-data.",
    ),
    "no-type-to-imports": (
        "/v1/imports",
        b"Title",
        None,
        415,
        None,
        "Send the document as text/plain",
    ),
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_a_bad_body_is_refused(unchanged: FlaskClient, site: dict[str, Any], name: str) -> None:
    url, raw, content_type, status, field, words = BODIES[name]
    headers = bearer(site["key"])
    if content_type:
        headers["Content-Type"] = content_type
    body = assert_problem(unchanged.post(url, data=raw, headers=headers), status, field)
    shown = " ".join(body["errors"][field]) if field else f"{body['title']} {body['detail']}"
    assert words in shown, body
    assert len(body["detail"]) < 500  # a 1 MB value is not echoed back
    no_internals(body)


def test_a_patch_with_a_bad_body_changes_nothing(unchanged: FlaskClient, site: dict) -> None:
    url = "/v1/articles/generated-article-0001"
    tag = unchanged.get(url, headers=bearer(site["key"])).headers["ETag"]
    for raw, status in ((deep_array(10_000), 400), (b'{"title": ' + b'"' + b"x" * MB + b'"}', 422)):
        response = unchanged.patch(
            url,
            data=raw,
            headers={
                **bearer(site["key"]),
                "Content-Type": "application/merge-patch+json",
                "If-Match": tag,
            },
        )
        assert_problem(response, status)


# Hostile text in every parameter of every read operation ----------------------------------------

HOSTILE = [
    "' OR 1=1 --",
    "'; DROP TABLE articles; --",
    '" OR ""="',
    "1 UNION SELECT secret_hash FROM api_keys",
    "%' OR '%'='",
    "\\",
    "NEAR(sanctions cold)",
    'sanctions" OR "1',
    "title:sanctions",
    "-sanctions",
    "sanc*",
    "^pact",
    "c++",
    "a AND OR NOT b",
    "(((",
    "%00",
    "\x00",
    "\u202e\ufeff",
    "../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999",
    "1e3",
    "١٢",
    "*",
]


def _param_schema(parameter: dict[str, Any]) -> dict[str, Any]:
    return parameter.get("schema", {})


def _matches(schema: dict[str, Any], value: str) -> bool:
    """Whether a query value fits its schema: then the API answers 200, otherwise 400."""
    if "anyOf" in schema or "oneOf" in schema:
        return any(_matches(branch, value) for branch in schema.get("anyOf", schema.get("oneOf")))
    kind = schema.get("type", "string")
    if kind == "array":
        parts = value.split(",")
        return all(p and _matches(schema["items"], p) for p in parts)
    if "enum" in schema:
        return value in [str(v) for v in schema["enum"]]
    if kind == "integer":
        if not re.fullmatch(r"[0-9]+", value):
            return False
        number = int(value)
        return schema.get("minimum", -(2**63)) <= number <= schema.get("maximum", 2**63 - 1)
    if kind == "boolean":
        return value in ("true", "false")
    if schema.get("format") in ("date", "date-time"):
        shape = r"\d{4}-\d{2}-\d{2}" if schema["format"] == "date" else r"\d{4}-\d{2}-\d{2}T.+"
        try:
            (date if schema["format"] == "date" else datetime).fromisoformat(value)
        except ValueError:
            return False
        return re.fullmatch(shape, value) is not None
    if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 10**9):
        return False
    return "pattern" not in schema or re.search(schema["pattern"], value) is not None


def read_operations() -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    spec = spec_document()
    for template, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        found = []
        for parameter in operation.get("parameters", []) + item.get("parameters", []):
            if "$ref" in parameter:
                parameter = spec["components"]["parameters"][parameter["$ref"].split("/")[-1]]
            found.append(parameter)
        yield template, operation, found


VISIBLE_REFS = {"ref": None, "section": "what-happened", "id": "1"}


def concrete(template: str, name: str) -> str:
    """A URL of the operation that answers 200 without the parameter under test."""
    if template == "/v1/search" and name != "q":
        return "/v1/search?q=pact&"
    return _filled(template) + "?"


def _filled(template: str) -> str:
    refs = {
        "/v1/issues": "issue-1",
        "/v1/articles": "russia-north-korea-defense-pact",
        "/v1/glossary": "sanctions",
    }
    prefix = "/".join(template.split("/")[:3])

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        return refs[prefix] if name == "ref" else str(VISIBLE_REFS[name])

    return re.sub(r"\{(\w+)\}", value, template)


QUERY_CASES = [
    (
        template,
        parameter["name"],
        value,
        _matches(_param_schema(parameter), value) and parameter["name"] not in ("cursor", "token"),
    )
    for template, _, parameters in read_operations()
    for parameter in parameters
    if parameter["in"] == "query"
    for value in HOSTILE
]


def test_the_corpus_covers_every_query_parameter() -> None:
    covered = {(t, p) for t, p, _, _ in QUERY_CASES}
    for template, _, parameters in read_operations():
        for parameter in parameters:
            if parameter["in"] == "query":
                assert (template, parameter["name"]) in covered
    assert len(QUERY_CASES) > 1000


@pytest.mark.parametrize(
    "template,name",
    sorted({(t, p) for t, p, _, _ in QUERY_CASES}),
)
def test_hostile_text_in_a_query_parameter(
    unchanged: FlaskClient, site: dict[str, Any], template: str, name: str
) -> None:
    path = concrete(template, name)
    headers = {"Accept-Encoding": "identity"}
    if template.startswith("/v1/webhooks"):  # admin-only reads
        headers.update(bearer(site["admin"]))
    for _, _, value, fits in (c for c in QUERY_CASES if c[0] == template and c[1] == name):
        url = f"{path}{urlencode({name: value})}"
        response = unchanged.get(url, headers=headers)
        if not fits:
            body = assert_problem(response, 400, name)
            no_internals(body, value)
            continue
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
        if name in ("article", "issue", "term", "domain", "letter"):
            # Nothing is named like that: a filter that matches nothing, not everything.
            assert response.get_json()["meta"]["total"] == 0, url
        if name == "q":
            # Operators are words, never FTS or SQL syntax: the same hits as the bare words.
            words = " ".join(re.findall(r"\w+", value))
            if words:
                plain = unchanged.get(f"{path}{urlencode({name: words})}").get_json()
                assert response.get_json()["meta"]["total"] == plain["meta"]["total"], url


PATHS_404 = [
    "/v1/articles/..%2F..%2Fetc%2Fpasswd",
    "/v1/articles/../../etc/passwd",
    "/v1/articles/%2e%2e%2f%2e%2e%2fapi_keys",
    "/v1/articles/a%2Fb",
    "/v1/articles/%00",
    "/v1/articles/..%5c..%5cwin.ini",
    "/v1/articles/...",
    "/v1/questions/01",
    "/v1/sources/%EF%BC%91",
    "/v1/glossary/..%5c..%5cwin.ini",
    "/v1/glossary/%252e%252e%252f",
    "/v1/issues/....//....//etc",
    "/v1/issues/%c0%ae%c0%ae",
    "/v1/articles/russia-north-korea-defense-pact/sections/..%2F..%2F1",
    "/v1/articles/' OR 1=1 --",
    "/v1/articles/1 OR 1=1",
    "/v1/glossary/' UNION SELECT 1 --",
    "/v1/articles/-1",
    "/v1/articles/0",
    "/v1/articles/99999999999999999999",
    "/v1/articles/1e3",
    "/v1/articles/%C2%B2",
    "/v1/articles/%D9%A1",
    "/v1/questions/-1",
    "/v1/questions/0",
    "/v1/questions/abc",
    "/v1/questions/99999999999999999999",
    "/v1/questions/1.5",
    "/v1/sources/-1",
    "/v1/sources/%D9%A1",
    "/v1/sources/9223372036854775808",
    "/v1/issues/9223372036854775807",
    "/v1/issues/-9223372036854775809",
    "/v1/articles/russia-north-korea-defense-pact/sections/99999999999999999999",
]


@pytest.mark.parametrize("url", PATHS_404)
def test_path_traversal_and_odd_ids_are_404(unchanged: FlaskClient, url: str) -> None:
    body = assert_problem(unchanged.get(quote(url, safe="/%?=&")), 404)
    assert body["title"] == "Not Found"
    no_internals(body, url.rsplit("/", 1)[-1])


CURSORS = [
    ("/v1/articles", "cursor", "!!!", "Not a cursor this API issued."),
    ("/v1/articles", "cursor", "AAAA", "Not a cursor this API issued."),
    ("/v1/articles", "cursor", "eyJhIjoxfQ", "start again without it"),  # {"a":1}
    ("/v1/articles", "cursor", "x" * 1001, "Length must be between 1 and 1000."),
    ("/v1/articles", "cursor", "", "Not a cursor this API issued."),
    ("/v1/glossary", "cursor", "AAAA", "Not a cursor this API issued."),
    ("/v1/search?q=sanctions&", "cursor", "bm90IGEgY3Vyc29y", "Not a cursor this API issued."),
    ("/v1/sync", "token", "abc.def", "Not a token this API issued."),
    ("/v1/sync", "token", "AAAA.0123456789ab", "Not a sync token or cursor this API issued."),
    ("/v1/sync", "token", "eyJhIjoxfQ.0123456789ab", "Not a sync token or cursor this API issued."),
    ("/v1/sync", "cursor", "AAAA.0123456789ab", "Not a sync token or cursor this API issued."),
    ("/v1/sync", "token", "A" * 2001 + ".0123456789ab", "Length must be between 1 and 2000."),
]


@pytest.mark.parametrize("base,name,value,message", CURSORS, ids=lambda v: str(v)[:20])
def test_malformed_cursors_and_tokens(
    unchanged: FlaskClient, base: str, name: str, value: str, message: str
) -> None:
    separator = "" if base.endswith("&") else "?"
    body = assert_problem(unchanged.get(f"{base}{separator}{urlencode({name: value})}"), 400, name)
    assert message in " ".join(body["errors"][name]), body
    assert len(body["instance"]) <= 2100  # not an echo of a huge value


NOT_WHOLE = "Not a whole number (ASCII digits, no sign or leading zero)."
LIMITS = [
    ("-1", NOT_WHOLE),
    ("0", "Must be between 1 and 100."),
    ("101", "Must be between 1 and 100."),
    ("99999999999999999999", NOT_WHOLE),
    ("abc", NOT_WHOLE),
    ("", NOT_WHOLE),
    ("1.5", NOT_WHOLE),
    ("١٢", NOT_WHOLE),
    ("0x10", NOT_WHOLE),
    # Issue 12: padded, signed, underscored and spaced numbers were read as numbers.
    ("05", NOT_WHOLE),
    ("007", NOT_WHOLE),
    ("00", NOT_WHOLE),
    ("+5", NOT_WHOLE),
    ("1_0", NOT_WHOLE),
    (" 5", NOT_WHOLE),
    ("5 ", NOT_WHOLE),
    ("5\n", NOT_WHOLE),
]


@pytest.mark.parametrize("value,message", LIMITS)
@pytest.mark.parametrize(
    "base", ["/v1/articles", "/v1/issues", "/v1/glossary", "/v1/search?q=pact&"]
)
def test_bad_limits(unchanged: FlaskClient, base: str, value: str, message: str) -> None:
    separator = "" if base.endswith("&") else "?"
    body = assert_problem(unchanged.get(f"{base}{separator}limit={quote(value)}"), 400, "limit")
    assert message in body["errors"]["limit"], body


def test_the_content_is_there(site: dict[str, Any]) -> None:
    # The cases above ran over real content: 31 articles, so an empty database cannot pass.
    assert site["app"].test_client().get("/v1/articles").get_json()["meta"]["total"] == 31


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "url",
    [
        "/v1/questions/9223372036854775808",
        "/v1/sources/9999999999999999999",
        "/v1/questions/99999999999999999999",
        "/v1/sources/01",
        "/v1/questions/%D9%A1",
    ],
)
def test_a_write_to_an_id_nothing_has_is_404(
    unchanged: FlaskClient, site: dict[str, Any], method: str, url: str
) -> None:
    # Was a 405 "Allow: GET" for ids past SQLite's range (werkzeug had matched the GET rule).
    response = unchanged.open(
        url,
        method=method,
        json={"text": "x"},
        headers={**bearer(site["key"]), "If-Match": '"x"'},
    )
    body = assert_problem(response, 404)
    assert "Allow" not in response.headers
    no_internals(body)


@pytest.mark.parametrize("if_match", ['""', '"", W/"x"', "W/", ",", '"a" , , ""', "\x7f"])
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_an_odd_if_match_is_412(
    unchanged: FlaskClient, site: dict[str, Any], method: str, if_match: str
) -> None:
    # `If-Match: ""` was a 500 (found by the stateful fuzzing): werkzeug parses it as None.
    response = unchanged.open(
        "/v1/articles/generated-article-0001",
        method=method,
        json={"title": "Changed"},
        headers={**bearer(site["key"]), "If-Match": if_match},
    )
    body = assert_problem(response, 412)
    assert body["title"] == "Precondition Failed"
