"""Editors' keys and who may do what: the CLI, the auth matrix, limits on failures, CORS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.helpers import AppFactory, assert_problem, bearer, make_key

SECRET_RE = re.compile(r"^ifk_[A-Za-z0-9_-]{20,}$")
FAR_FUTURE = "2999-01-01T00:00:00Z"


@pytest.fixture
def editor_app(editor_app_factory: AppFactory) -> Flask:
    return editor_app_factory()


@pytest.fixture
def client(editor_app: Flask) -> FlaskClient:
    return editor_app.test_client()


def article_body(n: int = 1, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": f"Test article {n}",
        "lede": f"The lede of test article {n} talks about sanctions and treaties.",
        "slug": f"test-article-{n}",
        "status": "published",
        "sections": [
            {"kind": "body", "heading": "What happened", "paragraphs": ["Sanctions followed."]}
        ],
    }
    body.update(changes)
    return body


def create_article(client: FlaskClient, key: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/articles", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["data"]  # type: ignore[no-any-return]


def assert_unauthorized(response: Any) -> dict[str, Any]:
    body = assert_problem(response, 401)
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), response.headers
    return body


# Keys through the CLI -----------------------------------------------------------------------


def test_keys_create_prints_the_secret_once(editor_app: Flask) -> None:
    result = editor_app.test_cli_runner().invoke(
        args=["keys", "create", "--role", "editor", "--name", "Jane (laptop)"]
    )
    assert result.exit_code == 0, result.output
    secrets = re.findall(r"ifk_[A-Za-z0-9_-]+", result.output)
    assert len(secrets) == 1, result.output
    assert SECRET_RE.match(secrets[0])


def test_keys_create_quiet_prints_only_the_secret(editor_app: Flask) -> None:
    result = editor_app.test_cli_runner().invoke(
        args=["keys", "create", "--role", "admin", "--name", "ci", "--quiet"]
    )
    assert result.exit_code == 0
    assert result.output.endswith("\n") and result.output.count("\n") == 1
    assert SECRET_RE.match(result.output.strip()), result.output


def test_two_keys_are_different(editor_app: Flask) -> None:
    assert make_key(editor_app, name="a") != make_key(editor_app, name="b")


def test_keys_create_rejects_an_unknown_role(editor_app: Flask) -> None:
    result = editor_app.test_cli_runner().invoke(
        args=["keys", "create", "--role", "owner", "--name", "x", "--quiet"]
    )
    assert result.exit_code != 0
    assert not SECRET_RE.match(result.output.strip())


def test_a_key_made_while_the_server_runs_works_at_once(editor_app: Flask) -> None:
    client = editor_app.test_client()
    assert client.get("/v1/articles").status_code == 200  # the app is up and serving
    key = make_key(editor_app)
    response = client.post("/v1/articles", json=article_body(), headers=bearer(key))
    assert response.status_code == 201, response.get_data(as_text=True)


def test_keys_list_never_shows_the_secret(editor_app: Flask) -> None:
    key = make_key(editor_app, role="reader", name="reader-one")
    runner = editor_app.test_cli_runner()
    for args in (["keys", "list"], ["keys", "list", "--json"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0
        assert "reader-one" in result.output and "reader" in result.output
        assert key not in result.output
        assert key[4:] not in result.output  # not even without its prefix


def test_the_database_holds_no_secret(editor_app: Flask) -> None:
    keys = [make_key(editor_app, role=r, name=r) for r in ("reader", "editor", "admin")]
    client = editor_app.test_client()
    for key in keys:
        client.get("/v1/articles", headers=bearer(key))
    folder = Path(editor_app.config["DATABASE"]).parent
    files = list(folder.glob(Path(editor_app.config["DATABASE"]).name + "*"))
    assert files
    stored = b"".join(f.read_bytes() for f in files)
    for key in keys:
        assert key.encode() not in stored
        assert key[4:].encode() not in stored


def test_revoke_ends_a_key(editor_app: Flask, client: FlaskClient) -> None:
    key = make_key(editor_app, name="leaving")
    assert client.post("/v1/articles", json=article_body(1), headers=bearer(key)).status_code == 201
    result = editor_app.test_cli_runner().invoke(args=["keys", "revoke", "leaving"])
    assert result.exit_code == 0, result.output
    assert_unauthorized(client.post("/v1/articles", json=article_body(2), headers=bearer(key)))
    assert_unauthorized(client.get("/v1/articles", headers=bearer(key)))
    listed = editor_app.test_cli_runner().invoke(args=["keys", "list"]).output
    assert "leaving" in listed and "revoked" in listed


def test_revoke_of_an_unknown_name_fails(editor_app: Flask) -> None:
    result = editor_app.test_cli_runner().invoke(args=["keys", "revoke", "nobody"])
    assert result.exit_code != 0


def test_a_revoked_name_can_be_reused_and_the_old_secret_stays_dead(
    editor_app: Flask, client: FlaskClient
) -> None:
    old = make_key(editor_app, name="jane")
    assert editor_app.test_cli_runner().invoke(args=["keys", "revoke", "jane"]).exit_code == 0
    new = make_key(editor_app, name="jane")
    assert new != old
    assert client.post("/v1/articles", json=article_body(1), headers=bearer(new)).status_code == 201
    assert_unauthorized(client.post("/v1/articles", json=article_body(2), headers=bearer(old)))


# The auth matrix ----------------------------------------------------------------------------

CALLERS = ("none", "bad", "revoked", "reader", "editor", "admin")
STATES = ("published", "draft", "scheduled")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One app with a published, a draft and a scheduled article, and a key of each kind."""
    path = tmp_path_factory.mktemp("matrix") / "m.db"
    app = make_app(
        path, AUTH_FAILURE_RATE_LIMIT="10000 per minute", WRITE_RATE_LIMIT="10000 per minute"
    )
    client = app.test_client()
    setup = make_key(app, "admin", "setup")
    revoked = make_key(app, "editor", "gone")
    assert app.test_cli_runner().invoke(args=["keys", "revoke", "gone"]).exit_code == 0
    keys: dict[str, str | None] = {
        "none": None,
        "bad": "ifk_" + "x" * 43,
        "revoked": revoked,
        "reader": make_key(app, "reader", "reader"),
        "editor": make_key(app, "editor", "editor"),
        "admin": make_key(app, "admin", "admin"),
    }
    slugs = {}
    for n, state in enumerate(STATES, start=1):
        extra: dict[str, Any] = {"status": state}
        if state == "scheduled":
            extra["published_at"] = FAR_FUTURE
        article = create_article(client, setup, article_body(n, slug=f"{state}-article", **extra))
        slugs[state] = article["slug"]
    yield {"app": app, "client": client, "keys": keys, "slugs": slugs}


def _headers(matrix: dict[str, Any], caller: str) -> dict[str, str]:
    key = matrix["keys"][caller]
    return bearer(key) if key else {}


READ_EXPECTED = {
    "published": {
        "none": 200,
        "bad": 401,
        "revoked": 401,
        "reader": 200,
        "editor": 200,
        "admin": 200,
    },
    "draft": {"none": 404, "bad": 401, "revoked": 401, "reader": 404, "editor": 200, "admin": 200},
    "scheduled": {
        "none": 404,
        "bad": 401,
        "revoked": 401,
        "reader": 404,
        "editor": 200,
        "admin": 200,
    },
}
WRITE_EXPECTED = {
    "none": 401,
    "bad": 401,
    "revoked": 401,
    "reader": 403,
    "editor": 200,
    "admin": 200,
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("caller", CALLERS)
def test_auth_matrix_read(matrix: dict[str, Any], caller: str, state: str) -> None:
    client: FlaskClient = matrix["client"]
    slug = matrix["slugs"][state]
    expected = READ_EXPECTED[state][caller]
    response = client.get(f"/v1/articles/{slug}", headers=_headers(matrix, caller))
    listed = client.get("/v1/articles?limit=100", headers=_headers(matrix, caller))
    if expected == 200:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["data"]["slug"] == slug
        assert response.get_json()["data"]["status"] == state
        assert listed.status_code == 200
        assert slug in [a["slug"] for a in listed.get_json()["data"]]
    elif expected == 401:
        assert_unauthorized(response)
        assert_unauthorized(listed)
    else:
        assert_problem(response, expected)
        assert listed.status_code == 200
        assert slug not in [a["slug"] for a in listed.get_json()["data"]]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("caller", CALLERS)
def test_auth_matrix_write(matrix: dict[str, Any], caller: str, state: str) -> None:
    client: FlaskClient = matrix["client"]
    slug = matrix["slugs"][state]
    admin = bearer(matrix["keys"]["admin"])
    before = client.get(f"/v1/articles/{slug}", headers=admin).get_json()["data"]
    new_lede = f"A lede rewritten by the {caller} caller, long enough to be a lede."
    response = client.patch(
        f"/v1/articles/{slug}",
        json={"lede": new_lede},
        headers={**_headers(matrix, caller), "If-Match": "*"},
    )
    expected = WRITE_EXPECTED[caller]
    after = client.get(f"/v1/articles/{slug}", headers=admin).get_json()["data"]
    if expected == 200:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["data"]["lede"] == new_lede
        assert after["lede"] == new_lede
        assert after["status"] == state
    else:
        if expected == 401:
            assert_unauthorized(response)
        else:
            assert_problem(response, 403)
        assert after == before


@pytest.mark.parametrize("caller", CALLERS)
def test_auth_matrix_create(matrix: dict[str, Any], caller: str) -> None:
    client: FlaskClient = matrix["client"]
    slug = f"created-by-{caller}"
    response = client.post(
        "/v1/articles",
        json=article_body(99, slug=slug, status="draft"),
        headers=_headers(matrix, caller),
    )
    expected = {**WRITE_EXPECTED, "editor": 201, "admin": 201}[caller]
    admin = bearer(matrix["keys"]["admin"])
    found = client.get(f"/v1/articles/{slug}", headers=admin)
    if expected == 201:
        assert response.status_code == 201, response.get_data(as_text=True)
        assert found.status_code == 200
    else:
        if expected == 401:
            assert_unauthorized(response)
        else:
            assert_problem(response, 403)
        assert found.status_code == 404


@pytest.mark.parametrize("caller", ["bad", "revoked", "reader"])
def test_auth_matrix_delete_is_refused(matrix: dict[str, Any], caller: str) -> None:
    client: FlaskClient = matrix["client"]
    slug = matrix["slugs"]["published"]
    response = client.delete(
        f"/v1/articles/{slug}", headers={**_headers(matrix, caller), "If-Match": "*"}
    )
    if caller == "reader":
        assert_problem(response, 403)
    else:
        assert_unauthorized(response)
    assert client.get(f"/v1/articles/{slug}").status_code == 200


def test_no_key_on_a_delete_is_401(matrix: dict[str, Any]) -> None:
    client: FlaskClient = matrix["client"]
    slug = matrix["slugs"]["published"]
    assert_unauthorized(client.delete(f"/v1/articles/{slug}", headers={"If-Match": "*"}))
    assert client.get(f"/v1/articles/{slug}").status_code == 200


@pytest.mark.parametrize(
    "header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "ifk_nothing"]
)
def test_a_malformed_authorization_header_is_401(matrix: dict[str, Any], header: str) -> None:
    client: FlaskClient = matrix["client"]
    assert_unauthorized(client.get("/v1/articles", headers={"Authorization": header}))
    assert_unauthorized(
        client.post("/v1/articles", json=article_body(7), headers={"Authorization": header})
    )


def test_the_bearer_scheme_is_case_insensitive(matrix: dict[str, Any]) -> None:
    client: FlaskClient = matrix["client"]
    key = matrix["keys"]["editor"]
    slug = matrix["slugs"]["draft"]
    response = client.get(f"/v1/articles/{slug}", headers={"Authorization": f"bearer {key}"})
    assert response.status_code == 200


@pytest.mark.parametrize("caller", ["editor", "admin"])
def test_keyed_reads_are_private_and_vary_on_authorization(
    matrix: dict[str, Any], caller: str
) -> None:
    client: FlaskClient = matrix["client"]
    for state in STATES:
        response = client.get(
            f"/v1/articles/{matrix['slugs'][state]}", headers=_headers(matrix, caller)
        )
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "authorization" in response.headers.get("Vary", "").lower()


def test_public_reads_stay_public(matrix: dict[str, Any]) -> None:
    client: FlaskClient = matrix["client"]
    response = client.get(f"/v1/articles/{matrix['slugs']['published']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public")
    assert "authorization" in response.headers.get("Vary", "").lower()


def test_a_reader_key_sees_the_public_view(matrix: dict[str, Any]) -> None:
    client: FlaskClient = matrix["client"]
    public = client.get("/v1/articles?limit=100").get_json()
    keyed = client.get("/v1/articles?limit=100", headers=_headers(matrix, "reader")).get_json()
    assert [a["slug"] for a in keyed["data"]] == [a["slug"] for a in public["data"]]
    assert keyed["meta"]["total"] == public["meta"]["total"]


# Failed authentication is limited per client address -----------------------------------------


def test_failed_authentication_is_rate_limited(editor_app_factory: AppFactory) -> None:
    app = editor_app_factory(AUTH_FAILURE_RATE_LIMIT="3 per minute")
    client = app.test_client()
    bad = bearer("ifk_" + "y" * 43)
    for _ in range(3):
        assert_unauthorized(client.get("/v1/articles", headers=bad))
    response = client.get("/v1/articles", headers=bad)
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) >= 1
    # Reads without a key are not failed authentications: they still answer.
    assert client.get("/v1/articles").status_code == 200


def test_failures_from_one_address_do_not_block_another(editor_app_factory: AppFactory) -> None:
    app = editor_app_factory(AUTH_FAILURE_RATE_LIMIT="3 per minute")
    client = app.test_client()
    bad = bearer("ifk_" + "y" * 43)
    for _ in range(4):
        client.get("/v1/articles", headers=bad, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert_problem(
        client.get("/v1/articles", headers=bad, environ_base={"REMOTE_ADDR": "10.0.0.1"}), 429
    )
    assert_unauthorized(
        client.get("/v1/articles", headers=bad, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    )


# CORS: writes only from configured origins ----------------------------------------------------


def _preflight(client: FlaskClient, origin: str) -> Any:
    return client.options(
        "/v1/articles/some-article",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "Authorization, If-Match, Content-Type",
        },
    )


def _methods(response: Any) -> set[str]:
    allowed = response.headers.get("Access-Control-Allow-Methods", "")
    return {m.strip().upper() for m in allowed.split(",") if m.strip()}


def test_a_preflight_from_a_write_origin_allows_patch(editor_app_factory: AppFactory) -> None:
    app = editor_app_factory(WRITE_ORIGINS=["https://editors.example.org"])
    response = _preflight(app.test_client(), "https://editors.example.org")
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "https://editors.example.org"
    assert "PATCH" in _methods(response)
    allowed_headers = response.headers.get("Access-Control-Allow-Headers", "").lower()
    assert "authorization" in allowed_headers and "if-match" in allowed_headers


def test_a_preflight_from_another_origin_does_not_allow_patch(
    editor_app_factory: AppFactory,
) -> None:
    app = editor_app_factory(WRITE_ORIGINS=["https://editors.example.org"])
    response = _preflight(app.test_client(), "https://evil.example.com")
    assert "PATCH" not in _methods(response)
    assert response.headers.get("Access-Control-Allow-Origin") != "https://evil.example.com"


def test_reads_are_open_to_any_origin(editor_app: Flask, client: FlaskClient) -> None:
    response = client.get("/v1/articles", headers={"Origin": "https://anyone.example.com"})
    assert response.status_code == 200
    assert response.headers.get("Access-Control-Allow-Origin") in (
        "*",
        "https://anyone.example.com",
    )
