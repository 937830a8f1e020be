"""The benchmark against peers, in one run: ours, Datasette and nginx on the same machine.

    make bench                    # 10,000 articles
    ARTICLES=100000 make bench    # the scale run

1. Seeds a synthetic corpus through our real writer (bench/corpus.py, in a child
   process so its peak memory is its own).
2. Serves it with the production command (the ``web:`` line of the Procfile), the
   same SQLite file with Datasette, and our own article bytes as a file with nginx; and
   the production command again with both caches off (what a built 200 costs).
3. Loads each case with wrk (loopback, BENCH_SECONDS each, BENCH_CONNECTIONS).
4. Prints one table and writes it as JSON under bench/results/.

Server CPU per request is read from /proc/<pid>/stat of the server's whole process
tree before and after each case, divided by the requests wrk completed. On a shared
2-core machine absolute figures drift: the ratios measured in one run are what counts.
BENCH_CANDIDATES=0 skips the comparison of WSGI servers (gunicorn sync, gthread, granian).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
TICK = os.sysconf("SC_CLK_TCK")
INCLUDE = "include=sections,glossary,questions,sources"
HOT_REF = "article-000042"

ARTICLES = int(os.environ.get("ARTICLES", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CANDIDATES = os.environ.get("BENCH_CANDIDATES", "1") not in ("0", "", "no")

WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format(
    "WRK{\\"requests\\":%d,\\"duration_us\\":%d,\\"bytes\\":%d,\\"p50_us\\":%d,"
    .. "\\"p99_us\\":%d,\\"errors\\":%d,\\"status_errors\\":%d}\\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
"""
WRK_RANDOM = """
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(os.time() * 100 + seed)
end
request = function()
  local path = string.format(PATTERN, math.random(1, COUNT))
  return wrk.format("GET", path)
end
"""

# Every request a URL of its own (a counter in the ignored `_` parameter): what a read
# costs when the response cache cannot answer it.
WRK_UNIQUE = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", string.format(PATTERN, id * 100000000 + counter))
end
"""


@dataclass
class Case:
    name: str
    server: str  # ours | datasette | nginx
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    random_pattern: str | None = None  # a %d pattern filled with 1..ARTICLES by Lua
    unique_pattern: str | None = None  # a %d pattern filled with a new number each request


@dataclass
class Result:
    name: str
    server: str
    path: str
    req_s: float
    p50_ms: float | None  # None: no request completed within the case (all timed out)
    p99_ms: float | None
    bytes: int
    status: int
    cpu_us: float | None
    alone_ms: float  # one request on its own before the load, wall time
    requests: int
    errors: int
    non_2xx_3xx: int
    # The serving processes' RSS right after the case (JSON only): what made memory grow.
    rss_after_mb: list[float] = field(default_factory=list)


# --- processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children_of(current))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def is_nginx(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"nginx")
    except OSError:
        return False


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class Server:
    """A server process started in its own process group, ended with the group."""

    def __init__(self, name: str, argv: list[str], port: int, env: dict[str, str], log: Path):
        self.name, self.port = name, port
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)

    def worker_rss_mb(self) -> list[float]:
        """RSS of each process that serves requests: the leaves of the process tree (the
        workers, or the one process), leaving out nginx's in front of ours."""
        workers = [pid for pid in self.pids() if not children_of(pid) and not is_nginx(pid)] or [
            self.process.pid
        ]
        return [round(rss_mb(pid), 1) for pid in workers]

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def app_env(database: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        FLASK_APP="api",
        FLASK_DATABASE=str(database),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        # Our worktree's code, not whatever an editable install points at.
        PYTHONPATH=f"{ROOT}{os.pathsep}{env.get('PYTHONPATH', '')}".rstrip(os.pathsep),
    )
    return env


def procfile_command(name: str = "web") -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"Procfile has no {name}: line")


def production_argv() -> list[str]:
    # The shell expands ${HOST}/${PORT} exactly as a Procfile runner would.
    return ["sh", "-c", f"exec {procfile_command()}"]


def candidate_argvs() -> dict[str, list[str]]:
    gunicorn = "gunicorn --bind 127.0.0.1:{port}"
    granian = (
        "granian --interface wsgi --factory --host 127.0.0.1 --port {port}"
        " --no-access-log --log-level warning"
    )
    commands = {
        "gunicorn sync, 2 workers": f"{gunicorn} --workers 2 'api:create_app()'",
        "gunicorn gthread, 2x4 threads, keep-alive 5 s": f"{gunicorn} --worker-class gthread"
        " --workers 2 --threads 4 --keep-alive 5 'api:create_app()'",
        "granian, 2 workers, default threads": f"{granian} --workers 2 api:create_app",
        "granian, 2 workers, 1 blocking thread": f"{granian} --workers 2 --blocking-threads 1"
        " api:create_app",
        "granian, 2 workers, 2 blocking threads": f"{granian} --workers 2 --blocking-threads 2"
        " api:create_app",
        "granian, 2 workers, 4 blocking threads": f"{granian} --workers 2 --blocking-threads 4"
        " api:create_app",
        "granian, 1 worker, 1 blocking thread": f"{granian} --workers 1 --blocking-threads 1"
        " api:create_app",
    }
    return {name: shlex.split(command) for name, command in commands.items()}


@contextlib.contextmanager
def serving(name: str, argv: list[str], env: dict[str, str], port: int, probe: str, out: Path):
    server = Server(name, argv, port, env, out / f"{re.sub(r'[^a-z0-9]+', '-', name)}.log")
    try:
        wait_for(server.base + probe)
        yield server
    finally:
        server.stop()


def nginx_argv(folder: Path, port: int) -> list[str]:
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/nginx-body;
    proxy_temp_path {folder}/nginx-proxy;
    fastcgi_temp_path {folder}/nginx-fastcgi;
    uwsgi_temp_path {folder}/nginx-uwsgi;
    scgi_temp_path {folder}/nginx-scgi;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {folder}/static; default_type application/json; etag on; }}
    }}
}}
"""
    )
    return [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(folder)]


# --- loads ----------------------------------------------------------------------------


def lowered(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), lowered(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), lowered(error.headers)


def run_wrk(server: Server, case: Case, folder: Path, articles: int) -> Result:
    script = folder / "wrk.lua"
    lua = WRK_REPORT
    if case.random_pattern:
        lua += WRK_RANDOM.replace("PATTERN", json.dumps(case.random_pattern)).replace(
            "COUNT", str(articles)
        )
    if case.unique_pattern:
        lua += WRK_UNIQUE.replace("PATTERN", json.dumps(case.unique_pattern))
    script.write_text(lua)
    pattern = case.random_pattern or case.unique_pattern
    sample = pattern % 1 if pattern else case.path
    started = time.perf_counter()
    status, body, _ = fetch(server.base + sample, case.headers)
    alone_ms = (time.perf_counter() - started) * 1000
    argv = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", str(script)]
    for name, value in case.headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(server.base + case.path)
    pids = server.pids()
    before = cpu_seconds(pids)
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    used = cpu_seconds(pids) - before
    found = re.search(r"WRK(\{.*\})", output)
    if not found:
        raise RuntimeError(f"wrk gave no report for {case.name}:\n{output}")
    report = json.loads(found.group(1))
    requests = report["requests"]
    done = requests > 0
    return Result(
        name=case.name,
        server=case.server,
        path=case.random_pattern or case.unique_pattern or case.path,
        req_s=round(requests / (report["duration_us"] / 1e6), 1),
        p50_ms=round(report["p50_us"] / 1000, 2) if done else None,
        p99_ms=round(report["p99_us"] / 1000, 2) if done else None,
        bytes=len(body),
        status=status,
        cpu_us=round(used * 1e6 / requests, 1) if done else None,
        alone_ms=round(alone_ms, 2),
        requests=report["requests"],
        errors=report["errors"],
        non_2xx_3xx=report["status_errors"],
        rss_after_mb=server.worker_rss_mb(),
    )


def deep_page_path(base: str, page: int) -> str:
    """Walk the real next links from page 1 to ``page``: the URL a client would hold."""
    url = "/v1/articles?limit=20"
    for _ in range(page - 1):
        _, body, _ = fetch(base + url)
        next_url = json.loads(body)["links"]["next"]
        if next_url is None:
            raise RuntimeError(f"the list ends before page {page}")
        url = re.sub(r"^https?://[^/]+", "", next_url)
    return url


def our_cases(base: str, articles: int) -> list[Case]:
    detail = f"/v1/articles/{HOT_REF}?{INCLUDE}"
    _, _, headers = fetch(base + detail)
    pages = min(500, articles // 20)
    deep = deep_page_path(base, pages)
    return [
        Case("article, hot", "ours", detail),
        Case("article, uncached", "ours", detail, unique_pattern=detail + "&_=%d"),
        Case("article, random", "ours", detail, random_pattern=f"/v1/articles/%d?{INCLUDE}"),
        Case("article, 304", "ours", detail, {"If-None-Match": headers["etag"]}),
        Case("list page 1", "ours", "/v1/articles?limit=20"),
        Case(f"list page {pages}", "ours", deep),
        Case(
            "list page 1, uncached",
            "ours",
            "/v1/articles?limit=20",
            unique_pattern="/v1/articles?limit=20&_=%d",
        ),
        Case(f"list page {pages}, uncached", "ours", deep, unique_pattern=deep + "&_=%d"),
        Case("search, rare term", "ours", "/v1/articles?q=marker004242"),
        Case("search, common term", "ours", "/v1/articles?q=sanctions"),
        Case("search, prefix", "ours", "/v1/articles?q=sanc*"),
        Case("issue bundle", "ours", "/v1/issues/issue-11/bundle"),
    ]


def built_cases(base: str) -> list[Case]:
    """The hot article on the server with its caches off: every 200 is built."""
    detail = f"/v1/articles/{HOT_REF}?{INCLUDE}"
    _, _, headers = fetch(base + detail)
    return [
        Case("article, built", "caches off", detail),
        Case("article, 304", "caches off", detail, {"If-None-Match": headers["etag"]}),
    ]


DATASETTE_COLUMNS = "&".join(
    f"_col={c}" for c in ("slug", "title", "lede", "published_at", "status", "word_count")
)


def datasette_cases() -> list[Case]:
    table = "/content/articles"
    return [
        Case("row JSON, hot", "datasette", f"{table}/43.json"),
        Case("row JSON, random", "datasette", f"{table}/1.json", random_pattern=table + "/%d.json"),
        Case("trimmed list", "datasette", f"{table}.json?{DATASETTE_COLUMNS}&_size=20"),
        Case(
            "FTS search, rare term",
            "datasette",
            f"{table}.json?_search=marker004242&{DATASETTE_COLUMNS}&_size=20",
        ),
        Case(
            "FTS search, common term",
            "datasette",
            f"{table}.json?_search=sanctions&{DATASETTE_COLUMNS}&_size=20",
        ),
    ]


# --- the run --------------------------------------------------------------------------


def seed_corpus(database: Path, articles: int) -> dict:
    argv = [sys.executable, "-m", "bench.corpus", str(database), "--articles", str(articles)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def by_name(results: list[Result]) -> dict[str, Result]:
    return {f"{r.server}: {r.name}": r for r in results}


def div(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is unknown (a case where no request completed) or b is 0."""
    return a / b if a is not None and b else None


def targets(found: dict[str, Result], seeding: dict, rss: list[float], pages: int) -> list:
    def rate(key: str) -> float:
        return found[key].req_s

    checks = []

    def check(text: str, value: float | None, goal: str, met: bool | None) -> None:
        if value is None:
            met = False  # not measurable: no request completed in time
        shown = None if value is None else round(value, 3)
        checks.append({"target": text, "value": shown, "goal": goal, "met": met})

    def versus(text: str, ours: str, peer: str, goal: str) -> None:
        # req/s decides, as the issue states it; the CPU ratio (peer's CPU µs per request
        # over ours) is the steadier figure on a loaded machine and goes alongside.
        if found[peer].requests == 0 and found[ours].requests > 0:
            # The peer finished no request within the case: no ratio, but every one above
            # the goal (Datasette's common-term search at 100k, ≈ 0.5-1.2 s a request).
            note = f"{peer} finished none in {SECONDS} s"
            checks.append({"target": text, "value": None, "goal": goal, "met": True, "note": note})
            return
        check(text, div(rate(ours), rate(peer)), goal, None)
        cpu = div(found[peer].cpu_us, found[ours].cpu_us)
        checks[-1]["cpu_ratio"] = None if cpu is None else round(cpu, 3)

    versus("article hot / nginx", "ours: article, hot", "nginx: same bytes, static", "≥ 0.15")
    versus("article hot / Datasette row", "ours: article, hot", "datasette: row JSON, hot", "≥ 15")
    versus(
        "article random / Datasette random row",
        "ours: article, random",
        "datasette: row JSON, random",
        "≥ 6",
    )
    versus(
        "list page 1 / Datasette trimmed list",
        "ours: list page 1",
        "datasette: trimmed list",
        "≥ 20",
    )
    for kind in ("rare", "common"):
        ours = found[f"ours: search, {kind} term"]
        versus(
            f"search {kind} / Datasette FTS search",
            f"ours: search, {kind} term",
            f"datasette: FTS search, {kind} term",
            "≥ 10",
        )
        p99 = ours.p99_ms
        check(f"search {kind} p99 (ms)", p99, "≤ 50", p99 is not None and p99 <= 50)
    cpu_304 = div(found["ours: article, 304"].cpu_us, found["ours: article, hot"].cpu_us)
    check("304 CPU / cached 200 CPU", cpu_304, "≤ 0.333", cpu_304 is not None and cpu_304 <= 1 / 3)
    cpu_304 = div(found["ours: article, 304"].cpu_us, found["ours: article, uncached"].cpu_us)
    met = cpu_304 is not None and cpu_304 <= 1 / 3
    check("304 CPU / rendition 200 CPU (uncached)", cpu_304, "≤ 0.333", met)
    # Against the 200 the app builds (caches off): the work a conditional GET is to save.
    cpu_304 = div(found["ours: article, 304"].cpu_us, found["caches off: article, built"].cpu_us)
    met = cpu_304 is not None and cpu_304 <= 1 / 3
    check("304 CPU / built 200 CPU (caches off)", cpu_304, "≤ 0.333", met)
    cpu_304 = div(
        found["caches off: article, 304"].cpu_us, found["caches off: article, built"].cpu_us
    )
    met = cpu_304 is not None and cpu_304 <= 1 / 3
    check("caches off: 304 CPU / built 200 CPU", cpu_304, "≤ 0.333", met)
    deep = div(rate("ours: list page 1"), rate(f"ours: list page {pages}"))
    check(f"page 1 req/s / page {pages} req/s", deep, "≤ 1.2", deep is not None and deep <= 1.2)
    deep_cpu = div(found[f"ours: list page {pages}"].cpu_us, found["ours: list page 1"].cpu_us)
    met = deep_cpu is not None and deep_cpu <= 1.2
    check(f"page {pages} CPU µs / page 1 CPU µs", deep_cpu, "≤ 1.2", met)
    deep_cpu = div(
        found[f"ours: list page {pages}, uncached"].cpu_us,
        found["ours: list page 1, uncached"].cpu_us,
    )
    met = deep_cpu is not None and deep_cpu <= 1.2
    check(f"page {pages} CPU µs / page 1 CPU µs, uncached", deep_cpu, "≤ 1.2", met)
    check("seeding documents/s", seeding["docs_per_s"], "≥ 500", seeding["docs_per_s"] >= 500)
    per_cpu = seeding.get("docs_per_cpu_s", 0.0)
    check("seeding documents per CPU second", per_cpu, "≥ 500", per_cpu >= 500)
    worst = max(rss) if rss else 0.0
    check(
        f"RSS per worker MB (at {ARTICLES} articles; target at 100k)",
        worst,
        "≤ 100",
        worst <= 100 if ARTICLES >= 100_000 else None,
    )
    for item in checks:
        if item["met"] is None and item["value"] is not None and item["goal"].startswith("≥"):
            item["met"] = item["value"] >= float(item["goal"].split()[1])
    if ARTICLES > 10_000 and (RESULTS / "latest-10000.json").exists():
        small = json.loads((RESULTS / "latest-10000.json").read_text())
        before = {f"{r['server']}: {r['name']}": r for r in small["results"]}
        for key in ("ours: article, random", "ours: list page 1", "ours: search, common term"):
            if key in before:
                ratio = div(found[key].p50_ms, before[key]["p50_ms"])
                met = ratio is not None and ratio <= 1.3
                check(f"{key} p50 at {ARTICLES} / at 10k", ratio, "≤ 1.3", met)
                cpu = div(found[key].cpu_us, before[key]["cpu_us"])
                checks[-1]["cpu_ratio"] = None if cpu is None else round(cpu, 3)
    return checks


def print_table(results: list[Result], nginx: Result, datasette: dict[str, Result]) -> None:
    pairs = {
        "article, hot": "row JSON, hot",
        "article, uncached": "row JSON, hot",
        "article, random": "row JSON, random",
        "list page 1": "trimmed list",
        "search, rare term": "FTS search, rare term",
        "search, common term": "FTS search, common term",
    }
    head = (
        f"{'case':<34}{'status':>6}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'bytes':>8}"
        f"{'CPU µs':>8}{'/dstt':>7}{'/nginx':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        vs_ds = ""
        if r.server == "ours" and r.name in pairs:
            vs_ds = number(div(r.req_s, datasette[pairs[r.name]].req_s), ".2f")
        vs_nginx = number(div(r.req_s, nginx.req_s), ".2f") if r.server == "ours" else ""
        errors = f"  ({r.errors} socket errors)" if r.errors else ""
        if r.requests == 0:
            errors += f"  (none done in {SECONDS} s; one alone took {r.alone_ms:.0f} ms)"
        print(
            f"{r.server + ': ' + r.name:<34}{r.status:>6}{r.req_s:>9.0f}"
            f"{number(r.p50_ms, '.2f'):>8}{number(r.p99_ms, '.2f'):>8}{r.bytes:>8}"
            f"{number(r.cpu_us, '.0f'):>8}{vs_ds:>7}{vs_nginx:>7}{errors}"
        )


def number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        yield folder
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(folder, ignore_errors=True)


def best_of(server: Server, case: Case, folder: Path, rounds: list[dict[str, Result]]) -> None:
    """One more round of ``case``; the table keeps each case's best round (least disturbed
    by the other engineers' work on this machine)."""
    result = run_wrk(server, case, folder, ARTICLES)
    key = f"{case.server}: {case.name}"
    best = rounds[0].get(key)
    if best is None or result.req_s > best.req_s:
        rounds[0][key] = result


def main() -> None:
    if not shutil.which("wrk") or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        raise SystemExit("needs wrk and nginx: apt-get install wrk nginx-light")
    with workdir() as folder, contextlib.ExitStack() as stack:
        database = folder / "content.db"
        print(f"seeding {ARTICLES} articles through api.importer.write.write_document …")
        seeding = seed_corpus(database, ARTICLES)
        print(
            f"  {seeding['docs_per_s']} documents/s (writer alone; "
            f"{seeding['docs_per_s_with_generator']} with the generator, "
            f"{seeding['docs_per_cpu_s']} per CPU second), peak RSS "
            f"{seeding['peak_rss_mb']} MB, database {seeding['db_mb']} MB"
        )
        port = free_port()
        env = app_env(database, port)
        # What `flask serve` starts by itself at idle priority: store every article's
        # response (renditions). Done first here, so the first random read of each is a
        # lookup and the server's own warm finds the store current. Its time is reported.
        started = time.monotonic()
        warm = subprocess.run(
            [sys.executable, "-m", "flask", "renditions", "warm"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        seeding["renditions_warm_s"] = round(time.monotonic() - started, 1)
        print(f"  renditions: {warm.stdout.strip()} in {seeding['renditions_warm_s']} s")
        print(f"ours: {procfile_command()}")
        us = stack.enter_context(
            serving("ours", production_argv(), env, port, "/v1/articles?limit=1", folder)
        )
        cases = our_cases(us.base, ARTICLES)
        pages = min(500, ARTICLES // 20)
        _, article_bytes, _ = fetch(us.base + cases[0].path)
        static = folder / "static"
        static.mkdir()
        (static / "article.json").write_bytes(article_bytes)
        # nginx workers run as nobody: let them through the private temp folder.
        folder.chmod(0o711)
        static.chmod(0o755)
        (static / "article.json").chmod(0o644)
        port = free_port()
        ng = stack.enter_context(
            serving("nginx", nginx_argv(folder, port), env, port, "/article.json", folder)
        )
        port = free_port()
        datasette_argv = [
            str(BIN / "datasette"), "serve", "-i", str(database), "--host", "127.0.0.1",
            "--port", str(port), "--setting", "default_page_size", "20",
            # Its table pages otherwise try facet suggestions on every request.
            "--setting", "suggest_facets", "off",
        ]  # fmt: skip
        ds = stack.enter_context(
            serving("datasette", datasette_argv, env, port, "/content.json", folder)
        )
        # The same command with both caches off: what a 200 costs when the app builds it
        # (the work a 304 must not do), and the app's own 304 without them.
        port = free_port()
        bare_env = app_env(database, port)
        bare_env.update(FLASK_RESPONSE_CACHE_BYTES="0", FLASK_RENDITIONS="false")
        bare = stack.enter_context(
            serving("ours, caches off", production_argv(), bare_env, port, "/healthz", folder)
        )
        plan = [(us, case) for case in cases]
        plan += [(bare, case) for case in built_cases(bare.base)]
        plan.append((ng, Case("same bytes, static", "nginx", "/article.json")))
        plan += [(ds, case) for case in datasette_cases()]
        best: list[dict[str, Result]] = [{}]
        for number in range(ROUNDS):
            print(f"round {number + 1} of {ROUNDS}", flush=True)
            for server, case in plan:
                best_of(server, case, folder, best)
        results = [best[0][f"{case.server}: {case.name}"] for _, case in plan]
        rss = us.worker_rss_mb()
        datasette_rss = ds.worker_rss_mb()
        stack.close()
        candidates = compare_servers(database, folder) if CANDIDATES else []

    found = by_name(results)
    nginx = found["nginx: same bytes, static"]
    datasette = {r.name: r for r in results if r.server == "datasette"}
    print()
    print(
        f"{ARTICLES} articles, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s on loopback, best of "
        f"{ROUNDS} rounds; CPU µs = server CPU time / requests; /dstt and /nginx: req/s ratios"
    )
    print_table(results, nginx, datasette)
    print(f"RSS per worker (MB): ours {rss}, Datasette {datasette_rss}")
    checks = targets(found, seeding, rss, pages)
    print("\ntargets:")
    for item in checks:
        mark = {True: "met", False: "NOT MET", None: "n/a"}[item["met"]]
        cpu = f"   (CPU ratio {item['cpu_ratio']})" if "cpu_ratio" in item else ""
        cpu += f"   ({item['note']})" if "note" in item else ""
        value = "-" if item["value"] is None else item["value"]
        print(f"  {item['target']:<52} {value:>10} {item['goal']:>8}  {mark}{cpu}")
    if candidates:
        print("\nWSGI servers, same app and database, best of the rounds:")
        print_candidates(candidates)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "articles": ARTICLES,
        "wrk": {"connections": CONNECTIONS, "seconds": SECONDS, "threads": 2, "rounds": ROUNDS},
        "production_command": procfile_command(),
        "seeding": seeding,
        "rss_mb_per_worker": {"ours": rss, "datasette": datasette_rss},
        "results": [asdict(r) for r in results],
        "targets": checks,
        "servers": candidates,
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    for name in (f"{stamp}-{ARTICLES}.json", f"latest-{ARTICLES}.json"):
        (RESULTS / name).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: bench/results/{stamp}-{ARTICLES}.json")


def compare_servers(database: Path, folder: Path) -> list[dict]:
    """The WSGI server choice: every candidate up at once, the cases interleaved across
    them round after round, so the machine's other load falls on all of them alike."""
    detail = f"/v1/articles/{HOT_REF}?{INCLUDE}"
    cases = [
        Case("article, hot", "ours", detail),
        Case("article, random", "ours", detail, random_pattern=f"/v1/articles/%d?{INCLUDE}"),
        Case("list page 1", "ours", "/v1/articles?limit=20"),
    ]
    with contextlib.ExitStack() as stack:
        servers = {}
        for name, template in candidate_argvs().items():
            port = free_port()
            argv = [part.replace("{port}", str(port)) for part in template]
            argv[0] = str(BIN / argv[0])
            env = app_env(database, port)
            probe = "/v1/articles?limit=1"
            servers[name] = stack.enter_context(serving(name, argv, env, port, probe, folder))
        best: dict[str, dict[str, Result]] = {name: {} for name in servers}
        for number in range(ROUNDS):
            print(f"servers, round {number + 1} of {ROUNDS}", flush=True)
            for case in cases:
                for name, server in servers.items():
                    result = run_wrk(server, case, folder, ARTICLES)
                    kept = best[name].get(case.name)
                    if kept is None or result.req_s > kept.req_s:
                        best[name][case.name] = result
        return [
            {
                "server": name,
                "argv": shlex.join(candidate_argvs()[name]),
                "cases": {n: asdict(r) for n, r in best[name].items()},
                "rss_mb_per_worker": server.worker_rss_mb(),
            }
            for name, server in servers.items()
        ]


def print_candidates(rows: list[dict]) -> None:
    names = list(rows[0]["cases"])
    print(f"{'server':<48}" + "".join(f"{n + ' req/s':>22}{'p99':>8}{'CPU µs':>8}" for n in names))
    for row in rows:
        cells = "".join(
            f"{c['req_s']:>22.0f}{number(c['p99_ms'], '.1f'):>8}{number(c['cpu_us'], '.0f'):>8}"
            + (f" ({c['errors']} err)" if c["errors"] else "")
            for c in row["cases"].values()
        )
        print(f"{row['server']:<48}{cells}  RSS {row['rss_mb_per_worker']}")


if __name__ == "__main__":
    main()
