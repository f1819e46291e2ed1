"""One training run: validate → cross-validate candidates → holdout-compare with production →
track in MLflow → register. Moving `production` is not its job: the caller hands the outcome
to the promotion service.

Blocking by design (sklearn and MLflow are synchronous): callers run it in a worker thread.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from services.training.modeling import candidates, tracking
from services.training.modeling.calibration import calibration_report
from services.training.modeling.comparison import PairedComparison, compare_on_holdout
from services.training.modeling.fairness import fairness_report
from services.training.modeling.gate import GateConfig, GateDecision, decide
from services.training.modeling.quality import QualityThresholds, prepare
from shared import registry
from shared.contract import FEATURES, LABEL
from shared.repositories.features import HOLDOUT_ELIGIBLE

logger = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


class DataQualityFailed(Exception):
    """The training data did not pass the quality thresholds."""

    def __init__(
        self, failures: list[str], report: dict[str, Any], *, run_id: str | None = None
    ) -> None:
        super().__init__("; ".join(failures))
        self.failures = failures
        self.report = report
        self.run_id = run_id


# The smallest holdout a model may be judged on when its rows are restricted by source.
MIN_HOLDOUT_ROWS = 50


@dataclass(frozen=True)
class TrainingConfig:
    """Knobs of a training run (all logged as MLflow params)."""

    folds: int = 5
    seed: int = 42
    holdout_fraction: float = 0.2
    cv_max_rows: int = 200_000
    reference_size: int = 5_000
    gate: GateConfig = field(default_factory=GateConfig)
    quality: QualityThresholds = field(default_factory=QualityThresholds)

    @property
    def primary_metric(self) -> str:
        """Candidates are ranked by the metric the promotion gate judges them on."""
        return self.gate.primary_metric


@dataclass
class TrainingOutcome:
    run_id: str
    version: str
    model_family: str
    metrics: dict[str, float]
    production_version: str | None
    production_metrics: dict[str, float] | None
    decision: GateDecision
    cv: list[dict[str, Any]]
    comparison: PairedComparison | None = None
    calibration: dict[str, Any] = field(default_factory=dict)
    fairness: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HoldoutEvaluation:
    """Candidate and production on the same holdout rows, and what the gate made of it."""

    metrics: dict[str, float]
    current: registry.VersionInfo | None
    current_metrics: dict[str, float] | None
    comparison: PairedComparison | None
    calibration: dict[str, Any]
    fairness: dict[str, Any]
    decision: GateDecision


def split_for_holdout(
    clean: pd.DataFrame, *, config: TrainingConfig
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """Train/holdout split where only rows eligible to judge models enter the holdout.

    Rows from sources kept out of judging (`TRAINING_HOLDOUT_SOURCES`) all go to training; the
    holdout keeps its usual size, taken from the eligible rows (at most half of them).
    """
    X, y = candidates.features_and_target(clean)
    if HOLDOUT_ELIGIBLE not in clean.columns or clean[HOLDOUT_ELIGIBLE].all():
        return candidates.holdout_split(X, y, test_size=config.holdout_fraction, seed=config.seed)
    eligible = clean[HOLDOUT_ELIGIBLE].to_numpy(dtype=bool)
    size = min(round(config.holdout_fraction * len(X)), int(eligible.sum()) // 2)
    if size < MIN_HOLDOUT_ROWS or len(np.unique(y[eligible])) < 2:
        raise ValueError(
            f"only {int(eligible.sum())} labelled rows come from the sources allowed to judge "
            f"models (TRAINING_HOLDOUT_SOURCES); at least {2 * MIN_HOLDOUT_ROWS} with both "
            "outcomes are needed"
        )
    X_in, X_test, y_in, y_test = candidates.holdout_split(
        X[eligible].reset_index(drop=True), y[eligible], test_size=size, seed=config.seed
    )
    X_train = pd.concat([X_in, X[~eligible]], ignore_index=True)
    return X_train, X_test, np.concatenate([y_in, y[~eligible]]), y_test


def evaluate_on_holdout(
    model: Pipeline,
    X_test: pd.DataFrame,
    y_test: np.ndarray,
    *,
    config: TrainingConfig,
    model_name: str,
    tracking_uri: str,
) -> HoldoutEvaluation:
    """Score the candidate and production on the same rows; interval, calibration, gate."""
    probability = candidates.predict_probability(model, X_test)
    metrics = candidates.score_probability(y_test, probability)
    current = registry.production_version(tracking_uri, name=model_name)
    current_metrics, comparison = None, None
    if current is not None:
        served = registry.load_sklearn(name=model_name, version=current.version)
        served_probability = candidates.predict_probability(served, X_test)
        current_metrics = candidates.score_probability(y_test, served_probability)
        comparison = compare_on_holdout(
            actual=y_test,
            candidate=probability,
            production=served_probability,
            metric=config.primary_metric,
            confidence=config.gate.confidence,
            resamples=config.gate.bootstrap_resamples,
            seed=config.seed,
        )
    decision = decide(
        candidate=metrics, production=current_metrics, config=config.gate, comparison=comparison
    )
    return HoldoutEvaluation(
        metrics=metrics,
        current=current,
        current_metrics=current_metrics,
        comparison=comparison,
        calibration=calibration_report(y_test, probability),
        fairness=fairness_report(model, X_test, y_test),
        decision=decision,
    )


def run_training(
    frame: pd.DataFrame,
    *,
    config: TrainingConfig,
    model_name: str,
    tracking_uri: str,
    provenance: dict[str, Any],
    progress: Progress = lambda stage, fraction: None,
) -> TrainingOutcome:
    """Train, compare with production on the same holdout, and register the best candidate."""
    # The fluent MLflow API is process-wide: make it use the server this call names.
    registry.configure_mlflow(tracking_uri)
    progress("validate", 0.1)
    clean, quality = prepare(frame, thresholds=config.quality)
    if not quality.passed:
        run_id = tracking.track_rejected_data(
            model_name=model_name,
            params={"primary_metric": config.primary_metric, "seed": config.seed},
            quality=quality.to_dict(),
            provenance=provenance,
        )
        raise DataQualityFailed(quality.failures, quality.to_dict(), run_id=run_id)
    X_train, X_test, y_train, y_test = split_for_holdout(clean, config=config)
    progress("train", 0.25)
    pipelines = candidates.build_candidates(seed=config.seed)
    scores = candidates.cross_validate_candidates(
        X_train,
        y_train,
        candidates=pipelines,
        primary_metric=config.primary_metric,
        folds=config.folds,
        seed=config.seed,
        max_rows=config.cv_max_rows,
    )
    family, model = candidates.fit_best(X_train, y_train, candidates=pipelines, scores=scores)
    progress("evaluate", 0.6)
    holdout = evaluate_on_holdout(
        model, X_test, y_test, config=config, model_name=model_name, tracking_uri=tracking_uri
    )
    metrics, current, current_metrics = holdout.metrics, holdout.current, holdout.current_metrics
    decision = holdout.decision
    progress("register", 0.75)
    run_id, version = tracking.track_run(
        model=model,
        family=family,
        model_name=model_name,
        params={
            "primary_metric": config.primary_metric,
            "folds": config.folds,
            "seed": config.seed,
            "holdout_fraction": config.holdout_fraction,
        },
        gate=config.gate,
        scores=scores,
        metrics=metrics,
        current=current,
        current_metrics=current_metrics,
        reports={
            "data_quality": quality.to_dict(),
            "fairness": holdout.fairness,
            "calibration": holdout.calibration,
            "comparison": holdout.comparison.to_dict() if holdout.comparison else {},
        },
        provenance=provenance,
        reference=candidates.reference_sample(
            model, X_train, size=config.reference_size, seed=config.seed
        ),
        decision=decision,
    )
    progress("done", 1.0)
    return TrainingOutcome(
        run_id=run_id,
        version=version,
        model_family=family,
        metrics=metrics,
        production_version=current.version if current else None,
        production_metrics=current_metrics,
        decision=decision,
        cv=[score.to_dict() for score in scores],
        comparison=holdout.comparison,
        calibration=holdout.calibration,
        fairness=holdout.fairness,
    )


def content_hash(frame: pd.DataFrame) -> str:
    """A digest of the training rows, so a run names exactly what it learnt from."""
    hashed = pd.util.hash_pandas_object(frame[[*FEATURES, LABEL]], index=False)
    return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()[:16]
