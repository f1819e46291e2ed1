"""SQL for reported outcomes: each one is stored and becomes a labelled training row."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg

FEEDBACK_SOURCE = "feedback"


@dataclass(frozen=True, slots=True)
class FeedbackStored:
    """The outcome was recorded and added to the feature table."""

    prediction_id: UUID
    comprou_produto: bool
    received_at: datetime
    feature_id: int


FeedbackResult = FeedbackStored | Literal["unknown_prediction", "duplicate"]


async def record_outcome(
    pool: asyncpg.Pool, *, prediction_id: UUID, comprou_produto: bool
) -> FeedbackResult:
    """Store the outcome of a served prediction and its labelled row in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        prediction = await conn.fetchrow(
            "SELECT idade, renda_anual, created_at FROM predictions WHERE id = $1 AND NOT shadow",
            prediction_id,
        )
        if prediction is None:
            return "unknown_prediction"
        # The primary key decides between two concurrent reports: the loser waits, then skips.
        received_at = await conn.fetchval(
            "INSERT INTO feedback (prediction_id, comprou_produto) VALUES ($1, $2) "
            "ON CONFLICT (prediction_id) DO NOTHING RETURNING received_at",
            prediction_id,
            comprou_produto,
        )
        if received_at is None:
            return "duplicate"
        feature_id = await conn.fetchval(
            "INSERT INTO features (idade, renda_anual, comprou_produto, observed_at, source) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            prediction["idade"],
            prediction["renda_anual"],
            comprou_produto,
            prediction["created_at"],
            FEEDBACK_SOURCE,
        )
    return FeedbackStored(prediction_id, comprou_produto, received_at, int(feature_id))
