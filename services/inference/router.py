"""Inference routes: internal, reached through the gateway.

The two scoring routes also have thin ASGI entries (`fast_routes`) that run the same service
functions without FastAPI's routing, dependency solving and response re-validation, which
cost more CPU than the model call itself.
"""

from fastapi import APIRouter, Response
from starlette.types import Receive, Scope, Send

from services.inference import service
from services.inference.dependencies import CallerDep, PoolDep, ScorerDep
from services.inference.feedback import record_feedback
from services.inference.schemas import ReloadResponse
from services.inference.service import Caller, Scorer
from shared.errors import ServiceError, render
from shared.registry import CHALLENGER, PRODUCTION
from shared.schemas import (
    BatchPredictionResponse,
    BatchPredictRequest,
    ModelsResponse,
    PredictionResponse,
    PredictRequest,
    ServedModel,
)
from shared.schemas_experiments import FeedbackReceipt, FeedbackRequest
from shared.service_auth import CallerDep as ServiceCallerDep
from shared.thin import json_answer, read_model

router = APIRouter(tags=["inference"])


@router.post("/v1/predict", summary="Score one customer")
async def predict(body: PredictRequest, scorer: ScorerDep, caller: CallerDep) -> PredictionResponse:
    return await service.predict_one(scorer=scorer, request=body, caller=caller)


@router.post("/v1/predict/batch", summary="Score customers in order")
async def predict_batch(
    body: BatchPredictRequest, scorer: ScorerDep, caller: CallerDep
) -> BatchPredictionResponse:
    predictions = await service.predict_many(scorer=scorer, requests=body.instances, caller=caller)
    return BatchPredictionResponse(predictions=predictions)


class ThinScore:
    """The thin entry for `/v1/predict` (or, with `batch`, `/v1/predict/batch`)."""

    def __init__(self, *, batch: bool) -> None:
        self.batch = batch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scorer: Scorer = scope["app"].state.scorer
        try:
            response = await self._score(scope, receive, scorer)
        except ServiceError as exc:
            response = render(exc)
        await response(scope, receive, send)

    async def _score(self, scope: Scope, receive: Receive, scorer: Scorer) -> Response:
        caller = Caller.current()
        if self.batch:
            many = await read_model(receive, BatchPredictRequest)
            scored = await service.predict_many(
                scorer=scorer, requests=many.instances, caller=caller
            )
            return json_answer(BatchPredictionResponse(predictions=scored))
        one = await read_model(receive, PredictRequest)
        return json_answer(await service.predict_one(scorer=scorer, request=one, caller=caller))


def fast_routes() -> dict[tuple[str, str], ThinScore]:
    """The thin entries for the app's fast-route table."""
    return {
        ("POST", "/v1/predict"): ThinScore(batch=False),
        ("POST", "/v1/predict/batch"): ThinScore(batch=True),
    }


@router.get("/v1/models", summary="Model versions this replica serves")
async def models(scorer: ScorerDep) -> ModelsResponse:
    served = {}
    for alias in (PRODUCTION, CHALLENGER):
        model = scorer.holder.get(alias)
        served[alias] = model and ServedModel(
            name=model.name,
            version=model.version,
            variant=alias,
            run_id=model.run_id,
            metrics=model.metrics,
            since=model.loaded_at,
        )
    return ModelsResponse(production=served[PRODUCTION], challenger=served[CHALLENGER])


@router.post("/v1/feedback", status_code=202, summary="Report a prediction's actual outcome")
async def feedback(
    body: FeedbackRequest, scorer: ScorerDep, pool: PoolDep, caller: ServiceCallerDep
) -> FeedbackReceipt:
    return await record_feedback(
        pool=pool, log_writer=scorer.log_writer, request=body, reporter=caller
    )


@router.post("/admin/reload", summary="Re-read the registry aliases and the experiment now")
async def reload(scorer: ScorerDep) -> ReloadResponse:
    swapped = {PRODUCTION: await scorer.holder.refresh(PRODUCTION)}
    live = await scorer.experiments.refresh() if scorer.experiments else None
    versions = {}
    for alias in (PRODUCTION, CHALLENGER):
        model = scorer.holder.get(alias)
        versions[alias] = model.version if model else None
    return ReloadResponse(
        swapped=swapped,
        versions=versions,
        last_error=scorer.holder.last_error,
        experiment_id=live.id if live else None,
        experiment_mode=live.mode if live else None,
    )
