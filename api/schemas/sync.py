from __future__ import annotations

from marshmallow import fields, validate

from ..store.sync import TYPES
from .common import CommaList, QueryArgs, StrictInteger

SYNC_TOKEN = validate.Regexp(
    r"^[A-Za-z0-9_-]+\.[0-9a-f]{12}\Z", error="Not a token this API issued."
)


class SyncArgs(QueryArgs):
    token = fields.String(validate=[validate.Length(min=1, max=2000), SYNC_TOKEN])
    cursor = fields.String(validate=[validate.Length(min=1, max=2000), SYNC_TOKEN])
    type = CommaList(TYPES)
    limit = StrictInteger(
        load_default=100,
        validate=validate.Range(min=1, max=500, error="Must be between 1 and 500."),
    )
