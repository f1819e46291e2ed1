"""Prediction routes, forwarded to the inference service."""

from fastapi import APIRouter, Request, Response
from slowapi import Limiter

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import InferenceDep, PredictCaller
from services.gateway.ratelimit import ip_key, subject_key
from shared.errors import responses
from shared.schemas import (
    MAX_BATCH_INSTANCES,
    BatchPredictionResponse,
    BatchPredictRequest,
    ModelsResponse,
    PredictionResponse,
    PredictRequest,
)

_ERRORS = responses(400, 401, 403, 413, 422, 429, 502, 503, 504)


def build_router(limiter: Limiter, settings: GatewaySettings) -> APIRouter:
    """Routes that score customers; limited per caller and per client IP."""
    router = APIRouter(tags=["predictions"])
    per_caller = limiter.limit(settings.rate_limit_predict, key_func=subject_key)
    per_ip = limiter.limit(settings.rate_limit_per_ip, key_func=ip_key)

    @router.post(
        "/v1/predict",
        response_model=PredictionResponse,
        summary="Score one customer",
        description="Probability that the customer buys the product, the decision at 0.5, and "
        "the model version and variant that answered. `idade` must be a whole number from 18 to "
        "100 and `renda_anual` a finite number from 0 to 10,000,000; unknown fields are "
        "rejected. During an A/B test the variant is fixed per `customer_id` (or per caller). "
        "Needs scope `predict`.",
        responses=_ERRORS,
    )
    @per_caller
    @per_ip
    async def predict(
        request: Request,
        response: Response,
        body: PredictRequest,
        caller: PredictCaller,
        inference: InferenceDep,
    ) -> Response:
        answer = await inference.call(
            "POST",
            "/v1/predict",
            content=body.model_dump_json(exclude_none=True),
            headers={"X-Subject": caller.pseudonym, "Content-Type": "application/json"},
        )
        inference.parse(answer, PredictionResponse)
        return Response(answer.content, media_type="application/json")

    @router.post(
        "/v1/predict/batch",
        response_model=BatchPredictionResponse,
        summary="Score up to 1,000 customers",
        description=f"Scores 1 to {MAX_BATCH_INSTANCES} customers and answers in the same order. "
        "Each instance follows the single-prediction rules; one invalid instance rejects the "
        "whole batch with 422 naming it (`instances.N.field`) and nothing is scored. "
        "Needs scope `predict`.",
        responses=_ERRORS,
    )
    @per_caller
    @per_ip
    async def predict_batch(
        request: Request,
        response: Response,
        body: BatchPredictRequest,
        caller: PredictCaller,
        inference: InferenceDep,
    ) -> Response:
        answer = await inference.call(
            "POST",
            "/v1/predict/batch",
            content=body.model_dump_json(exclude_none=True),
            headers={"X-Subject": caller.pseudonym, "Content-Type": "application/json"},
        )
        inference.parse(answer, BatchPredictionResponse)
        return Response(answer.content, media_type="application/json")

    @router.get(
        "/v1/models",
        response_model=ModelsResponse,
        summary="Models in service",
        description="The `production` model (and the `challenger` during an experiment): name, "
        "registry version, training metrics and when the answering replica loaded it. "
        "Needs scope `predict`.",
        responses=responses(401, 403, 429, 502, 503, 504),
    )
    @per_caller
    async def models(
        request: Request, response: Response, caller: PredictCaller, inference: InferenceDep
    ) -> ModelsResponse:
        return await inference.json("GET", "/v1/models", ModelsResponse)

    return router
