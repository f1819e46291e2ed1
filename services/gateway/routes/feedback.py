"""Outcome reporting, forwarded to the inference service."""

from fastapi import APIRouter, Response

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import PREDICT_LIMITS, InferenceDep, PredictCaller
from shared.errors import responses
from shared.schemas_experiments import FeedbackReceipt, FeedbackRequest


def build_router(settings: GatewaySettings) -> APIRouter:
    """The feedback route; limited like predictions, per caller and per client IP."""
    router = APIRouter(tags=["predictions"], dependencies=[PREDICT_LIMITS])

    @router.post(
        "/v1/feedback",
        status_code=202,
        response_model=FeedbackReceipt,
        summary="Report what the customer actually did",
        description="Stores the real outcome (`comprou_produto`) of a prediction served "
        "earlier, identified by the `prediction_id` of its answer. The outcome feeds live "
        "accuracy, A/B test results and, as a labelled row, the next training run. Predictions "
        "are stored within about 0.2 s of being answered: an outcome sent sooner may get 404 "
        "and can be retried. 404 for an unknown `prediction_id`; 409 when that prediction "
        "already has an outcome (outcomes are final); 403 `not_prediction_owner` when the "
        "prediction was served to another caller (only that caller, or an admin, may report its "
        "outcome). Needs scope `predict`.",
        responses=responses(400, 401, 403, 404, 409, 413, 422, 429, 502, 503, 504),
    )
    async def feedback(
        body: FeedbackRequest,
        caller: PredictCaller,
        inference: InferenceDep,
    ) -> Response:
        return await inference.relay(
            "POST",
            "/v1/feedback",
            FeedbackReceipt,
            status_code=202,
            content=body.model_dump_json(),
            headers={"Content-Type": "application/json"},
            **caller.pseudonymous(),
        )

    return router
