"""Drift check requests and reports, shared by the drift service and the gateway (pydantic only)."""

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Verdict = Literal["drift", "no_drift", "insufficient_data", "degraded"]
Action = Literal[
    "none",
    "training_requested",
    "cooldown",
    "training_busy",
    "training_unavailable",
    "no_reference",
    "awaiting_labels",
]
PerformanceStatus = Literal["ok", "degraded", "insufficient_data"]


class WindowRequest(BaseModel):
    """The predictions to test: the newest `last_n`, those since `since`, or the newest
    `last_n` of those since `since`."""

    model_config = ConfigDict(extra="forbid")

    last_n: int | None = Field(
        default=None, ge=1, description="Newest served predictions to test", examples=[10_000]
    )
    since: AwareDatetime | None = Field(
        default=None,
        description="Only predictions served at or after this time (with a UTC offset)",
        examples=["2024-05-01T00:00:00Z"],
    )

    @model_validator(mode="after")
    def _one_bound(self) -> Self:
        if self.last_n is None and self.since is None:
            raise ValueError("give last_n, since, or both")
        return self


class DriftCheckRequest(BaseModel):
    """Run a drift check now; every field is optional."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"window": {"last_n": 10_000}, "trigger": True},
                {"window": {"since": "2024-05-01T00:00:00Z"}, "trigger": False},
            ]
        },
    )

    window: WindowRequest | None = Field(
        default=None, description="Which predictions to test; the service default when omitted"
    )
    trigger: bool = Field(
        default=True,
        description="Ask training for a new model when the verdict is drift or degraded "
        "(false: report only)",
    )


class ReportWindow(BaseModel):
    """The window a check tested: as requested, and the times of its oldest and newest rows."""

    last_n: int | None = None
    since: datetime | None = None
    start: datetime | None = Field(default=None, description="Oldest prediction in the window")
    end: datetime | None = Field(default=None, description="Newest prediction in the window")


class Histogram(BaseModel):
    """Reference and current shares over the same bins, for drawing the two distributions."""

    edges: list[float] = Field(description="Bin edges, one more than the shares")
    reference: list[float] = Field(description="Share of reference rows per bin")
    current: list[float] = Field(description="Share of window rows per bin")


class ColumnStatistics(BaseModel):
    """One column's test: statistic, p-value against its corrected threshold, effect size."""

    name: str
    kind: Literal["numeric", "categorical"]
    test: Literal["ks", "chi2"]
    statistic: float | None
    p_value: float | None
    p_threshold: float = Field(description="alpha divided by the number of tested columns")
    effect_metric: Literal["normalised_wasserstein", "psi"]
    effect_size: float | None
    effect_threshold: float
    psi: float | None
    reference_size: int
    current_size: int
    reference_dropped: int = 0
    current_dropped: int = 0
    drifted: bool
    verdict: Literal["drift", "no_drift", "insufficient_data"]
    histogram: Histogram | None = Field(
        default=None, description="Both distributions binned alike (numeric columns)"
    )


class EstimatedPerformance(BaseModel):
    """Accuracy and ROC AUC expected from the model's own probabilities, before any label.

    Confidence-based: valid while the model is calibrated and P(outcome | inputs) holds
    (covariate shift); a change in the relationship itself shows only in live performance.
    """

    method: Literal["confidence_based"] = "confidence_based"
    rows: int = Field(description="Predictions in the window the estimate is taken over")
    accuracy: float | None = None
    roc_auc: float | None = None
    status: PerformanceStatus
    accuracy_floor: float
    triggers: bool = Field(
        default=False, description="Whether an estimate below the floor makes the verdict degraded"
    )
    model_ece: float | None = Field(
        default=None,
        description="Expected calibration error of the production version on its training "
        "holdout; above the service's limit the estimate is shown but never triggers",
    )


class LivePerformance(BaseModel):
    """Accuracy and ROC AUC of the production model on the window's predictions with feedback."""

    labelled: int = Field(description="Predictions in the window that received feedback")
    accuracy: float | None = None
    roc_auc: float | None = Field(default=None, description="None when one class is missing")
    status: PerformanceStatus
    accuracy_floor: float
    min_labelled: int
    estimate: EstimatedPerformance | None = Field(
        default=None, description="The label-free estimate over the whole window"
    )


class LabelSupply(BaseModel):
    """Labelled rows that arrived after the data the production model (or the last model the
    gate refused) learnt from: retraining on fewer cannot give a different model."""

    new_labels: int = Field(description="Labelled rows ingested after the snapshot")
    min_new_labels: int
    since: datetime | None = Field(description="The snapshot time; None when unknown")
    snapshot: Literal["production", "refused_job", "none"]
    refused_job_id: str | None = None
    refused_decision: str | None = None
    enough: bool


class DriftReport(BaseModel):
    """The outcome of one drift check, as stored in `drift_reports`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "created_at": "2024-05-02T08:00:00Z",
                    "model_name": "comprou-produto",
                    "model_version": "3",
                    "window": {
                        "last_n": 10_000,
                        "since": None,
                        "start": "2024-05-01T22:14:03Z",
                        "end": "2024-05-02T07:59:58Z",
                    },
                    "reference_size": 5_000,
                    "current_size": 10_000,
                    "verdict": "drift",
                    "features": {
                        "renda_anual": {
                            "name": "renda_anual",
                            "kind": "numeric",
                            "test": "ks",
                            "statistic": 0.31,
                            "p_value": 1.2e-80,
                            "p_threshold": 0.0167,
                            "effect_metric": "normalised_wasserstein",
                            "effect_size": 0.52,
                            "effect_threshold": 0.1,
                            "psi": 0.61,
                            "reference_size": 5_000,
                            "current_size": 10_000,
                            "drifted": True,
                            "verdict": "drift",
                        }
                    },
                    "prediction": None,
                    "performance": {
                        "labelled": 0,
                        "accuracy": None,
                        "roc_auc": None,
                        "status": "insufficient_data",
                        "accuracy_floor": 0.85,
                        "min_labelled": 200,
                    },
                    "action": "training_requested",
                    "details": {"reason": "drift on renda_anual", "training": {"job_id": "…"}},
                }
            ]
        }
    )

    id: int
    created_at: datetime
    model_name: str
    model_version: str | None = Field(description="Production version checked; None if none")
    window: ReportWindow
    reference_size: int
    current_size: int
    verdict: Verdict
    features: dict[str, ColumnStatistics] = Field(description="Per input feature")
    prediction: ColumnStatistics | None = Field(
        description="The predicted-probability column, tested like a feature"
    )
    performance: LivePerformance
    action: Action
    details: dict[str, Any] = Field(
        default_factory=dict, description="Reason, thresholds and the training answer"
    )
    labels: LabelSupply | None = Field(
        default=None,
        description="New labelled rows since the production model's data; checked before "
        "asking for training (`awaiting_labels` when too few)",
    )


class DriftReportList(BaseModel):
    """Recent drift reports, newest first."""

    reports: list[DriftReport]
