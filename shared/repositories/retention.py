"""SQL for the retention job: delete (or detach) rows older than a cut-off, a batch at a time.

Each batch is its own short statement and transaction, so no lock is held for long and
serving, which only inserts new rows, never waits on it.
"""

from datetime import datetime

import asyncpg

from shared.repositories.audit_events import AuditEvent, insert_event


async def delete_predictions_before(pool: asyncpg.Pool, cutoff: datetime, *, limit: int) -> int:
    """Delete up to `limit` predictions made before `cutoff`; how many went."""
    status = await pool.execute(
        "DELETE FROM predictions WHERE id IN "
        "(SELECT id FROM predictions WHERE created_at < $1 LIMIT $2)",
        cutoff,
        limit,
    )
    return _count(status)


async def delete_feedback_before(pool: asyncpg.Pool, cutoff: datetime, *, limit: int) -> int:
    """Delete up to `limit` outcomes received before `cutoff`; how many went."""
    status = await pool.execute(
        "DELETE FROM feedback WHERE prediction_id IN "
        "(SELECT prediction_id FROM feedback WHERE received_at < $1 LIMIT $2)",
        cutoff,
        limit,
    )
    return _count(status)


async def detach_features_before(pool: asyncpg.Pool, cutoff: datetime, *, limit: int) -> int:
    """Drop the customer pseudonym from up to `limit` labelled rows observed before `cutoff`."""
    status = await pool.execute(
        "UPDATE features SET customer_id = NULL WHERE id IN "
        "(SELECT id FROM features WHERE customer_id IS NOT NULL AND observed_at < $1 LIMIT $2)",
        cutoff,
        limit,
    )
    return _count(status)


async def last_run_age_s(pool: asyncpg.Pool, action: str) -> float | None:
    """Seconds since the newest audit event of `action` (a finished run), or None."""
    age = await pool.fetchval(
        "SELECT extract(epoch FROM now() - max(at)) FROM audit_events WHERE action = $1", action
    )
    return None if age is None else float(age)


async def record_run(pool: asyncpg.Pool, event: AuditEvent) -> None:
    """Append the run's audit event (raising: a run that cannot be recorded did not finish)."""
    await insert_event(pool, event)


def _count(status: str) -> int:
    # asyncpg answers with the command tag, "DELETE <rows>" or "UPDATE <rows>".
    return int(status.rsplit(" ", 1)[-1])
