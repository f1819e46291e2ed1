"""Training job routes: internal, reached through the gateway (and called by the drift service)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from services.training.dependencies import PoolDep, RunnerDep, SettingsDep
from services.training.jobs import retrain, service
from shared.schemas_training import (
    NewTrainingJob,
    ShouldRetrainRequest,
    ShouldRetrainResponse,
    TrainingJob,
    TrainingJobAccepted,
    TrainingJobList,
    TrainingJobRequest,
)
from shared.service_auth import CallerDep

router = APIRouter(tags=["training"])


@router.post("/v1/training/jobs", status_code=202, summary="Start a training job")
async def start_job(
    runner: RunnerDep, response: Response, caller: CallerDep, body: NewTrainingJob | None = None
) -> TrainingJobAccepted:
    request = TrainingJobRequest(
        **(body or NewTrainingJob()).model_dump(), requested_by=caller.actor
    )
    job = await runner.submit(request)
    response.headers["Location"] = f"/v1/training/jobs/{job.id}"
    return TrainingJobAccepted(job_id=job.id)


@router.get("/v1/training/jobs", summary="Recent training jobs")
async def list_jobs(
    pool: PoolDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> TrainingJobList:
    return TrainingJobList(jobs=await service.recent_jobs(pool=pool, limit=limit))


# Declared before the JSON route: `{job_id}` would otherwise match "<id>.html" and fail as 422.
@router.get(
    "/v1/training/jobs/{job_id}.html",
    summary="One training job as a page",
    description="A self-contained HTML page: cross-validation per candidate, holdout metrics "
    "against production with the interval of the improvement, the calibration curve and "
    "fairness per age band.",
    response_class=HTMLResponse,
)
async def get_job_page(job_id: UUID, pool: PoolDep) -> HTMLResponse:
    return HTMLResponse(await service.get_job_html(pool=pool, job_id=job_id))


@router.get("/v1/training/jobs/{job_id}", summary="One training job")
async def get_job(job_id: UUID, pool: PoolDep) -> TrainingJob:
    return await service.get_job(pool=pool, job_id=job_id)


@router.post("/v1/training/should-retrain", summary="Score production on recent labelled rows")
async def should_retrain(
    body: ShouldRetrainRequest, pool: PoolDep, settings: SettingsDep
) -> ShouldRetrainResponse:
    return await retrain.should_retrain(
        pool=pool, settings=settings, since=body.since, min_rows=body.min_rows
    )
