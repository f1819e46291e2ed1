"""Training routes: internal, reached through the gateway (and called by the drift service)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from services.training import ingest, promotion, retrain, service
from services.training.dependencies import (
    CsvBodyDep,
    HttpClientDep,
    PoolDep,
    RunnerDep,
    SettingsDep,
)
from shared.schemas_training import (
    IngestReport,
    IngestRowsRequest,
    InternalPromoteRequest,
    InternalRollbackRequest,
    PromotionResponse,
    ShouldRetrainRequest,
    ShouldRetrainResponse,
    TrainingJob,
    TrainingJobAccepted,
    TrainingJobList,
    TrainingJobRequest,
)

router = APIRouter(tags=["training"])
VersionPath = Annotated[str, Path(pattern=r"^[1-9][0-9]{0,9}$", description="Registry version")]


@router.post("/v1/features", summary="Ingest labelled rows sent as JSON")
async def ingest_rows(body: IngestRowsRequest, pool: PoolDep) -> IngestReport:
    return await ingest.ingest_json(pool=pool, rows=body.rows)


@router.post("/v1/features/csv", summary="Ingest a streamed CSV of labelled rows")
async def ingest_csv(chunks: CsvBodyDep, pool: PoolDep, settings: SettingsDep) -> IngestReport:
    return await ingest.ingest_csv(
        pool=pool,
        chunks=chunks,
        max_bytes=settings.training_max_csv_bytes,
        batch_rows=settings.training_ingest_batch_rows,
    )


@router.post("/v1/training/jobs", status_code=202, summary="Start a training job")
async def start_job(
    runner: RunnerDep, response: Response, body: TrainingJobRequest | None = None
) -> TrainingJobAccepted:
    job = await runner.submit(body or TrainingJobRequest())
    response.headers["Location"] = f"/v1/training/jobs/{job.id}"
    return TrainingJobAccepted(job_id=job.id)


@router.get("/v1/training/jobs", summary="Recent training jobs")
async def list_jobs(
    pool: PoolDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> TrainingJobList:
    return TrainingJobList(jobs=await service.recent_jobs(pool=pool, limit=limit))


@router.get("/v1/training/jobs/{job_id}", summary="One training job")
async def get_job(job_id: UUID, pool: PoolDep) -> TrainingJob:
    return await service.get_job(pool=pool, job_id=job_id)


@router.post("/v1/models/{version}/promote", summary="Move production to a version")
async def promote(
    version: VersionPath,
    pool: PoolDep,
    settings: SettingsDep,
    http_client: HttpClientDep,
    body: InternalPromoteRequest | None = None,
) -> PromotionResponse:
    request = body or InternalPromoteRequest()
    result = await promotion.promote_version(
        pool=pool,
        settings=settings,
        http_client=http_client,
        version=version,
        force=request.force,
        actor=request.actor,
        reason=request.reason,
    )
    return PromotionResponse.model_validate(result.to_dict())


@router.post("/v1/models/rollback", summary="Move production back to the previous version")
async def rollback(
    pool: PoolDep,
    settings: SettingsDep,
    http_client: HttpClientDep,
    body: InternalRollbackRequest | None = None,
) -> PromotionResponse:
    request = body or InternalRollbackRequest()
    result = await promotion.rollback(
        pool=pool,
        settings=settings,
        http_client=http_client,
        actor=request.actor,
        reason=request.reason,
    )
    return PromotionResponse.model_validate(result.to_dict())


@router.post("/v1/training/should-retrain", summary="Score production on recent labelled rows")
async def should_retrain(
    body: ShouldRetrainRequest, pool: PoolDep, settings: SettingsDep
) -> ShouldRetrainResponse:
    return await retrain.should_retrain(
        pool=pool, settings=settings, since=body.since, min_rows=body.min_rows
    )
