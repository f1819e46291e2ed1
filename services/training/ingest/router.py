"""Ingest routes: internal, reached through the gateway (admin only there)."""

from fastapi import APIRouter

from services.training.dependencies import PoolDep, SettingsDep
from services.training.ingest import service
from services.training.ingest.dependencies import CsvBodyDep
from shared.schemas_training import IngestReport, IngestRowsRequest

router = APIRouter(tags=["training"])


@router.post("/v1/features", summary="Ingest labelled rows sent as JSON")
async def ingest_rows(body: IngestRowsRequest, pool: PoolDep) -> IngestReport:
    return await service.ingest_json(pool=pool, rows=body.rows)


@router.post("/v1/features/csv", summary="Ingest a streamed CSV of labelled rows")
async def ingest_csv(chunks: CsvBodyDep, pool: PoolDep, settings: SettingsDep) -> IngestReport:
    return await service.ingest_csv(
        pool=pool,
        chunks=chunks,
        max_bytes=settings.training_max_csv_bytes,
        batch_rows=settings.training_ingest_batch_rows,
    )
