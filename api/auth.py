"""Who is calling: API keys, their roles, and what each role may do.

A key is `ifk_` and 43 random URL-safe characters, shown once when made; only its
SHA-256 is stored. The secret has 256 bits of entropy, so a fast hash is enough (a
slow password hash protects guessable secrets, which these are not). Lookup is by
the hash, and the stored hash is compared in constant time all the same.

Roles, each including the one before: `reader` reads (for when reads need a key) and
never sees drafts; `editor` writes content and previews drafts; `admin` also manages
keys and webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import current_app, g, request
from sqlite_utils import Database

from .db import get_db, write_transaction
from .errors import ApiError
from .store import keys as store
from .store.common import set_previewing
from .timefmt import utc_now

ROLES = ("reader", "editor", "admin")
KEY_PREFIX = "ifk_"


class Unauthorized(ApiError):
    status = 401
    title = "Unauthorized"
    default_headers = (("WWW-Authenticate", 'Bearer realm="Insight Fortnight"'),)


class Forbidden(ApiError):
    status = 403
    title = "Forbidden"


@dataclass(frozen=True)
class Caller:
    key_id: int
    name: str
    role: str

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(db: Database, name: str, role: str) -> tuple[str, dict[str, Any]]:
    """A new key: (the secret, shown once; the stored row, without it). Raises ValueError
    when the role is unknown or a live key has the name."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    if not name.strip() or len(name) > 100:
        raise ValueError("a key needs a name of 1 to 100 characters")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with write_transaction(db):
        if store.live_key_named(db, name):
            raise ValueError(f"a key named {name!r} exists; revoke it first or pick another name")
        store.insert_key(
            db,
            name=name,
            role=role,
            secret_hash=hash_secret(secret),
            hint=secret[: len(KEY_PREFIX) + 4] + "…",
            now=utc_now(),
        )
        row = store.live_key_named(db, name)
    assert row is not None
    return secret, row


def list_keys(db: Database) -> list[dict[str, Any]]:
    return store.list_keys(db)


def revoke_key(db: Database, name: str) -> bool:
    with write_transaction(db):
        return store.revoke(db, name, utc_now()) > 0


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the key as: Authorization: Bearer <key>.")
    return token.strip()


def identify(db: Database, token: str) -> Caller | None:
    presented = hash_secret(token)
    row = store.key_by_hash(db, presented)
    if row is None or not hmac.compare_digest(row["secret_hash"], presented):
        return None
    if row["revoked_at"] is not None:
        return None
    return Caller(row["id"], row["name"], row["role"])


def authenticate_request() -> None:
    """Before every request: who is calling, if anyone, and whether they preview drafts.
    A key that is sent must be valid, even on a read: a silent fall-back to the public
    view would leave an editor wondering where their draft went."""
    g.caller = None
    set_previewing(False)
    token = _bearer_token()
    if token is None:
        if current_app.config["READS_REQUIRE_KEY"] and request.endpoint not in PUBLIC_ENDPOINTS:
            raise Unauthorized("This API needs a key for every request.")
        return
    failures = current_app.extensions.get("auth_failures")
    if failures is not None:
        failures.check()
    caller = identify(get_db(), token)
    if caller is None:
        if failures is not None:
            failures.hit()
        raise Unauthorized("The key is not valid (unknown or revoked).")
    g.caller = caller
    set_previewing(caller.can("editor"))


# Health, docs and the index stay open even when reads need a key.
PUBLIC_ENDPOINTS = {"health.healthz", "flasgger.openapi", "docs.openapi_yaml", "index.root"}


def authenticate(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The route needs a key with at least this role: 401 without one, 403 below it."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller: Caller | None = g.get("caller")
            if caller is None:
                raise Unauthorized("This needs an API key: Authorization: Bearer <key>.")
            if not caller.can(role):
                raise Forbidden(f"A {caller.role} key cannot do this; it needs {role} or above.")
            return view(*args, **kwargs)

        wrapper.required_role = role  # type: ignore[attr-defined]
        return wrapper

    return decorator
