"""A local HTTP receiver for webhook and cache-purge tests: a free loopback port, a script
of answers, and every request it was sent."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int | None = None


@dataclass
class Receiver:
    """Answers each request with the next status of `script` (then `default`); a request
    whose number is in `hang` waits `hang_seconds` before answering."""

    script: list[int] = field(default_factory=list)
    default: int = 200
    hang: set[int] = field(default_factory=set)
    hang_seconds: float = 0.0
    requests: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Received(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                with lock:
                    receiver.requests.append(seen)
                    number = len(receiver.requests)
                    status = receiver.script.pop(0) if receiver.script else receiver.default
                if number in receiver.hang:
                    time.sleep(receiver.hang_seconds)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    seen.answered = status
                except OSError:
                    pass  # the sender gave up (a timeout) or died

            do_POST = _answer  # http.server's naming
            do_PURGE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Until `count` requests have come (polling; never a fixed sleep)."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.requests)} requests came, not {count}")
            time.sleep(0.02)
        return self.requests
