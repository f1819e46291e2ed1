"""Inference routes: internal, reached through the gateway."""

from fastapi import APIRouter

from services.inference import service
from services.inference.dependencies import CallerDep, PoolDep, ScorerDep
from services.inference.feedback import record_feedback
from services.inference.schemas import ReloadResponse
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
async def feedback(body: FeedbackRequest, scorer: ScorerDep, pool: PoolDep) -> FeedbackReceipt:
    return await record_feedback(pool=pool, log_writer=scorer.log_writer, request=body)


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
