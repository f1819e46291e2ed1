"""Training settings."""

from typing import Literal

from pydantic import Field

from services.training.modeling.gate import GateConfig
from shared.config import BaseServiceSettings

PrimaryMetric = Literal["roc_auc", "accuracy", "f1", "log_loss"]
ExperimentMetric = Literal["accuracy", "conversion"]


class TrainingSettings(BaseServiceSettings):
    """Environment for the training service (names are the env variables, upper-cased)."""

    inference_url: str = "http://127.0.0.1:8001"
    inference_reload_timeout_s: float = Field(default=5.0, gt=0)
    training_seed: int = 42
    training_primary_metric: PrimaryMetric = "roc_auc"
    training_folds: int = Field(default=5, ge=2, le=20)
    training_cv_max_rows: int = Field(default=200_000, ge=1_000)
    training_min_rows: int = Field(default=200, ge=20)
    training_min_improvement: float = Field(default=0.0, ge=0)
    training_accuracy_floor: float = Field(default=0.85, ge=0, le=1)
    # Labelled rows (most recent first) a manual promotion scores both models on.
    training_promotion_eval_rows: int = Field(default=20_000, ge=100)
    # Sources (`features.source`) whose rows may judge a model: the gate's holdout and the
    # manual-promotion evaluation. Empty = every source; e.g. ["json", "csv"] keeps outcomes
    # reported through the API (sources "feedback", "feedback-admin") out of the judging.
    training_holdout_sources: list[str] = Field(default_factory=list)
    training_retrain_accuracy_threshold: float = Field(default=0.85, ge=0, le=1)
    training_retrain_window_days: float = Field(default=7.0, gt=0)
    training_max_csv_bytes: int = Field(default=200_000_000, ge=1_024)
    training_max_json_rows: int = Field(default=10_000, ge=1)
    # Accepted rows buffered before each COPY inside the ingest transaction.
    training_ingest_batch_rows: int = Field(default=20_000, ge=100)
    # A/B and shadow experiments: what the results test, and the effect they must be able to see.
    experiment_metric: ExperimentMetric = "accuracy"
    experiment_minimum_detectable_effect: float = Field(default=0.02, gt=0, lt=0.5)
    experiment_alpha: float = Field(default=0.05, gt=0, lt=1)
    experiment_power: float = Field(default=0.8, gt=0, lt=1)

    def gate_config(self) -> GateConfig:
        """The promotion rules these settings describe."""
        return GateConfig(
            primary_metric=self.training_primary_metric,
            min_improvement=self.training_min_improvement,
            accuracy_floor=self.training_accuracy_floor,
        )
