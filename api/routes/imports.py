"""POST /v1/imports: an editor's plain-text document, through the same importer as
`flask seed`, as a draft unless its front matter says otherwise."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ..auth import authenticate
from ..db import get_db
from ..decorators import arguments
from ..editor import article_view, written
from ..errors import Conflict, InvalidBody, UnsupportedMediaType
from ..importer.imports import import_document
from ..schemas.imports import ImportArgs

bp = Blueprint("imports", __name__)


def _document_text() -> tuple[bytes, str]:
    """The document's bytes and a name for messages: a text/plain body, or the file of a
    multipart form (field `file`)."""
    if request.mimetype == "text/plain":
        return request.get_data(), "body"
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidBody(
                "The form has no document.", errors={"file": ["Attach the document as 'file'."]}
            )
        return upload.read(), upload.filename or "file"
    raise UnsupportedMediaType(
        "Send the document as text/plain, or as the field 'file' of multipart/form-data."
    )


@bp.post("/imports")
@authenticate("editor")
@arguments(ImportArgs)
def import_article(args: dict[str, Any]) -> Response:
    raw, name = _document_text()
    outcome = import_document(
        get_db(), raw, name=name, dry_run=args["dry_run"], default_status="draft"
    )
    if outcome.failed:
        if outcome.conflict:
            raise Conflict(f"Not stored: {outcome.error}.", errors={"slug": [str(outcome.error)]})
        where = f"line {outcome.line}: " if outcome.line else ""
        raise InvalidBody(
            f"The document cannot be read: {where}{outcome.error}",
            errors={"document": [f"{where}{outcome.error}"]},
        )
    document = outcome.document
    assert document is not None
    if args["dry_run"]:
        return written(document.to_dict(), status=200)
    assert outcome.written is not None
    view = article_view(outcome.written.article_id)
    assert view is not None
    warnings = [{"line": w.line, "message": w.message} for w in document.warnings]
    response = written(
        view,
        status=201 if outcome.kind == "created" else 200,
        location=view["url"],
        meta={"warnings": warnings},
    )
    return response
