"""SQL for drift reports: one row per check, and the per-model lock that serialises acting."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Connection = asyncpg.Connection | PoolConnectionProxy
# First key of the two-part advisory lock: names this lock family; the second is the model.
_LOCK_CLASS = 4_317


@dataclass(frozen=True, slots=True)
class NewDriftReport:
    """A check's outcome, ready to store."""

    model_name: str
    model_version: str | None
    window_start: datetime | None
    window_end: datetime | None
    reference_size: int
    current_size: int
    verdict: str
    features: dict[str, Any]
    prediction: dict[str, Any]
    performance: dict[str, Any]
    action: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredDriftReport:
    """A report as stored: its id and creation time, and what was reported."""

    id: int
    created_at: datetime
    report: NewDriftReport


_COLUMNS = tuple(NewDriftReport.__dataclass_fields__)
_SELECT = (
    f"SELECT id, created_at, {', '.join(_COLUMNS)} "  # nosec B608 # constant names; values are $n params
    "FROM drift_reports"
)


def _stored(record: asyncpg.Record) -> StoredDriftReport:
    values = dict(record)
    return StoredDriftReport(
        id=values.pop("id"), created_at=values.pop("created_at"), report=NewDriftReport(**values)
    )


async def insert_report(conn: Connection, report: NewDriftReport) -> StoredDriftReport:
    """Store a report on the caller's connection (and transaction); return it with id and time."""
    placeholders = ", ".join(f"${i}" for i in range(1, len(_COLUMNS) + 1))
    record = await conn.fetchrow(
        f"INSERT INTO drift_reports ({', '.join(_COLUMNS)}) VALUES ({placeholders}) "
        f"RETURNING id, created_at, {', '.join(_COLUMNS)}",  # nosec B608 # constant names; values are $n params
        *(getattr(report, name) for name in _COLUMNS),
    )
    assert record is not None
    return _stored(record)


async def recent_reports(
    pool: asyncpg.Pool, *, model_name: str, limit: int
) -> list[StoredDriftReport]:
    """The newest reports of a model, newest first."""
    records = await pool.fetch(
        f"{_SELECT} WHERE model_name = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        model_name,
        limit,
    )
    return [_stored(record) for record in records]


async def last_report_age_s(
    conn: Connection | asyncpg.Pool, *, model_name: str, action: str | None = None
) -> float | None:
    """Seconds since the newest report of a model (with that action, if given), by the
    database clock so replicas with skewed clocks agree; None when there is none."""
    age = (
        "SELECT extract(epoch FROM clock_timestamp() - max(created_at))::float8 FROM drift_reports"
    )
    # Two statements rather than an optional filter, so each keeps its own index plan.
    if action is None:
        value = await conn.fetchval(f"{age} WHERE model_name = $1", model_name)
    else:
        value = await conn.fetchval(
            f"{age} WHERE model_name = $1 AND action = $2", model_name, action
        )
    return None if value is None else float(value)


@contextlib.asynccontextmanager
async def model_lock(pool: asyncpg.Pool, *, model_name: str) -> AsyncIterator[Connection]:
    """A transaction holding the model's drift lock: one replica at a time decides and records.

    The lock is transaction-scoped, so a crashed holder releases it with its connection.
    """
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))", _LOCK_CLASS, model_name
        )
        yield conn


async def get_report(pool: asyncpg.Pool, report_id: int) -> StoredDriftReport | None:
    """One report by id, or None."""
    record = await pool.fetchrow(f"{_SELECT} WHERE id = $1", report_id)
    return None if record is None else _stored(record)


async def reports_up_to(
    pool: asyncpg.Pool, *, model_name: str, last_id: int, limit: int
) -> list[StoredDriftReport]:
    """The reports of a model up to and including `last_id`, newest first (its history)."""
    records = await pool.fetch(
        f"{_SELECT} WHERE model_name = $1 AND id <= $2 ORDER BY id DESC LIMIT $3",
        model_name,
        last_id,
        limit,
    )
    return [_stored(record) for record in records]
