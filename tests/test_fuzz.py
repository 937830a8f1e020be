"""schemathesis over every operation of openapi.yaml, in-process, with all its checks.

`make test` runs FUZZ_EXAMPLES (default 50, so it stays quick on 2 cores) generated
cases per read operation; `make fuzz` runs many more. Every case's response must match
the contract and no case may get a 5xx.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS
from schemathesis.specs.openapi.checks import negative_data_rejection, response_schema_conformance

from api import create_app
from api.db import connect
from api.importer.write import write_document
from tests.contract import ValidatingClient
from tests.factories import make_document


def _fuzz_app():
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # no databases left in /tmp
    app = create_app({"TESTING": True, "DATABASE": str(folder / "fuzz.db")})
    db = connect(folder / "fuzz.db")
    for n in range(1, 41):
        write_document(db, make_document(n, issue=1 + n % 3))
    db.close()
    app.test_client_class = ValidatingClient
    return app


APP = _fuzz_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
# `make fuzz` adds up the cases every fuzz module ran (see tests/test_fuzz_stateful.py).
CASES_RUN = [0]
if os.environ.get("FUZZ_COUNT_FILE"):

    @atexit.register
    def _report_cases() -> None:
        if CASES_RUN[0]:
            with open(os.environ["FUZZ_COUNT_FILE"], "a") as out:
                out.write(f"{CASES_RUN[0]} reads\n")


ALL_CHECKS = CHECKS.get_all()
IDENTITY = {"Accept-Encoding": "identity"}


# The reads. The writes need a key and change the database; their contract is checked by
# the validating client in tests/test_editor_*.py.
@schema.include(method="GET").parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same cases on every run: a CI failure reproduces locally
)
def test_every_operation_honours_the_contract(case: schemathesis.Case) -> None:
    CASES_RUN[0] += 1
    checks = ALL_CHECKS
    made_up = [name for name in ("cursor", "token") if case.query and name in case.query]
    if made_up:
        # Cursors and sync tokens are opaque tokens the API issues; a made-up one is rightly
        # a 400, which the schema cannot express. Real ones are walked end to end in
        # test_api_http.py and test_sync.py.
        for name in made_up:
            del case.query[name]
        # Without it a negative case may be a valid request, rightly answered 200.
        checks = [c for c in checks if c is not negative_data_rejection]
    query = case.query or {}
    if "fields" in query or case.operation.definition.raw.get("operationId") == "getOpenApiYaml":
        # schemathesis checks a body against the schema as written. A trimmed item is
        # checked below against the narrowed schema; the YAML document's body is YAML text
        # (`type: string`, for generators), parsed by schemathesis into an object, and
        # test_contract compares its bytes with the file.
        checks = [c for c in checks if c is not response_schema_conformance]
    # In-process calls do not decompress, so ask for the identity encoding.
    response = case.call_and_validate(headers=IDENTITY, checks=checks)
    if "fields" in query or "include" in query:
        # The same request again, through the client that validates with the narrowed contract.
        sent = urlsplit(response.request.url)
        headers = {**(case.headers or {}), **IDENTITY}
        APP.test_client().open(
            sent.path, method=case.method, query_string=sent.query, headers=headers
        )
