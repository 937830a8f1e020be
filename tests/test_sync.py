"""GET /v1/sync: everything once, then exactly what changed, tombstones included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.db import connect, write_transaction
from api.importer.write import write_document
from api.store import writes
from api.timefmt import clock_at, utc_now
from tests.conftest import make_app
from tests.factories import make_document
from tests.helpers import BASE_URL

Element = dict[str, Any]


def follow(
    client: FlaskClient, url: str, headers: dict[str, str] | None = None
) -> tuple[list[Element], str]:
    """Every element of one sync, page by page through links.next; and its next token."""
    elements: list[Element] = []
    while True:
        response = client.get(url.removeprefix(BASE_URL), headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        elements.extend(body["data"])
        if body["links"]["next"] is None:
            assert body["meta"]["next_cursor"] is None
            assert "cursor=" in url or len(elements) == body["meta"]["total"]
            return elements, body["meta"]["next_sync_token"]
        assert "next_sync_token" not in body["meta"]  # only the last page carries it
        url = body["links"]["next"]


def keyed(elements: list[Element]) -> dict[tuple[str, int], Element]:
    return {(e["type"], e["id"]): e for e in elements}


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path / "sync.db")
    db = connect(app.config["DATABASE"])
    for n in range(1, 6):
        write_document(db, make_document(n, issue=1 + n % 2))
    db.close()
    return app


@pytest.fixture
def editor(app: Flask) -> dict[str, str]:
    runner = app.test_cli_runner()
    key = runner.invoke(args=["keys", "create", "--role", "editor", "--name", "e", "--quiet"])
    return {"Authorization": f"Bearer {key.output.strip()}"}


def test_first_sync_pages_through_everything_published(app: Flask) -> None:
    client = app.test_client()
    elements, token = follow(client, "/v1/sync?limit=3")
    kinds = [e["type"] for e in elements]
    assert kinds.count("article") == 5 and kinds.count("issue") == 2
    assert kinds.count("question") == 5 and kinds.count("source") == 5
    assert kinds.count("term") == 2  # Sanctions and Cold War, shared by every article
    assert len(keyed(elements)) == len(elements)  # nothing twice across pages
    article = keyed(elements)[("article", 1)]
    assert article["data"] == client.get("/v1/articles/1").get_json()["data"]
    assert token
    again, _ = follow(client, f"/v1/sync?token={token}")
    assert again == []  # nothing changed since


def _etag(client: FlaskClient, url: str, editor: dict[str, str]) -> str:
    return client.get(url, headers=editor).headers["ETag"]


def test_scripted_session_reports_exactly_the_changes(app: Flask, editor: dict[str, str]) -> None:
    client = app.test_client()
    first, token = follow(client, "/v1/sync")
    held = keyed(first)
    questions_of = {e["data"]["article_id"]: e["id"] for e in first if e["type"] == "question"}
    # Create, update, delete and unpublish through the editors' API.
    created = client.post(
        "/v1/articles",
        headers=editor,
        json={
            "title": "A Brand New Article",
            "lede": "A brand new article about sanctions for the sync to find.",
            "status": "published",
            "questions": [{"text": "Is it new?"}],
        },
    )
    assert created.status_code == 201, created.get_json()
    new_id = created.get_json()["data"]["id"]
    edit = {**editor, "If-Match": _etag(client, "/v1/articles/1", editor)}
    assert (
        client.patch("/v1/articles/1", headers=edit, json={"lede": "A new lede."}).status_code
        == 200
    )
    gone = {**editor, "If-Match": _etag(client, "/v1/articles/2", editor)}
    assert client.delete("/v1/articles/2", headers=gone).status_code == 204
    hide = {**editor, "If-Match": _etag(client, "/v1/articles/3", editor)}
    assert client.patch("/v1/articles/3", headers=hide, json={"status": "draft"}).status_code == 200

    delta, _ = follow(client, f"/v1/sync?token={token}&limit=2")
    by_key = keyed(delta)
    articles = {k: v for k, v in by_key.items() if k[0] == "article"}
    assert set(articles) == {("article", new_id), ("article", 1), ("article", 2), ("article", 3)}
    assert articles[("article", new_id)]["data"]["title"] == "A Brand New Article"
    assert articles[("article", 1)]["data"]["lede"] == "A new lede."
    assert "deleted_at" in articles[("article", 2)] and "data" not in articles[("article", 2)]
    assert "deleted_at" in articles[("article", 3)]
    questions = {k[1]: v for k, v in by_key.items() if k[0] == "question"}
    assert "data" in questions.pop(max(questions))  # the new article's question
    assert set(questions) == {questions_of[2], questions_of[3]}
    assert all("deleted_at" in q for q in questions.values())
    # Untouched articles (4, 5) and their parts are not sent again.
    assert ("article", 4) not in by_key and ("article", 5) not in by_key
    assert questions_of[4] not in questions and questions_of[1] not in questions
    # Applying the delta gives exactly what a first sync now gives.
    for key, element in by_key.items():
        if "data" in element:
            held[key] = element
        else:
            held.pop(key, None)
    now, _ = follow(client, "/v1/sync")
    assert {k: v["data"] for k, v in held.items()} == {k: v["data"] for k, v in keyed(now).items()}


def test_type_filter_still_reports_deletions_of_that_type(
    app: Flask, editor: dict[str, str]
) -> None:
    client = app.test_client()
    _, token = follow(client, "/v1/sync?type=article")
    gone = {**editor, "If-Match": _etag(client, "/v1/articles/4", editor)}
    assert client.delete("/v1/articles/4", headers=gone).status_code == 204
    delta, _ = follow(client, f"/v1/sync?token={token}&type=article")
    assert [(e["type"], e["id"], "deleted_at" in e) for e in delta] == [("article", 4, True)]
    questions, _ = follow(client, f"/v1/sync?token={token}&type=question")
    assert [e["type"] for e in questions] == ["question"] and "deleted_at" in questions[0]


def test_scheduled_content_arrives_when_its_time_comes(app: Flask) -> None:
    client = app.test_client()
    db = connect(app.config["DATABASE"])
    write_document(db, make_document(9, slug="later", published_at="2031-01-01T00:00:00Z"))
    db.close()
    _, token = follow(client, "/v1/sync")
    with clock_at("2030-12-31T00:00:00Z"):
        before, token_before = follow(client, f"/v1/sync?token={token}")
    assert before == []
    with clock_at("2031-01-02T00:00:00Z"):
        after, _ = follow(client, f"/v1/sync?token={token_before}")
        polled = client.get("/v1/articles?updated_since=2030-12-31T00:00:00Z").get_json()
    later = [e for e in after if e["type"] == "article"]
    assert [(e["data"]["slug"], "deleted_at" in e) for e in later] == [("later", False)]
    assert {e["type"] for e in after} == {"article", "issue", "term", "question", "source"}
    assert [a["slug"] for a in polled["data"]] == ["later"]


def test_a_change_while_paging_comes_in_this_sync_or_the_next(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/v1/sync?limit=2").get_json()
    db = connect(app.config["DATABASE"])
    write_document(db, make_document(1, title="Changed While Paging"))
    db.close()
    rest, token = follow(client, page["links"]["next"])
    seen = keyed(page["data"] + rest)
    if seen[("article", 1)]["data"]["title"] != "Changed While Paging":
        delta, _ = follow(client, f"/v1/sync?token={token}")
        assert keyed(delta)[("article", 1)]["data"]["title"] == "Changed While Paging"


@pytest.mark.parametrize(
    "query",
    [
        "token=nonsense",
        "token=eyJ2IjoxLCJzZXEiOjF9.000000000000",  # a checksum that does not match
        "cursor=eyJ2IjoxfQ.abcdefabcdef",
        "type=articles",
        "limit=0",
    ],
)
def test_bad_tokens_and_parameters_are_400_problems(app: Flask, query: str) -> None:
    response = app.test_client().get(f"/v1/sync?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "errors" in response.get_json()


def test_a_token_from_another_history_is_refused(app: Flask, tmp_path: Path) -> None:
    _, token = follow(app.test_client(), "/v1/sync")
    other = make_app(tmp_path / "other.db")  # an empty database: its log ends at 0
    response = other.test_client().get(f"/v1/sync?token={token}")
    assert response.status_code == 400
    assert "start again" in response.get_json()["detail"].lower()


def test_tokens_survive_a_restart(app: Flask) -> None:
    _, token = follow(app.test_client(), "/v1/sync")
    restarted = make_app(app.config["DATABASE"])
    assert follow(restarted.test_client(), f"/v1/sync?token={token}")[0] == []


# Property: whatever the writes and however they interleave with sync pages, a client that
# applies every page ends with exactly the published content.

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["write", "edit", "draft", "delete", "page", "page", "schedule"]),
        st.integers(min_value=1, max_value=4),
    ),
    max_size=14,
)


class Client:
    def __init__(self, http: FlaskClient) -> None:
        self.http = http
        self.held: dict[tuple[str, int], Any] = {}
        self.token: str | None = None
        self.next_url: str | None = None

    def page(self) -> None:
        url = self.next_url or (
            f"/v1/sync?limit=2&token={self.token}" if self.token else "/v1/sync?limit=2"
        )
        body = self.http.get(url.removeprefix(BASE_URL)).get_json()
        for element in body["data"]:
            key = (element["type"], element["id"])
            if "data" in element:
                self.held[key] = element["data"]
            else:
                self.held.pop(key, None)
        self.next_url = body["links"]["next"]
        if self.next_url is None:
            self.token = body["meta"]["next_sync_token"]

    def finish(self) -> None:
        """The sync under way to its end, then one more to catch what changed meanwhile."""
        while self.next_url is not None:
            self.page()
        self.page()
        while self.next_url is not None:
            self.page()


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(actions=ACTIONS)
# Found by this property: both articles scheduled, a first sync that sees neither, then
# article 2 rewritten after its moment with its earlier date; its question and source
# never came (api.importer.write._moment_moved_back).
@example(
    actions=[
        ("schedule", 1),
        ("schedule", 2),
        ("page", 1),
        ("delete", 4),
        ("draft", 3),
        ("write", 2),
    ]
)
def test_applying_every_page_ends_with_the_published_content(
    tmp_path_factory: pytest.TempPathFactory, actions: list[tuple[str, int]]
) -> None:
    app = make_app(tmp_path_factory.mktemp("prop") / "p.db")
    db = connect(app.config["DATABASE"])
    client = Client(app.test_client())
    edits = 0
    with clock_at("2025-01-01T00:00:00Z"):
        for n in (1, 2):
            write_document(db, make_document(n, issue=n))
    for step, (action, n) in enumerate(actions):
        # Time moves on a minute a step, so scheduled articles come due during the run.
        with clock_at(f"2025-01-01T00:{step + 1:02d}:00Z"):
            if action == "page":
                client.page()
            elif action == "delete":
                existing = writes.find_article(db, f"generated-article-{n:04d}")
                if existing and existing["deleted_at"] is None:
                    with write_transaction(db):
                        writes.delete_article(db, existing["id"], utc_now())
            else:
                edits += 1
                status = "draft" if action == "draft" else "published"
                when = "2025-01-01T00:05:30Z" if action == "schedule" else None
                title = f"Edit {edits}" if action == "edit" else None
                write_document(
                    db,
                    make_document(
                        n, issue=1 + n % 2, status=status, title=title, published_at=when
                    ),
                )
    with clock_at("2025-01-01T01:00:00Z"):
        client.finish()
        truth = Client(app.test_client())
        truth.finish()
    db.close()
    assert client.held == truth.held
