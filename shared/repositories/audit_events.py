"""SQL for the append-only audit trail (the application role may only INSERT and SELECT)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Executor = asyncpg.Pool | asyncpg.Connection | PoolConnectionProxy
COLUMNS = (
    "actor",
    "actor_type",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "request_id",
    "details",
)


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what, on which object, when, with what outcome, in which request."""

    actor: str
    actor_type: str
    action: str
    outcome: str = "success"
    object_type: str | None = None
    object_id: str | None = None
    request_id: str | None = None
    details: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StoredAuditEvent:
    id: int
    at: datetime
    actor: str
    actor_type: str
    action: str
    object_type: str | None
    object_id: str | None
    outcome: str
    request_id: str | None
    details: dict[str, Any]


async def insert_event(db: Executor, event: AuditEvent) -> None:
    """Append one event (on the caller's connection, so it joins its transaction)."""
    await db.execute(
        "INSERT INTO audit_events (actor, actor_type, action, object_type, object_id, outcome, "
        "request_id, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        event.actor,
        event.actor_type,
        event.action,
        event.object_type,
        event.object_id,
        event.outcome,
        event.request_id,
        event.details or {},
    )


async def list_events(
    pool: asyncpg.Pool,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[StoredAuditEvent]:
    """The newest events first, filtered by actor, action (exact or `prefix.*`) and time."""
    action_prefix = action[:-1] if action and action.endswith(".*") else None
    records = await pool.fetch(
        # B608: COLUMNS is a constant tuple of names; every value below is a $n parameter.
        "SELECT id, at, " + ", ".join(COLUMNS) + " FROM audit_events "  # nosec B608
        "WHERE ($1::text IS NULL OR actor = $1) "
        "AND ($2::text IS NULL OR action = $2) "
        "AND ($3::text IS NULL OR starts_with(action, $3)) "
        "AND ($4::timestamptz IS NULL OR at >= $4) "
        "ORDER BY at DESC, id DESC LIMIT $5",
        actor,
        None if action_prefix is not None else action,
        action_prefix,
        since,
        limit,
    )
    return [StoredAuditEvent(**dict(record)) for record in records]
