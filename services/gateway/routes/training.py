"""Feature ingest, training jobs, promotion and rollback, forwarded to the training service."""

from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import ADMIN_LIMIT, AdminCaller, TrainingDep
from shared.errors import BadGateway, ErrorBody, PayloadTooLarge, ServiceError, responses
from shared.report_page import html_response_doc
from shared.schemas_training import (
    MAX_JSON_ROWS,
    IngestReport,
    IngestRowsRequest,
    NewTrainingJob,
    PromoteRequest,
    PromotionResponse,
    RollbackRequest,
    ShouldRetrainRequest,
    ShouldRetrainResponse,
    TrainingJob,
    TrainingJobAccepted,
    TrainingJobList,
)

CSV_MEDIA_TYPES = frozenset({"text/csv", "application/csv"})
CSV_EXAMPLE = (
    "idade,renda_anual,comprou_produto,observed_at\n"
    "35,85000,1,2024-05-01T12:00:00Z\n"
    "150,31000,não,2024-05-02T09:30:00Z\n"
    "52,,yes,\n"
)
_UNSUPPORTED: dict[int | str, dict[str, Any]] = {
    415: {"model": ErrorBody, "description": "The body is not `text/csv`"}
}
VersionPath = Annotated[
    str, Path(pattern=r"^[1-9][0-9]{0,9}$", description="Registry version", examples=["4"])
]


class UnsupportedMediaType(ServiceError):
    status_code = 415
    error_type = "unsupported_media_type"


def _check_csv_headers(request: Request, max_bytes: int) -> str:
    """Refuse by headers alone: not CSV (415) or declared larger than the limit (413)."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() not in CSV_MEDIA_TYPES:
        raise UnsupportedMediaType(
            f"expected a text/csv body, got {content_type or 'no content type'}"
        )
    declared = request.headers.get("content-length")
    if declared and (not declared.isdigit() or int(declared) > max_bytes):
        raise PayloadTooLarge(f"CSV body exceeds {max_bytes} bytes", error_type="csv_too_large")
    return content_type


async def _limited(request: Request, max_bytes: int) -> AsyncIterator[bytes]:
    """The request body, chunk by chunk, cut off with 413 once it passes the limit."""
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"CSV body exceeds {max_bytes} bytes", error_type="csv_too_large")
        yield chunk


def _ingest_routes(router: APIRouter, settings: GatewaySettings) -> None:
    @router.post(
        "/v1/features",
        tags=["features"],
        response_model=IngestReport,
        summary="Ingest labelled rows (JSON)",
        description=f"Adds 1 to {MAX_JSON_ROWS} labelled customers to the feature table that "
        "training reads. Each row is checked on its own against the feature contract (`idade` "
        "a whole number 18–100, `renda_anual` finite 0–10,000,000, `comprou_produto` as 0/1, "
        "true/false, yes/no or sim/não, optional ISO 8601 `observed_at`, no other fields). The "
        "answer is a report: accepted rows are written together in one transaction, rejected "
        "rows are listed with their position and the reason. Needs scope `admin`.",
        responses=responses(400, 401, 403, 413, 422, 429, 502, 503, 504),
    )
    async def ingest_rows(
        body: IngestRowsRequest,
        caller: AdminCaller,
        training: TrainingDep,
    ) -> Response:
        return await training.relay(
            "POST",
            "/v1/features",
            IngestReport,
            json=body.model_dump(mode="json"),
            **caller.named(),
        )

    @router.post(
        "/v1/features/csv",
        tags=["features"],
        response_model=IngestReport,
        summary="Ingest a CSV file of labelled rows",
        description="Send a `text/csv` body (UTF-8) whose first line is the header "
        "`idade,renda_anual,comprou_produto` with an optional `observed_at` column (any order, "
        "case-insensitive). The body is streamed to the training service and written with "
        "COPY in one transaction, so a large file never sits in memory. Each row is checked "
        "against the feature contract; the report lists rejected rows by line number (the "
        "header is line 1) with the reason. Refused whole, with nothing written: a body that is "
        "not CSV text (415 for another content type, 422 `not_csv` for binary content or a "
        "line longer than 10,000 characters), a wrong "
        "header (422 `invalid_csv_header`), or more than "
        f"{settings.max_csv_bytes:,} bytes (413). Needs scope `admin`.\n\n"
        "`curl -H 'Authorization: Bearer …' -H 'Content-Type: text/csv' "
        "--data-binary @customers.csv …/v1/features/csv`",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
                },
            }
        },
        responses={**responses(401, 403, 413, 422, 429, 502, 503, 504), **_UNSUPPORTED},
    )
    async def ingest_csv(request: Request, caller: AdminCaller, training: TrainingDep) -> Response:
        content_type = _check_csv_headers(request, settings.max_csv_bytes)
        return await training.relay(
            "POST",
            "/v1/features/csv",
            IngestReport,
            content=_limited(request, settings.max_csv_bytes),
            headers={"Content-Type": content_type},
            **caller.named(),
        )


def _job_routes(router: APIRouter) -> None:
    @router.post(
        "/v1/training/jobs",
        status_code=202,
        response_model=TrainingJobAccepted,
        summary="Start a training job",
        description="Queues a retraining on the labelled rows of the feature table (optionally "
        "only those observed in `[since, until)`) and answers at once with the job id; follow "
        "it with `GET /v1/training/jobs/{job_id}`. The job validates data quality, "
        "cross-validates the candidate model families, scores the best one and the current "
        "production model on the same holdout, registers the new version in MLflow and "
        "promotes it only if it passes the gate. One job at a time: while one is queued or "
        "running the answer is 409 `training_in_progress` with its id in `details.job_id`. "
        "Needs scope `admin`.",
        responses=responses(400, 401, 403, 409, 422, 429, 502, 503, 504),
    )
    async def start_job(
        caller: AdminCaller,
        training: TrainingDep,
        body: NewTrainingJob | None = None,
    ) -> Response:
        job = body or NewTrainingJob()
        relayed = await training.relay(
            "POST",
            "/v1/training/jobs",
            TrainingJobAccepted,
            status_code=202,
            content=job.model_dump_json(),
            headers=_JSON,
            **caller.named(),
        )
        accepted = TrainingJobAccepted.model_validate_json(bytes(relayed.body))
        relayed.headers["Location"] = f"/v1/training/jobs/{accepted.job_id}"
        return relayed

    @router.get(
        "/v1/training/jobs",
        response_model=TrainingJobList,
        summary="Recent training jobs",
        description="The latest training jobs, newest first (`limit`, 1–100, default 20), "
        "each with its status, stage, metrics, version and promotion decision. "
        "Needs scope `admin`.",
        responses=responses(401, 403, 422, 429, 502, 503, 504),
    )
    async def list_jobs(
        caller: AdminCaller,
        training: TrainingDep,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> Response:
        return await training.relay(
            "GET",
            "/v1/training/jobs",
            TrainingJobList,
            params={"limit": limit},
            **caller.named(),
        )

    # The page route comes first: `{job_id}` would otherwise match "<id>.html" (then 422).
    @router.get(
        "/v1/training/jobs/{job_id}.html",
        response_class=HTMLResponse,
        summary="A training job as a page",
        description="One training job as a page a person reads, self-contained (inline CSS and "
        "SVG, nothing fetched): cross-validated metrics per candidate, holdout metrics of the "
        "candidate against production with the paired bootstrap interval of the improvement "
        "the gate decided on, the calibration curve (ECE, Brier score) and accuracy and "
        "positive rates per age band. The same page is logged to the job's MLflow run. "
        "Needs scope `admin`.",
        responses=html_response_doc("Training job", 401, 403, 404, 422, 429, 502, 503, 504),
    )
    async def get_job_page(job_id: UUID, caller: AdminCaller, training: TrainingDep) -> Response:
        answer = await training.call("GET", f"/v1/training/jobs/{job_id}.html", **caller.named())
        if not answer.headers.get("content-type", "").startswith("text/html"):
            raise BadGateway(
                "training service gave a malformed answer",
                error_type="upstream_malformed",
                details={"upstream": "training"},
            )
        return HTMLResponse(answer.content)

    @router.get(
        "/v1/training/jobs/{job_id}",
        response_model=TrainingJob,
        summary="Follow a training job",
        description="Status (`queued`, `running`, `succeeded`, `failed`), the stage it is in "
        "(extract, validate, train, evaluate, register, promote, done) and its progress; once "
        "finished, the holdout and cross-validation metrics, the MLflow run and registered "
        "version, whether it was promoted and why (`decision`), or why it failed (`error`, "
        "e.g. a data-quality failure such as not enough labelled rows). Needs scope `admin`.",
        responses=responses(401, 403, 404, 422, 429, 502, 503, 504),
    )
    async def get_job(
        job_id: UUID,
        caller: AdminCaller,
        training: TrainingDep,
    ) -> Response:
        return await training.relay(
            "GET",
            f"/v1/training/jobs/{job_id}",
            TrainingJob,
            **caller.named(),
        )


def _retrain_routes(router: APIRouter) -> None:
    @router.post(
        "/v1/training/should-retrain",
        response_model=ShouldRetrainResponse,
        summary="Check whether new labelled rows call for a retrain",
        description="Counts the labelled rows observed since `since` (default: the last 7 "
        "days; feedback included) and, when there are at least `min_rows` (default 200), "
        "scores the current production model on them. `verdict` is `insufficient_data` "
        "when fewer rows exist, `retrain` when production's accuracy is below `threshold` "
        "(or nothing serves yet) and `ok` otherwise. Schedulers call this before starting a "
        "training job, passing the time the production model's data was extracted as "
        "`since`, so that a job only runs when there is new data to learn from. Reads "
        "only; needs scope `admin`.",
        responses=responses(400, 401, 403, 422, 429, 502, 503, 504),
    )
    async def should_retrain(
        caller: AdminCaller,
        training: TrainingDep,
        body: ShouldRetrainRequest | None = None,
    ) -> Response:
        check = body or ShouldRetrainRequest()
        return await training.relay(
            "POST",
            "/v1/training/should-retrain",
            ShouldRetrainResponse,
            content=check.model_dump_json(exclude_unset=True),
            headers=_JSON,
            **caller.named(),
        )


def _model_routes(router: APIRouter) -> None:
    @router.post(
        "/v1/models/{version}/promote",
        response_model=PromotionResponse,
        summary="Promote a model version to production",
        description="Moves the registry alias `production` to `version`. Without `force` the "
        "version must pass the same gate as a training job: it and the current production "
        "model are scored on the same recent labelled rows, and it must clear the accuracy "
        "floor and beat production by the configured margin; otherwise 409 "
        "`promotion_refused` with both sets of metrics in `details`. `force: true` skips the "
        "gate and is recorded with your name and reason. The replaced version is remembered "
        "for rollback and inference is told to reload. 404 if the version does not exist, "
        "409 `already_production` if it already serves. Needs scope `admin`.",
        responses=responses(401, 403, 404, 409, 422, 429, 502, 503, 504),
    )
    async def promote(
        version: VersionPath,
        caller: AdminCaller,
        training: TrainingDep,
        body: PromoteRequest | None = None,
    ) -> Response:
        command = body or PromoteRequest()
        return await training.relay(
            "POST",
            f"/v1/models/{version}/promote",
            PromotionResponse,
            content=command.model_dump_json(),
            headers=_JSON,
            **caller.named(),
        )

    @router.post(
        "/v1/models/rollback",
        response_model=PromotionResponse,
        summary="Roll production back to the previous version",
        description="Points `production` back at the version the current one replaced (each "
        "promotion remembers it), in one call, and tells inference to reload. Rolling back "
        "again keeps walking back through the promotion history. 409 `no_previous_version` "
        "when there is nothing to go back to. Needs scope `admin`.",
        responses=responses(401, 403, 409, 422, 429, 502, 503, 504),
    )
    async def rollback(
        caller: AdminCaller,
        training: TrainingDep,
        body: RollbackRequest | None = None,
    ) -> Response:
        command = body or RollbackRequest()
        return await training.relay(
            "POST",
            "/v1/models/rollback",
            PromotionResponse,
            content=command.model_dump_json(),
            headers=_JSON,
            **caller.named(),
        )


_JSON = {"Content-Type": "application/json"}


def build_router(settings: GatewaySettings) -> APIRouter:
    """Admin routes for data, training and the production alias; limited per caller."""
    router = APIRouter(tags=["training"], dependencies=[ADMIN_LIMIT])
    _ingest_routes(router, settings)
    _job_routes(router)
    _retrain_routes(router)
    _model_routes(router)
    return router
