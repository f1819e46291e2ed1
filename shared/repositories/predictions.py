"""SQL for the prediction log."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from uuid import UUID

import asyncpg


@dataclass(frozen=True, slots=True)
class PredictionRow:
    """One served (or shadow) prediction, as stored."""

    id: UUID
    created_at: datetime
    model_name: str
    model_version: str
    variant: str
    shadow: bool
    experiment_id: UUID | None
    idade: int
    renda_anual: float
    probability: float
    label: bool
    latency_ms: float
    request_id: str | None
    subject: str | None
    customer_id: str | None


COLUMNS = tuple(PredictionRow.__dataclass_fields__)
# dataclasses.astuple deep-copies every UUID and datetime; a getter just reads the fields.
_as_record = attrgetter(*COLUMNS)


async def insert_predictions(pool: asyncpg.Pool, rows: Sequence[PredictionRow]) -> None:
    """Write a batch with COPY: one round trip whatever the batch size."""
    async with pool.acquire() as conn:
        await conn.copy_records_to_table(
            "predictions", records=[_as_record(row) for row in rows], columns=list(COLUMNS)
        )


async def get_prediction(pool: asyncpg.Pool, prediction_id: UUID) -> PredictionRow | None:
    """One prediction by id, or None."""
    record = await pool.fetchrow(
        f"SELECT {', '.join(COLUMNS)} FROM predictions "  # nosec B608 # constant names; values are $n params
        "WHERE id = $1",
        prediction_id,
    )
    return PredictionRow(**dict(record)) if record else None
