"""Append-only, hash-chained audit trail.

Each row's hash covers its content and the previous row's hash, so editing or removing any row
breaks the chain from that row on; `verify_chain()` names the first row that no longer matches.
The table also refuses UPDATE/DELETE through database triggers (facility/core/db.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from facility.core import clock, datacache
from facility.core.db import engine, is_sqlite
from facility.tables import AuditEvent

GENESIS = "0" * 64
ACTIONS = (
    "create",
    "update",
    "inactivate",
    "sign",
    "export",
    "login",
    "logout",
    "denied",
    "view",
    "import",
    "lockout",
    "emergency",
    "review",
)
# audited, but no clinical data changed (lockout: login throttle; emergency: break-glass access; review: its review)
READ_ONLY_ACTIONS = ("export", "login", "logout", "denied", "view", "lockout", "emergency", "review")
_HASHED_FIELDS = (
    "at",
    "user_id",
    "actor",
    "facility_id",
    "resident_id",
    "object_type",
    "object_id",
    "action",
    "outcome",
    "before",
    "after",
    "address",
    "request_id",
)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    address: str = ""
    request_id: str = ""


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    payload = {name: _canonical(row.get(name)) for name in _HASHED_FIELDS}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


async def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: Any = "",
    *,
    facility_id: int | None = None,
    resident_id: int | None = None,
    outcome: str = "success",
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one audit row. Call inside the same transaction as the change it records."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if action not in READ_ONLY_ACTIONS:
        datacache.note_write(facility_id)  # the write signal for cached page data (facility.core.datacache)
    db = engine()
    if not is_sqlite():
        # Serialise appenders on PostgreSQL so two rows never chain to the same predecessor.
        await db.run_ddl("SELECT pg_advisory_xact_lock(727001)")
    last = await AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id, ascending=False).first()
    prev_hash = last["hash"] if last else GENESIS
    now = clock.now()
    row: dict[str, Any] = {
        # millisecond precision so the value hashes the same after a round trip through either engine
        "at": now.replace(microsecond=(now.microsecond // 1000) * 1000),
        "user_id": actor.user_id,
        "actor": actor.username[:80],
        "facility_id": facility_id,
        "resident_id": resident_id,
        "object_type": object_type,
        "object_id": str(object_id),
        "action": action,
        "outcome": outcome,
        "before": _jsonable(before),
        "after": _jsonable(after),
        "address": actor.address,
        "request_id": actor.request_id,
    }
    digest = row_hash(prev_hash, row)
    await AuditEvent.insert(
        AuditEvent(
            **{
                **row,
                "before": json.dumps(row["before"]) if row["before"] is not None else None,
                "after": json.dumps(row["after"]) if row["after"] is not None else None,
            },
            prev_hash=prev_hash,
            hash=digest,
        )
    )


def first_broken_row(rows: Iterable[dict[str, Any]]) -> tuple[int, str] | None:
    """(row id, reason) of the first row whose chain link or content hash does not match."""
    prev_hash = GENESIS
    for row in rows:
        if row["prev_hash"] != prev_hash:
            return row["id"], "previous-hash link broken (a row before it was removed or altered)"
        if row_hash(prev_hash, row) != row["hash"]:
            return row["id"], "content does not match its hash (the row was altered)"
        prev_hash = row["hash"]
    return None


async def verify_chain() -> tuple[int, tuple[int, str] | None]:
    rows = await AuditEvent.select().order_by(AuditEvent.id).output(load_json=True)
    return len(rows), first_broken_row(rows)
