"""Random articles over a whole corpus, with and without renditions (api/renditions.py).

    python bench/renditions.py DB [--seconds 5] [--rounds 2]

DB is a corpus (`python -m bench.corpus DB --articles N`), migrated here if need be. For
each mode the production server (the Procfile's `web:` line) serves DB; wrk asks for
`/v1/articles/<random id>?include=sections,glossary,questions,sources&_=<n>` (a new `_`
on every request, so the memory cache cannot answer; the renditions drop `_` from their
key), and Datasette serves the bare row of a random id, in the same run. Renditions are
warmed first with `flask renditions warm` (its time is printed). Each case keeps its best
round. Prints req/s, p50, p99, server CPU µs per request, the ratio to Datasette and RSS
per worker.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (
    BIN,
    INCLUDE,
    ROOT,
    WRK_REPORT,
    Case,
    app_env,
    cpu_seconds,
    free_port,
    production_argv,
    run_wrk,
    serving,
)

WRK_RANDOM_UNIQUE = """
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
local n = 0
init = function(args)
  math.randomseed(os.time() * 100 + seed)
end
request = function()
  n = n + 1
  return wrk.format("GET", string.format(PATTERN, math.random(1, COUNT), seed * 100000000 + n))
end
"""


def wrk_random_unique(base: str, pids: list[int], count: int, seconds: int, folder: Path) -> dict:
    script = folder / "random-unique.lua"
    pattern = f"/v1/articles/%d?{INCLUDE}&_=%d"
    script.write_text(
        WRK_REPORT
        + WRK_RANDOM_UNIQUE.replace("PATTERN", json.dumps(pattern)).replace("COUNT", str(count))
    )
    argv = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s", str(script), base + "/"]
    before = cpu_seconds(pids)
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    used = cpu_seconds(pids) - before
    report = json.loads(re.search(r"WRK(\{.*\})", output).group(1))  # type: ignore[union-attr]
    requests = report["requests"]
    return {
        "req_s": round(requests / (report["duration_us"] / 1e6), 1),
        "p50_ms": round(report["p50_us"] / 1000, 2),
        "p99_ms": round(report["p99_us"] / 1000, 2),
        "cpu_us": round(used * 1e6 / max(requests, 1), 1),
        "non_2xx": report["status_errors"],
        "errors": report["errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", type=Path)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    database = args.database.resolve()
    count = sqlite3.connect(database).execute("SELECT MAX(id) FROM articles").fetchone()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-renditions-"))
    best: dict[str, dict] = {}
    rss: dict[str, list[float]] = {}
    with contextlib.ExitStack() as stack:
        port = free_port()
        env = {**app_env(database, port), "FLASK_RENDITIONS": "true"}
        started = time.perf_counter()
        warm = subprocess.run(
            [str(BIN / "flask"), "--app", "api", "renditions", "warm"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"warm: {warm.stdout.strip()} in {time.perf_counter() - started:.1f} s")
        servers = {}
        for mode, on in (("renditions", "true"), ("no renditions", "false")):
            port = free_port()
            env = {**app_env(database, port), "FLASK_RENDITIONS": on}
            probe = "/v1/articles?limit=1"
            servers[mode] = stack.enter_context(
                serving(mode, production_argv(), env, port, probe, folder)
            )
        port = free_port()
        datasette = [
            str(BIN / "datasette"), "serve", "-i", str(database), "--host", "127.0.0.1",
            "--port", str(port), "--setting", "default_page_size", "20",
            "--setting", "suggest_facets", "off",
        ]  # fmt: skip
        table = f"/{database.stem}/articles"
        ds = stack.enter_context(
            serving("datasette", datasette, env, port, table + ".json", folder)
        )
        row = Case(
            "row JSON, random", "datasette", f"{table}/1.json", random_pattern=table + "/%d.json"
        )
        os.environ.setdefault("BENCH_SECONDS", str(args.seconds))
        for number in range(args.rounds):
            print(f"round {number + 1} of {args.rounds}", flush=True)
            for mode, server in servers.items():
                found = wrk_random_unique(server.base, server.pids(), count, args.seconds, folder)
                if found["req_s"] > best.get(mode, {}).get("req_s", 0):
                    best[mode] = found
            result = run_wrk(ds, row, folder, count)
            if result.req_s > best.get("datasette", {}).get("req_s", 0):
                best["datasette"] = {
                    "req_s": result.req_s,
                    "p50_ms": result.p50_ms,
                    "p99_ms": result.p99_ms,
                    "cpu_us": result.cpu_us,
                    "non_2xx": result.non_2xx_3xx,
                    "errors": result.errors,
                }
        for mode, server in servers.items():
            rss[mode] = server.worker_rss_mb()
    size = Path(f"{database}-renditions.db").stat().st_size / 1e6
    print(f"{count} articles; rendition store {size:.0f} MB; wrk -t2 -c32 -d{args.seconds}s")
    print(f"{'case':<40} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU µs':>7} {'/dstt':>6}")
    for name, found in best.items():
        ratio = found["req_s"] / best["datasette"]["req_s"]
        label = "datasette: row, random" if name == "datasette" else f"ours, {name}: random"
        print(
            f"{label:<40} {found['req_s']:>8} {found['p50_ms']:>7} {found['p99_ms']:>7}"
            f" {found['cpu_us']:>7} {ratio:>6.2f}"
            + (f"  ({found['non_2xx']} non-2xx)" if found["non_2xx"] else "")
        )
    for mode, values in rss.items():
        print(f"RSS per worker, {mode}: {values} MB")


if __name__ == "__main__":
    main()
