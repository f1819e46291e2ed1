"""Experiment routes: internal, reached through the gateway (admin only there).

Alias moves are audited under the admin named in the gateway's service credential.
"""

from fastapi import APIRouter

from services.training.dependencies import HttpClientDep, PoolDep, SettingsDep
from services.training.experiments import service as experiments
from shared.schemas_experiments import (
    ExperimentResults,
    ExperimentView,
    PromoteChallengerRequest,
    PromoteChallengerResponse,
    StartExperimentRequest,
)
from shared.service_auth import CallerDep

router = APIRouter(tags=["experiments"])
PATH = "/v1/experiments/ab"


@router.put(PATH, status_code=201, summary="Start an A/B or shadow experiment")
async def start(
    body: StartExperimentRequest,
    pool: PoolDep,
    settings: SettingsDep,
    http_client: HttpClientDep,
    caller: CallerDep,
) -> ExperimentView:
    return await experiments.start_experiment(
        pool=pool, settings=settings, http_client=http_client, request=body, actor=caller.actor
    )


@router.get(PATH, summary="Results of the running (or last) experiment")
async def results(pool: PoolDep, settings: SettingsDep) -> ExperimentResults:
    return await experiments.read_results(pool=pool, settings=settings)


@router.delete(PATH, summary="End the running experiment")
async def stop(
    pool: PoolDep, settings: SettingsDep, http_client: HttpClientDep, caller: CallerDep
) -> ExperimentView:
    return await experiments.end_experiment(
        pool=pool, settings=settings, http_client=http_client, actor=caller.actor
    )


@router.post(f"{PATH}/promote", summary="Promote the challenger and end the experiment")
async def promote(
    pool: PoolDep,
    settings: SettingsDep,
    http_client: HttpClientDep,
    caller: CallerDep,
    body: PromoteChallengerRequest | None = None,
) -> PromoteChallengerResponse:
    return await experiments.promote_challenger(
        pool=pool,
        settings=settings,
        http_client=http_client,
        request=body or PromoteChallengerRequest(),
        actor=caller.actor,
    )
