"""SQL for reported outcomes: each one is stored and becomes a labelled training row."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg

from shared import audit
from shared.repositories.audit_events import insert_event

# `features.source` of a labelled row made from an outcome, by who reported it.
FEEDBACK_SOURCES = {"owner": "feedback", "admin": "feedback-admin"}


@dataclass(frozen=True, slots=True)
class FeedbackStored:
    """The outcome was recorded and added to the feature table."""

    prediction_id: UUID
    comprou_produto: bool
    received_at: datetime
    feature_id: int


FeedbackResult = FeedbackStored | Literal["unknown_prediction", "duplicate", "not_owner"]


async def record_outcome(
    pool: asyncpg.Pool,
    *,
    prediction_id: UUID,
    comprou_produto: bool,
    reporter: str | None,
    admin: bool,
) -> FeedbackResult:
    """Store the outcome of a served prediction and its labelled row in one transaction.

    Only the caller the prediction was served to (`reporter` equal to its subject) or an admin
    may label it. The outcome and its labelled row carry the prediction's customer pseudonym,
    so an erasure finds them on their own; the audit event joins the same transaction.
    """
    async with pool.acquire() as conn, conn.transaction():
        prediction = await conn.fetchrow(
            "SELECT idade, renda_anual, created_at, subject, customer_id FROM predictions "
            "WHERE id = $1 AND NOT shadow",
            prediction_id,
        )
        if prediction is None:
            return "unknown_prediction"
        owner = reporter is not None and prediction["subject"] == reporter
        if not (owner or admin):
            return "not_owner"
        source = "owner" if owner else "admin"
        # The primary key decides between two concurrent reports: the loser waits, then skips.
        received_at = await conn.fetchval(
            "INSERT INTO feedback (prediction_id, comprou_produto, reported_by, source, "
            "customer_id) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (prediction_id) DO NOTHING RETURNING received_at",
            prediction_id,
            comprou_produto,
            reporter,
            source,
            prediction["customer_id"],
        )
        if received_at is None:
            return "duplicate"
        feature_id = await conn.fetchval(
            "INSERT INTO features "
            "(idade, renda_anual, comprou_produto, observed_at, source, customer_id) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            prediction["idade"],
            prediction["renda_anual"],
            comprou_produto,
            prediction["created_at"],
            FEEDBACK_SOURCES[source],
            prediction["customer_id"],
        )
        await insert_event(
            conn,
            audit.event(
                "feedback.record",
                object_type="prediction",
                object_id=str(prediction_id),
                service="inference",
                details={"source": source},
            ),
        )
    return FeedbackStored(prediction_id, comprou_produto, received_at, int(feature_id))
