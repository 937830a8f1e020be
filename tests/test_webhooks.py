"""Webhooks: the admin API and its CLI, the events each write produces, the payload and its
Standard Webhooks signature, retries, disabling, scheduled publishing, and cache purges.

The worker's work is run in-process (api.worker.run_once); time is moved with
api.timefmt.clock_at, so retry schedules are checked without waiting for them."""

from __future__ import annotations

import base64
import re
import socket
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from standardwebhooks import Webhook
from svix.webhooks import Webhook as SvixWebhook

from api.auth import create_key
from api.db import connect
from api.store import webhooks as store
from api.timefmt import clock_at, parse_instant, to_rfc3339, utc_now
from api.worker import prune, run_once
from tests.helpers import BASE_URL, AppFactory, assert_problem, bearer
from tests.receivers import Receiver

FAST = {
    "WRITE_RATE_LIMIT": "10000 per minute",
    "WEBHOOK_ALLOW_PRIVATE_URLS": True,
    "WEBHOOK_RETRY_SCHEDULE": [5, 30],
    "WEBHOOK_TIMEOUT_SECONDS": 2,
}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def app(editor_app_factory: AppFactory) -> Flask:
    return editor_app_factory(**FAST)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def new_key(app: Flask, role: str) -> dict[str, str]:
    """A key made with the function the `keys create` command wraps (tests/test_editor_auth.py
    covers the command itself)."""
    db = connect(app.config["DATABASE"])
    try:
        secret, _ = create_key(db, f"{role}-{uuid.uuid4().hex[:8]}", role)
    finally:
        db.close()
    return bearer(secret)


def admin_key(app: Flask) -> dict[str, str]:
    return new_key(app, "admin")


@pytest.fixture
def admin(app: Flask) -> dict[str, str]:
    return admin_key(app)


@pytest.fixture
def editor(app: Flask) -> dict[str, str]:
    return new_key(app, "editor")


def article_body(n: int = 1, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": f"Webhook article {n}",
        "lede": f"The lede of webhook article {n}, on sanctions.",
        "slug": f"webhook-article-{n}",
        "status": "published",
        "published_at": "2024-06-19T08:00:00Z",
        "sections": [{"kind": "body", "heading": "What happened", "paragraphs": ["It did."]}],
        "glossary": [{"term": "Sanctions", "definition": "Penalties imposed by states."}],
        "questions": [{"text": "Are sanctions an effective tool?"}],
        "sources": [{"url": f"https://www.example.com/2024/06/19/story-{n}.html"}],
    }
    body.update(changes)
    return body


def register(
    client: FlaskClient, admin: dict[str, str], url: str, events: list[str] | None = None
) -> dict[str, Any]:
    response = client.post(
        "/v1/webhooks", json={"url": url, "events": events or ["*"]}, headers=admin
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["data"]  # type: ignore[no-any-return]


def deliveries(client: FlaskClient, admin: dict[str, str], webhook_id: int) -> list[dict[str, Any]]:
    """Oldest first (the API lists newest first)."""
    response = client.get(f"/v1/webhooks/{webhook_id}/deliveries?limit=100", headers=admin)
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(reversed(response.get_json()["data"]))


def event_types(client: FlaskClient, admin: dict[str, str], webhook_id: int) -> list[str]:
    return [d["event_type"] for d in deliveries(client, admin, webhook_id)]


def write(client: FlaskClient, method: str, url: str, auth: dict[str, str], **kw: Any) -> Any:
    response = client.open(url, method=method, headers=auth | kw.pop("headers", {}), **kw)
    assert response.status_code < 300, response.get_data(as_text=True)
    return response


def later(seconds: float) -> str:
    return to_rfc3339(parse_instant(utc_now()) + timedelta(seconds=seconds))


# The admin API ------------------------------------------------------------------------------


def test_only_admin_keys_manage_webhooks(
    client: FlaskClient, admin: dict[str, str], editor: dict[str, str]
) -> None:
    hook = register(client, admin, "http://127.0.0.1:9/hook")
    calls = [
        ("GET", "/v1/webhooks", None),
        ("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/x", "events": ["*"]}),
        ("GET", f"/v1/webhooks/{hook['id']}", None),
        ("PATCH", f"/v1/webhooks/{hook['id']}", {"enabled": False}),
        ("DELETE", f"/v1/webhooks/{hook['id']}", None),
        ("GET", f"/v1/webhooks/{hook['id']}/deliveries", None),
    ]
    for method, url, body in calls:
        assert client.open(url, method=method, json=body).status_code == 401, (method, url)
        forbidden = client.open(url, method=method, json=body, headers=editor)
        assert_problem(forbidden, 403)
    assert client.get(f"/v1/webhooks/{hook['id']}", headers=admin).status_code == 200


def test_the_secret_is_shown_once(client: FlaskClient, admin: dict[str, str]) -> None:
    hook = register(client, admin, "http://127.0.0.1:9/hook", ["article.*", "issue.published"])
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]+={0,2}", hook["secret"])
    raw = base64.b64decode(hook["secret"].removeprefix("whsec_"), validate=True)
    assert 24 <= len(raw) <= 64
    assert hook["events"] == ["article.*", "issue.published"]
    assert hook["enabled"] is True and hook["consecutive_failures"] == 0
    detail = client.get(f"/v1/webhooks/{hook['id']}", headers=admin).get_json()["data"]
    assert "secret" not in detail
    assert detail == {k: v for k, v in hook.items() if k != "secret"}
    listed = client.get("/v1/webhooks", headers=admin).get_json()
    assert [h["id"] for h in listed["data"]] == [hook["id"]]
    assert "secret" not in listed["data"][0]
    assert listed["meta"]["total"] == 1


BAD_BODIES = [
    ({"url": "http://127.0.0.1:9/", "events": ["article.publish"]}, "events.0"),
    ({"url": "http://127.0.0.1:9/", "events": ["*", "nothing.*"]}, "events.1"),
    ({"url": "http://127.0.0.1:9/", "events": []}, "events"),
    ({"url": "http://127.0.0.1:9/"}, "events"),
    ({"url": "ftp://example.org/", "events": ["*"]}, "url"),
    ({"url": "not a url", "events": ["*"]}, "url"),
    ({"url": "http://127.0.0.1:9/", "events": ["*"], "secret": "mine"}, "secret"),
    ({"url": "http://127.0.0.1:9/", "events": ["*"], "enabled": "yes"}, "enabled"),
]


def test_bad_bodies_are_422_naming_the_field(client: FlaskClient, admin: dict[str, str]) -> None:
    for body, field in BAD_BODIES:
        response = client.post("/v1/webhooks", json=body, headers=admin)
        problem = assert_problem(response, 422)
        assert field in problem["errors"], (body, problem)
    assert client.get("/v1/webhooks", headers=admin).get_json()["meta"]["total"] == 0


def test_patch_changes_events_and_unknown_ids_are_404(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    hook = register(client, admin, "http://127.0.0.1:9/hook")
    response = client.patch(
        f"/v1/webhooks/{hook['id']}",
        json={"events": ["question.*"], "description": "Quiz app"},
        headers=admin,
    )
    assert response.status_code == 200
    assert response.get_json()["data"]["events"] == ["question.*"]
    assert response.get_json()["data"]["description"] == "Quiz app"
    bad = client.patch(f"/v1/webhooks/{hook['id']}", json={"events": ["x"]}, headers=admin)
    assert "events.0" in assert_problem(bad, 422)["errors"]
    stale = client.patch(
        f"/v1/webhooks/{hook['id']}", json={"enabled": False}, headers=admin | {"If-Match": '"x"'}
    )
    assert_problem(stale, 412)
    assert_problem(client.get("/v1/webhooks/999", headers=admin), 404)
    assert_problem(client.delete("/v1/webhooks/999", headers=admin), 404)
    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=admin).status_code == 204
    assert_problem(client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=admin), 404)


PRIVATE_RECEIVERS = [
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
]


def test_private_receivers_are_refused(editor_app_factory: AppFactory) -> None:
    app = editor_app_factory(WEBHOOK_ALLOW_PRIVATE_URLS=False)
    client = app.test_client()
    admin = admin_key(app)
    for url in PRIVATE_RECEIVERS:
        response = client.post("/v1/webhooks", json={"url": url, "events": ["*"]}, headers=admin)
        assert "url" in assert_problem(response, 422)["errors"], url
    public = client.post(
        "/v1/webhooks", json={"url": "http://93.184.215.14/hook", "events": ["*"]}, headers=admin
    )
    assert public.status_code == 201


def test_a_receiver_turned_private_is_refused_at_delivery(
    app: Flask,
    client: FlaskClient,
    admin: dict[str, str],
    editor: dict[str, str],
    receiver: Receiver,
) -> None:
    hook = register(client, admin, receiver.url)
    write(client, "POST", "/v1/articles", editor, json=article_body())
    app.config["WEBHOOK_ALLOW_PRIVATE_URLS"] = False
    with app.app_context():
        run_once()
    assert receiver.requests == []
    first = deliveries(client, admin, hook["id"])[0]
    assert first["state"] == "pending"
    assert first["attempts"][0]["response_code"] is None
    assert "refused" in first["attempts"][0]["error"]


def test_a_delivery_connects_to_the_address_that_was_checked(
    app: Flask,
    client: FlaskClient,
    admin: dict[str, str],
    editor: dict[str, str],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DNS rebinding: a name that resolves to a public address for the check and to a
    # private one a moment later, when the HTTP client would look it up again. The
    # delivery must go to the checked address, so the name is resolved once per attempt:
    # a second lookup fails here.
    port = receiver.url.rsplit(":", 1)[1]
    lookups: list[str] = []
    real = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "hooks.test":
            return real(host, *args, **kwargs)
        lookups.append(host)
        if len(lookups) > 1:
            raise socket.gaierror(socket.EAI_NONAME, "rebound")
        return real("127.0.0.1", *args, **kwargs)

    hook = register(client, admin, f"http://hooks.test:{port}/hook", ["article.created"])
    app.config["WEBHOOK_ALLOW_PRIVATE_URLS"] = False
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    # For this test only, loopback counts as public: the receiver is on this machine.
    monkeypatch.setattr("api.webhooks._forbidden", lambda address: False)
    write(client, "POST", "/v1/articles", editor, json=article_body())
    with app.app_context():
        run_once()
    (request,) = receiver.wait_for(1)
    assert request.headers["host"] == f"hooks.test:{port}"
    assert lookups == ["hooks.test"]
    assert deliveries(client, admin, hook["id"])[0]["state"] == "delivered"


def test_finished_deliveries_are_pruned_after_the_keep_days(
    app: Flask,
    client: FlaskClient,
    admin: dict[str, str],
    editor: dict[str, str],
    receiver: Receiver,
) -> None:
    hook = register(client, admin, receiver.url, ["article.created"])
    write(client, "POST", "/v1/articles", editor, json=article_body(1))
    with app.app_context():
        run_once()
    receiver.wait_for(1)
    app.config["WEBHOOK_ALLOW_PRIVATE_URLS"] = False  # the next one stays pending
    write(client, "POST", "/v1/articles", editor, json=article_body(2))
    with app.app_context():
        run_once()
    states = sorted(d["state"] for d in deliveries(client, admin, hook["id"]))
    assert states == ["delivered", "pending"]
    db = connect(app.config["DATABASE"])
    old = later(-31 * 86400)
    db.execute("UPDATE deliveries SET delivered_at = ?, created_at = ?", [old, old])
    db.execute("UPDATE webhook_events SET timestamp = ?", [old])
    db.conn.commit()
    with app.app_context():
        pruned = prune(db)
    assert pruned["deliveries"] == 1 and pruned["attempts"] == 1 and pruned["events"] == 1
    (left,) = deliveries(client, admin, hook["id"])
    assert left["state"] == "pending"  # however old: it is still to be sent
    with app.app_context():
        assert prune(db)["deliveries"] == 0
    db.close()


def test_cli_adds_lists_and_removes(app: Flask) -> None:
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=["webhooks", "add", "http://127.0.0.1:9/h", "--event", "article.*", "--json"]
    )
    assert added.exit_code == 0, added.output
    hook = orjson.loads(added.output)
    assert hook["secret"].startswith("whsec_") and hook["events"] == ["article.*"]
    listed = runner.invoke(args=["webhooks", "list"])
    assert f"{hook['id']}\thttp://127.0.0.1:9/h\tarticle.*\tenabled" in listed.output
    assert "whsec_" not in listed.output
    refused = runner.invoke(args=["webhooks", "add", "http://127.0.0.1:9/h", "--event", "nope"])
    assert refused.exit_code != 0 and "nope" in refused.output
    removed = runner.invoke(args=["webhooks", "remove", str(hook["id"])])
    assert removed.exit_code == 0
    assert runner.invoke(args=["webhooks", "list"]).output.strip() == "No webhooks."
    assert runner.invoke(args=["webhooks", "remove", str(hook["id"])]).exit_code == 1


# Events: what each write fires ----------------------------------------------------------------


def test_article_writes_fire_their_events(
    app: Flask, client: FlaskClient, admin: dict[str, str], editor: dict[str, str]
) -> None:
    hook = register(client, admin, "http://127.0.0.1:9/hook", ["article.*"])
    made = write(client, "POST", "/v1/articles", editor, json=article_body()).get_json()["data"]
    assert event_types(client, admin, hook["id"]) == ["article.created", "article.published"]

    url = f"/v1/articles/{made['id']}"

    def patch(body: dict[str, Any]) -> None:
        etag = client.get(url, headers=editor).headers["ETag"]
        write(client, "PATCH", url, editor, json=body, headers={"If-Match": etag})

    patch({"title": "A new title"})
    patch({"status": "draft"})
    patch({"status": "published"})
    patch({"lede": "Another lede, on treaties.", "status": "draft"})
    etag = client.get(url, headers=editor).headers["ETag"]
    write(client, "DELETE", url, editor, headers={"If-Match": etag})
    assert event_types(client, admin, hook["id"])[2:] == [
        "article.updated",
        "article.unpublished",
        "article.published",
        "article.updated",
        "article.unpublished",
        "article.deleted",
    ]
    draft = article_body(2, status="draft")
    write(client, "POST", "/v1/articles", editor, json=draft)
    assert event_types(client, admin, hook["id"])[-1] == "article.created"
    db = connect(app.config["DATABASE"])
    assert store.purges(db) == []  # no cache nodes configured: no purges
    db.close()


def test_parts_issues_and_terms_fire_their_events(
    client: FlaskClient, admin: dict[str, str], editor: dict[str, str]
) -> None:
    hook = register(client, admin, "http://127.0.0.1:9/hook")
    made = write(client, "POST", "/v1/articles", editor, json=article_body()).get_json()["data"]
    first = event_types(client, admin, hook["id"])
    assert sorted(first) == [
        "article.created",
        "article.published",
        "question.created",
        "source.created",
        "term.created",
    ]
    assert first.index("article.created") < first.index("article.published")

    seen = len(first)
    question = write(
        client, "POST", f"/v1/articles/{made['id']}/questions", editor, json={"text": "Why?"}
    ).get_json()["data"]
    assert "question.created" in event_types(client, admin, hook["id"])[seen:]
    seen = len(event_types(client, admin, hook["id"]))
    etag = client.get(f"/v1/questions/{question['id']}", headers=editor).headers["ETag"]
    write(client, "DELETE", f"/v1/questions/{question['id']}", editor, headers={"If-Match": etag})
    assert "question.deleted" in event_types(client, admin, hook["id"])[seen:]

    seen = len(event_types(client, admin, hook["id"]))
    issue = {
        "number": 7,
        "title": "Issue seven",
        "status": "published",
        "published_on": "2024-06-01",
    }
    made_issue = write(client, "POST", "/v1/issues", editor, json=issue).get_json()["data"]
    assert event_types(client, admin, hook["id"])[seen:] == ["issue.created", "issue.published"]
    url = f"/v1/issues/{made_issue['id']}"
    for body, expected in [
        ({"title": "Issue seven, retitled"}, ["issue.updated"]),
        ({"status": "draft"}, ["issue.unpublished"]),
    ]:
        seen = len(event_types(client, admin, hook["id"]))
        etag = client.get(url, headers=editor).headers["ETag"]
        write(client, "PATCH", url, editor, json=body, headers={"If-Match": etag})
        assert event_types(client, admin, hook["id"])[seen:] == expected


def test_subscriptions_filter_and_start_at_registration(
    client: FlaskClient, admin: dict[str, str], editor: dict[str, str]
) -> None:
    write(client, "POST", "/v1/articles", editor, json=article_body(1))
    exact = register(client, admin, "http://127.0.0.1:9/a", ["question.created"])
    typed = register(client, admin, "http://127.0.0.1:9/b", ["source.*"])
    write(client, "POST", "/v1/articles", editor, json=article_body(2))
    assert event_types(client, admin, exact["id"]) == ["question.created"]
    assert event_types(client, admin, typed["id"]) == ["source.created"]


# Delivery: payload, signature, retries ----------------------------------------------------------


def test_delivery_is_signed_and_carries_the_item_as_an_editor_saw_it(
    app: Flask,
    client: FlaskClient,
    admin: dict[str, str],
    editor: dict[str, str],
    receiver: Receiver,
) -> None:
    hook = register(client, admin, receiver.url + "/hook", ["article.*"])
    made = write(client, "POST", "/v1/articles", editor, json=article_body(status="draft"))
    seen_by_editor = client.get(made.headers["Location"], headers=editor).get_json()["data"]
    with app.app_context():
        run_once()
    (request,) = receiver.requests
    assert request.method == "POST" and request.path == "/hook"
    assert request.headers["content-type"] == "application/json"
    body = orjson.loads(request.body)
    assert body == {
        "type": "article.created",
        "timestamp": body["timestamp"],
        "data": {
            "type": "article",
            "id": seen_by_editor["id"],
            "url": f"{BASE_URL}/v1/articles/{seen_by_editor['id']}",
            "item": seen_by_editor,
        },
    }
    assert seen_by_editor["status"] == "draft"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timestamp"])
    assert request.headers["webhook-id"].startswith("msg_")
    assert re.fullmatch(r"\d+", request.headers["webhook-timestamp"])
    # Both libraries verify it as it came: bytes, headers, secret.
    Webhook(hook["secret"]).verify(request.body, request.headers)
    SvixWebhook(hook["secret"]).verify(request.body, request.headers)
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(hook["secret"]).verify(request.body + b" ", request.headers)
    (record,) = deliveries(client, admin, hook["id"])
    assert record["id"] == request.headers["webhook-id"]
    assert record["state"] == "delivered" and record["last_response_code"] == 200

    # After a delete the item is null; the URL still names the article.
    etag = client.get(made.headers["Location"], headers=editor).headers["ETag"]
    write(client, "DELETE", made.headers["Location"], editor, headers={"If-Match": etag})
    with app.app_context():
        run_once()
    deleted = orjson.loads(receiver.wait_for(2)[1].body)
    assert deleted["type"] == "article.deleted"
    assert deleted["data"]["item"] is None
    assert deleted["data"]["url"] == f"{BASE_URL}/v1/articles/{seen_by_editor['id']}"


def test_a_failed_attempt_is_retried_on_schedule_with_the_same_webhook_id(
    app: Flask, client: FlaskClient, admin: dict[str, str], editor: dict[str, str]
) -> None:
    receiver = Receiver(script=[500, 503])
    try:
        hook = register(client, admin, receiver.url, ["article.created"])
        write(client, "POST", "/v1/articles", editor, json=article_body())
        with app.app_context():
            run_once()
            (pending,) = deliveries(client, admin, hook["id"])
            assert pending["state"] == "pending" and pending["last_response_code"] == 500
            first_try = parse_instant(pending["attempts"][0]["at"])
            assert parse_instant(pending["next_attempt_at"]) == first_try + timedelta(seconds=5)
            run_once()  # not due yet
            assert len(receiver.requests) == 1
            with clock_at(first_try + timedelta(seconds=5)):
                run_once()
            (again,) = deliveries(client, admin, hook["id"])
            second_try = parse_instant(again["attempts"][1]["at"])
            assert parse_instant(again["next_attempt_at"]) == second_try + timedelta(seconds=30)
            with clock_at(second_try + timedelta(seconds=30)):
                run_once()
        ids = {r.headers["webhook-id"] for r in receiver.requests}
        assert len(receiver.requests) == 3 and len(ids) == 1
        for request in receiver.requests:
            Webhook(hook["secret"]).verify(request.body, request.headers)
        (done,) = deliveries(client, admin, hook["id"])
        assert done["state"] == "delivered" and done["attempt_count"] == 3
        assert [a["response_code"] for a in done["attempts"]] == [500, 503, 200]
    finally:
        receiver.close()


def test_an_endpoint_is_disabled_after_failures_and_resumes_when_enabled(
    editor_app_factory: AppFactory,
) -> None:
    app = editor_app_factory(**{**FAST, "WEBHOOK_RETRY_SCHEDULE": [1], "WEBHOOK_DISABLE_AFTER": 2})
    client = app.test_client()
    admin, editor = admin_key(app), new_key(app, "editor")
    receiver = Receiver(default=500)
    try:
        hook = register(client, admin, receiver.url, ["article.created"])
        for n in (1, 2):
            write(client, "POST", "/v1/articles", editor, json=article_body(n))
        with app.app_context():
            run_once()
            with clock_at(later(2)):
                run_once()
        states = [d["state"] for d in deliveries(client, admin, hook["id"])]
        assert states == ["failed", "failed"]
        shown = client.get(f"/v1/webhooks/{hook['id']}", headers=admin).get_json()["data"]
        assert shown["enabled"] is False and shown["disabled_at"] is not None
        assert shown["consecutive_failures"] == 2 and "2 deliveries" in shown["disabled_reason"]

        # Disabled, it keeps what it would be sent, and nothing goes out.
        write(client, "POST", "/v1/articles", editor, json=article_body(3))
        sent = len(receiver.requests)
        with app.app_context():
            run_once()
        assert len(receiver.requests) == sent
        assert deliveries(client, admin, hook["id"])[-1]["state"] == "pending"

        receiver.default = 200
        enabled = client.patch(f"/v1/webhooks/{hook['id']}", json={"enabled": True}, headers=admin)
        assert enabled.get_json()["data"]["enabled"] is True
        assert enabled.get_json()["data"]["consecutive_failures"] == 0
        with app.app_context():
            run_once()
        assert [d["state"] for d in deliveries(client, admin, hook["id"])] == [
            "failed",
            "failed",
            "delivered",
        ]
        assert orjson.loads(receiver.requests[-1].body)["data"]["item"]["slug"] == (
            "webhook-article-3"
        )
    finally:
        receiver.close()


def test_a_hanging_receiver_times_out_without_holding_up_another(
    editor_app_factory: AppFactory,
) -> None:
    app = editor_app_factory(**{**FAST, "WEBHOOK_TIMEOUT_SECONDS": 0.5})
    client = app.test_client()
    admin, editor = admin_key(app), new_key(app, "editor")
    hanging, healthy = Receiver(hang={1}, hang_seconds=1.5), Receiver()
    try:
        slow = register(client, admin, hanging.url, ["article.created"])
        fast = register(client, admin, healthy.url, ["article.created"])
        write(client, "POST", "/v1/articles", editor, json=article_body())
        from api.worker import build_queue

        huey, dispatch = build_queue(app)
        huey.immediate = False
        with app.app_context():
            run_once(dispatch)
        consumer = huey.create_consumer(workers=2, worker_type="thread", periodic=False)
        consumer.start()
        try:
            healthy.wait_for(1, timeout=2)  # while the other hangs
            hanging.wait_for(1)
        finally:
            consumer.stop(graceful=True)
        (late,) = deliveries(client, admin, slow["id"])
        assert late["state"] == "pending" and "Timeout" in late["attempts"][0]["error"]
        assert deliveries(client, admin, fast["id"])[0]["state"] == "delivered"
    finally:
        hanging.close()
        healthy.close()


# Scheduled content ---------------------------------------------------------------------------


def test_scheduled_content_fires_published_when_its_time_comes(
    app: Flask,
    client: FlaskClient,
    admin: dict[str, str],
    editor: dict[str, str],
    receiver: Receiver,
) -> None:
    hook = register(client, admin, receiver.url, ["article.*"])
    moment = later(3600)
    write(client, "POST", "/v1/articles", editor, json=article_body(published_at=moment))
    token = client.get("/v1/sync").get_json()["meta"]["next_sync_token"]
    with app.app_context():
        run_once()
        assert event_types(client, admin, hook["id"]) == ["article.created"]
        with clock_at(moment):
            run_once()
            run_once()  # looked at again: nothing new
            assert event_types(client, admin, hook["id"]) == [
                "article.created",
                "article.published",
            ]
            published = orjson.loads(receiver.wait_for(2)[1].body)
            assert published["data"]["item"]["status"] == "published"
            # The sync brings the article once, as it did before the worker looked.
            delta = client.get(f"/v1/sync?token={token}&type=article").get_json()
            assert [e["id"] for e in delta["data"]] == [published["data"]["id"]]
            after = delta["meta"]["next_sync_token"]
        with clock_at(later(3700)):
            again = client.get(f"/v1/sync?token={after}&type=article").get_json()
            assert again["data"] == []


# Cache purges --------------------------------------------------------------------------------


def test_every_write_purges_each_cache_node(editor_app_factory: AppFactory) -> None:
    nodes = [Receiver(script=[500]), Receiver()]
    try:
        app = editor_app_factory(**FAST, CACHE_PURGE_URLS=",".join(n.url for n in nodes))
        client = app.test_client()
        editor = new_key(app, "editor")
        made = write(client, "POST", "/v1/articles", editor, json=article_body()).get_json()["data"]
        db = connect(app.config["DATABASE"])
        queued = store.purges(db)
        assert sorted(p["node"] for p in queued) == sorted(n.url for n in nodes)
        keys = set(queued[0]["keys"].split())
        assert f"article-{made['id']}" in keys
        with app.app_context():
            run_once()
            for node in nodes:
                (purge,) = node.requests
                assert purge.method == "PURGE" and purge.path == "/"
                assert set(purge.headers["xkey"].split()) == keys
            states = {p["node"]: p["state"] for p in store.purges(db)}
            assert states == {nodes[0].url: "pending", nodes[1].url: "delivered"}
            with clock_at(later(2)):
                run_once()
            assert len(nodes[0].requests) == 2
            assert {p["state"] for p in store.purges(db)} == {"delivered"}
        db.close()
    finally:
        for node in nodes:
            node.close()
