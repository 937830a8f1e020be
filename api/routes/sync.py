"""GET /v1/sync: everything published once, then only what changed (tombstones too)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from marshmallow import Schema

from ..db import get_db
from ..decorators import arguments
from ..errors import InvalidQuery
from ..http import list_response
from ..schemas.articles import ArticleSchema
from ..schemas.glossary import TermDetailSchema
from ..schemas.issues import IssueDetailSchema
from ..schemas.questions import QuestionSchema
from ..schemas.sources import SourceSchema
from ..schemas.sync import SyncArgs
from ..store import articles, editions, glossary, questions, sources
from ..store import sync as store
from ..store.common import set_previewing
from ..store.pagination import Page
from ..timefmt import utc_now

bp = Blueprint("sync", __name__)

# Each type as its detail URL returns it.
DETAIL: dict[str, tuple[Any, type[Schema]]] = {
    "issue": (lambda db, i: editions.issue_with_articles(db, str(i)), IssueDetailSchema),
    "article": (lambda db, i: articles.get_article(db, str(i)), ArticleSchema),
    "term": (lambda db, i: glossary.get_term(db, str(i)), TermDetailSchema),
    "question": (questions.get_question, QuestionSchema),
    "source": (sources.get_source, SourceSchema),
}


def _state(args: dict[str, Any]) -> dict[str, Any]:
    """Where this page of which sync starts: from the cursor, the token, or the start."""
    db = get_db()
    try:
        if args.get("cursor"):
            return store.decode(args["cursor"])
        end, now = store.log_end(db), utc_now()
        types = list(args.get("type") or store.TYPES)
        if args.get("token"):
            token = store.decode(args["token"])
            if not isinstance(token.get("seq"), int) or token["seq"] > end:
                raise store.SyncTokenError("This token is not from this server's history.")
            window = {"from_seq": token["seq"], "to_seq": end, "since": token["at"], "until": now}
            return {"mode": "delta", "window": window, "types": types, "after": [0, 0]}
        window = {"from_seq": 0, "to_seq": end, "since": "", "until": now}
        return {"mode": "all", "window": window, "types": types, "after": [0, 0]}
    except (store.SyncTokenError, KeyError, TypeError) as error:
        name = "cursor" if args.get("cursor") else "token"
        raise InvalidQuery(
            f"Check the query parameters: {name}. Start again with GET /v1/sync (no token).",
            errors={name: [str(error) or "Not a token this API issued."]},
        ) from error


def _element(db: Any, entry: store.Entry, until: str) -> dict[str, Any]:
    fetch, schema = DETAIL[entry.kind]
    row = fetch(db, entry.item_id)
    if row is None:
        return {"type": entry.kind, "id": entry.item_id, "deleted_at": entry.changed_at or until}
    data = schema().dump(row)
    changed = data.get("updated_at") or row.get("last_modified") or until
    return {"type": entry.kind, "id": entry.item_id, "updated_at": changed, "data": data}


@bp.get("/sync")
@arguments(SyncArgs)
def sync(args: dict[str, Any]) -> Response:
    set_previewing(False)  # the sync is the public content, whoever asks
    state = _state(args)
    db = get_db()
    types, after, window = tuple(state["types"]), tuple(state["after"]), state["window"]
    if state["mode"] == "all":
        entries, position, total = store.everything(db, types, after, args["limit"])
    else:
        entries, position, total = store.changes(db, types, window, after, args["limit"])
    items = [_element(db, entry, window["until"]) for entry in entries]
    cursor = store.encode({**state, "after": list(position)}) if position else None
    meta: dict[str, Any] = {}
    if cursor is None:
        meta["next_sync_token"] = store.encode({"seq": window["to_seq"], "at": window["until"]})
    return list_response(items, Page(items, total, args["limit"], cursor), meta=meta)
