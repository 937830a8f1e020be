"""The production command (the Procfile's ``web:`` line) as a client meets it.

gunicorn's sync workers let a connection that sends nothing hold a worker for 30 s, and
answer ``Connection: close``; these tests start the real command (nginx in front of
granian, api/front.py) on a free loopback port over a temporary database and check that
neither happens. Every wait is bounded. Raw sockets then send what a hostile or broken
client sends (oversized heads, a foreign Host, smuggling attempts, bytes granian refuses
itself) and check that every answer is problem+json a browser can read (CORS).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from api import create_app
from api.db import connect, init_db
from api.front import find_nginx, granian_env, warms_on_start
from api.importer.write import write_document
from api.renditions import store_path
from tests.factories import make_document

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
    database: Path
    pid: int = 0  # the launcher's

    def connection(self, timeout: float = 3.0) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)


@contextlib.contextmanager
def running_server(database: Path, log: Path, **extra: str) -> Iterator[Running]:
    """The Procfile's web: command on a free port, until the block ends."""
    command = web_command()
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    if not shutil.which(shlex.split(command)[0], path=path):
        pytest.skip(f"{shlex.split(command)[0]} (the production server) is not installed")
    if find_nginx() is None:
        pytest.fail("nginx (the production server's front) is missing: scripts/ensure-nginx.sh")
    port = free_port()
    env = dict(
        os.environ,
        HOST="127.0.0.1",
        PORT=str(port),
        PATH=path,
        FLASK_DATABASE=str(database),
        PYTHONPATH=str(ROOT),
        **extra,
    )
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
        while True:  # nginx answers first (a 503 problem) while granian starts behind it
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield Running(port, int(env.get("GRANIAN_WORKERS", "2")), database, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    database = tmp_path_factory.mktemp("server") / "content.db"
    log = tmp_path_factory.mktemp("server-log") / "server.log"
    with running_server(
        database,
        log,
        # Low enough to reach in a test: refused writes count once (the front's replays).
        # Rate-limit counters live in each granian worker: one worker, so they add up here.
        FLASK_WRITE_RATE_LIMIT="3 per minute",
        GRANIAN_WORKERS="1",
    ) as running:
        yield running


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


# What a client meets at the boundary, through the real server -----------------------------------


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    closed: bool  # the server closed the connection after answering


def raw_exchange(server: Running, request: bytes, *, timeout: float = 3.0) -> RawAnswer:
    """Send bytes as they are (no client library tidies them up) and read one answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        closed = False
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length and not closed:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            body += chunk
        if not closed:
            sock.settimeout(1.0)
            try:
                closed = sock.recv(1) == b""
            except TimeoutError:
                closed = False
    return RawAnswer(status, headers, body, closed)


def get_request(target: bytes, *extra: bytes, host: bytes = b"127.0.0.1") -> bytes:
    lines = [b"GET " + target + b" HTTP/1.1", b"Host: " + host, *extra, b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def assert_app_problem(answer: RawAnswer, status: int) -> dict[str, object]:
    """The app's problem+json, readable by a browser on any origin (CORS)."""
    assert answer.status == status, (answer.status, answer.body[:300])
    assert answer.headers.get("content-type") == "application/problem+json", answer.headers
    assert answer.headers.get("access-control-allow-origin") == "*"
    assert answer.headers.get("x-content-type-options") == "nosniff"
    assert answer.headers.get("cache-control") == "no-store"
    body = json.loads(answer.body)
    assert body["status"] == status
    return body


def test_a_request_line_over_the_limit_is_the_apps_414_problem(server: Running) -> None:
    answer = raw_exchange(server, get_request(b"/v1/search?q=" + b"a" * 40_000))
    body = assert_app_problem(answer, 414)
    assert len(str(body["instance"])) <= 512


def test_a_header_over_the_limit_is_the_apps_431_problem(server: Running) -> None:
    answer = raw_exchange(server, get_request(b"/v1/articles", b"Cookie: " + b"a" * 9_000))
    body = assert_app_problem(answer, 431)
    assert "Cookie" in str(body["detail"])


def test_many_headers_are_the_apps_431_problem(server: Running) -> None:
    headers = [b"X-Header-%d: v" % i for i in range(80)]  # over the app's 64, under granian's 100
    assert_app_problem(raw_exchange(server, get_request(b"/v1/articles", *headers)), 431)


def test_an_untrusted_host_is_a_400_problem(server: Running) -> None:
    answer = raw_exchange(server, get_request(b"/v1/articles?limit=1", host=b"evil.example"))
    assert_app_problem(answer, 400)
    assert b"evil" not in answer.headers.get("link", "").encode()
    trusted = raw_exchange(server, get_request(b"/v1/articles?limit=1", host=b"localhost:5000"))
    assert trusted.status == 200
    # Forwarded headers change nothing unless FLASK_TRUSTED_PROXIES says so (granian passes
    # them through untouched): the links still start with the configured base URL.
    forwarded = raw_exchange(
        server,
        get_request(
            b"/v1/articles?limit=1",
            b"X-Forwarded-Host: evil.example",
            b"X-Forwarded-Proto: https",
        ),
    )
    assert forwarded.status == 200
    assert b"evil" not in forwarded.body
    assert json.loads(forwarded.body)["links"]["self"].startswith("http://127.0.0.1:5000/")


def test_transfer_encoding_with_content_length_is_refused_and_closed(server: Running) -> None:
    # The classic smuggling head: nginx refuses it (RFC 9112 allows either) and closes.
    request = (
        b"POST /v1/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    answer = raw_exchange(server, request)
    assert_front_problem(answer, 400)
    assert answer.closed


def test_every_answer_has_the_security_headers_and_no_server_version(server: Running) -> None:
    first = raw_exchange(server, get_request(b"/v1/articles?limit=1"))
    etag = first.headers["etag"].encode()
    cached = raw_exchange(server, get_request(b"/v1/articles?limit=1", b"If-None-Match: " + etag))
    missing = raw_exchange(server, get_request(b"/v1/nothing-here"))
    assert (first.status, cached.status, missing.status) == (200, 304, 404)
    for answer in (first, cached, missing):
        assert answer.headers.get("x-content-type-options") == "nosniff"
        assert answer.headers.get("referrer-policy") == "no-referrer"
        assert not re.search(r"\d", answer.headers.get("server", "")), answer.headers
    assert missing.headers["cache-control"] == "no-store"


# What the app never sees, answered by the front as problem+json ------------------------------
# granian (hyper) answered these itself with an empty body and no CORS; nginx parses the
# request first (deploy/nginx/front.conf).
def post(body_headers: bytes, body: bytes = b"") -> bytes:
    return (
        b"POST /v1/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + body_headers
        + b"Connection: close\r\n\r\n"
        + body
    )


SERVER_REFUSALS = {
    "content-length-abc": (post(b"Content-Length: abc\r\n"), 400),
    "two-content-lengths": (post(b"Content-Length: 1\r\nContent-Length: 2\r\n", b"ab"), 400),
    "raw-non-ascii-byte-in-query": (get_request(b"/v1/articles?q=caf\xe9"), 400),
    "raw-non-ascii-byte-in-path": (get_request(b"/v1/caf\xe9"), 400),
    "control-byte-in-a-header-value": (get_request(b"/v1/articles", b"X-Note: a\x01b"), 400),
    "garbage-request-line": (b"GARBAGE\r\n\r\n", 400),
    "malformed-chunk": (post(b"Transfer-Encoding: chunked\r\n", b"zz\r\nabc\r\n0\r\n\r\n"), 400),
    "101-headers": (get_request(b"/v1/articles", *[b"X-H-%d: v" % i for i in range(101)]), 431),
    "a-70-kb-header": (get_request(b"/v1/articles", b"X-Big: " + b"a" * 70_000), 431),
    "a-70-kb-request-line": (get_request(b"/v1/search?q=" + b"a" * 70_000), 414),
    "a-3-mb-body-declared": (post(b"Content-Length: 3000000\r\n"), 413),
}


def assert_front_problem(answer: RawAnswer, status: int) -> dict[str, object]:
    """nginx's answer in the app's shape: problem+json, CORS, no caching, nosniff."""
    body = assert_app_problem(answer, status)
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("name", sorted(SERVER_REFUSALS))
def test_what_the_app_never_sees_is_still_a_problem(server: Running, name: str) -> None:
    request, status = SERVER_REFUSALS[name]
    assert_front_problem(raw_exchange(server, request), status)


def test_the_apps_own_refusals_pass_the_front_unchanged(server: Running) -> None:
    # The front asks the app again for a 400 or 431 it intercepted; the app's own words
    # (naming the parameter, the header) must reach the client.
    bad_limit = raw_exchange(server, get_request(b"/v1/articles?limit=abc"))
    body = assert_app_problem(bad_limit, 400)
    assert "limit" in json.dumps(body)
    too_many = raw_exchange(
        server, get_request(b"/v1/articles", *[b"X-H-%d: v" % i for i in range(70)])
    )
    assert "64" in str(assert_app_problem(too_many, 431)["detail"])


@pytest.fixture(scope="module")
def editor_key(server: Running) -> str:
    command = ["keys", "create", "--role", "editor", "--name", "server test", "--quiet"]
    created = subprocess.run(
        [str(BIN / "flask"), "--app", "api", *command],
        cwd=ROOT,
        env=dict(os.environ, FLASK_DATABASE=str(server.database), PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        check=True,
    )
    return created.stdout.strip()


def test_a_refused_write_counts_once_against_the_rate_limit(
    server: Running, editor_key: str
) -> None:
    # FLASK_WRITE_RATE_LIMIT is 3 a minute here. Each broken body is a 400 the front asks
    # again; if the replay counted, the second write would already be a 429.
    auth = b"Authorization: Bearer " + editor_key.encode() + b"\r\n"
    statuses = [
        raw_exchange(server, post(auth + b"Content-Length: 1\r\n", b"{")).status for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_forwarded_for_from_a_client_is_not_who_the_client_is(server: Running) -> None:
    # Invalid keys are limited per address (20 a minute); an X-Forwarded-For the client
    # writes must not give it a fresh address each time. nginx appends the address it saw,
    # and the app trusts that one hop alone.
    statuses = set()
    for i in range(30):
        request = get_request(
            b"/v1/articles?limit=1",
            b"Authorization: Bearer not-a-key",
            b"X-Forwarded-For: 10.0.0.%d" % i,
        )
        statuses.add(raw_exchange(server, request).status)
    assert 429 in statuses, statuses


def test_workers_get_a_fixed_malloc_threshold_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without it a worker kept each prefix search's ≈ 23 MB buffer (bench/README.md, round 4).
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    assert "glibc.malloc.mmap_threshold=131072" in granian_env()["GLIBC_TUNABLES"].split(":")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=1")
    assert granian_env()["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=1"


def test_the_workers_run_with_that_environment(server: Running) -> None:
    if "GLIBC_TUNABLES" in os.environ:
        pytest.skip("GLIBC_TUNABLES is set here: the server keeps it")
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"granian" in cmdline and f"PORT={server.port}\0".encode() in environ:
            found.append(environ)
    assert found, "no granian process of this server"
    # glibc may cut the variable where it parsed it; the first tunable is always there.
    wanted = b"GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072"
    assert all(any(v.startswith(wanted) for v in e.split(b"\0")) for e in found)


def test_the_server_stores_every_articles_response_when_it_starts(tmp_path: Path) -> None:
    # A database seeded by another process (or a deploy: a new code digest puts every
    # stored row out of date): the first random reads must already be lookups.
    database = tmp_path / "content.db"
    init_db(database)
    db = connect(database)
    try:
        for n in range(1, 4):
            write_document(db, make_document(n, slug=f"warm-start-{n}", issue=1))
    finally:
        db.close()
    with running_server(database, tmp_path / "server.log", GRANIAN_WORKERS="1") as running:
        deadline = time.monotonic() + 30
        rows = 0
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(sqlite3.Error),
                contextlib.closing(sqlite3.connect(store_path(str(database)))) as store,
            ):
                rows = store.execute("SELECT COUNT(*) FROM renditions").fetchone()[0]
            if rows == 3:
                break
            time.sleep(0.2)
        assert rows == 3, (tmp_path / "server.log").read_text()
        assert "3 articles: 3 rendered, 0 already current" in (tmp_path / "server.log").read_text()
        # The warm has ended, and the launcher has reaped it: no zombie is left.
        time.sleep(0.5)
        states = []
        for entry in Path("/proc").iterdir():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == running.pid:
                    states.append(fields[0])
        assert states and "Z" not in states, states


def test_warming_at_start_follows_the_configuration(tmp_path: Path) -> None:
    database = str(tmp_path / "content.db")
    for config, warms in (
        ({}, True),
        ({"RENDITIONS_WARM_ON_START": False}, False),
        ({"RENDITIONS": False}, False),  # the caches-off bench server: nothing to warm
    ):
        app = create_app({"DATABASE": database, "TESTING": True, **config})
        with app.app_context():
            assert warms_on_start(app.config) is warms, config
