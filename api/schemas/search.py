from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..store.search import TYPES
from .common import CommaList, HumanText, ListArgs, issue_ref

# 2 KB of UTF-8 is at most 2,048 characters: a pasted paragraph is searched, not refused.
MAX_QUERY_LENGTH = 2048


class SearchHitSchema(Schema):
    type = fields.String()
    id = fields.Integer()
    url = fields.String()
    title = HumanText()
    snippet = fields.String()  # HTML always: escaped text, matches in <mark>


class SearchArgs(ListArgs):
    q = fields.String(required=True, validate=validate.Length(min=1, max=MAX_QUERY_LENGTH))
    type = CommaList(TYPES, load_default=lambda: list(TYPES))
    issue = issue_ref()
