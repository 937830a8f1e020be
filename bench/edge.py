"""The edge benchmark (`make bench-edge`): the read path through Varnish, and replication.

1. Starts the whole edge (scripts/edge.py, free loopback ports, a fresh directory).
2. Hot article through Varnish vs nginx serving the same bytes as a file (wrk, -c32):
   target >= 0.8x. Hit ratio from varnishstat (cache_hit / (cache_hit + cache_miss)).
3. Replication lag under WRITES_PER_S writes/s (20) for LAG_SECONDS (15), with a light read
   load through Varnish: each write's change-log position, and when each replica's /healthz
   first showed it (polled every 5 ms). Target: p99 < 2 s.
4. Purges per write: the PURGE requests the purger sent during the writes, and their keys.

Prints a table and writes bench/results/edge.json. Env: BENCH_SECONDS (10),
BENCH_CONNECTIONS (32), BENCH_ROUNDS (2, interleaved, best kept), WRITES_PER_S, LAG_SECONDS.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WRITES_PER_S = float(os.environ.get("WRITES_PER_S", "20"))
LAG_SECONDS = float(os.environ.get("LAG_SECONDS", "15"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
HOT = "/v1/articles/1?include=sections,glossary,questions,sources"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Content-Type": "application/json", **(headers or {})} if data else headers or {}
    call = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(call, timeout=30) as answer:
            return answer.status, answer.read(), {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, error.read(), {k.lower(): v for k, v in error.headers.items()}


def wrk(url: str, seconds: int = SECONDS, connections: int = CONNECTIONS) -> dict[str, float]:
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "req_s": float(rate.group(1)) if rate else 0.0,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def varnish_counters(workdir: str) -> dict[str, int]:
    output = subprocess.run(
        ["varnishstat", "-n", workdir, "-1", "-j"], capture_output=True, text=True, check=True
    ).stdout
    counters = json.loads(output)
    counters = counters.get("counters", counters)
    wanted = ("MAIN.cache_hit", "MAIN.cache_miss", "MAIN.cache_hitmiss", "MAIN.cache_hitpass")
    return {name: int(counters[name]["value"]) for name in wanted if name in counters}


def hit_ratio(before: dict[str, int], after: dict[str, int]) -> float:
    hits = after["MAIN.cache_hit"] - before["MAIN.cache_hit"]
    misses = after["MAIN.cache_miss"] - before["MAIN.cache_miss"]
    return hits / (hits + misses) if hits + misses else float("nan")


def start_edge(directory: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    directory.mkdir(parents=True)
    ready = directory / "ready.json"
    env = {
        **os.environ,
        "EDGE_PORTS": "free",
        "EDGE_DIR": str(directory),
        "FLASK_WRITE_RATE_LIMIT": "1000000 per minute",
    }
    launcher = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "edge.py"), "--ready-file", str(ready)],
        cwd=ROOT,
        env=env,
        stdout=open(directory / "edge.out", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        if launcher.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the edge did not start:\n" + (directory / "edge.out").read_text())
        time.sleep(0.2)
    return launcher, json.loads(ready.read_text())


def nginx(folder: Path, body: bytes) -> tuple[subprocess.Popen[bytes], str]:
    static = folder / "static"
    static.mkdir(parents=True)
    (static / "article.json").write_bytes(body)
    for parent in (folder.parent, folder):
        parent.chmod(0o711)  # nginx workers run as nobody
    static.chmod(0o755)
    (static / "article.json").chmod(0o644)
    port = free_port()
    conf = folder / "nginx.conf"
    temp = " ".join(f"{kind}_temp_path {folder}/nginx-{kind};" for kind in ("client_body", "proxy"))
    conf.write_text(
        f"daemon off; worker_processes 2; pid {folder}/nginx.pid;"
        f" error_log {folder}/nginx-error.log warn; events {{ worker_connections 1024; }}"
        f" http {{ access_log off; {temp} keepalive_requests 1000000;"
        f" server {{ listen 127.0.0.1:{port};"
        f" location / {{ root {static}; default_type application/json; etag on; }} }} }}"
    )
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(folder)], start_new_session=True)
    url = f"http://127.0.0.1:{port}/article.json"
    for _ in range(100):
        try:
            if request("GET", url)[0] == 200:
                return process, url
        except OSError:
            time.sleep(0.05)
    raise SystemExit("nginx did not start")


def make_key(state: dict[str, Any]) -> str:
    made = subprocess.run(
        [
            *(str(Path(sys.executable).parent / "flask"), "keys", "create", "--role", "editor"),
            *("--name", f"bench-{time.time_ns()}", "--quiet"),
        ],
        cwd=ROOT,
        env={**os.environ, "FLASK_APP": "api", "FLASK_DATABASE": f"{state['dir']}/primary.db"},
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


def position(url: str) -> int:
    return int(json.loads(request("GET", f"{url}/healthz")[1])["position"])


def replication_lag(state: dict[str, Any], key: str) -> dict[str, Any]:
    """Writes at WRITES_PER_S to the primary; when each replica first shows each one."""
    auth = {"Authorization": f"Bearer {key}"}
    body = {"title": "Lag", "lede": "A lede.", "slug": "bench-lag", "status": "published"}
    body |= {"published_at": "2024-06-20T08:00:00Z", "issue_id": 1}
    status, _, _ = request("POST", state["primary"] + "/v1/articles", body, auth)
    assert status == 201, status
    seen: dict[str, list[tuple[float, int]]] = {"replica1": [], "replica2": []}
    stop = threading.Event()

    def poll(name: str) -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                seen[name].append((time.monotonic(), position(state[name])))
            time.sleep(0.005)

    pollers = [threading.Thread(target=poll, args=(name,), daemon=True) for name in seen]
    for poller in pollers:
        poller.start()
    reader = subprocess.Popen(
        [
            "wrk",
            "-t1",
            "-c4",
            f"-d{int(LAG_SECONDS) + 2}s",
            state["varnish"] + "/v1/articles/bench-lag",
        ],
        stdout=subprocess.DEVNULL,
    )
    purges_before = purge_lines(state)
    writes: list[tuple[float, int]] = []
    started = time.monotonic()
    total = int(LAG_SECONDS * WRITES_PER_S)
    url = state["primary"] + "/v1/articles/bench-lag"

    def write(index: int) -> None:
        # On schedule, whatever the others are doing: a few writers at once.
        time.sleep(max(0.0, started + index / WRITES_PER_S - time.monotonic()))
        status, _, _ = request("PATCH", url, {"title": f"Lag {index}"}, {**auth, "If-Match": "*"})
        committed = time.monotonic()
        if status == 200:
            writes.append((committed, position(state["primary"])))

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(write, range(total)))
    elapsed = time.monotonic() - started
    time.sleep(3)  # let the replicas and the purger finish
    stop.set()
    for poller in pollers:
        poller.join()
    reader.wait()
    lags: list[float] = []
    behind = 0
    for committed, wanted in writes:
        for samples in seen.values():
            first = next((t for t, p in samples if p >= wanted and t >= committed - 1), None)
            if first is None:
                behind += 1
            else:
                lags.append(max(0.0, first - committed))
    lags.sort()
    purges = purge_lines(state)[len(purges_before) :]
    requests = sum(int(p["requests"]) for p in purges)
    keys = [int(p["keys"]) for p in purges]
    return {
        "writes": len(writes),
        "writes_per_s": round(len(writes) / elapsed, 1),
        "lag_p50_s": round(lags[len(lags) // 2], 3) if lags else None,
        "lag_p99_s": round(lags[min(len(lags) - 1, int(len(lags) * 0.99))], 3) if lags else None,
        "lag_max_s": round(lags[-1], 3) if lags else None,
        "never_seen": behind,
        "purge_requests": requests,
        "purge_requests_per_write": round(requests / len(writes), 2) if writes else None,
        "keys_per_purge_median": statistics.median(keys) if keys else None,
        "purge_wait_ms_median": statistics.median(int(p["waited_ms"]) for p in purges)
        if purges
        else None,
    }


def purge_lines(state: dict[str, Any]) -> list[dict[str, str]]:
    log = Path(state["logs"]) / "purger.log"
    if not log.exists():
        return []
    pattern = re.compile(
        r"^purge seq=\S+ keys=(\d+) requests=(\d+) objects=(\d+) waited_ms=(\d+)", re.M
    )
    return [
        {"keys": k, "requests": r, "objects": o, "waited_ms": w}
        for k, r, o, w in pattern.findall(log.read_text())
    ]


def main() -> None:
    if not shutil.which("wrk") or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        raise SystemExit("needs wrk and nginx: apt-get install wrk nginx-light")
    folder = Path(tempfile.mkdtemp(prefix="bench-edge-"))
    launcher, state = start_edge(folder / "edge")
    web, nginx_url = None, ""
    try:
        key = make_key(state)
        status, body, _ = request(
            "GET", state["varnish"] + HOT, headers={"Accept-Encoding": "identity"}
        )
        assert status == 200, status
        web, nginx_url = nginx(folder / "nginx", body)
        wrk(state["varnish"] + HOT, seconds=2)  # warm
        # Interleaved rounds, each side keeps its best: the machine is shared.
        before = varnish_counters(state["varnish_workdir"])
        ours_rounds, theirs_rounds = [], []
        for _ in range(ROUNDS):
            ours_rounds.append(wrk(state["varnish"] + HOT))
            theirs_rounds.append(wrk(nginx_url))
        after = varnish_counters(state["varnish_workdir"])
        ratio = hit_ratio(before, after)
        ours = max(ours_rounds, key=lambda r: r["req_s"])
        theirs = max(theirs_rounds, key=lambda r: r["req_s"])
        lag = replication_lag(state, key)
        during = varnish_counters(state["varnish_workdir"])
        results = {
            "hot_article_bytes": len(body),
            "varnish_req_s": ours["req_s"],
            "varnish_p99_ms": ours["p99_ms"],
            "nginx_req_s": theirs["req_s"],
            "nginx_p99_ms": theirs["p99_ms"],
            "varnish_vs_nginx": round(ours["req_s"] / theirs["req_s"], 2)
            if theirs["req_s"]
            else None,
            "hit_ratio_hot": round(ratio, 4),
            "hit_ratio_during_writes": round(hit_ratio(after, during), 4),
            **lag,
            "varnish_rounds_req_s": [r["req_s"] for r in ours_rounds],
            "nginx_rounds_req_s": [r["req_s"] for r in theirs_rounds],
            "connections": CONNECTIONS,
            "seconds": SECONDS,
        }
    finally:
        if web is not None:
            os.killpg(web.pid, signal.SIGTERM)
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(30)
    out = ROOT / "bench" / "results" / "edge.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(name) for name in results)
    for name, value in results.items():
        print(f"{name:<{width}}  {value}")
    print(
        f"targets: varnish/nginx >= 0.8 ({results['varnish_vs_nginx']}),"
        f" lag p99 < 2 s ({results['lag_p99_s']})"
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
