"""The whole edge, started once for the module by scripts/edge.py on free loopback ports.

Slow (Litestream, two replicas, Varnish): `make edge-test` runs it (EDGE_TEST=1);
`make test` skips it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("EDGE_TEST") == "1":
        return
    skip = pytest.mark.skip(reason="the whole edge is slow: run it with make edge-test")
    for item in items:
        if "tests/edge/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    directory = tmp_path_factory.mktemp("edge")
    ready = directory / "ready.json"
    env = {
        **os.environ,
        "EDGE_PORTS": "free",
        "EDGE_DIR": str(directory),
        "FLASK_WRITE_RATE_LIMIT": "100000 per minute",
        "FLASK_WEBHOOK_ALLOW_PRIVATE_URLS": "1",
        # Retries 5 s apart (the default's first is 5 s, its second 5 min): a receiver that
        # answers 500 twice is still answered within the test's time.
        "FLASK_WEBHOOK_RETRY_SCHEDULE": "[5, 5, 5, 5, 5, 5, 5]",
    }
    launcher = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "edge.py"), "--ready-file", str(ready)],
        cwd=ROOT,
        env=env,
        stdout=open(directory / "edge.out", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            if launcher.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the edge did not start:\n" + (directory / "edge.out").read_text())
            time.sleep(0.2)
        yield json.loads(ready.read_text())
    finally:
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGTERM)  # it stops everything it started
            try:
                launcher.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
