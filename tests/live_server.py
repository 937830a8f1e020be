"""The app on a real loopback port, for tests (and scripts) that drive a real browser."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from api import create_app
from tests.helpers import SEED_DIR, run_seed


@dataclass(frozen=True)
class Exchange:
    """One request the server answered, as the server saw it."""

    method: str
    path: str  # with its query string
    status: int
    if_none_match: str | None


@dataclass
class Recorder:
    """WSGI middleware that notes every exchange: the server's side of the story, since a
    browser reports a revalidated response as the cached 200 it hands the page."""

    app: Callable[..., Iterable[bytes]]
    exchanges: list[Exchange] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def recording_start_response(status: str, headers: Any, *args: Any) -> Any:
            path = environ.get("PATH_INFO", "")
            if environ.get("QUERY_STRING"):
                path += "?" + environ["QUERY_STRING"]
            self.exchanges.append(
                Exchange(
                    environ["REQUEST_METHOD"],
                    path,
                    int(status.split(" ", 1)[0]),
                    environ.get("HTTP_IF_NONE_MATCH"),
                )
            )
            return start_response(status, headers, *args)

        return self.app(environ, recording_start_response)


@dataclass
class LiveServer:
    app: Flask
    origin: str
    recorder: Recorder


def seeded_app(database: Path) -> Flask:
    """An app over a fresh database holding the shipped seed, imported through the CLI."""
    app = create_app({"TESTING": True, "DATABASE": str(database)})
    run_seed(app.test_cli_runner(), SEED_DIR)
    return app


@contextmanager
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve `app` on a free 127.0.0.1 port in a thread until the block ends."""
    recorder = Recorder(app.wsgi_app)
    app.wsgi_app = recorder  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", recorder)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
