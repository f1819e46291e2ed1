"""Experiment routes: internal, reached through the gateway (admin only there).

The gateway names the admin in `X-Actor`; alias moves are audited under that name.
"""

from typing import Annotated

from fastapi import APIRouter, Header

from services.training.dependencies import HttpClientDep, PoolDep, SettingsDep
from services.training.experiments import service as experiments
from shared.schemas_experiments import (
    ExperimentResults,
    ExperimentView,
    PromoteChallengerRequest,
    PromoteChallengerResponse,
    StartExperimentRequest,
)

router = APIRouter(tags=["experiments"])
PATH = "/v1/experiments/ab"
ActorHeader = Annotated[str | None, Header(alias="X-Actor", max_length=128)]


@router.put(PATH, status_code=201, summary="Start an A/B or shadow experiment")
async def start(
    body: StartExperimentRequest,
    pool: PoolDep,
    settings: SettingsDep,
    http_client: HttpClientDep,
    actor: ActorHeader = None,
) -> ExperimentView:
    return await experiments.start_experiment(
        pool=pool, settings=settings, http_client=http_client, request=body, actor=actor
    )


@router.get(PATH, summary="Results of the running (or last) experiment")
async def results(pool: PoolDep, settings: SettingsDep) -> ExperimentResults:
    return await experiments.read_results(pool=pool, settings=settings)


@router.delete(PATH, summary="End the running experiment")
async def stop(
    pool: PoolDep, settings: SettingsDep, http_client: HttpClientDep, actor: ActorHeader = None
) -> ExperimentView:
    return await experiments.end_experiment(
        pool=pool, settings=settings, http_client=http_client, actor=actor
    )


@router.post(f"{PATH}/promote", summary="Promote the challenger and end the experiment")
async def promote(
    pool: PoolDep,
    settings: SettingsDep,
    http_client: HttpClientDep,
    body: PromoteChallengerRequest | None = None,
    actor: ActorHeader = None,
) -> PromoteChallengerResponse:
    return await experiments.promote_challenger(
        pool=pool,
        settings=settings,
        http_client=http_client,
        request=body or PromoteChallengerRequest(),
        actor=actor,
    )
