"""The whole edge (issue 13): publish, edit and delete through Varnish in front of two
Litestream replicas, with the origin purging by surrogate key; previews and cookies never
stored; webhooks once the outbox worker exists.

Figures (publish-to-edge time, purge wait) are printed and kept in <edge dir>/figures.json.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES: dict[str, Any] = {}
DEADLINE = 30.0  # seconds a step may take before the test fails (not a speed target)


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Accept-Encoding": "identity", **(headers or {})}
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    answer = Answer(response.status, response.headers, response.read())
    connection.close()
    return answer


def until(what: str, check: Callable[[], Any], timeout: float = DEADLINE) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out: {what}")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def key(edge: dict[str, Any]) -> str:
    return make_key(edge, "editor")


def make_key(edge: dict[str, Any], role: str) -> str:
    made = subprocess.run(
        [
            *("flask", "keys", "create", "--role", role),
            *("--name", f"edge-{role}-{time.time_ns()}", "--quiet"),
        ],
        cwd=ROOT,
        env={**os.environ, "FLASK_APP": "api", "FLASK_DATABASE": f"{edge['dir']}/primary.db"},
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def primary_position(edge: dict[str, Any]) -> int:
    return int(call("GET", f"{edge['primary']}/healthz").json()["position"])


def purge_answered(edge: dict[str, Any], position: int) -> bool:
    """Has the purge for change `position` been answered by Varnish? The purger logs each
    one; the outbox worker's purges are seen by the cache refetching (see fresh_after)."""
    log = Path(edge["logs"]) / "purger.log"
    if not log.exists():
        return False
    done = [int(m) for m in re.findall(r"^purge seq=\d+\.\.(\d+)", log.read_text(), re.M)]
    return any(last >= position for last in done)


def wait_for_purge(edge: dict[str, Any], position: int, fresh: Callable[[], bool]) -> float:
    started = time.monotonic()
    if "purger" in edge["processes"]:
        until(f"the purge of change {position}", lambda: purge_answered(edge, position))
    else:
        until(f"a fresh read after change {position}", fresh)
    return time.monotonic() - started


def story(slug: str, title: str, status: str = "published") -> dict[str, Any]:
    return {
        "title": title,
        "lede": f"The lede of {title}, about sanctions.",
        "slug": slug,
        "status": status,
        "published_at": "2024-06-20T08:00:00Z",
        "issue_id": 1,
        "sections": [{"kind": "body", "heading": "What happened", "paragraphs": ["A story."]}],
    }


def cached(edge: dict[str, Any], path: str) -> Answer:
    """Read until Varnish answers from its cache (a HIT)."""
    return until(
        f"a HIT for {path}",
        lambda: (a := call("GET", edge["varnish"] + path)).headers["X-Cache"] == "HIT" and a,
    )


# Publish, edit, delete ----------------------------------------------------------------------


def test_publish_reaches_the_edge(edge: dict[str, Any], key: str) -> None:
    listing = cached(edge, "/v1/articles?limit=100")
    assert "edge-publish" not in listing.body.decode()
    assert call("GET", edge["varnish"] + "/v1/articles/edge-publish").status == 404
    started = time.monotonic()
    written = call(
        "POST", edge["varnish"] + "/v1/articles", story("edge-publish", "Published"), bearer(key)
    )
    assert written.status == 201, written.body
    until(
        "the article at the edge",
        lambda: call("GET", edge["varnish"] + "/v1/articles/edge-publish").status == 200,
    )
    FIGURES["publish_to_edge_s"] = round(time.monotonic() - started, 3)
    until(
        "the article in the cached listing",
        lambda: b"edge-publish" in call("GET", edge["varnish"] + "/v1/articles?limit=100").body,
    )
    FIGURES["publish_to_listing_s"] = round(time.monotonic() - started, 3)
    print(
        f"\npublish-to-edge {FIGURES['publish_to_edge_s']} s"
        f" (listing {FIGURES['publish_to_listing_s']} s)"
    )


def test_an_edit_is_never_stale_once_its_purge_is_answered(edge: dict[str, Any], key: str) -> None:
    path = "/v1/articles/edge-edit"
    assert (
        call(
            "POST", edge["varnish"] + "/v1/articles", story("edge-edit", "Before"), bearer(key)
        ).status
        == 201
    )
    until("the article at the edge", lambda: call("GET", edge["varnish"] + path).status == 200)
    before = cached(edge, path)
    assert before.json()["data"]["title"] == "Before"
    tag = call("GET", edge["varnish"] + path, headers=bearer(key)).headers["ETag"]
    edited = call(
        "PATCH", edge["varnish"] + path, {"title": "After"}, {**bearer(key), "If-Match": tag}
    )
    assert edited.status == 200, edited.body
    position = primary_position(edge)

    def fresh() -> bool:
        return bool(call("GET", edge["varnish"] + path).json()["data"]["title"] == "After")

    FIGURES["edit_purge_wait_s"] = round(wait_for_purge(edge, position, fresh), 3)
    statuses = []
    for _ in range(40):  # every read from now on, cached or refetched, is the new version
        answer = call("GET", edge["varnish"] + path)
        assert answer.json()["data"]["title"] == "After", "a stale read after the purge"
        statuses.append(answer.headers["X-Cache"])
    assert statuses[0] == "MISS" or "purger" not in edge["processes"]
    assert "HIT" in statuses  # and it is cached again
    bundle = call("GET", edge["varnish"] + "/v1/issues/1/bundle").json()["data"]
    assert "After" in [a["title"] for a in bundle["articles"]]


def test_a_delete_answers_404_from_the_edge(edge: dict[str, Any], key: str) -> None:
    path = "/v1/articles/edge-delete"
    assert (
        call(
            "POST", edge["varnish"] + "/v1/articles", story("edge-delete", "Gone soon"), bearer(key)
        ).status
        == 201
    )
    until("the article at the edge", lambda: call("GET", edge["varnish"] + path).status == 200)
    cached(edge, path)
    tag = call("GET", edge["varnish"] + path, headers=bearer(key)).headers["ETag"]
    assert (
        call("DELETE", edge["varnish"] + path, headers={**bearer(key), "If-Match": tag}).status
        == 204
    )
    position = primary_position(edge)
    wait_for_purge(edge, position, lambda: call("GET", edge["varnish"] + path).status == 404)
    for _ in range(20):
        assert call("GET", edge["varnish"] + path).status == 404
    assert b"edge-delete" not in call("GET", edge["varnish"] + "/v1/articles?limit=100").body


# Never stored -------------------------------------------------------------------------------


def test_a_preview_with_an_editor_key_is_never_stored(edge: dict[str, Any], key: str) -> None:
    path = "/v1/articles/edge-draft"
    assert (
        call(
            "POST",
            edge["varnish"] + "/v1/articles",
            story("edge-draft", "Draft", "draft"),
            bearer(key),
        ).status
        == 201
    )
    for _ in range(3):
        preview = call("GET", edge["varnish"] + path, headers=bearer(key))
        assert preview.status == 200 and preview.json()["data"]["status"] == "draft"
        assert preview.headers["X-Cache"] == "PASS"
        assert "no-store" in preview.headers["Cache-Control"]
    assert call("GET", edge["varnish"] + path).status == 404  # the public never sees it


class _CookieOrigin(http.server.BaseHTTPRequestHandler):
    """An origin that answers public, cacheable JSON, some of it with a cookie."""

    served: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.served.append(self.path)
        body = b'{"data": {}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "public, max-age=60, stale-while-revalidate=300")
        self.send_header("Content-Length", str(len(body)))
        if self.path.startswith("/cookie"):
            self.send_header("Set-Cookie", "session=abc; HttpOnly")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def cookie_varnish(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Our VCL in a Varnish of its own, every backend pointing at _CookieOrigin, and a purge
    ACL that does not list the loopback address."""
    directory = tmp_path_factory.mktemp("cookie-varnish")
    origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CookieOrigin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    backends = (ROOT / "deploy" / "varnish" / "backends.vcl").read_text()
    backends = re.sub(r'\.port = "\d+"', f'.port = "{origin.server_port}"', backends)
    backends = backends.replace('"127.0.0.1";\n    "::1";', '"192.0.2.1";')
    (directory / "backends.vcl").write_text(backends)
    port = free_port()
    varnish = subprocess.Popen(
        [
            *("varnishd", "-F", "-j", "none", "-n", str(directory / "work")),
            *("-a", f"127.0.0.1:{port}", "-T", "127.0.0.1:0"),
            *("-f", str(ROOT / "deploy" / "varnish" / "default.vcl")),
            *("-p", f"vcl_path={directory}:{ROOT / 'deploy' / 'varnish'}", "-s", "malloc,32m"),
        ],
        stdout=open(directory / "varnish.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return call("GET", url + "/plain/up").status == 200
        except OSError:
            return False

    try:
        until("the cookie Varnish", up)
        yield url
    finally:
        os.killpg(varnish.pid, signal.SIGTERM)
        varnish.wait(10)
        origin.shutdown()
        shutil.rmtree(directory / "work", ignore_errors=True)


def test_a_response_setting_a_cookie_is_never_stored(cookie_varnish: str) -> None:
    seen = [call("GET", cookie_varnish + "/cookie/a").headers["X-Cache"] for _ in range(3)]
    assert "HIT" not in seen, seen
    assert _CookieOrigin.served.count("/cookie/a") == 3  # every one went to the origin
    plain = [call("GET", cookie_varnish + "/plain/b").headers["X-Cache"] for _ in range(3)]
    assert plain == ["MISS", "HIT", "HIT"]  # the same answer without a cookie is kept


def test_a_request_with_a_cookie_is_passed(cookie_varnish: str) -> None:
    call("GET", cookie_varnish + "/plain/c")
    assert call("GET", cookie_varnish + "/plain/c").headers["X-Cache"] == "HIT"
    assert (
        call("GET", cookie_varnish + "/plain/c", headers={"Cookie": "a=b"}).headers["X-Cache"]
        == "PASS"
    )


def test_purge_only_from_the_configured_addresses(
    cookie_varnish: str, edge: dict[str, Any]
) -> None:
    assert call("PURGE", cookie_varnish + "/", headers={"xkey": "article-1"}).status == 403
    allowed = call("PURGE", edge["varnish"] + "/", headers={"xkey": "article-424242"})
    assert allowed.status == 200 and allowed.headers["X-Purged"] == "0"
    assert call("PURGE", edge["varnish"] + "/").status == 400


def test_writes_go_to_the_primary_and_reads_to_replicas(edge: dict[str, Any]) -> None:
    roles = {call("GET", edge["varnish"] + f"/healthz?n={i}").json()["role"] for i in range(6)}
    assert roles == {"replica"}  # /healthz is never stored, so each read reached a replica
    refused = call("POST", edge["replica1"] + "/v1/issues", {"number": 99, "title": "x"})
    assert refused.status == 421 and edge["primary"] in refused.json()["detail"]


def backend_health(edge: dict[str, Any]) -> str:
    listed = subprocess.run(
        ["varnishadm", "-n", edge["varnish_workdir"], "backend.list"],
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout


def test_reads_go_on_when_a_replica_hangs(edge: dict[str, Any]) -> None:
    group = edge["processes"]["replica1"]
    os.killpg(group, signal.SIGSTOP)  # hung, not gone: only the probe can tell
    try:
        until(
            "Varnish's probe to mark replica1 sick",
            lambda: re.search(r"replica1\s+\S+\s+\S+\s+sick", backend_health(edge)),
        )
        for i in range(10):  # distinct URLs: each one a miss that reaches a backend
            answer = call("GET", edge["varnish"] + f"/v1/articles/1?_={time.time_ns()}{i}")
            assert answer.status == 200 and answer.headers["X-Cache"] == "MISS"
    finally:
        os.killpg(group, signal.SIGCONT)
    until("replica1 healthy again", lambda: "sick" not in backend_health(edge))


def test_figures(edge: dict[str, Any]) -> None:
    """Not a check: writes what the tests above measured next to the edge's logs."""
    Path(edge["dir"], "figures.json").write_text(json.dumps(FIGURES, indent=2))
    print(f"\nedge figures: {json.dumps(FIGURES)}")


# Webhooks (the outbox worker) ---------------------------------------------------------------

HOOKS_READY = (ROOT / "api" / "webhooks").exists() or (ROOT / "api" / "webhooks.py").exists()
WORKER = any(line.startswith("worker:") for line in (ROOT / "Procfile").read_text().splitlines())
needs_worker = pytest.mark.skipif(
    not (HOOKS_READY and WORKER),
    reason="webhooks are not merged yet (no api/webhooks or no worker: line in the Procfile)",
)


class Receiver:
    """A local webhook receiver: verifies each delivery with standardwebhooks and records
    it; `plan` says how to answer the next attempts ("ok", "500", "hang")."""

    def __init__(self) -> None:
        self.deliveries: list[dict[str, Any]] = []
        self.plan: list[str] = []
        self.secret = ""
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                from standardwebhooks.webhooks import Webhook

                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                payload = Webhook(receiver.secret).verify(body, headers)  # raises if forged
                mode = receiver.plan.pop(0) if receiver.plan else "ok"
                receiver.deliveries.append(
                    {"id": headers["webhook-id"], "payload": payload, "answer": mode}
                )
                if mode == "hang":
                    time.sleep(60)
                self.send_response(500 if mode == "500" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def of(self, kind: str, slug: str) -> list[dict[str, Any]]:
        return [
            d
            for d in self.deliveries
            if d["payload"]["type"] == kind
            and (d["payload"]["data"].get("item") or {}).get("slug") == slug
        ]


@pytest.fixture(scope="module")
def receiver(edge: dict[str, Any]) -> Iterator[Receiver]:
    hooked = Receiver()
    admin = make_key(edge, "admin")
    made = call(
        "POST",
        edge["varnish"] + "/v1/webhooks",
        {"url": hooked.url, "events": ["article.*"]},
        bearer(admin),
    )
    assert made.status == 201, made.body
    hooked.secret = made.json()["data"]["secret"]
    yield hooked
    hooked.server.shutdown()


@needs_worker
def test_webhooks_arrive_signed(edge: dict[str, Any], key: str, receiver: Receiver) -> None:
    assert (
        call(
            "POST", edge["varnish"] + "/v1/articles", story("edge-hook", "Hooked"), bearer(key)
        ).status
        == 201
    )
    until("article.published", lambda: receiver.of("article.published", "edge-hook"))
    assert receiver.of("article.created", "edge-hook")


@needs_worker
def test_a_killed_worker_delivers_after_its_restart(
    edge: dict[str, Any], key: str, receiver: Receiver
) -> None:
    receiver.plan = ["hang"]
    assert (
        call(
            "POST", edge["varnish"] + "/v1/articles", story("edge-crash", "Crash"), bearer(key)
        ).status
        == 201
    )
    until(
        "the first attempt (left hanging)",
        lambda: receiver.deliveries and receiver.deliveries[-1]["answer"] == "hang",
    )
    os.killpg(edge["processes"]["worker"], signal.SIGKILL)  # the launcher starts it again
    until(
        "the delivery after the restart",
        lambda: any(d["answer"] == "ok" for d in receiver.of("article.created", "edge-crash")),
        timeout=90,
    )


@needs_worker
def test_a_500_is_retried_with_the_same_webhook_id(
    edge: dict[str, Any], key: str, receiver: Receiver
) -> None:
    receiver.plan = ["500", "500"]
    assert (
        call(
            "POST",
            edge["varnish"] + "/v1/articles",
            story("edge-retry", "Retry", "draft"),
            bearer(key),
        ).status
        == 201
    )
    until(
        "the retry",
        lambda: any(d["answer"] == "ok" for d in receiver.of("article.created", "edge-retry")),
        timeout=90,
    )
    attempts = receiver.of("article.created", "edge-retry")
    assert len({d["id"] for d in attempts}) == 1 and len(attempts) >= 2
    FIGURES["webhook_retries_seen"] = len(attempts) - 1
