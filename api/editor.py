"""The editors' writes: a validated body, a precondition, then the one writer.

Every write runs in one transaction that first reads the item as its editor last saw
it (its GET representation, whose ETag `If-Match` must carry), then writes through
`api.importer.write` (articles) or the store, and logs the change. The answer is the
item as a GET of its URL now returns it, with its new ETag.

`If-Match` is required on PUT, PATCH and DELETE (428 without it): two editors never
silently overwrite each other. POST creates, so it has nothing to match.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, request
from marshmallow import Schema, ValidationError
from werkzeug.http import parse_etags

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
from .schemas.articles import ARTICLE_SERVER_FIELDS, ArticleBody, ArticleSchema
from .store import articles as article_store
from .store import documents, writes
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
        return schema.load(data)  # type: ignore[no-any-return]
    except ValidationError as error:
        messages = error.normalized_messages()
        names = ", ".join(sorted(str(k) for k in messages))
        raise InvalidBody(f"The body is not valid: {names}.", errors=messages) from error


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


def require_if_match(current: dict[str, Any]) -> None:
    """`If-Match` must name the ETag of the item's GET representation as it is now."""
    header = request.headers.get("If-Match")
    if header is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag you last read (GET the item first), so a newer"
            " edit is never overwritten."
        )
    tags = parse_etags(header)
    if tags.star_tag:
        return
    current_tag = etag_of({"data": current})
    if current_tag not in {_bare(t) for t in tags.as_set()}:
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


def written(payload: dict[str, Any], *, status: int, location: str | None = None) -> Response:
    headers = {"Location": location} if location else None
    return json_response({"data": payload}, status=status, headers=headers)


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
    return ArticleSchema().dump(row)  # type: ignore[no-any-return]


def find_article(ref: str) -> int:
    found = article_store.resolve_article_id(get_db(), ref)
    if found is None:
        raise NotFound(f"No article has the id or slug {ref[:200]!r}.")
    return found


def _issue_number(issue_id: int | None) -> int | None:
    if issue_id is None:
        return None
    number = writes.issue_number(get_db(), issue_id)
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
        require_if_match(current)
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


def article_document_fields(article_id: int) -> dict[str, Any]:
    """The stored article as body fields (for writes to one of its parts)."""
    document = documents.load_document(get_db(), article_id)
    if document is None:
        raise NotFound(f"No article has the id {article_id}.")
    return document.to_dict()
