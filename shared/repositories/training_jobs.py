"""SQL for training jobs: one row per job, updated as it moves through its stages."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

ACTIVE = ("queued", "running")
_COLUMNS = (
    "id, status, stage, progress, reason, requested_by, created_at, started_at, finished_at, "
    "mlflow_run_id, model_version, metrics, promoted, decision, error, params"
)


@dataclass(frozen=True, slots=True)
class TrainingJobRow:
    """A training job as stored."""

    id: UUID
    status: str
    stage: str | None
    progress: float
    reason: str | None
    requested_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    mlflow_run_id: str | None
    model_version: str | None
    metrics: dict[str, Any]
    promoted: bool
    decision: str | None
    error: str | None
    params: dict[str, Any]


def _row(record: asyncpg.Record | None) -> TrainingJobRow | None:
    return TrainingJobRow(**dict(record)) if record else None


async def create_job(
    pool: asyncpg.Pool,
    *,
    job_id: UUID,
    reason: str | None,
    requested_by: str | None,
    params: dict[str, Any],
) -> TrainingJobRow | None:
    """Queue a job; None when another job is already queued or running (the unique index)."""
    try:
        record = await pool.fetchrow(
            "INSERT INTO training_jobs (id, status, stage, reason, requested_by, params)"
            f" VALUES ($1, 'queued', 'queued', $2, $3, $4) "
            f"RETURNING {_COLUMNS}",  # nosec B608 # constant names; values are $n params
            job_id,
            reason,
            requested_by,
            params,
        )
    except asyncpg.UniqueViolationError:
        return None
    return _row(record)


async def get_job(pool: asyncpg.Pool, job_id: UUID) -> TrainingJobRow | None:
    """One job by id, or None."""
    return _row(
        await pool.fetchrow(
            f"SELECT {_COLUMNS} FROM training_jobs WHERE id = $1",  # nosec B608 # constant names; values are $n params
            job_id,
        )
    )


async def active_job(pool: asyncpg.Pool) -> TrainingJobRow | None:
    """The job queued or running now, if any."""
    return _row(
        await pool.fetchrow(
            f"SELECT {_COLUMNS} FROM training_jobs "  # nosec B608 # constant names; values are $n params
            "WHERE status = ANY($1::text[])",
            list(ACTIVE),
        )
    )


async def list_jobs(pool: asyncpg.Pool, *, limit: int) -> list[TrainingJobRow]:
    """The most recent jobs, newest first."""
    records = await pool.fetch(
        f"SELECT {_COLUMNS} FROM training_jobs "  # nosec B608 # constant names; values are $n params
        "ORDER BY created_at DESC LIMIT $1",
        limit,
    )
    return [TrainingJobRow(**dict(record)) for record in records]


async def mark_running(pool: asyncpg.Pool, job_id: UUID) -> None:
    """The job has started."""
    await pool.execute(
        "UPDATE training_jobs SET status = 'running', started_at = now() WHERE id = $1", job_id
    )


async def set_progress(pool: asyncpg.Pool, job_id: UUID, *, stage: str, progress: float) -> None:
    """Record the stage a running job reached."""
    await pool.execute(
        "UPDATE training_jobs SET stage = $2, progress = $3 WHERE id = $1 AND status = 'running'",
        job_id,
        stage,
        progress,
    )


async def finish_job(
    pool: asyncpg.Pool,
    job_id: UUID,
    *,
    status: str,
    metrics: dict[str, Any],
    mlflow_run_id: str | None = None,
    model_version: str | None = None,
    promoted: bool = False,
    decision: str | None = None,
    error: str | None = None,
) -> bool:
    """Close a job as succeeded or failed; False if it was no longer active (e.g. interrupted)."""
    result = await pool.execute(
        "UPDATE training_jobs SET status = $2, finished_at = now(), metrics = $3,"
        " mlflow_run_id = $4, model_version = $5, promoted = $6, decision = $7, error = $8,"
        " progress = CASE WHEN $2 = 'succeeded' THEN 1 ELSE progress END,"
        " stage = CASE WHEN $2 = 'succeeded' THEN 'done' ELSE stage END"
        " WHERE id = $1 AND status = ANY($9::text[])",
        job_id,
        status,
        metrics,
        mlflow_run_id,
        model_version,
        promoted,
        decision,
        error,
        list(ACTIVE),
    )
    return result.endswith(" 1")


async def fail_active(pool: asyncpg.Pool, *, error: str) -> list[UUID]:
    """Mark every queued or running job failed (e.g. after a restart); return their ids."""
    records = await pool.fetch(
        "UPDATE training_jobs SET status = 'failed', finished_at = now(), error = $1"
        " WHERE status = ANY($2::text[]) RETURNING id",
        error,
        list(ACTIVE),
    )
    return [record["id"] for record in records]
