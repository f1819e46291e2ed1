"""Ingest routes: internal, reached through the gateway (admin only there)."""

import asyncpg
from fastapi import APIRouter

from services.training.dependencies import PoolDep, SettingsDep
from services.training.ingest import service
from services.training.ingest.dependencies import CsvBodyDep
from shared import audit
from shared.schemas_training import IngestReport, IngestRowsRequest

router = APIRouter(tags=["training"])


@router.post("/v1/features", summary="Ingest labelled rows sent as JSON")
async def ingest_rows(body: IngestRowsRequest, pool: PoolDep) -> IngestReport:
    report = await service.ingest_json(pool=pool, rows=body.rows)
    await _audit(pool, report)
    return report


@router.post("/v1/features/csv", summary="Ingest a streamed CSV of labelled rows")
async def ingest_csv(chunks: CsvBodyDep, pool: PoolDep, settings: SettingsDep) -> IngestReport:
    report = await service.ingest_csv(
        pool=pool,
        chunks=chunks,
        max_bytes=settings.training_max_csv_bytes,
        batch_rows=settings.training_ingest_batch_rows,
    )
    await _audit(pool, report)
    return report


async def _audit(pool: asyncpg.Pool, report: IngestReport) -> None:
    counts = report.model_dump(include={"source", "received", "accepted", "rejected"})
    await audit.record(
        pool, "features.ingest", object_type="features", service="training", details=counts
    )
