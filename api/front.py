"""The production server: nginx on HOST:PORT in front of granian on a unix socket.

granian runs the app fast (bench/README.md: 3x gunicorn's requests per second for a
cached article) but answers some malformed requests itself, before the app sees them,
with an empty body and no CORS headers. nginx, in front, parses every request first and
answers what it refuses with problem+json (deploy/nginx/front.conf says which and why).
The app trusts the one X-Forwarded-For hop nginx adds (``FRONT_PROXY``), nothing else.

`flask --app api serve` (the Procfile's ``web:`` line) renders the config into a private
temporary folder, then runs both (`run_pair`): a signal stops both, and either one ending
stops the other. ``--no-front`` runs granian alone on HOST:PORT, for a
machine without nginx (its own refusals are then empty-bodied again).
"""

from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "front.conf"
# Where Debian puts nginx; often not on a non-root PATH.
NGINX_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin")
# The app's own limits stay the ones clients meet; nginx's head buffer is above them.
HEAD_BUFFER = 65536
GRANIAN_OPTIONS = "--interface wsgi --factory --no-access-log"
# Defaults given as granian's own variables, so that the environment can change them
# (an option on the command line would win over the variable). bench/README.md says why
# 2 workers x 2 blocking threads; --workers-kill-timeout because granian 2.8's WSGI
# workers did not stop on SIGTERM within 12 s.
GRANIAN_DEFAULTS = {
    "GRANIAN_WORKERS": "2",
    "GRANIAN_BLOCKING_THREADS": "2",
    "GRANIAN_RESPAWN_FAILED_WORKERS": "true",
    "GRANIAN_WORKERS_KILL_TIMEOUT": "5",
    "GRANIAN_LOG_LEVEL": "warning",
    # glibc's malloc in the workers. A prefix search over 100k articles ("sanctions"*)
    # merges its doclists in a buffer of ≈ 23 MB; freeing it raises glibc's mmap threshold
    # to that size, so later big buffers come from an arena and stay there: workers grew
    # from 93 to 140 MB (bench/README.md, round 4). A fixed threshold gives them back when
    # freed (arena_max=2 as well changed nothing). No throughput change was measured (hot,
    # random and search cases at 100k, alternated).
    "GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072",
}


def listen_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def render_front_config(config: Mapping[str, Any], *, host: str, port: int, runtime: Path) -> str:
    """nginx's config for this app's limits, listening on host:port."""
    values = {
        "RUNTIME": str(runtime),
        "SOCKET": str(runtime / "app.sock"),
        "LISTEN": listen_address(host, port),
        "HEAD_BUFFER": str(max(HEAD_BUFFER, int(config["MAX_REQUEST_LINE"]) * 2)),
        "MAX_BODY": str(int(config["MAX_CONTENT_LENGTH"] or 0)),
        "MAX_REQUEST_LINE": str(int(config["MAX_REQUEST_LINE"])),
        "MAX_HEADER_COUNT": str(int(config["MAX_HEADER_COUNT"])),
        "MAX_HEADER_FIELD_SIZE": str(int(config["MAX_HEADER_FIELD_SIZE"])),
        "MAX_HEADERS_SIZE": str(int(config["MAX_HEADERS_SIZE"])),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def find_nginx() -> str | None:
    path = os.pathsep.join([os.environ.get("PATH", ""), *NGINX_DIRS])
    return shutil.which("nginx", path=path)


def granian_command(bind: str) -> str:
    """granian serving the app factory, bound as asked; GRANIAN_* variables tune the rest."""
    return f"{shlex.quote(sys.executable)} -m granian {GRANIAN_OPTIONS} {bind} api:create_app"


def granian_env(**extra: str) -> dict[str, str]:
    return {**GRANIAN_DEFAULTS, **os.environ, **extra}


def serve(config: Mapping[str, Any], host: str, port: int, *, front: bool = True) -> int:
    """Run the production server until it is stopped; the exit status."""
    if not front:
        argv = shlex.split(granian_command(f"--host {shlex.quote(host)} --port {port}"))
        os.execvpe(sys.executable, argv, granian_env())
    nginx = find_nginx()
    if nginx is None:
        raise click.ClickException(
            "nginx is not installed (the front of the production server): "
            "`apt-get install nginx-light`, or run `flask --app api serve --no-front`."
        )
    with tempfile.TemporaryDirectory(prefix="insight-front-") as folder:
        runtime = Path(folder)
        # nginx's workers run as another user when it starts as root: they must reach the
        # socket (in a folder they can traverse but not list).
        runtime.chmod(0o711)
        conf = runtime / "nginx.conf"
        conf.write_text(render_front_config(config, host=host, port=port, runtime=runtime))
        socket = runtime / "app.sock"
        app = shlex.split(
            granian_command(f"--uds {shlex.quote(str(socket))} --uds-permissions 666")
        )
        nginx_argv = [nginx, "-e", "stderr", "-p", folder, "-c", str(conf), "-g", "daemon off;"]
        helpers = [warm_command()] if warms_on_start(config) else []
        return run_pair(app, granian_env(FLASK_FRONT_PROXY="1"), nginx_argv, socket, helpers)


def warms_on_start(config: Mapping[str, Any]) -> bool:
    return bool(config.get("RENDITIONS_WARM_ON_START", True)) and bool(
        current_app.extensions.get("renditions")
    )


def warm_command() -> list[str]:
    """`flask renditions warm` for this app: after a deploy (a new code digest) or a seed by
    another process, every article's response is stored again before readers ask for it.
    A store already current costs one query (api.renditions.stale_articles)."""
    return [sys.executable, "-m", "flask", "--app", "api:create_app", "renditions", "warm"]


def _idle_priority() -> None:
    """In a helper, before exec: the lowest CPU priority, so readers always come first."""
    os.nice(19)
    _die_with_parent()


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the launcher dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run_pair(
    app: list[str],
    app_env: dict[str, str],
    front: list[str],
    socket: Path,
    helpers: list[list[str]] | None = None,
) -> int:
    """granian, then nginx once granian's socket is there (no 503s while the app loads),
    both in this process's group, so a signal to the group reaches them as it reaches a
    single server (honcho's manager starts each in a session of its own, which a SIGSTOP
    or SIGKILL of the group would miss). SIGTERM or SIGINT stops both; either one ending
    stops the other. The exit status is the first one to end's, or 0 when stopped.
    `helpers` start with nginx, at idle priority; their ending stops nothing, and they are
    stopped with the pair."""
    stopping: list[int] = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    children = [subprocess.Popen(app, env=app_env, preexec_fn=_die_with_parent)]
    started: list[subprocess.Popen[bytes]] = []
    status: int | None = None
    while status is None and not stopping:
        if len(children) == 1 and socket.exists():
            children.append(subprocess.Popen(front, preexec_fn=_die_with_parent))
            started = [subprocess.Popen(argv, preexec_fn=_idle_priority) for argv in helpers or ()]
        status = next((c.returncode for c in children if c.poll() is not None), None)
        started = [helper for helper in started if helper.poll() is None]  # reaped once done
        time.sleep(0.1)
    children += started
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0 if stopping or status is None else status


@click.command("serve")
@with_appcontext
@click.option("--host", envvar="HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="PORT", default=5000, type=int, show_default=True)
@click.option(
    "--front/--no-front",
    default=True,
    help="nginx in front of granian (default), or granian alone on HOST:PORT.",
)
def serve_command(host: str, port: int, front: bool) -> None:
    """Serve the API in production: nginx on HOST:PORT, granian behind it.

    \b
    Examples:
      flask --app api serve                         # 127.0.0.1:5000
      HOST=0.0.0.0 PORT=8000 flask --app api serve
      GRANIAN_WORKERS=4 flask --app api serve       # granian's options from its variables
    """
    sys.exit(serve(current_app.config, host, port, front=front))


def register_serve_command(app: Flask) -> None:
    app.cli.add_command(serve_command)
