"""Drift routes: run a check now, list recent reports (internal; the gateway exposes them), and
run retention now (internal only: the `retention` CronJob's entry)."""

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict

from services.drift import pages, service
from services.drift.dependencies import MonitorDep
from services.drift.retention import policy_from, run_retention
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


ReportId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Drift report id")]


def wants_html(request: Request) -> bool:
    """True when the caller asks for a page (a browser's Accept), not JSON."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


# Declared before the JSON route: `{report_id}` would otherwise match "7.html" and fail as 422.
@router.get(
    "/v1/drift/reports/{report_id}.html",
    summary="One drift report as a page",
    description="A self-contained HTML page (no network needed): per column the reference and "
    "current distributions overlaid, KS p-value and effect size against their thresholds, the "
    "verdict and the action, and live and estimated accuracy over the model's recent checks.",
    response_class=HTMLResponse,
    responses=responses(404, 422),
)
async def report_page(report_id: ReportId, monitor: MonitorDep) -> HTMLResponse:
    return HTMLResponse(await pages.report_html(monitor=monitor, report_id=report_id))


@router.get(
    "/v1/drift/reports/{report_id}",
    summary="One drift report",
    description="The stored report; with `Accept: text/html` its page instead.",
    response_model=DriftReport,
    responses=responses(404, 422),
)
async def get_report(
    report_id: ReportId, monitor: MonitorDep, request: Request
) -> DriftReport | HTMLResponse:
    if wants_html(request):
        return HTMLResponse(await pages.report_html(monitor=monitor, report_id=report_id))
    return await pages.get_report(monitor=monitor, report_id=report_id)


class RetentionRun(BaseModel):
    """What one retention run removed."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"predictions": 1200, "feedback": 40, "features": 15}]}
    )

    predictions: int
    feedback: int
    features: int  # labelled rows kept, their customer pseudonym dropped


@router.post(
    "/v1/retention/runs",
    summary="Run retention now",
    description="Deletes predictions and outcomes past their windows (RETENTION_PREDICTIONS_DAYS, "
    "RETENTION_FEEDBACK_DAYS) in bounded batches and drops the pseudonym from labelled rows "
    "past both; counted in `retention_deleted_rows_total` on this service's /metrics and "
    "recorded in the audit log. The `retention` CronJob calls this with a service credential.",
    responses=responses(503),
)
async def run_retention_now(request: Request) -> RetentionRun:
    counts = await run_retention(
        pool=request.app.state.pool, policy=policy_from(request.app.state.settings)
    )
    return RetentionRun(**counts)
