"""Drift settings."""

from typing import Self

from pydantic import Field, model_validator

from shared.config import BaseServiceSettings


class DriftSettings(BaseServiceSettings):
    """Environment for the drift service (names are the env variables, upper-cased)."""

    training_url: str = "http://127.0.0.1:8002"
    drift_training_timeout_s: float = Field(default=10.0, gt=0)

    # Decision rule (see services/drift/detector.py): drift on a column when its KS (or
    # chi-square) p-value < alpha / number_of_columns AND its effect size > its threshold.
    drift_alpha: float = Field(default=0.05, gt=0, lt=1)
    drift_effect_threshold: float = Field(default=0.1, gt=0)
    drift_psi_threshold: float = Field(default=0.2, gt=0)
    drift_min_samples: int = Field(default=200, ge=2)
    drift_categorical_columns: list[str] = Field(default_factory=list)

    # Default window when a check names none: the newest N served predictions, optionally
    # only those of the last DRIFT_WINDOW_SINCE_S seconds. Every window is capped at
    # DRIFT_MAX_WINDOW_ROWS newest rows (no random sampling).
    drift_window_last_n: int = Field(default=10_000, ge=1)
    drift_window_since_s: float | None = Field(default=None, gt=0)
    drift_max_window_rows: int = Field(default=1_000_000, ge=1)

    # Live performance from feedback joined to the window's predictions.
    drift_accuracy_floor: float = Field(default=0.85, ge=0, le=1)
    drift_min_labelled: int = Field(default=200, ge=1)

    # Label-free estimate (confidence-based) over the window; below the accuracy floor it makes
    # the verdict "degraded" when DRIFT_ESTIMATE_TRIGGERS is on and too few labels say otherwise.
    drift_estimate_triggers: bool = True
    # A model whose holdout calibration error exceeds this gives an estimate that never triggers.
    drift_estimate_max_ece: float = Field(default=0.05, gt=0, le=1)
    # Retraining needs new labels: fewer labelled rows ingested since the production model's
    # data (or since a job the gate refused) than this records "awaiting_labels" instead.
    drift_min_new_labels: int = Field(default=200, ge=0)

    # Acting on a check: no new training request within the cooldown of the last one.
    drift_cooldown_s: float = Field(default=3600.0, ge=0)
    # Scheduled checks inside the service; 0 turns them off (CronJob/Airflow call the API).
    drift_check_interval_s: float = Field(default=0.0, ge=0)
    drift_reference_cache_size: int = Field(default=4, ge=1)

    # Retention (services/drift/retention.py): days kept, rows per DELETE, pause between them.
    retention_predictions_days: int = Field(default=90, ge=1)
    retention_feedback_days: int = Field(default=180, ge=1)
    retention_batch_rows: int = Field(default=5_000, ge=1, le=100_000)
    retention_pause_s: float = Field(default=0.05, ge=0, le=10)
    # Scheduled runs inside the service; 0 turns them off (a CronJob runs them instead).
    retention_interval_s: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _window_fits_cap(self) -> Self:
        if self.drift_window_last_n > self.drift_max_window_rows:
            raise ValueError("DRIFT_WINDOW_LAST_N cannot exceed DRIFT_MAX_WINDOW_ROWS")
        return self
