"""API keys: only a hash of each secret is stored, never the secret itself."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .common import inserted_id, one, rows

KEY_COLUMNS = "id, name, role, hint, created_at, revoked_at, last_used_at"


def insert_key(db: Database, *, name: str, role: str, secret_hash: str, hint: str, now: str) -> int:
    cursor = db.execute(
        "INSERT INTO api_keys (name, role, secret_hash, hint, created_at)"
        " VALUES (:name, :role, :secret_hash, :hint, :now)",
        {"name": name, "role": role, "secret_hash": secret_hash, "hint": hint, "now": now},
    )
    return inserted_id(cursor)


def live_key_named(db: Database, name: str) -> dict[str, Any] | None:
    return one(
        db,
        f"SELECT {KEY_COLUMNS} FROM api_keys WHERE name = :name AND revoked_at IS NULL",
        {"name": name},
    )


def key_by_hash(db: Database, secret_hash: str) -> dict[str, Any] | None:
    """The key whose secret hashes to this, revoked or not."""
    return one(
        db,
        f"SELECT {KEY_COLUMNS}, secret_hash FROM api_keys WHERE secret_hash = :hash",
        {"hash": secret_hash},
    )


def list_keys(db: Database) -> list[dict[str, Any]]:
    return rows(db, f"SELECT {KEY_COLUMNS} FROM api_keys ORDER BY id", {})


def revoke(db: Database, name: str, now: str) -> int:
    cursor = db.execute(
        "UPDATE api_keys SET revoked_at = :now WHERE name = :name AND revoked_at IS NULL",
        {"name": name, "now": now},
    )
    return int(cursor.rowcount)
