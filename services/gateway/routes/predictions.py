"""Prediction routes, forwarded to the inference service.

`/v1/predict` and `/v1/predict/batch` are declared as ordinary FastAPI routes — that is what
the OpenAPI document shows — and, on the hot path, answered by `PredictRelay`: a thin ASGI
handler the app installs as a fast route. Both entries run the same steps in the same order
through the same functions (authenticate, count against the limits, validate, forward); the
thin one skips FastAPI's per-request routing and dependency solving (≈ 0.3 ms of CPU).
"""

from fastapi import APIRouter, Response
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import (
    CALLER_PREDICT_LIMIT,
    PREDICT_LIMITS,
    InferenceDep,
    PredictCaller,
    Principal,
    PseudonymsDep,
    authenticate,
    enforce_limits,
)
from services.gateway.upstream import Upstream
from shared.errors import ServiceError, render, responses
from shared.middleware import read_body
from shared.pseudonym import pseudonymise_body
from shared.schemas import (
    MAX_BATCH_INSTANCES,
    BatchPredictionResponse,
    BatchPredictRequest,
    ModelsResponse,
    PredictionResponse,
    PredictRequest,
)
from shared.thin import header, validate

_ERRORS = responses(400, 401, 403, 413, 422, 429, 502, 503, 504)


async def forward(
    *, inference: Upstream, path: str, body: bytes, caller: Principal, answer: type[BaseModel]
) -> Response:
    """Send a validated prediction request (its JSON) to inference on the caller's behalf."""
    return await inference.relay(
        "POST",
        path,
        answer,
        content=body,
        headers={"Content-Type": "application/json"},
        **caller.pseudonymous(),
    )


class PredictRelay:
    """The thin ASGI entry for one prediction route (see the module docstring)."""

    def __init__(self, path: str, request: type[BaseModel], answer: type[BaseModel]) -> None:
        self.path = path
        self.request = request
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["app"].state
        try:
            caller = await authenticate(state, _bearer(scope), ["predict"])
            await enforce_limits(state, scope, ("predict", "per_ip"), subject=caller.subject)
            raw = await read_body(receive)
            validate(raw, self.request)  # the raw body goes on, re-encoded only for customer ids
            response = await forward(
                inference=state.upstreams["inference"],
                path=self.path,
                body=pseudonymise_body(raw, state.pseudonyms),
                caller=caller,
                answer=self.answer,
            )
        except ServiceError as exc:
            response = render(exc)
        await response(scope, receive, send)


def _bearer(scope: Scope) -> str | None:
    scheme, _, token = (header(scope, b"authorization") or "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def fast_routes() -> dict[tuple[str, str], PredictRelay]:
    """The thin entries for the app's fast-route table."""
    return {
        ("POST", "/v1/predict"): PredictRelay("/v1/predict", PredictRequest, PredictionResponse),
        ("POST", "/v1/predict/batch"): PredictRelay(
            "/v1/predict/batch", BatchPredictRequest, BatchPredictionResponse
        ),
    }


def build_router(settings: GatewaySettings) -> APIRouter:
    """Routes that score customers; limited per caller and per client IP."""
    router = APIRouter(tags=["predictions"])

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
        dependencies=[PREDICT_LIMITS],
    )
    async def predict(
        body: PredictRequest, caller: PredictCaller, inference: InferenceDep, keys: PseudonymsDep
    ) -> Response:
        return await forward(
            inference=inference,
            path="/v1/predict",
            body=pseudonymise_body(body.model_dump_json(exclude_none=True).encode(), keys),
            caller=caller,
            answer=PredictionResponse,
        )

    @router.post(
        "/v1/predict/batch",
        response_model=BatchPredictionResponse,
        summary="Score up to 1,000 customers",
        description=f"Scores 1 to {MAX_BATCH_INSTANCES} customers and answers in the same order. "
        "Each instance follows the single-prediction rules; one invalid instance rejects the "
        "whole batch with 422 naming it (`instances.N.field`) and nothing is scored. "
        "Needs scope `predict`.",
        responses=_ERRORS,
        dependencies=[PREDICT_LIMITS],
    )
    async def predict_batch(
        body: BatchPredictRequest,
        caller: PredictCaller,
        inference: InferenceDep,
        keys: PseudonymsDep,
    ) -> Response:
        return await forward(
            inference=inference,
            path="/v1/predict/batch",
            body=pseudonymise_body(body.model_dump_json(exclude_none=True).encode(), keys),
            caller=caller,
            answer=BatchPredictionResponse,
        )

    @router.get(
        "/v1/models",
        response_model=ModelsResponse,
        summary="Models in service",
        description="The `production` model (and the `challenger` during an experiment): name, "
        "registry version, training metrics and when the answering replica loaded it. "
        "Needs scope `predict`.",
        responses=responses(401, 403, 429, 502, 503, 504),
        dependencies=[CALLER_PREDICT_LIMIT],
    )
    async def models(caller: PredictCaller, inference: InferenceDep) -> Response:
        return await inference.relay("GET", "/v1/models", ModelsResponse, **caller.pseudonymous())

    return router
