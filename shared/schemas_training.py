"""Training request and response models, shared by the training service and the gateway."""

from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal, Self
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from shared.contract import Idade, JsonObject, RendaAnual, Text, parse_label

MAX_JSON_ROWS: Final = 10_000
MAX_LISTED_REJECTIONS: Final = 1_000
Label = Annotated[
    bool,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "integer", "enum": [0, 1]},
                {"type": "string", "examples": ["sim", "não", "yes", "no", "true", "false"]},
            ],
            "description": "Whether the customer bought: 0/1, true/false, yes/no or sim/não",
        }
    ),
]


def as_utc(moment: datetime) -> datetime:
    """Read a naive timestamp as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class FeatureRow(BaseModel):
    """One labelled customer, checked against the feature contract."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "idade": 35,
                    "renda_anual": 85000.0,
                    "comprou_produto": True,
                    "observed_at": "2024-05-01T12:00:00Z",
                }
            ]
        },
    )

    idade: Idade
    renda_anual: RendaAnual
    comprou_produto: Label
    observed_at: datetime | None = Field(
        default=None, description="When the outcome was observed (UTC if no offset); default now"
    )

    @field_validator("comprou_produto", mode="before")
    @classmethod
    def _label(cls, value: object) -> bool:
        return parse_label(value)

    @field_validator("observed_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value) if value else value


class IngestRowsRequest(BaseModel):
    """Labelled rows sent as JSON; each row is checked on its own."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rows": [
                        {"idade": 35, "renda_anual": 85000.0, "comprou_produto": 1},
                        {"idade": 150, "renda_anual": 31000.0, "comprou_produto": "não"},
                    ]
                }
            ]
        },
    )

    # Rows stay untyped here so one bad row is reported, not a 422 for the whole body.
    rows: Annotated[
        list[JsonObject],
        WithJsonSchema(
            {
                "type": "array",
                "items": FeatureRow.model_json_schema(),
                "minItems": 1,
                "maxItems": MAX_JSON_ROWS,
            }
        ),
    ] = Field(min_length=1, max_length=MAX_JSON_ROWS, description=f"1 to {MAX_JSON_ROWS} rows")


class Rejection(BaseModel):
    line: int = Field(
        description="CSV: the line in the file (the header is line 1); JSON: the row's "
        "1-based position in `rows`"
    )
    reason: str


class IngestReport(BaseModel):
    """What an ingest did: rows accepted (written in one transaction) and rows rejected."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "source": "csv",
                    "received": 3,
                    "accepted": 2,
                    "rejected": 1,
                    "rejections": [{"line": 3, "reason": "idade 150 is outside 18..100"}],
                    "rejections_truncated": False,
                }
            ]
        }
    )

    source: Literal["csv", "json"]
    received: int = Field(description="Data rows read (blank lines are not counted)")
    accepted: int
    rejected: int
    rejections: list[Rejection] = Field(
        description=f"Why each row was rejected (the first {MAX_LISTED_REJECTIONS})"
    )
    rejections_truncated: bool = False


class NewTrainingJob(BaseModel):
    """A request to train: optional reason and time window of the labelled rows to use."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "monthly retrain"}]},
    )

    reason: Text | None = Field(default=None, max_length=500, description="Why train now")
    since: datetime | None = Field(default=None, description="Use rows observed at or after this")
    until: datetime | None = Field(default=None, description="Use rows observed before this")

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.since and self.until and as_utc(self.since) >= as_utc(self.until):
            raise ValueError("since must be before until")
        return self


class TrainingJobRequest(NewTrainingJob):
    """A job as the runner takes it: who asked comes from the caller's service credential."""

    requested_by: Text | None = Field(default=None, max_length=128)


class TrainingJobAccepted(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"job_id": "6f1c1c1e-8c1a-4a4e-9f57-3f0a3c1d2b11", "status": "queued"}]
        }
    )

    job_id: UUID
    status: Literal["queued"] = "queued"


Stage = Literal["queued", "extract", "validate", "train", "evaluate", "register", "promote", "done"]


class TrainingJob(BaseModel):
    """A training job: where it is, and once done, what it produced and whether it promoted."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "job_id": "6f1c1c1e-8c1a-4a4e-9f57-3f0a3c1d2b11",
                    "status": "succeeded",
                    "stage": "done",
                    "progress": 1.0,
                    "reason": "monthly retrain",
                    "requested_by": "admin",
                    "created_at": "2024-05-01T12:00:00Z",
                    "started_at": "2024-05-01T12:00:00Z",
                    "finished_at": "2024-05-01T12:00:41Z",
                    "mlflow_run_id": "0f3b8c0d2c2c4e5f9a1d7c6b5a4e3d2c",
                    "model_version": "4",
                    "metrics": {"holdout": {"roc_auc": 0.93, "accuracy": 0.885}},
                    "promoted": True,
                    "decision": "roc_auc 0.9300 beats production 0.9281 (margin 0.0000)",
                    "error": None,
                    "params": {"since": None, "until": None},
                }
            ]
        }
    )

    job_id: UUID
    status: Literal["queued", "running", "succeeded", "failed"]
    stage: Stage | None = Field(description="A failed job keeps the stage it failed in")
    progress: float = Field(ge=0, le=1)
    reason: str | None
    requested_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    mlflow_run_id: str | None
    model_version: str | None
    metrics: dict[str, Any]
    promoted: bool
    decision: str | None = Field(description="Why the version was or was not promoted")
    error: str | None = Field(description="Why the job failed")
    params: dict[str, Any] = Field(default_factory=dict)


class TrainingJobList(BaseModel):
    jobs: list[TrainingJob]


class PromoteRequest(BaseModel):
    """Promote a registered version: through the gate, or past it with `force`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"force": False, "reason": "A/B test won"}]},
    )

    force: bool = Field(
        default=False, description="Skip the gate; recorded in the audit trail with the reason"
    )
    reason: Text | None = Field(default=None, max_length=500)


class RollbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "complaints about v4"}]}
    )

    reason: Text | None = Field(default=None, max_length=500)


class PromotionResponse(BaseModel):
    """The production alias moved: to which version, from which, and why."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "action": "promote",
                    "version": "4",
                    "previous_version": "3",
                    "forced": False,
                    "reason": "roc_auc 0.9300 beats production 0.9281 (margin 0.0000)",
                    "inference_reloaded": True,
                }
            ]
        }
    )

    action: Literal["promote", "rollback"]
    version: str
    previous_version: str | None
    forced: bool
    reason: str
    inference_reloaded: bool = Field(
        description="Inference confirmed the reload; if not, its polling picks the change up"
    )


class ShouldRetrainRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"since": "2026-11-23T00:00:00Z", "min_rows": 200}]},
    )

    since: datetime | None = Field(
        default=None, description="Score rows observed since then (default: the last 7 days)"
    )
    min_rows: int = Field(default=200, ge=1, le=10_000_000)


class ShouldRetrainResponse(BaseModel):
    """How production does on recently labelled rows, and whether that calls for a retrain."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "production_version": "4",
                    "since": "2026-11-23T00:00:00Z",
                    "rows": 1_840,
                    "accuracy": 0.861,
                    "roc_auc": 0.902,
                    "threshold": 0.85,
                    "below_threshold": False,
                    "verdict": "ok",
                }
            ]
        }
    )

    production_version: str | None
    since: datetime
    rows: int
    accuracy: float | None
    roc_auc: float | None
    threshold: float
    below_threshold: bool
    verdict: Literal["retrain", "ok", "insufficient_data"]
