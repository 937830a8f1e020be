"""The editors' writes: a validated body, a precondition, then the one writer.

Every write runs in one transaction that first reads the item as its editor last saw
it (its GET representation, whose ETag `If-Match` must carry), then writes through
`api.importer.write` (articles) or the store, and logs the change. The answer is the
item as a GET of its URL now returns it, with its new ETag.

`If-Match` is required on PUT, PATCH and DELETE (428 without it): two editors never
silently overwrite each other. POST creates, so it has nothing to match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from flask import Response, request
from marshmallow import Schema, ValidationError
from werkzeug.http import parse_etags

from . import links
from .db import get_db, write_transaction
from .errors import (
    ApiError,
    Conflict,
    InvalidBody,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    UnsupportedMediaType,
)
from .http import etag_of, json_response
from .importer.structured import document_from_fields
from .importer.write import WriteConflict, write_document
from .schemas.articles import (
    ARTICLE_SERVER_FIELDS,
    ArticleBody,
    ArticleSchema,
    GlossaryEntryBody,
    QuestionBody,
    SourceBody,
)
from .schemas.glossary import TERM_SERVER_FIELDS, TermBody, TermDetailSchema
from .schemas.issues import ISSUE_SERVER_FIELDS, IssueBody, IssueDetailSchema
from .schemas.questions import QuestionSchema
from .schemas.sources import SourceSchema
from .slugs import slugify
from .store import articles as article_store
from .store import editions, writes
from .store import glossary as glossary_store
from .store import questions as question_store
from .store import sources as source_store
from .store.common import MAX_ID
from .timefmt import utc_now

MERGE_PATCH = "application/merge-patch+json"
EDITABLE_PARTS = ("sections", "glossary", "questions", "sources")

# Bodies -------------------------------------------------------------------------------------


def json_body(*, patch: bool = False) -> dict[str, Any]:
    """The request's JSON object; 415 for another media type, 400 for broken JSON."""
    allowed = ("application/json", MERGE_PATCH) if patch else ("application/json",)
    if request.mimetype not in allowed:
        raise UnsupportedMediaType(
            f"Send the body as {' or '.join(allowed)}, not {request.mimetype or 'nothing'}."
        )
    try:
        data = orjson.loads(request.get_data())
    except orjson.JSONDecodeError as error:
        raise ApiError(f"The body is not valid JSON: {error}.") from error
    if not isinstance(data, dict):
        raise InvalidBody("The body must be a JSON object.", errors={"body": ["Not an object."]})
    return data


def load_body(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    """Validate with marshmallow; 422 naming every field that is wrong, nothing written."""
    try:
        return schema.load(data)
    except ValidationError as error:
        messages = flat_errors(error.normalized_messages())
        names = ", ".join(sorted(messages))
        raise InvalidBody(f"The body is not valid: {names}.", errors=messages) from error


def flat_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as `field` or `sections.0.heading` → messages, the
    one shape every problem's `errors` has."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            flat.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    listed = messages if isinstance(messages, list) else [messages]
    if all(isinstance(m, str) for m in listed):
        return {prefix or "body": [str(m) for m in listed]}
    flat = {}
    for value in listed:
        flat.update(flat_errors(value, prefix))
    return flat


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


# Preconditions ------------------------------------------------------------------------------


def _bare(tag: str) -> str:
    # Compression appends the coding to the ETag; the version is the same.
    return tag.split(":", 1)[0]


def require_if_match(current: dict[str, Any], *also: Callable[[], dict[str, Any]]) -> None:
    """`If-Match` must name the ETag of the item's GET representation as it is now (or of
    another one `also` builds: an article read with every part included)."""
    header = request.headers.get("If-Match")
    if header is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag you last read (GET the item first), so a newer"
            " edit is never overwritten."
        )
    tags = parse_etags(header)
    if tags.star_tag:
        return
    # werkzeug reads an empty tag (`If-Match: ""`) as None: it matches nothing.
    sent = {_bare(t) for t in tags.as_set() if t}
    if etag_of({"data": current}) not in sent and not any(
        etag_of({"data": build()}) in sent for build in also
    ):
        raise PreconditionFailed(
            "The item changed since you read it (its ETag is no longer the one you sent):"
            " GET it again, re-apply your edit and retry."
        )


def owned_unchanged(
    data: dict[str, Any], current: dict[str, Any] | None, names: tuple[str, ...]
) -> None:
    """Server-owned fields may be sent back as they are, never set to anything else."""
    errors = {
        name: [
            "Set by the server; leave it out."
            if current is None
            else f"Set by the server; it is {current.get(name)!r}, send that or leave it out."
        ]
        for name in names
        if name in data and (current is None or data[name] != current.get(name))
    }
    if errors:
        raise InvalidBody(f"The body sets server-owned fields: {', '.join(errors)}.", errors=errors)


def written(
    payload: dict[str, Any],
    *,
    status: int,
    location: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Response:
    """A write's answer: the item as its GET returns it (`meta` for what a GET lacks)."""
    headers = {"Location": location} if location else None
    body: dict[str, Any] = {"data": payload}
    if meta is not None:
        body["meta"] = meta
    response = json_response(body, status=status, headers=headers)
    if meta is not None:
        # The ETag is the item's, as its GET gives it, not this envelope's.
        response.set_etag(etag_of({"data": payload}))
    return response


# Articles -----------------------------------------------------------------------------------


def article_view(article_id: int) -> dict[str, Any] | None:
    """The article as GET /v1/articles/{id} returns it to the caller."""
    row = article_store.get_article(get_db(), str(article_id))
    return ArticleSchema().dump(row) if row else None


def article_full(article_id: int) -> dict[str, Any]:
    """The article with every editable part embedded: what a merge patch applies to."""
    db = get_db()
    row = article_store.get_article(db, str(article_id))
    if row is None:
        raise NotFound(f"No article has the id {article_id}.")
    article_store.attach_related(db, [row], EDITABLE_PARTS)
    return ArticleSchema().dump(row)


def find_article(ref: str) -> int:
    found = article_store.resolve_article_id(get_db(), ref)
    if found is None:
        raise NotFound(f"No article has the id or slug {ref[:200]!r}.")
    return found


def _issue_number(issue_id: int | None) -> int | None:
    if issue_id is None:
        return None
    # Past SQLite's integer range no issue has it, and binding it raised OverflowError: a 500
    # for `issue_id: 9999999999999999999` (JSON numbers up to 2**64 parse as ints).
    number = writes.issue_number(get_db(), issue_id) if 1 <= issue_id <= MAX_ID else None
    if number is None:
        raise InvalidBody(
            "The body names an issue that does not exist.",
            errors={"issue_id": [f"No newsletter issue has the id {issue_id}."]},
        )
    return number


def _store_article(fields: dict[str, Any], article_id: int | None) -> int:
    document = document_from_fields(fields, issue_number=_issue_number(fields.get("issue_id")))
    try:
        return write_document(get_db(), document, article_id=article_id).article_id
    except WriteConflict as error:
        raise Conflict(str(error), errors={"slug": [str(error)]}) from error


def create_article(data: dict[str, Any]) -> Response:
    owned_unchanged(data, None, ARTICLE_SERVER_FIELDS)
    fields = load_body(ArticleBody(), data)
    fields.setdefault("status", "draft")
    db = get_db()
    with write_transaction(db):
        slug = fields.get("slug") or document_from_fields(fields, issue_number=None).slug
        taken = writes.find_article(db, slug)
        if taken is not None and taken["deleted_at"] is None:
            raise Conflict(
                f"The slug {slug!r} belongs to article {taken['id']}.",
                errors={"slug": ["Already in use; choose another."]},
            )
        article_id = _store_article(fields, None)
    view = article_view(article_id)
    assert view is not None
    return written(view, status=201, location=view["url"])


def replace_article(ref: str, data: dict[str, Any], *, patch: bool = False) -> Response:
    db = get_db()
    with write_transaction(db):
        article_id = find_article(ref)
        current = article_view(article_id)
        assert current is not None
        require_if_match(current, lambda: article_full(article_id))
        if patch:
            data = merge_patch(article_full(article_id), data)
        owned_unchanged(data, current, ARTICLE_SERVER_FIELDS)
        fields = load_body(ArticleBody(), data)
        fields.setdefault("status", current["status"] if patch else "draft")
        _store_article(fields, article_id)
    view = article_view(article_id)
    assert view is not None
    return written(view, status=200)


def delete_article(ref: str) -> Response:
    db = get_db()
    with write_transaction(db):
        article_id = find_article(ref)
        current = article_view(article_id)
        assert current is not None
        require_if_match(current)
        writes.delete_article(db, article_id, utc_now())
    return Response(status=204)


def _rewrite_article(article_id: int, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Change one part of an article and store the whole through the writer; the
    article as it is afterwards, every part embedded."""
    full = article_full(article_id)
    change(full)
    _store_article(load_body(ArticleBody(), full), article_id)
    return article_full(article_id)


# Newsletter issues --------------------------------------------------------------------------


def issue_view(ref: str) -> dict[str, Any] | None:
    """The issue as GET /v1/issues/{ref} returns it to the caller."""
    issue = editions.issue_with_articles(get_db(), ref)
    return IssueDetailSchema().dump(issue) if issue else None


def _current_issue(ref: str) -> dict[str, Any]:
    current = issue_view(ref)
    if current is None:
        raise NotFound(f"No newsletter issue has the id or slug {ref[:200]!r}.")
    return current


def _issue_values(fields: dict[str, Any]) -> dict[str, Any]:
    """The row's columns: scheduled is stored as published with a future day."""
    day = fields.get("published_on")
    return {
        "number": fields["number"],
        "slug": fields.get("slug") or f"issue-{fields['number']}",
        "title": fields["title"],
        "published_on": day.isoformat() if day else None,
        "status": "draft" if fields.get("status") == "draft" else "published",
    }


def _claim_issue(values: dict[str, Any], issue_id: int | None) -> None:
    db = get_db()
    for key, found in (
        ("number", writes.issue_by_number(db, values["number"])),
        ("slug", writes.issue_by_slug(db, values["slug"])),
    ):
        if found is not None and found["id"] != issue_id:
            raise Conflict(
                f"The {key} {values[key]!r} belongs to issue {found['id']}.",
                errors={key: ["Already in use; choose another."]},
            )


def create_issue(data: dict[str, Any]) -> Response:
    owned_unchanged(data, None, ISSUE_SERVER_FIELDS)
    fields = load_body(IssueBody(), data)
    fields.setdefault("status", "draft")
    values = _issue_values(fields)
    db = get_db()
    with write_transaction(db):
        _claim_issue(values, None)
        issue_id = writes.insert_issue(db, values, utc_now())
    view = issue_view(str(issue_id))
    assert view is not None
    return written(view, status=201, location=view["url"])


def replace_issue(ref: str, data: dict[str, Any], *, patch: bool = False) -> Response:
    db = get_db()
    with write_transaction(db):
        current = _current_issue(ref)
        require_if_match(current)
        if patch:
            data = merge_patch(current, data)
        owned_unchanged(data, current, ISSUE_SERVER_FIELDS)
        fields = load_body(IssueBody(), data)
        fields.setdefault("status", current["status"] if patch else "draft")
        values = _issue_values(fields)
        _claim_issue(values, current["id"])
        writes.update_issue(db, current["id"], values, utc_now())
    view = issue_view(str(current["id"]))
    assert view is not None
    return written(view, status=200)


def delete_issue(ref: str) -> Response:
    db = get_db()
    with write_transaction(db):
        current = _current_issue(ref)
        require_if_match(current)
        if writes.live_articles_in_issue(db, current["id"]):
            raise Conflict(
                "The issue still has articles: move or delete them first.",
                errors={"articles": ["Not empty."]},
            )
        writes.delete_issue(db, current["id"], utc_now())
    return Response(status=204)


# Questions and sources: parts of one article, written through it -----------------------------

PARTS = {
    "questions": (QuestionSchema, QuestionBody, question_store.get_question, links.question_url),
    "sources": (SourceSchema, SourceBody, source_store.get_source, links.source_url),
}
# What the server sets on a part written on its own (the contract's readOnly): sent back
# unchanged or left out. A source's domain, publisher and date are read from its URL; a
# POST with `published_on` was a 201 that ignored it (found by make fuzz).
PART_OWNED = {
    "questions": ("id", "article_id", "position"),
    "sources": ("id", "article_id", "position", "domain", "publisher", "published_on"),
}


def part_view(part: str, item_id: int) -> dict[str, Any] | None:
    schema, _, fetch, _ = PARTS[part]
    row = fetch(get_db(), item_id)
    return schema().dump(row) if row else None


def _current_part(part: str, item_id: int) -> dict[str, Any]:
    current = part_view(part, item_id)
    if current is None:
        raise NotFound(f"No {part[:-1]} has the id {item_id}.")
    return current


def add_part(part: str, ref: str, data: dict[str, Any]) -> Response:
    """POST /v1/articles/{ref}/questions|sources: appended to the article."""
    _, body_schema, _, url = PARTS[part]
    owned_unchanged(data, None, PART_OWNED[part])
    load_body(body_schema(), data)  # its own errors, named as the body names them
    db = get_db()
    with write_transaction(db):
        article_id = find_article(ref)
        after = _rewrite_article(article_id, lambda full: full[part].append(data))
    created = after[part][-1]
    view = part_view(part, created["id"])
    assert view is not None
    return written(view, status=201, location=url(created["id"]))


def replace_part(part: str, item_id: int, data: dict[str, Any], *, patch: bool = False) -> Response:
    _, body_schema, _, _ = PARTS[part]
    db = get_db()
    with write_transaction(db):
        current = _current_part(part, item_id)
        require_if_match(current)
        if patch:
            data = merge_patch(current, data)
        owned_unchanged(data, current, PART_OWNED[part])
        load_body(body_schema(), data)

        def change(full: dict[str, Any]) -> None:
            full[part] = [{**data, "id": item_id} if p["id"] == item_id else p for p in full[part]]

        _rewrite_article(current["article_id"], change)
    view = part_view(part, item_id)
    assert view is not None
    return written(view, status=200)


def delete_part(part: str, item_id: int) -> Response:
    db = get_db()
    with write_transaction(db):
        current = _current_part(part, item_id)
        require_if_match(current)

        def change(full: dict[str, Any]) -> None:
            full[part] = [p for p in full[part] if p["id"] != item_id]

        _rewrite_article(current["article_id"], change)
    return Response(status=204)


# Glossary terms: shared by articles, each of which keeps its own wording --------------------


def term_view(ref: str) -> dict[str, Any] | None:
    term = glossary_store.get_term(get_db(), ref)
    return TermDetailSchema().dump(term) if term else None


def _current_term(ref: str) -> dict[str, Any]:
    current = term_view(ref)
    if current is None:
        raise NotFound(f"No glossary term has the id or slug {ref[:200]!r}.")
    return current


def add_term(ref: str, data: dict[str, Any]) -> Response:
    """POST /v1/articles/{ref}/glossary: a term (new or shared) joins the article's glossary."""
    fields = load_body(GlossaryEntryBody(), data)
    owned_unchanged(data, None, ("id", "slug", "url", "web_url"))
    slug = slugify(fields["term"])
    db = get_db()
    with write_transaction(db):
        article_id = find_article(ref)

        def change(full: dict[str, Any]) -> None:
            if any(slugify(t["term"]) == slug for t in full["glossary"]):
                raise Conflict(
                    f"The article already has the term {fields['term']!r}.",
                    errors={"term": ["Already in this article's glossary."]},
                )
            full["glossary"].append({"term": fields["term"], "definition": fields["definition"]})

        _rewrite_article(article_id, change)
    view = term_view(slug)
    assert view is not None
    return written(view, status=201, location=view["url"])


def replace_term(ref: str, data: dict[str, Any], *, patch: bool = False) -> Response:
    db = get_db()
    with write_transaction(db):
        current = _current_term(ref)
        require_if_match(current)
        if patch:
            data = merge_patch(current, data)
        owned_unchanged(data, current, TERM_SERVER_FIELDS)
        fields = load_body(TermBody(), data)
        if slugify(fields["term"]) != current["slug"]:
            raise InvalidBody(
                "A new spelling must keep the term's slug; add the new term and delete this one.",
                errors={"term": [f"Would change the slug from {current['slug']!r}."]},
            )

        def change(full: dict[str, Any]) -> None:
            for entry in full["glossary"]:
                if entry["id"] == current["id"]:
                    entry.update(term=fields["term"], definition=fields["definition"])

        for article_id in writes.articles_using_term(db, current["id"]):
            _rewrite_article(article_id, change)
    view = term_view(str(current["id"]))
    assert view is not None
    return written(view, status=200)


def delete_term(ref: str) -> Response:
    db = get_db()
    with write_transaction(db):
        current = _current_term(ref)
        require_if_match(current)

        def change(full: dict[str, Any]) -> None:
            full["glossary"] = [t for t in full["glossary"] if t["id"] != current["id"]]

        for article_id in writes.articles_using_term(db, current["id"]):
            _rewrite_article(article_id, change)
        writes.log_change(db, "term", current["id"], "deleted", utc_now())
    return Response(status=204)
