"""Load: many concurrent readers and writers against the production server, for a while.

    python scripts/load.py                      # 200 readers, 20 writers, 30 s (make load)
    python scripts/load.py --readers 50 --writers 5 --seconds 10

Starts the `web:` command of the Procfile (nginx in front of granian) on a free loopback
port over a fresh database holding the seed, makes an editor key, then runs reader and
writer threads, each on its own keep-alive connection. Readers fetch lists, details,
searches, the sync, the bundle and revalidate with If-None-Match; writers create draft
articles, publish them with If-Match, add questions and delete some. It prints counts,
error counts and latency percentiles, and exits 1 if any request failed (a 5xx, a
connection error, or a status the scenario does not expect). The server is stopped at the
end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ_PATHS = [
    "/v1/articles",
    "/v1/articles?include=sections,glossary,questions,sources",
    "/v1/articles/russia-north-korea-defense-pact?include=sections,glossary,questions,sources",
    "/v1/articles/russia-north-korea-defense-pact?format=html&include=sections",
    "/v1/issues",
    "/v1/issues/latest/bundle",
    "/v1/glossary",
    "/v1/glossary/sanctions",
    "/v1/questions",
    "/v1/sources?limit=100",
    "/v1/search?q=sanctions",
    "/v1/search?q=nuclear%20pact",
    "/v1/sync",
    "/healthz",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def flask(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "api", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def web_command() -> list[str]:
    """The Procfile's web: line (`flask --app api serve`: nginx in front of granian), run by
    this Python so that `api` is this checkout; HOST and PORT come from the environment."""
    line = next(
        line.removeprefix("web:").strip()
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.startswith("web:")
    )
    words = shlex.split(line)
    assert words[0] == "flask", words
    return [sys.executable, "-m", "flask", *words[1:]]


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.failures: list[str] = []

    def record(self, kind: str, status: int, seconds: float, ok: bool, what: str) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[kind][status] += 1
            if not ok:
                self.failures.append(f"{kind} {what}: {status}")


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None = None,
) -> tuple[int, dict[str, str], bytes, float]:
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data, elapsed


def reader(port: int, stop: threading.Event, stats: Stats, seed: int) -> None:
    chance = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    etags: dict[str, str] = {}
    while not stop.is_set():
        path = chance.choice(READ_PATHS)
        headers = {"Accept-Encoding": "gzip"}
        if path in etags and chance.random() < 0.3:
            headers["If-None-Match"] = etags[path]
        try:
            status, got, _, elapsed = request(conn, "GET", path, headers)
        except (OSError, http.client.HTTPException) as error:
            stats.record("read", 0, 0.0, False, f"{path} {error!r}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if "etag" in got:
            etags[path] = got["etag"]
        stats.record("read", status, elapsed, status in (200, 304), path)
    conn.close()


def writer(port: int, key: str, stop: threading.Event, stats: Stats, number: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    made = 0

    def call(
        method: str,
        path: str,
        expected: tuple[int, ...],
        body: object = None,
        extra: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        nonlocal conn
        data = json.dumps(body).encode() if body is not None else None
        try:
            status, got, payload, elapsed = request(
                conn, method, path, {**auth, **(extra or {})}, data
            )
        except (OSError, http.client.HTTPException) as error:
            stats.record("write", 0, 0.0, False, f"{method} {path} {error!r}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            return 0, {}, b""
        stats.record("write", status, elapsed, status in expected, f"{method} {path}")
        return status, got, payload

    while not stop.is_set():
        made += 1
        slug = f"load-w{number}-a{made}"
        status, got, _ = call(
            "POST",
            "/v1/articles",
            (201,),
            {
                "title": f"Load article {number}-{made}",
                "slug": slug,
                "lede": "Sanctions and the Cold War, written under load.",
                "sections": [
                    {
                        "kind": "body",
                        "heading": "What happened",
                        "paragraphs": [f"Writer {number} wrote article {made}."],
                    }
                ],
                "glossary": [{"term": "Sanctions", "definition": "Penalties."}],
                "questions": [{"text": "Does load matter?", "kinds": ["debate"]}],
            },
        )
        if status != 201:
            continue
        status, got, _ = call(
            "PATCH",
            f"/v1/articles/{slug}",
            (200,),
            {"status": "published", "published_at": "2024-06-19T08:00:00Z"},
            {"If-Match": got.get("etag", ""), "Content-Type": "application/merge-patch+json"},
        )
        if status == 200 and made % 3 == 0:
            call("DELETE", f"/v1/articles/{slug}", (204,), None, {"If-Match": got.get("etag", "")})
    conn.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="load-"))
    port = free_port()
    env = {
        **os.environ,
        "FLASK_DATABASE": str(folder / "load.db"),
        "FLASK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        # The point is the server under load, not the per-key limit (60 a minute by default).
        "FLASK_WRITE_RATE_LIMIT": "1000000 per minute",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    flask(["seed"], env)
    key = flask(["keys", "create", "--role", "editor", "--name", "load", "--quiet"], env)
    server = subprocess.Popen(web_command(), cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        stats = Stats()
        stop = threading.Event()
        threads = [
            threading.Thread(target=reader, args=(port, stop, stats, n), daemon=True)
            for n in range(options.readers)
        ] + [
            threading.Thread(target=writer, args=(port, key, stop, stats, n), daemon=True)
            for n in range(options.writers)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(options.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.monotonic() - started
        alive = server.poll() is None
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
    print(
        f"{options.readers} readers, {options.writers} writers, {elapsed:.1f} s,"
        " nginx + granian per Procfile"
    )
    for kind in ("read", "write"):
        values = stats.latency[kind]
        statuses = dict(sorted(stats.statuses[kind].items()))
        print(
            f"{kind}s: {len(values)} ({len(values) / elapsed:.0f}/s), statuses {statuses},"
            f" p50 {percentile(values, 0.5) * 1000:.1f} ms,"
            f" p99 {percentile(values, 0.99) * 1000:.1f} ms,"
            f" max {max(values, default=0) * 1000:.1f} ms"
        )
    print(f"errors: {len(stats.failures)}")
    for failure in stats.failures[:20]:
        print(f"  {failure}")
    if not alive:
        print("the server died during the run")
    return 1 if stats.failures or not alive or not stats.latency["write"] else 0


if __name__ == "__main__":
    sys.exit(main())
