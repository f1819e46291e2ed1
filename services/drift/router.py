"""Drift routes: run a check now, list recent reports (internal; the gateway exposes them)."""

from typing import Annotated

from fastapi import APIRouter, Body, Query

from services.drift import service
from services.drift.dependencies import MonitorDep
from shared.errors import responses
from shared.schemas_drift import DriftCheckRequest, DriftReport, DriftReportList

router = APIRouter(tags=["monitoring"])


@router.post(
    "/v1/drift/checks",
    summary="Run a drift check now",
    description="Tests the production version's recent predictions against its reference "
    "sample, scores live accuracy from feedback, stores the report and, on drift or "
    "degradation, asks training for a new model (cooldown and busy training respected).",
    responses=responses(422, 503),
)
async def run_check(
    monitor: MonitorDep, body: Annotated[DriftCheckRequest | None, Body()] = None
) -> DriftReport:
    return await service.run_check(monitor=monitor, request=body or DriftCheckRequest())


@router.get(
    "/v1/drift/reports",
    summary="Recent drift reports",
    description="The newest reports of the monitored model, newest first.",
    responses=responses(422),
)
async def list_reports(
    monitor: MonitorDep, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> DriftReportList:
    return await service.list_reports(monitor=monitor, limit=limit)
