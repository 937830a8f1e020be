from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from api import create_app
from api.db import connect
from api.importer.write import write_document
from tests.contract import ValidatingClient
from tests.factories import make_document

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seed"


def make_app(database: Path | str) -> Flask:
    """An app whose test client checks every response against openapi.yaml."""
    app = create_app({"TESTING": True, "DATABASE": str(database)})
    app.test_client_class = ValidatingClient
    return app


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
    result = runner.invoke(args=["seed", str(SEED_DIR)])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def seeded(seeded_app: Flask) -> FlaskClient:
    return seeded_app.test_client()


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
