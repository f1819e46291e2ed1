"""Reported outcomes: stored against the prediction and added to the training data.

Predictions reach Postgres in batches flushed at most `INFERENCE_LOG_FLUSH_INTERVAL_S`
(0.2 s by default) after they are served. An outcome for a prediction this replica still
buffers triggers a flush and a second look; one served by another replica and still in its
buffer is a 404 for that short while, and the client may retry.
"""

import asyncpg
from prometheus_client import Counter

from services.inference.errors import (
    FeedbackAlreadyRecorded,
    NotPredictionOwner,
    PredictionNotFound,
)
from services.inference.prediction_log import PredictionLogWriter
from shared.repositories.feedback import FeedbackResult, FeedbackStored, record_outcome
from shared.schemas_experiments import FeedbackReceipt, FeedbackRequest
from shared.service_auth import ServiceCaller

FEEDBACK = Counter("inference_feedback_total", "Outcomes reported, by result", ["result"])


async def record_feedback(
    *,
    pool: asyncpg.Pool,
    log_writer: PredictionLogWriter,
    request: FeedbackRequest,
    reporter: ServiceCaller,
) -> FeedbackReceipt:
    """Store one outcome; 404 for an unknown prediction, 403 for someone else's, 409 twice."""
    result = await _record(pool, request, reporter)
    if result == "unknown_prediction":
        # It may still be buffered here, or being written by a flush in progress.
        await log_writer.flush()
        result = await _record(pool, request, reporter)
    if not isinstance(result, FeedbackStored):
        FEEDBACK.labels(result).inc()
        if result == "duplicate":
            raise FeedbackAlreadyRecorded(
                f"prediction {request.prediction_id} already has an outcome; outcomes are final"
            )
        if result == "not_owner":
            raise NotPredictionOwner(
                f"prediction {request.prediction_id} was served to another caller: only that "
                "caller or an admin may report its outcome"
            )
        raise PredictionNotFound(
            f"no prediction {request.prediction_id}: use the prediction_id of a served answer "
            "(predictions are stored within about 0.2 s of being served)"
        )
    FEEDBACK.labels("recorded").inc()
    return FeedbackReceipt(
        prediction_id=result.prediction_id,
        comprou_produto=result.comprou_produto,
        received_at=result.received_at,
    )


async def _record(
    pool: asyncpg.Pool, request: FeedbackRequest, reporter: ServiceCaller
) -> FeedbackResult:
    return await record_outcome(
        pool,
        prediction_id=request.prediction_id,
        comprou_produto=request.comprou_produto,
        reporter=reporter.subject,
        admin="admin" in reporter.scopes,
    )
