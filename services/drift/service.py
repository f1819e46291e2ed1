"""A drift check: window → per-column tests → live performance → verdict → action → report.

Verdict: "degraded" when live accuracy is below its floor (measured harm outranks a change in
inputs; the per-column flags still show any drift), else "drift" when any column (an input
feature or the predicted probability) drifts, else "insufficient_data" when a column had too
few rows or there is no reference, else "no_drift".

Action: a "drift" or "degraded" verdict asks training for a new model unless the request says
`trigger: false`, or a report of this model recorded "training_requested" less than
DRIFT_COOLDOWN_S ago ("cooldown"). Training answers "started" (training_requested), "a job is
queued or running" (training_busy) or nothing usable (training_unavailable). Deciding and
recording happen under a per-model database lock, so replicas never both trigger.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import asyncpg
import numpy as np

from services.drift import metrics, notifications
from services.drift.config import DriftSettings
from services.drift.detector import ColumnDrift, DriftDetector, DriftResult
from services.drift.estimate import estimate_performance
from services.drift.labels import label_supply, withheld_reason
from services.drift.performance import PerformanceThresholds, live_performance
from services.drift.reference import PREDICTION_COLUMN, ProductionReference, ReferenceSource
from services.drift.retraining import TrainingClient
from shared.repositories import drift_reports, monitoring
from shared.repositories.monitoring import LabelledWindow
from shared.schemas_drift import (
    Action,
    ColumnStatistics,
    DriftCheckRequest,
    DriftReport,
    DriftReportList,
    LivePerformance,
    ReportWindow,
    Verdict,
    WindowRequest,
)

logger = logging.getLogger(__name__)

ACTIONABLE: frozenset[Verdict] = frozenset({"drift", "degraded"})


@dataclass(frozen=True)
class CheckPolicy:
    """Window defaults, performance thresholds and cooldown of the checks."""

    window_last_n: int = 10_000
    window_since_s: float | None = None
    max_window_rows: int = 1_000_000
    performance: PerformanceThresholds = PerformanceThresholds()
    cooldown_s: float = 3600.0
    estimate_triggers: bool = True
    estimate_max_ece: float = 0.05
    min_new_labels: int = 200

    @classmethod
    def from_settings(cls, settings: DriftSettings) -> "CheckPolicy":
        """The policy the environment configures."""
        return cls(
            window_last_n=settings.drift_window_last_n,
            window_since_s=settings.drift_window_since_s,
            max_window_rows=settings.drift_max_window_rows,
            performance=PerformanceThresholds(
                accuracy_floor=settings.drift_accuracy_floor,
                min_labelled=settings.drift_min_labelled,
            ),
            cooldown_s=settings.drift_cooldown_s,
            estimate_triggers=settings.drift_estimate_triggers,
            estimate_max_ece=settings.drift_estimate_max_ece,
            min_new_labels=settings.drift_min_new_labels,
        )


@dataclass
class DriftMonitor:
    """What a check needs, built once in the lifespan."""

    pool: asyncpg.Pool
    references: ReferenceSource
    training: TrainingClient
    model_name: str
    policy: CheckPolicy = CheckPolicy()
    # One check at a time per process: a window can hold a million rows in memory.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(frozen=True)
class Findings:
    """What a check measured, before any action."""

    model_name: str
    model_version: str | None
    window: ReportWindow
    reference_size: int
    current_size: int
    features: dict[str, ColumnStatistics]
    prediction: ColumnStatistics | None
    performance: LivePerformance
    verdict: Verdict
    drifted_columns: list[str]
    problem: str | None = None
    data_extracted_at: datetime | None = None


async def run_check(*, monitor: DriftMonitor, request: DriftCheckRequest) -> DriftReport:
    """Run one check, act on it (unless `request.trigger` is false) and store its report."""
    async with monitor.lock:
        now = datetime.now(UTC)
        reference = await monitor.references.production()
        window = resolve_window(request.window, policy=monitor.policy, now=now)
        findings = await measure(monitor=monitor, reference=reference, window=window, now=now)
        report = await act_and_record(monitor=monitor, findings=findings, trigger=request.trigger)
    metrics.observe(report)
    notifications.announce(report)
    logger.info(
        "drift check",
        extra={"verdict": report.verdict, "action": report.action, "report_id": report.id},
    )
    return report


async def list_reports(*, monitor: DriftMonitor, limit: int) -> DriftReportList:
    """The newest reports of the monitored model."""
    stored = await drift_reports.recent_reports(
        monitor.pool, model_name=monitor.model_name, limit=limit
    )
    return DriftReportList(reports=[to_schema(row) for row in stored])


def resolve_window(
    requested: WindowRequest | None, *, policy: CheckPolicy, now: datetime
) -> ReportWindow:
    """The window to read: the request's, or the configured default; capped in rows."""
    if requested is None:
        last_n = policy.window_last_n
        since = now - timedelta(seconds=policy.window_since_s) if policy.window_since_s else None
    else:
        last_n = requested.last_n or policy.max_window_rows
        since = requested.since
    return ReportWindow(last_n=min(last_n, policy.max_window_rows), since=since)


async def measure(
    *,
    monitor: DriftMonitor,
    reference: ProductionReference | None,
    window: ReportWindow,
    now: datetime,
) -> Findings:
    """Read the window, test it against the reference and score the outcomes it has."""
    thresholds = monitor.policy.performance
    if reference is None:
        return _without_model(model_name=monitor.model_name, window=window, thresholds=thresholds)
    spec = monitoring.WindowSpec(
        model_name=reference.model_name,
        model_version=reference.version,
        until=now,
        last_n=window.last_n or monitor.policy.max_window_rows,
        since=window.since,
    )
    current, labelled = await asyncio.gather(
        monitoring.read_window(monitor.pool, spec), monitoring.read_labelled(monitor.pool, spec)
    )
    result: DriftResult | None = None
    histograms: dict[str, dict[str, list[float]]] = {}
    if reference.detector is not None:
        result, histograms = await anyio.to_thread.run_sync(
            _test_columns, reference.detector, current.columns()
        )
    performance = live_performance(labelled, thresholds=thresholds).model_copy(
        update={
            "estimate": estimate_performance(
                current.probability,
                accuracy_floor=thresholds.accuracy_floor,
                min_rows=thresholds.min_labelled,
                triggers=monitor.policy.estimate_triggers,
                model_ece=reference.holdout_ece,
                max_ece=monitor.policy.estimate_max_ece,
            )
        }
    )
    features, prediction = split_columns(result, reference.detector, histograms)
    return Findings(
        model_name=reference.model_name,
        model_version=reference.version,
        window=window.model_copy(update={"start": current.start, "end": current.end}),
        reference_size=reference.size,
        current_size=current.size,
        features=features,
        prediction=prediction,
        performance=performance,
        verdict=decide_verdict(result, performance),
        drifted_columns=list(result.drifted_columns) if result else [],
        problem=reference.problem,
        data_extracted_at=reference.data_extracted_at,
    )


def _test_columns(
    detector: DriftDetector, columns: dict[str, np.ndarray]
) -> tuple[DriftResult, dict[str, dict[str, list[float]]]]:
    return detector.check(columns), detector.histograms(columns)


def _without_model(
    *, model_name: str, window: ReportWindow, thresholds: PerformanceThresholds
) -> Findings:
    nothing = LabelledWindow(np.empty(0), np.empty(0, dtype=bool), np.empty(0, dtype=bool))
    return Findings(
        model_name=model_name,
        model_version=None,
        window=window,
        reference_size=0,
        current_size=0,
        features={},
        prediction=None,
        performance=live_performance(nothing, thresholds=thresholds),
        verdict="insufficient_data",
        drifted_columns=[],
        problem="no model version is in production",
    )


def decide_verdict(result: DriftResult | None, performance: LivePerformance) -> Verdict:
    """Degraded outranks drift; no reference means the inputs could not be judged.

    An estimate below the floor counts as degraded when it may trigger and the labels in the
    window are too few to say otherwise (measured accuracy beats an estimate).
    """
    estimate = performance.estimate
    estimated_low = (
        estimate is not None
        and estimate.triggers
        and estimate.status == "degraded"
        and performance.status == "insufficient_data"
    )
    if performance.status == "degraded" or estimated_low:
        return "degraded"
    if result is None:
        return "insufficient_data"
    return result.verdict


def split_columns(
    result: DriftResult | None,
    detector: DriftDetector | None,
    histograms: dict[str, dict[str, list[float]]] | None = None,
) -> tuple[dict[str, ColumnStatistics], ColumnStatistics | None]:
    """Per-feature statistics and the prediction column's, with the effect threshold named."""
    if result is None or detector is None:
        return {}, None
    drawn = histograms or {}
    stats = {
        column.name: _column_statistics(column, detector, drawn.get(column.name))
        for column in result.columns
    }
    prediction = stats.pop(PREDICTION_COLUMN, None)
    return stats, prediction


def _column_statistics(
    column: ColumnDrift, detector: DriftDetector, histogram: dict[str, list[float]] | None
) -> ColumnStatistics:
    threshold = (
        detector.thresholds.effect_threshold
        if column.kind == "numeric"
        else detector.thresholds.psi_threshold
    )
    return ColumnStatistics.model_validate(
        column.to_dict() | {"effect_threshold": threshold, "histogram": histogram}
    )


async def act_and_record(
    *, monitor: DriftMonitor, findings: Findings, trigger: bool
) -> DriftReport:
    """Decide the action (asking training when due) and store the report, under the model lock."""
    details: dict[str, Any] = {
        "trigger": trigger,
        "drifted_columns": findings.drifted_columns,
        "window": findings.window.model_dump(mode="json", include={"last_n", "since"}),
    }
    if findings.problem:
        details["reference_problem"] = findings.problem
    if not (trigger and findings.verdict in ACTIONABLE):
        action: Action = "no_reference" if findings.problem else "none"
        async with monitor.pool.acquire() as conn:
            stored = await drift_reports.insert_report(conn, _record(findings, action, details))
        return to_schema(stored)
    async with drift_reports.model_lock(monitor.pool, model_name=monitor.model_name) as conn:
        age = await drift_reports.last_report_age_s(
            conn, model_name=monitor.model_name, action="training_requested"
        )
        if age is not None and age < monitor.policy.cooldown_s:
            action = "cooldown"
            details["cooldown_remaining_s"] = round(monitor.policy.cooldown_s - age, 3)
        else:
            action = await _ask_for_training(monitor, findings, details)
        stored = await drift_reports.insert_report(conn, _record(findings, action, details))
    return to_schema(stored)


async def _ask_for_training(
    monitor: DriftMonitor, findings: Findings, details: dict[str, Any]
) -> Action:
    """Ask training for a model when new labels can change it; else say what is awaited."""
    supply = await label_supply(
        monitor.pool,
        production_snapshot=findings.data_extracted_at,
        min_new_labels=monitor.policy.min_new_labels,
    )
    details["labels"] = supply.model_dump(mode="json")
    if not supply.enough:
        details["withheld"] = withheld_reason(supply)
        details["reason"] = training_reason(findings)
        return "awaiting_labels"
    details["reason"] = training_reason(findings)
    answer = await monitor.training.request_job(reason=details["reason"])
    details["training"] = answer.to_dict()
    return answer.action


def training_reason(findings: Findings) -> str:
    """Why a new model is asked for, in words a person reading the job list understands."""
    parts = []
    for column in [*findings.features.values(), findings.prediction]:
        if column is not None and column.drifted:
            # A constant reference column makes any move an infinite effect, stored as None.
            effect = "inf" if column.effect_size is None else f"{column.effect_size:.3g}"
            parts.append(
                f"drift on {column.name} ({column.test} p={column.p_value:.3g}, "
                f"{column.effect_metric} {effect} > {column.effect_threshold:g})"
            )
    performance, estimate = findings.performance, findings.performance.estimate
    if performance.status == "degraded" and performance.accuracy is not None:
        parts.append(
            f"live accuracy {performance.accuracy:.3f} < {performance.accuracy_floor:g} "
            f"on {performance.labelled} labelled predictions"
        )
    elif estimate is not None and estimate.status == "degraded" and estimate.accuracy is not None:
        parts.append(
            f"estimated accuracy {estimate.accuracy:.3f} < {estimate.accuracy_floor:g} "
            f"over {estimate.rows} predictions (no labels yet)"
        )
    subject = f"drift check of {findings.model_name} version {findings.model_version}"
    return f"{subject}: {'; '.join(parts)}"


def _record(
    findings: Findings, action: Action, details: dict[str, Any]
) -> drift_reports.NewDriftReport:
    return drift_reports.NewDriftReport(
        model_name=findings.model_name,
        model_version=findings.model_version,
        window_start=findings.window.start,
        window_end=findings.window.end,
        reference_size=findings.reference_size,
        current_size=findings.current_size,
        verdict=findings.verdict,
        features={name: s.model_dump(mode="json") for name, s in findings.features.items()},
        prediction=findings.prediction.model_dump(mode="json") if findings.prediction else {},
        performance=findings.performance.model_dump(mode="json"),
        action=action,
        details=details,
    )


def to_schema(stored: drift_reports.StoredDriftReport) -> DriftReport:
    """A stored report as the API shows it."""
    report = stored.report
    window = report.details.get("window") or {}
    return DriftReport.model_validate(
        {
            "id": stored.id,
            "created_at": stored.created_at,
            "model_name": report.model_name,
            "model_version": report.model_version,
            "window": {**window, "start": report.window_start, "end": report.window_end},
            "reference_size": report.reference_size,
            "current_size": report.current_size,
            "verdict": report.verdict,
            "features": report.features,
            "prediction": report.prediction or None,
            "performance": report.performance,
            "action": report.action,
            "details": report.details,
            "labels": report.details.get("labels"),
        }
    )
