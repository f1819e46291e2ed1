"""Background training jobs: one at a time, tracked in `training_jobs`, fit off the event loop.

The job itself is an asyncio task; the blocking pipeline runs in a worker thread. The thread
reports each stage through a callback that also checks a cancel flag, so a job stopped by a
shutdown ends at its next stage boundary and never registers or promotes afterwards. A
successful run is promoted through the promotion service, like any other move of `production`.
"""

import asyncio
import contextlib
import functools
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import anyio
import anyio.from_thread
import asyncpg
import httpx
import pandas as pd

from services.training.config import TrainingSettings
from services.training.errors import PromotionRefused, TrainingInProgress
from services.training.jobs import metrics, report_page
from services.training.jobs.service import job_view
from services.training.modeling import tracking
from services.training.modeling.candidates import finite_metrics
from services.training.modeling.pipeline import (
    DataQualityFailed,
    TrainingConfig,
    TrainingOutcome,
    content_hash,
    run_training,
)
from services.training.modeling.quality import QualityThresholds
from services.training.promotion.service import promote_trained
from shared import audit
from shared.errors import ServiceError
from shared.notify import Event, notify
from shared.repositories import features, training_jobs
from shared.schemas_training import TrainingJobRequest
from shared.tracing import span

logger = logging.getLogger(__name__)

INTERRUPTED = "interrupted by a service restart"


class JobCancelled(Exception):
    """The service is stopping; the running job gives up at its next stage."""


def training_config(settings: TrainingSettings) -> TrainingConfig:
    """The pipeline configuration this service's settings describe."""
    return TrainingConfig(
        folds=settings.training_folds,
        seed=settings.training_seed,
        cv_max_rows=settings.training_cv_max_rows,
        gate=settings.gate_config(),
        quality=QualityThresholds(min_rows=settings.training_min_rows),
    )


def provenance(frame: pd.DataFrame, request: TrainingJobRequest) -> dict[str, Any]:
    """Where the training rows came from: count, time range, window asked for, content hash."""
    observed = frame["observed_at"]
    return {
        "source": "features table",
        "rows": len(frame),
        "observed_from": observed.min().isoformat() if len(frame) else None,
        "observed_to": observed.max().isoformat() if len(frame) else None,
        "window_since": request.since.isoformat() if request.since else None,
        "window_until": request.until.isoformat() if request.until else None,
        "content_hash": content_hash(frame),
        "extracted_at": datetime.now(UTC).isoformat(),
    }


def outcome_metrics(outcome: TrainingOutcome, origin: dict[str, Any]) -> dict[str, Any]:
    """The job's metrics as stored: JSON-safe, no NaN.

    `data` names the snapshot the job learnt from, so the drift service can tell whether new
    labels arrived since a job the gate refused.
    """
    comparison = outcome.comparison.to_dict() if outcome.comparison else None
    return {
        "rows": int(origin["rows"]),
        "data": {key: origin.get(key) for key in ("observed_to", "extracted_at", "content_hash")},
        "comparison": comparison,
        "calibration": outcome.calibration,
        "fairness": outcome.fairness,
        "model_family": outcome.model_family,
        "holdout": finite_metrics(outcome.metrics),
        "production_version": outcome.production_version,
        "production_holdout": finite_metrics(outcome.production_metrics),
        "cv": [
            {
                "name": score["name"],
                "mean": finite_metrics(score["mean"]),
                "std": finite_metrics(score["std"]),
            }
            for score in outcome.cv
        ],
    }


class TrainingJobRunner:
    """Starts jobs, runs at most one, and closes jobs a restart or shutdown cut off."""

    def __init__(
        self, *, pool: asyncpg.Pool, settings: TrainingSettings, http_client: httpx.AsyncClient
    ) -> None:
        self.pool = pool
        self.settings = settings
        self.http_client = http_client
        self._task: asyncio.Task[None] | None = None
        self._cancel = threading.Event()

    async def recover(self) -> list[UUID]:
        """At start: a job still queued or running was cut off by a restart; mark it failed."""
        stale = await training_jobs.fail_active(self.pool, error=INTERRUPTED)
        for job_id in stale:
            logger.warning("training job interrupted", extra={"job_id": str(job_id)})
        return stale

    async def submit(self, request: TrainingJobRequest) -> training_jobs.TrainingJobRow:
        """Queue a job and start it; TrainingInProgress if one is queued or running."""
        job = await training_jobs.create_job(
            self.pool,
            job_id=uuid4(),
            reason=request.reason,
            requested_by=request.requested_by,
            params=request.model_dump(mode="json", exclude={"reason", "requested_by"}),
        )
        if job is None:
            active = await training_jobs.active_job(self.pool)
            # None means that job ended a moment ago: the caller may simply retry.
            raise TrainingInProgress(str(active.id) if active else "just finished")
        await audit.record(
            self.pool,
            "training.job_start",
            object_type="training_job",
            object_id=str(job.id),
            service="training",
            details={"reason": request.reason, "requested_by": request.requested_by},
        )
        self._task = asyncio.create_task(self._run(job.id, request))
        return job

    async def shutdown(self) -> None:
        """Stop the running job: it gives up at its next stage and is marked interrupted."""
        self._cancel.set()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await training_jobs.fail_active(self.pool, error=INTERRUPTED)

    async def _run(self, job_id: UUID, request: TrainingJobRequest) -> None:
        started = time.time()
        metrics.RUNNING.set(1)
        # A child of the request that started the job: one trace through promotion and reload.
        with span("training.job", job_id=str(job_id)):
            try:
                await training_jobs.mark_running(self.pool, job_id)
                await self._execute(job_id, request)
                status = "succeeded"
            except asyncio.CancelledError:
                metrics.RUNNING.set(0)
                raise
            except DataQualityFailed as exc:
                quality = {"quality": exc.report}
                await self._fail(job_id, f"data quality: {exc}", quality, exc.run_id, request)
                status = "failed"
            except ServiceError as exc:
                await self._fail(job_id, exc.message, {}, None, request)
                status = "failed"
            except Exception as exc:  # a job must end "failed", whatever broke
                logger.exception("training job failed", extra={"job_id": str(job_id)})
                error = f"{type(exc).__name__}: {exc}"[:1000]
                await self._fail(job_id, error, {}, None, request)
                status = "failed"
        metrics.RUNNING.set(0)
        metrics.job_ended(status, started=started, ended=time.time())
        await audit.record(
            self.pool,
            "training.job_end",
            object_type="training_job",
            object_id=str(job_id),
            outcome="success" if status == "succeeded" else "failure",
            service="training",
            details={"status": status},
        )

    async def _fail(
        self,
        job_id: UUID,
        error: str,
        job_metrics: dict[str, Any],
        run_id: str | None,
        request: TrainingJobRequest,
    ) -> None:
        logger.warning("training job failed", extra={"job_id": str(job_id), "error": error})
        await training_jobs.finish_job(
            self.pool,
            job_id,
            status="failed",
            metrics=job_metrics,
            mlflow_run_id=run_id,
            error=error,
        )
        notify(
            Event(
                kind="training.failed",
                title=f"Training job {job_id} for {self.settings.model_name} failed",
                severity="critical",
                fields={
                    "job_id": str(job_id),
                    "model": self.settings.model_name,
                    "error": error,
                    "reason": request.reason or "none given",
                    "requested_by": request.requested_by or "unknown",
                    "mlflow_run": run_id or "none",
                },
                service="training",
            )
        )

    async def _stage(self, job_id: UUID, stage: str, progress: float) -> None:
        await training_jobs.set_progress(self.pool, job_id, stage=stage, progress=progress)

    def _progress_from_thread(self, job_id: UUID, stage: str, fraction: float) -> None:
        if self._cancel.is_set():
            raise JobCancelled(f"stopped before {stage}")
        if stage != "done":
            anyio.from_thread.run(functools.partial(self._stage, job_id, stage, fraction))

    async def _extract(self, job_id: UUID, request: TrainingJobRequest) -> pd.DataFrame:
        await self._stage(job_id, "extract", 0.02)
        columns = await features.read_labelled(
            self.pool,
            since=request.since,
            until=request.until,
            holdout_sources=self.settings.training_holdout_sources,
        )
        frame = pd.DataFrame(columns)
        frame["observed_at"] = pd.to_datetime(frame["observed_at"], utc=True)
        return frame

    async def _execute(self, job_id: UUID, request: TrainingJobRequest) -> None:
        frame = await self._extract(job_id, request)
        origin = await anyio.to_thread.run_sync(provenance, frame, request)
        train = functools.partial(
            run_training,
            frame,
            config=training_config(self.settings),
            model_name=self.settings.model_name,
            tracking_uri=self.settings.mlflow_tracking_uri,
            provenance=origin,
            progress=functools.partial(self._progress_from_thread, job_id),
        )
        outcome = await anyio.to_thread.run_sync(train, abandon_on_cancel=True)
        promoted, decision = await self._maybe_promote(job_id, outcome, request)
        gate = self.settings.gate_config()
        await training_jobs.finish_job(
            self.pool,
            job_id,
            status="succeeded",
            metrics=outcome_metrics(outcome, origin)
            | {
                "gate": {
                    "min_improvement": gate.min_improvement,
                    "accuracy_floor": gate.accuracy_floor,
                }
            },
            mlflow_run_id=outcome.run_id,
            model_version=outcome.version,
            promoted=promoted,
            decision=decision,
        )
        await self._log_page(job_id, outcome.run_id)

    async def _log_page(self, job_id: UUID, run_id: str) -> None:
        """Attach the finished job's page to its MLflow run; a failure costs only the page."""
        row = await training_jobs.get_job(self.pool, job_id)
        if row is None:
            return
        try:
            page = report_page.render(job_view(row))
            await anyio.to_thread.run_sync(tracking.log_report_page, run_id, page)
        except Exception:  # the job is done and stored; the page is a convenience copy
            logger.warning("report page not logged", extra={"job_id": str(job_id)}, exc_info=True)

    async def _maybe_promote(
        self, job_id: UUID, outcome: TrainingOutcome, request: TrainingJobRequest
    ) -> tuple[bool, str]:
        if not outcome.decision.promote:
            return False, f"registered, not promoted: {outcome.decision.reason}"
        await self._stage(job_id, "promote", 0.9)
        try:
            await promote_trained(
                pool=self.pool,
                settings=self.settings,
                http_client=self.http_client,
                version=outcome.version,
                compared_with=outcome.production_version,
                reason=outcome.decision.reason,
                actor=request.requested_by or "training job",
            )
        except PromotionRefused as exc:
            return False, exc.message
        return True, outcome.decision.reason
