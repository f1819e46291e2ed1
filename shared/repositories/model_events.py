"""SQL for the audit trail of registry alias moves, and the lock that serialises them."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from shared import audit
from shared.repositories.audit_events import insert_event

Connection = asyncpg.Connection | PoolConnectionProxy
_AUDIT_ACTIONS = {
    "promote": "model.promote",
    "rollback": "model.rollback",
    "experiment_start": "experiment.start",
    "experiment_end": "experiment.stop",
}
_COLUMNS = "id, at, model_name, alias, action, from_version, to_version, forced, reason, actor"


@dataclass(frozen=True, slots=True)
class ModelEvent:
    """One move of an alias: who moved it, from which version to which, and why."""

    id: int
    at: datetime
    model_name: str
    alias: str
    action: str
    from_version: str | None
    to_version: str | None
    forced: bool
    reason: str | None
    actor: str | None


@contextlib.asynccontextmanager
async def alias_lock(pool: asyncpg.Pool, model_name: str) -> AsyncIterator[Connection]:
    """Hold a Postgres advisory lock per model so replicas never move an alias concurrently."""
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", f"alias:{model_name}")
        try:
            yield conn
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", f"alias:{model_name}")


async def record_event(
    conn: Connection | asyncpg.Pool,
    *,
    model_name: str,
    alias: str,
    action: str,
    from_version: str | None,
    to_version: str | None,
    forced: bool = False,
    reason: str | None = None,
    actor: str | None = None,
    audit_action: str | None = None,
) -> ModelEvent:
    """Append an alias move to the model's history, and to `audit_events` on the same connection.

    `audit_action` names the move in the audit log when the alias action alone does not say
    it (an experiment that ends by promotion is concluded, not stopped).
    """
    entry = audit.event(
        audit_action or _AUDIT_ACTIONS.get(action, f"model.{action}"),
        object_type="model_version",
        object_id=to_version or from_version,
        actor=actor,
        actor_type="user" if actor else None,
        service="training",
        details={
            "model": model_name,
            "alias": alias,
            "from_version": from_version,
            "to_version": to_version,
            "forced": forced,
            "reason": reason,
        },
    )
    await insert_event(conn, entry)
    record = await conn.fetchrow(
        "INSERT INTO model_events"
        " (model_name, alias, action, from_version, to_version, forced, reason, actor)"
        f" VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_COLUMNS}",  # nosec B608
        model_name,
        alias,
        action,
        from_version,
        to_version,
        forced,
        reason,
        actor,
    )
    assert record is not None
    return ModelEvent(**dict(record))


async def list_events(pool: asyncpg.Pool, *, model_name: str, limit: int = 50) -> list[ModelEvent]:
    """The most recent alias moves of a model, newest first."""
    records = await pool.fetch(
        f"SELECT {_COLUMNS} FROM model_events WHERE model_name = $1 ORDER BY at DESC, id DESC"
        " LIMIT $2",  # nosec B608 # constant names; values are $n params
        model_name,
        limit,
    )
    return [ModelEvent(**dict(record)) for record in records]
