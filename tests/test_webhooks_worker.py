"""The worker as a real process: killed (SIGKILL) in the middle of a delivery, started
again, it delivers what was in flight, with the same webhook-id."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
from flask import Flask
from standardwebhooks import Webhook

from tests.helpers import BASE_URL, AppFactory, bearer, make_key
from tests.receivers import Receiver

ROOT = Path(__file__).resolve().parent.parent


def start_worker(app: Flask, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FLASK_DATABASE": app.config["DATABASE"],
        "FLASK_PUBLIC_BASE_URL": BASE_URL,
        "FLASK_WEBHOOK_ALLOW_PRIVATE_URLS": "1",
        "FLASK_WEBHOOK_TIMEOUT_SECONDS": "1",
        "FLASK_WORKER_POLL_SECONDS": "0.1",
        "FLASK_WORKER_QUEUE": str(tmp_path / "queue.db"),
        "FLASK_WEB_URL_TERM": str(app.config["WEB_URL_TERM"]),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "api", "worker", "--threads", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def deliveries(app: Flask, admin: dict[str, str], webhook_id: int) -> list[dict[str, Any]]:
    response = app.test_client().get(f"/v1/webhooks/{webhook_id}/deliveries", headers=admin)
    return list(response.get_json()["data"])


def test_a_worker_killed_mid_delivery_delivers_after_a_restart(
    editor_app_factory: AppFactory, tmp_path: Path
) -> None:
    app = editor_app_factory(WEBHOOK_ALLOW_PRIVATE_URLS=True)
    client = app.test_client()
    admin, editor = bearer(make_key(app, "admin")), bearer(make_key(app, "editor"))
    receiver = Receiver(hang={1}, hang_seconds=5)
    worker = start_worker(app, tmp_path)
    try:
        hook = client.post(
            "/v1/webhooks", json={"url": receiver.url, "events": ["issue.created"]}, headers=admin
        ).get_json()["data"]
        written = client.post(
            "/v1/issues", json={"number": 4, "title": "Issue four"}, headers=editor
        )
        assert written.status_code == 201
        (first,) = receiver.wait_for(1, timeout=15)  # the worker is now waiting on it
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=5)
        assert first.answered is None
        (pending,) = deliveries(app, admin, hook["id"])
        assert pending["state"] == "pending" and pending["attempts"] == []

        worker = start_worker(app, tmp_path)
        second = receiver.wait_for(2, timeout=15)[1]
        assert second.headers["webhook-id"] == first.headers["webhook-id"]
        assert second.body == first.body
        Webhook(hook["secret"]).verify(second.body, second.headers)
        assert orjson.loads(second.body)["data"]["item"]["title"] == "Issue four"
        deadline = time.monotonic() + 10
        while deliveries(app, admin, hook["id"])[0]["state"] != "delivered":
            assert time.monotonic() < deadline, deliveries(app, admin, hook["id"])
            time.sleep(0.05)
        (done,) = deliveries(app, admin, hook["id"])
        assert done["id"] == first.headers["webhook-id"]
        assert [a["response_code"] for a in done["attempts"]] == [200]
    finally:
        stop(worker)
        receiver.close()
