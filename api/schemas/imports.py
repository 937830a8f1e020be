from __future__ import annotations

from marshmallow import fields

from .common import QueryArgs


class ImportArgs(QueryArgs):
    dry_run = fields.Boolean(
        load_default=False,
        truthy={"true", "1"},
        falsy={"false", "0"},
        error_messages={"invalid": "Must be true or false."},
    )
