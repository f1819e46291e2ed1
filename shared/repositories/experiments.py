"""SQL for A/B and shadow experiments and the tallies their results are computed from.

A shadow prediction's id is derived from the id of the answer it shadows,
`md5('shadow:' || served_id)` read as a uuid (`shadow_prediction_id` computes the same in
Python), so results can pair both models' answers on the same request through the primary key
without another column.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Connection = asyncpg.Connection | PoolConnectionProxy

_COLUMNS = (
    "id, model_name, production_version, challenger_version, traffic, mode, "
    "started_at, ended_at, outcome"
)


@dataclass(frozen=True, slots=True)
class ExperimentRow:
    """One experiment as stored; `ended_at` is None while it runs."""

    id: UUID
    model_name: str
    production_version: str
    challenger_version: str
    traffic: float
    mode: str
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None


@dataclass(frozen=True, slots=True)
class VariantTally:
    """Served predictions of one variant and the outcomes reported for them."""

    variant: str
    model_version: str | None
    predictions: int
    outcomes: int
    conversions: int
    correct: int


@dataclass(frozen=True, slots=True)
class ShadowTally:
    """Served answers paired with the challenger's shadow answers to the same requests."""

    served: int
    shadowed: int
    agreements: int
    paired_outcomes: int
    conversions: int
    production_correct: int
    challenger_correct: int
    only_production_correct: int
    only_challenger_correct: int


def shadow_prediction_id(served_id: UUID) -> UUID:
    """The id of the shadow prediction made for the served prediction `served_id`."""
    digest = hashlib.md5(f"shadow:{served_id}".encode(), usedforsecurity=False).hexdigest()
    return UUID(hex=digest)


async def insert_experiment(conn: asyncpg.Pool | Connection, row: ExperimentRow) -> bool:
    """Record a started experiment; False when the model already has an active one."""
    inserted = await conn.fetchval(
        f"INSERT INTO experiments ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (model_name) WHERE ended_at IS NULL "  # nosec B608 # constant names; values are $n params
        "DO NOTHING RETURNING id",
        row.id,
        row.model_name,
        row.production_version,
        row.challenger_version,
        row.traffic,
        row.mode,
        row.started_at,
        row.ended_at,
        row.outcome,
    )
    return inserted is not None


async def get_active(pool: asyncpg.Pool | Connection, model_name: str) -> ExperimentRow | None:
    """The experiment running for `model_name`, if any."""
    record = await pool.fetchrow(
        f"SELECT {_COLUMNS} FROM experiments "  # nosec B608 # constant names; values are $n params
        "WHERE model_name = $1 AND ended_at IS NULL",
        model_name,
    )
    return ExperimentRow(**dict(record)) if record else None


async def get_latest(pool: asyncpg.Pool, model_name: str) -> ExperimentRow | None:
    """The running experiment, else the one that ended last."""
    record = await pool.fetchrow(
        f"SELECT {_COLUMNS} FROM experiments WHERE model_name = $1 "  # nosec B608 # constant names; values are $n params
        "ORDER BY ended_at IS NULL DESC, started_at DESC LIMIT 1",
        model_name,
    )
    return ExperimentRow(**dict(record)) if record else None


async def end_active(
    pool: asyncpg.Pool | Connection, *, model_name: str, outcome: str
) -> ExperimentRow | None:
    """End the running experiment with `outcome`; None when none was running."""
    record = await pool.fetchrow(
        f"UPDATE experiments SET ended_at = now(), outcome = $2 "  # nosec B608 # constant names; values are $n params
        f"WHERE model_name = $1 AND ended_at IS NULL RETURNING {_COLUMNS}",
        model_name,
        outcome,
    )
    return ExperimentRow(**dict(record)) if record else None


async def variant_tallies(pool: asyncpg.Pool, experiment_id: UUID) -> list[VariantTally]:
    """Per served variant: predictions, outcomes, purchases and correct predictions."""
    records = await pool.fetch(
        "SELECT p.variant, max(p.model_version) AS model_version, count(*) AS predictions, "
        "count(f.prediction_id) AS outcomes, "
        "count(*) FILTER (WHERE f.comprou_produto) AS conversions, "
        "count(*) FILTER (WHERE f.comprou_produto = p.label) AS correct "
        "FROM predictions p LEFT JOIN feedback f ON f.prediction_id = p.id "
        "WHERE p.experiment_id = $1 AND NOT p.shadow GROUP BY p.variant ORDER BY p.variant",
        experiment_id,
    )
    return [VariantTally(**dict(record)) for record in records]


async def shadow_tally(pool: asyncpg.Pool, experiment_id: UUID) -> ShadowTally:
    """Served answers of a shadow experiment paired with their shadow twins and outcomes."""
    record = await pool.fetchrow(
        "WITH pairs AS ("
        " SELECT p.label AS served, s.label AS shadow, f.comprou_produto AS actual"
        " FROM predictions p"
        " LEFT JOIN predictions s ON s.id = md5('shadow:' || p.id::text)::uuid AND s.shadow"
        " LEFT JOIN feedback f ON f.prediction_id = p.id"
        " WHERE p.experiment_id = $1 AND NOT p.shadow) "
        "SELECT count(*) AS served, count(shadow) AS shadowed, "
        "count(*) FILTER (WHERE shadow = served) AS agreements, "
        "count(*) FILTER (WHERE shadow IS NOT NULL AND actual IS NOT NULL) AS paired_outcomes, "
        "count(*) FILTER (WHERE shadow IS NOT NULL AND actual) AS conversions, "
        "count(*) FILTER (WHERE shadow IS NOT NULL AND served = actual) AS production_correct, "
        "count(*) FILTER (WHERE shadow = actual) AS challenger_correct, "
        "count(*) FILTER (WHERE served = actual AND shadow <> actual) "
        "AS only_production_correct, "
        "count(*) FILTER (WHERE shadow = actual AND served <> actual) AS only_challenger_correct "
        "FROM pairs",
        experiment_id,
    )
    assert record is not None  # an aggregate without GROUP BY always returns one row
    return ShadowTally(**dict(record))
