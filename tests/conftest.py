from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from api import create_app
from api.db import Database, connect
from api.importer.write import write_document
from tests.contract import ValidatingClient
from tests.factories import make_document
from tests.helpers import SEED_DIR, TEST_CONFIG, AppFactory, BuildApi, run_seed


def make_app(database: Path | str, **config: Any) -> Flask:
    """An app whose test client checks every response against openapi.yaml."""
    app = create_app({"TESTING": True, "DATABASE": str(database), **TEST_CONFIG, **config})
    app.test_client_class = ValidatingClient
    return app


# One app per test, over an empty database -------------------------------------------------


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    yield make_app(tmp_path / "test.db")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask):
    database = connect(app.config["DATABASE"])
    yield database
    database.close()


@pytest.fixture
def seeded_app(app: Flask, runner: FlaskCliRunner) -> Flask:
    run_seed(runner, SEED_DIR)
    return app


@pytest.fixture
def seeded(seeded_app: Flask) -> FlaskClient:
    return seeded_app.test_client()


@pytest.fixture
def editor_app_factory(tmp_path: Path) -> AppFactory:
    """`editor_app_factory(**config)`: a fresh app over its own file database, for the
    editors' API tests (which set their own rate limits and origins)."""
    made: list[int] = []

    def make(**config: Any) -> Flask:
        made.append(1)
        return make_app(tmp_path / f"t{len(made)}.db", **config)

    return make


# Read-only APIs, built once per module --------------------------------------------------------


@pytest.fixture(scope="module")
def build_api(tmp_path_factory: pytest.TempPathFactory) -> BuildApi:
    """`build_api(build)`: a client over a fresh database that `build(db)` fills once.

    For module-scoped fixtures whose tests only read.
    """

    def build_api(build: Callable[[Database], object]) -> FlaskClient:
        path = tmp_path_factory.mktemp("api") / "content.db"
        app = make_app(path)
        database = connect(path)
        try:
            build(database)
        finally:
            database.close()
        return app.test_client()

    return build_api


@pytest.fixture(scope="module")
def seed_api(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The shipped seed imported once through the CLI, for read-only tests."""
    app = make_app(tmp_path_factory.mktemp("seed") / "seed.db")
    run_seed(app.test_cli_runner(), SEED_DIR)
    return app.test_client()


@pytest.fixture(scope="session")
def many_articles_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A few hundred generated articles across several issues, built once per session."""
    path = tmp_path_factory.mktemp("many") / "many.db"
    make_app(path)
    database = connect(path)
    for n in range(1, 301):
        write_document(database, make_document(n, issue=1 + n % 5))
    database.close()
    return str(path)


@pytest.fixture
def many(many_articles_db: str) -> FlaskClient:
    return make_app(many_articles_db).test_client()


@pytest.fixture(scope="module")
def many_api(many_articles_db: str) -> FlaskClient:
    """The 300 generated articles in 5 issues, behind one app for the whole module."""
    return make_app(many_articles_db).test_client()
