"""Cross-service models for A/B and shadow experiments and for reported outcomes."""

from datetime import datetime
from typing import Any, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import JsonDict

from shared.contract import Text
from shared.schemas import Variant

ExperimentMode = Literal["ab", "shadow"]
Recommendation = Literal["promote", "keep", "not_enough_data"]
ComparedMetric = Literal["accuracy", "conversion"]


class StartExperimentRequest(BaseModel):
    """Start an experiment: a registered version becomes the `challenger`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"challenger_version": "4", "traffic": 0.2, "mode": "ab"},
                {"challenger_version": "4", "mode": "shadow"},
            ]
        },
    )

    challenger_version: str = Field(
        pattern=r"^[1-9][0-9]{0,8}$",
        description="Registry version to test; must exist and differ from production",
    )
    traffic: float | None = Field(
        default=None,
        strict=True,
        gt=0.0,
        lt=1.0,
        allow_inf_nan=False,
        description="Mode `ab` only: share of customers (0 < traffic < 1) the challenger answers",
    )
    mode: ExperimentMode = Field(
        default="ab",
        description="`ab` splits customers between the models; `shadow` has the challenger "
        "score every request after production has answered, and never answer",
    )
    reason: Text | None = Field(default=None, max_length=500, description="Why, for the record")

    @field_validator("challenger_version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # Registry versions are integers; accept 4 as well as "4".
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _traffic_fits_mode(self) -> Self:
        if self.mode == "ab" and self.traffic is None:
            raise ValueError("traffic is required in mode 'ab': the challenger's share (0 to 1)")
        if self.mode == "shadow" and self.traffic is not None:
            raise ValueError(
                "traffic does not apply to mode 'shadow': the challenger scores every request "
                "and answers none; omit it"
            )
        return self


EXPERIMENT_EXAMPLE: JsonDict = {
    "id": "5b1f9e2c-7a3d-4c1e-9f0a-2d8e6b4c3a10",
    "model_name": "comprou-produto",
    "production_version": "4",
    "challenger_version": "5",
    "traffic": 0.1,
    "mode": "ab",
    "started_at": "2026-11-20T09:00:00Z",
    "ended_at": None,
    "outcome": None,
    "active": True,
}
RESULTS_EXAMPLE: JsonDict = {
    "experiment": EXPERIMENT_EXAMPLE,
    "variants": [
        {
            "variant": "production",
            "model_version": "4",
            "predictions": 90_112,
            "share": 0.9,
            "outcomes": 4_980,
            "accuracy": 0.884,
            "conversion_rate": 0.212,
            "still_needed": 0,
        },
        {
            "variant": "challenger",
            "model_version": "5",
            "predictions": 10_004,
            "share": 0.1,
            "outcomes": 1_530,
            "accuracy": 0.912,
            "conversion_rate": 0.219,
            "still_needed": 0,
        },
    ],
    "primary_metric": "accuracy",
    "comparisons": [
        {
            "metric": "accuracy",
            "rate_production": 0.884,
            "rate_challenger": 0.912,
            "difference": 0.028,
            "ci_low": 0.012,
            "ci_high": 0.044,
            "confidence": 0.95,
            "z": 3.05,
            "p_value": 0.0023,
        }
    ],
    "sample_size": {
        "metric": "accuracy",
        "baseline_rate": 0.884,
        "minimum_detectable_effect": 0.02,
        "alpha": 0.05,
        "power": 0.8,
        "needed_per_variant": 1_470,
    },
    "recommendation": "promote",
    "summary": "challenger is more accurate (0.912 vs 0.884, p=0.0023): promote it",
    "shadow": None,
}


class ExperimentView(BaseModel):
    """An experiment as recorded."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXPERIMENT_EXAMPLE]})

    id: UUID
    model_name: str
    production_version: str = Field(description="Production version when it started")
    challenger_version: str
    traffic: float = Field(description="Share of customers the challenger answers (0 in shadow)")
    mode: ExperimentMode
    started_at: datetime
    ended_at: datetime | None = None
    outcome: str | None = Field(default=None, examples=["stopped", "promoted"])
    active: bool


class VariantResults(BaseModel):
    """What one variant served and how its answers turned out."""

    variant: Variant
    model_version: str
    predictions: int = Field(description="Answers served (shadow: scored) in the experiment")
    share: float | None = Field(description="Realised share of the experiment's answers")
    outcomes: int = Field(description="Outcomes received (shadow: on requests both scored)")
    accuracy: float | None = Field(description="Correct predictions among the outcomes")
    conversion_rate: float | None = Field(description="Purchases among the outcomes")
    still_needed: int = Field(description="More outcomes needed to detect the configured effect")


class Comparison(BaseModel):
    """Challenger minus production on one rate: interval and two-sided z-test."""

    metric: ComparedMetric
    rate_production: float | None
    rate_challenger: float | None
    difference: float | None = Field(description="Challenger rate minus production rate")
    ci_low: float | None
    ci_high: float | None
    confidence: float
    z: float | None
    p_value: float | None


class SampleSize(BaseModel):
    """Outcomes each variant needs to detect the minimum effect with the configured power."""

    metric: ComparedMetric
    baseline_rate: float = Field(description="Production's rate (0.5 until outcomes arrive)")
    minimum_detectable_effect: float
    alpha: float
    power: float
    needed_per_variant: int


class ShadowAgreement(BaseModel):
    """Both models on the same requests (shadow mode only)."""

    requests: int = Field(description="Answers served during the experiment")
    shadowed: int = Field(description="Of those, scored by the challenger too")
    agreement_rate: float | None = Field(description="Same decision from both models")
    paired_outcomes: int
    only_production_correct: int
    only_challenger_correct: int
    mcnemar_p_value: float | None = Field(
        description="Exact McNemar test on the requests where exactly one model was right"
    )


class ExperimentResults(BaseModel):
    """Per-variant results, the significance test and what to do next."""

    model_config = ConfigDict(json_schema_extra={"examples": [RESULTS_EXAMPLE]})

    experiment: ExperimentView
    variants: list[VariantResults]
    primary_metric: ComparedMetric
    comparisons: list[Comparison]
    sample_size: SampleSize
    recommendation: Recommendation
    summary: str = Field(description="The recommendation in one sentence")
    shadow: ShadowAgreement | None = None


class PromoteChallengerRequest(BaseModel):
    """Conclude the experiment by promoting the challenger to production."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "won the A/B test", "force": False}]},
    )

    reason: Text | None = Field(default=None, max_length=500)
    force: bool = Field(
        default=False,
        description="Promote even when the results do not recommend it",
    )


class ChallengerPromotion(BaseModel):
    """The production alias move that concluded the experiment (undo: rollback)."""

    action: Literal["promote"]
    version: str = Field(description="Now in production: the former challenger")
    previous_version: str | None = Field(description="Production before; rollback restores it")
    forced: bool
    reason: str
    inference_reloaded: bool = Field(description="Whether inference confirmed the reload")


class PromoteChallengerResponse(BaseModel):
    """The concluded experiment, its final results and the promotion that ended it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "experiment": EXPERIMENT_EXAMPLE
                    | {"active": False, "ended_at": "2026-11-30T10:00:00Z", "outcome": "promoted"},
                    "results": RESULTS_EXAMPLE,
                    "promotion": {
                        "action": "promote",
                        "version": "5",
                        "previous_version": "4",
                        "forced": False,
                        "reason": "won the A/B test",
                        "inference_reloaded": True,
                    },
                }
            ]
        }
    )

    experiment: ExperimentView
    results: ExperimentResults
    promotion: ChallengerPromotion


class FeedbackRequest(BaseModel):
    """The actual outcome for a prediction served earlier."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"prediction_id": "0b8f0a57-3f5e-4a53-9b58-1e0f6f1f3f7e", "comprou_produto": True}
            ]
        },
    )

    prediction_id: UUID = Field(description="`prediction_id` from the prediction response")
    comprou_produto: bool = Field(strict=True, description="Did the customer buy?")


class FeedbackReceipt(BaseModel):
    """The outcome is stored and the labelled row joins the training data."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prediction_id": "0b8f0a57-3f5e-4a53-9b58-1e0f6f1f3f7e",
                    "comprou_produto": True,
                    "received_at": "2025-01-01T12:00:00Z",
                }
            ]
        }
    )

    prediction_id: UUID
    comprou_produto: bool
    received_at: datetime
