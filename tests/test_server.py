"""The production command (the Procfile's ``web:`` line) as a client meets it.

gunicorn's sync workers let a connection that sends nothing hold a worker for 30 s, and
answer ``Connection: close``; these tests start the real command on a free loopback port
over a temporary database and check that neither happens. Every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def web_command() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("the Procfile has no web: line")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    port: int
    workers: int

    def connection(self, timeout: float = 3.0) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    command = web_command()
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    if not shutil.which(shlex.split(command)[0], path=path):
        pytest.skip(f"{shlex.split(command)[0]} (the production server) is not installed")
    port = free_port()
    env = dict(
        os.environ,
        HOST="127.0.0.1",
        PORT=str(port),
        PATH=path,
        FLASK_DATABASE=str(tmp_path_factory.mktemp("server") / "content.db"),
        PYTHONPATH=str(ROOT),
    )
    log = tmp_path_factory.mktemp("server-log") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["sh", "-c", f"exec {command}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log.read_text()}")
                time.sleep(0.1)
        workers = re.search(r"--workers[ =](\d+)", command)
        yield Running(port, int(workers.group(1)) if workers else 1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def test_idle_connections_do_not_stall_the_server(server: Running) -> None:
    # More silent connections than workers, and some that stop half-way through a request.
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=2) for _ in range(8)]
    partial = [socket.create_connection(("127.0.0.1", server.port), timeout=2) for _ in range(4)]
    assert len(idle) > server.workers
    try:
        for sock in partial:
            sock.sendall(b"GET /v1/articles HTTP/1.1\r\nHost: localhost\r\n")
        started = time.monotonic()
        connection = server.connection(timeout=2)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200
        assert time.monotonic() - started < 2
    finally:
        for sock in idle + partial:
            sock.close()


def test_keep_alive_serves_two_requests_on_one_connection(server: Running) -> None:
    connection = server.connection()
    try:
        connection.request("GET", "/v1/articles?limit=1")
        first = connection.getresponse()
        first.read()
        sock = connection.sock
        assert first.status == 200
        assert not first.will_close, first.getheader("Connection")
        connection.request("GET", "/healthz")
        second = connection.getresponse()
        second.read()
        assert second.status == 200
        assert connection.sock is sock  # http.client would have reconnected after a close
    finally:
        connection.close()


def test_a_request_line_of_8_kb_reaches_the_app(server: Running) -> None:
    # Search text can be 2 KB of UTF-8, about 6 KB percent-encoded; allow 8 KB and more.
    path = "/v1/articles/" + "%C3%A9" * 1400
    assert len(f"GET {path} HTTP/1.1") > 8192
    connection = server.connection()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        # The app's own 404 problem, not the server's refusal (414 or 431, empty body).
        assert response.status == 404
        assert response.getheader("Content-Type") == "application/problem+json"
    finally:
        connection.close()
