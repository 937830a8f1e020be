"""`make edge`: the whole edge on loopback, one command.

    primary (writes) --litestream replicate--> file replica --restore -f--> replica1, replica2
    varnish: reads -> replicas (round robin), writes and Authorization -> primary

Starts, in order: the primary's database (migrated, seeded when empty), Litestream
replicating it to a local file destination, the primary (Procfile `web:`), its worker
(Procfile `worker:`, when there is one) or else scripts/edge_purger.py, two read replicas
(each its own Litestream follower and the same `web:` line with FLASK_REPLICA_OF), and
Varnish in front. Prints the URLs, then runs until interrupted; stops everything it started.

Ports (loopback): EDGE_PORT (Varnish, 8080), EDGE_PRIMARY_PORT (5001), EDGE_REPLICA1_PORT
(5002), EDGE_REPLICA2_PORT (5003); EDGE_PORTS=free picks free ones. EDGE_DIR (instance/edge)
holds the databases, Litestream's files, Varnish's work dir and one log per process.
`--ready-file PATH` writes the URLs as JSON once everything answers (tests and bench read it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LITESTREAM_INTERVAL = os.environ.get("EDGE_LITESTREAM_INTERVAL", "50ms")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ports() -> dict[str, int]:
    defaults = {"varnish": 8080, "primary": 5001, "replica1": 5002, "replica2": 5003}
    names = {"varnish": "EDGE_PORT", "primary": "EDGE_PRIMARY_PORT"}
    names |= {"replica1": "EDGE_REPLICA1_PORT", "replica2": "EDGE_REPLICA2_PORT"}
    chosen = {}
    for role, default in defaults.items():
        value = os.environ.get(names[role])
        if value:
            chosen[role] = int(value)
        elif os.environ.get("EDGE_PORTS") == "free":
            chosen[role] = free_port()
        else:
            chosen[role] = default
    return chosen


def procfile_line(name: str) -> str | None:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    return None


class Edge:
    def __init__(self, directory: Path, chosen: dict[str, int]) -> None:
        self.dir = directory
        self.ports = chosen
        self.logs = directory / "logs"
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.url = {role: f"http://127.0.0.1:{port}" for role, port in chosen.items()}
        self.replica_store = directory / "litestream"
        self.respawn: dict[str, tuple[list[str], dict[str, str]]] = {}

    # processes ------------------------------------------------------------------------------

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept by the child)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopped with its children
        )
        self.processes.append((name, process))

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, process in reversed(self.processes):
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def check_alive(self) -> None:
        for index, (name, process) in enumerate(self.processes):
            if process.poll() is not None and name in self.respawn:
                # The worker and the purger keep their state in the database: a crash
                # (or a test killing one mid-delivery) loses nothing, so start it again.
                with open(self.logs / f"{name}.log", "a") as log:
                    log.write(f"edge: {name} exited ({process.returncode}); restarting\n")
                command, env = self.respawn[name]
                self.processes.pop(index)
                self.start(name, command, env)
                return
            if process.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} exited ({process.returncode}):\n{tail}")

    def wait_until(self, what: str, ready: Any, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            self.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what}")
            time.sleep(0.1)

    # the parts ------------------------------------------------------------------------------

    def app_env(self, database: Path) -> dict[str, str]:
        # Every node builds links from the one public URL (the cache), so bodies and ETags
        # are the same whichever node answered.
        return {
            "FLASK_APP": "api",
            "FLASK_DATABASE": str(database),
            "FLASK_PUBLIC_BASE_URL": os.environ.get("FLASK_PUBLIC_BASE_URL", self.url["varnish"]),
            "HOST": "127.0.0.1",
        }

    def primary_env(self) -> dict[str, str]:
        replicas = [self.url["replica1"], self.url["replica2"]]
        return {
            **self.app_env(self.dir / "primary.db"),
            "PORT": str(self.ports["primary"]),
            "FLASK_CACHE_PURGE_URLS": json.dumps([self.url["varnish"]]),
            "FLASK_REPLICA_URLS": json.dumps(replicas),
        }

    def prepare(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        # What replicas hold is derived from the primary: start it over each time.
        shutil.rmtree(self.replica_store, ignore_errors=True)
        for stale in self.dir.glob("replica*.db*"):
            stale.unlink()
        seeded = subprocess.run(
            [str(BIN / "flask"), "seed", "--if-empty"],
            cwd=ROOT,
            env={**os.environ, **self.app_env(self.dir / "primary.db")},
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            raise RuntimeError(f"flask seed failed: {seeded.stdout}{seeded.stderr}")

    def litestream(self) -> None:
        config = self.dir / "litestream.yml"
        config.write_text(
            "dbs:\n"
            f"  - path: {self.dir / 'primary.db'}\n"
            f"    monitor-interval: {LITESTREAM_INTERVAL}\n"
            "    replica:\n"
            f"      url: file://{self.replica_store}\n"
            f"      sync-interval: {LITESTREAM_INTERVAL}\n"
        )
        self.start("litestream", [str(BIN / "litestream"), "replicate", "-config", str(config)])
        self.wait_until(
            "Litestream's first snapshot", lambda: any(self.replica_store.rglob("*.ltx"))
        )

    def web(self, name: str, env: dict[str, str]) -> None:
        line = procfile_line("web")
        assert line, "the Procfile has no web: line"
        self.start(name, ["sh", "-c", f"exec {line}"], env)

    def primary(self) -> None:
        self.web("primary", self.primary_env())
        worker = procfile_line("worker")
        if worker:
            self.respawn["worker"] = (["sh", "-c", f"exec {worker}"], self.primary_env())
        if not worker or os.environ.get("EDGE_PURGER") == "1":
            purger = [sys.executable, "scripts/edge_purger.py"]
            self.respawn["purger"] = (purger, self.primary_env())
        for name, (command, env) in self.respawn.items():
            self.start(name, command, env)

    def replica(self, name: str) -> None:
        database = self.dir / f"{name}.db"
        self.start(
            f"{name}-follower",
            [
                *(
                    str(BIN / "litestream"),
                    "restore",
                    "-f",
                    "-follow-interval",
                    LITESTREAM_INTERVAL,
                ),
                *("-o", str(database), f"file://{self.replica_store}"),
            ],
        )
        txid = Path(f"{database}-txid")
        self.wait_until(f"{name}'s restore", txid.exists)
        env = {**self.app_env(database), "PORT": str(self.ports[name])}
        self.web(name, {**env, "FLASK_REPLICA_OF": self.url["primary"]})

    def varnish(self) -> None:
        ensure = subprocess.run(["bash", str(ROOT / "scripts" / "ensure-varnish.sh")])
        if ensure.returncode != 0:
            raise RuntimeError("Varnish is not installed and could not be installed")
        template = (ROOT / "deploy" / "varnish" / "backends.vcl").read_text()
        for role in ("primary", "replica1", "replica2"):
            template = re.sub(
                rf'(backend {role} \{{\s*\.host = "[^"]*";\s*\.port = )"\d+"',
                rf'\g<1>"{self.ports[role]}"',
                template,
            )
        (self.dir / "backends.vcl").write_text(template)
        workdir = self.dir / "varnish"
        self.start(
            "varnish",
            [
                *("varnishd", "-F", "-j", "none", "-n", str(workdir)),
                *("-a", f"127.0.0.1:{self.ports['varnish']}", "-T", "127.0.0.1:0"),
                *("-f", str(ROOT / "deploy" / "varnish" / "default.vcl")),
                *("-p", f"vcl_path={self.dir}:{ROOT / 'deploy' / 'varnish'}"),
                *("-p", "http_resp_hdr_len=16k", "-p", "http_gzip_support=off"),
                *("-s", "malloc,256m"),
            ],
        )
        self.varnish_workdir = workdir

    def answers(self, url: str) -> bool:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    def up(self) -> dict[str, Any]:
        self.prepare()
        self.litestream()
        self.primary()
        for name in ("replica1", "replica2"):
            self.replica(name)
        self.varnish()
        for role in ("primary", "replica1", "replica2", "varnish"):
            self.wait_until(f"{role} on {self.url[role]}", lambda r=role: self.answers(self.url[r]))
        # Varnish's probes need two good polls before it sends reads to a replica.
        time.sleep(2.2)
        return {
            **self.url,
            "dir": str(self.dir),
            "varnish_workdir": str(self.varnish_workdir),
            "processes": {name: process.pid for name, process in self.processes},
            "logs": str(self.logs),
            "worker": bool(procfile_line("worker")),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ready-file", type=Path)
    options = parser.parse_args()
    directory = Path(os.environ.get("EDGE_DIR", ROOT / "instance" / "edge")).resolve()
    edge = Edge(directory, ports())

    def stop(signum: int, _: Any) -> None:
        edge.stop()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        state = edge.up()
    except BaseException:
        edge.stop()
        raise
    print(f"edge: Varnish (public URL)   {state['varnish']}", flush=True)
    print(f"edge: primary (writes)       {state['primary']}", flush=True)
    print(f"edge: replicas (reads)       {state['replica1']} {state['replica2']}", flush=True)
    print(f"edge: logs and databases in  {directory}", flush=True)
    if options.ready_file:
        options.ready_file.write_text(json.dumps(state))
    while True:
        time.sleep(0.2)
        try:
            edge.check_alive()
        except RuntimeError as error:
            print(f"edge: {error}", file=sys.stderr, flush=True)
            edge.stop()
            sys.exit(1)


if __name__ == "__main__":
    main()
