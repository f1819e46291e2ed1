"""Drift check routes (admin), forwarded to the drift service."""

from typing import Annotated

import httpx
from fastapi import APIRouter, Body, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import ADMIN_LIMIT, AdminCaller, DriftDep
from shared.errors import BadGateway, responses
from shared.report_page import html_response_doc
from shared.schemas_drift import DriftCheckRequest, DriftReport, DriftReportList

# A check over a window of a million predictions takes seconds; give it room beyond the
# default upstream timeout so a slow but healthy check is not cut off as a 504.
CHECK_TIMEOUT_S = 120.0
_UPSTREAM = (429, 502, 503, 504)
ReportId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Drift report id", examples=[42])]
PAGE_DESCRIPTION = (
    "One drift report as a page a person reads, self-contained (inline CSS and SVG, nothing "
    "fetched): per input feature and for the predicted probability, the reference and current "
    "distributions overlaid, the KS p-value and the effect size against their thresholds; the "
    "verdict and the action taken (including `awaiting_labels` with the count of new labels); "
    "live and estimated accuracy over the model's recent checks. Needs scope `admin`."
)

CHECK_DESCRIPTION = """
Runs a drift check now on the production model and returns its report (also stored, see
`GET /v1/drift/reports`).

**Window**: the newest `window.last_n` served predictions, those since `window.since`, or the
newest `last_n` of those since `since`; without `window`, the service default (newest 10,000).
Shadow predictions never count. Windows are capped at the service's maximum (default
1,000,000 newest rows; no random sampling).

**Tests**: each input feature (`idade`, `renda_anual`) and the predicted probability are
compared with the reference sample logged when the production version was trained: a
two-sample Kolmogorov–Smirnov test (chi-square for categorical columns) plus an effect size
(Wasserstein distance divided by the reference standard deviation; PSI for categorical). A
column drifts when its p-value is below `alpha / number_of_columns` (default alpha 0.05)
**and** its effect size is above its threshold (default 0.1; PSI 0.2). Fewer than 200 rows
on either side gives `insufficient_data` for that column.

**Live performance**: accuracy and ROC AUC of the served decisions that received feedback in
the window; below the accuracy floor (default 0.85, with at least 200 outcomes) is `degraded`.

**Verdict**: `degraded`, else `drift`, else `insufficient_data`, else `no_drift`.
**Action**: on `drift` or `degraded` (and `trigger` not false) training is asked for a new
model: `training_requested`, `training_busy` (a job is already queued or running),
`training_unavailable`, or `cooldown` when a training request was made recently (default
1 hour). `no_reference` when the production version has no reference sample. Needs scope
`admin`.
"""


def build_router(settings: GatewaySettings) -> APIRouter:
    """Run drift checks and read their reports; limited per admin."""
    router = APIRouter(tags=["monitoring"], dependencies=[ADMIN_LIMIT])
    check_timeout_s = max(settings.upstream_timeout_s, CHECK_TIMEOUT_S)

    @router.post(
        "/v1/drift/checks",
        response_model=DriftReport,
        summary="Run a drift check now",
        description=CHECK_DESCRIPTION,
        responses=responses(400, 401, 403, 422, *_UPSTREAM),
    )
    async def run_check(
        caller: AdminCaller,
        drift: DriftDep,
        body: Annotated[DriftCheckRequest | None, Body()] = None,
    ) -> Response:
        return await drift.relay(
            "POST",
            "/v1/drift/checks",
            DriftReport,
            content=(body or DriftCheckRequest()).model_dump_json(exclude_none=True),
            headers={"Content-Type": "application/json"},
            timeout_s=check_timeout_s,
            **caller.named(),
        )

    @router.get(
        "/v1/drift/reports",
        response_model=DriftReportList,
        summary="Recent drift reports",
        description="The newest drift reports of the production model, newest first (`limit` "
        "1–200, default 20), whether the check ran on schedule, from a CronJob or Airflow, or "
        "through `POST /v1/drift/checks`. Each has the window, sizes, per-feature statistics, "
        "p-values and effect sizes, live performance, verdict and the action taken. Needs "
        "scope `admin`.",
        responses=responses(401, 403, 422, *_UPSTREAM),
    )
    async def list_reports(
        caller: AdminCaller,
        drift: DriftDep,
        limit: Annotated[int, Query(ge=1, le=200, description="How many reports")] = 20,
    ) -> Response:
        return await drift.relay(
            "GET",
            "/v1/drift/reports",
            DriftReportList,
            params={"limit": limit},
            **caller.named(),
        )

    _report_routes(router)
    return router


def _page(answer: httpx.Response) -> HTMLResponse:
    if not answer.headers.get("content-type", "").startswith("text/html"):
        raise BadGateway(
            "drift service gave a malformed answer",
            error_type="upstream_malformed",
            details={"upstream": "drift"},
        )
    return HTMLResponse(answer.content)


def _report_routes(router: APIRouter) -> None:
    # The page route comes first: `{report_id}` would otherwise match "42.html" (then 422).
    @router.get(
        "/v1/drift/reports/{report_id}.html",
        response_class=HTMLResponse,
        summary="One drift report as a page",
        description=PAGE_DESCRIPTION,
        responses=html_response_doc("Drift report", 401, 403, 404, 422, *_UPSTREAM),
    )
    async def report_page(report_id: ReportId, caller: AdminCaller, drift: DriftDep) -> Response:
        return _page(
            await drift.call("GET", f"/v1/drift/reports/{report_id}.html", **caller.named())
        )

    @router.get(
        "/v1/drift/reports/{report_id}",
        response_model=DriftReport,
        summary="One drift report",
        description="One stored drift report by id (see `GET /v1/drift/reports`). With "
        "`Accept: text/html` (and not `application/json`) the answer is its page, as "
        "`GET /v1/drift/reports/{report_id}.html` gives it. Needs scope `admin`.",
        responses=responses(401, 403, 404, 422, *_UPSTREAM),
    )
    async def get_report(
        report_id: ReportId, caller: AdminCaller, drift: DriftDep, request: Request
    ) -> Response:
        accept = request.headers.get("accept", "")
        if "text/html" in accept and "application/json" not in accept:
            return _page(
                await drift.call("GET", f"/v1/drift/reports/{report_id}.html", **caller.named())
            )
        return await drift.relay(
            "GET", f"/v1/drift/reports/{report_id}", DriftReport, **caller.named()
        )
