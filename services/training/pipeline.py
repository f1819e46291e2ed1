"""One training run: validate → cross-validate candidates → holdout-compare with production →
track in MLflow → register → promote through the gate.

Blocking by design (sklearn and MLflow are synchronous): callers run it in a worker thread.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature

from services.training import modeling
from services.training.fairness import fairness_report
from services.training.gate import GateConfig, GateDecision, decide
from services.training.quality import QualityThresholds, prepare
from shared import registry
from shared.contract import FEATURES, LABEL

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


def run_training(
    frame: pd.DataFrame,
    *,
    config: TrainingConfig,
    model_name: str,
    tracking_uri: str,
    provenance: dict[str, Any],
    progress: Progress = lambda stage, fraction: None,
    promote: bool = True,
) -> TrainingOutcome:
    """Train, register and (if the gate passes and `promote`) move the production alias."""
    # The fluent MLflow API is process-wide: make it use the server this call names.
    registry.configure_mlflow(tracking_uri)
    progress("validate", 0.1)
    clean, quality = prepare(frame, thresholds=config.quality)
    if not quality.passed:
        run_id = _track_rejected_data(
            config=config, model_name=model_name, quality=quality.to_dict(), provenance=provenance
        )
        raise DataQualityFailed(quality.failures, quality.to_dict(), run_id=run_id)
    X, y = modeling.features_and_target(clean)
    X_train, X_test, y_train, y_test = modeling.holdout_split(
        X, y, test_size=config.holdout_fraction, seed=config.seed
    )
    progress("train", 0.25)
    candidates = modeling.build_candidates(seed=config.seed)
    scores = modeling.cross_validate_candidates(
        X_train,
        y_train,
        candidates=candidates,
        primary_metric=config.primary_metric,
        folds=config.folds,
        seed=config.seed,
        max_rows=config.cv_max_rows,
    )
    family, model = modeling.fit_best(X_train, y_train, candidates=candidates, scores=scores)
    progress("evaluate", 0.6)
    metrics = modeling.evaluate(model, X_test, y_test)
    current = registry.resolve_alias(
        registry.client(tracking_uri), name=model_name, alias=registry.PRODUCTION
    )
    current_metrics = _score_current(current, X_test, y_test)
    decision = decide(candidate=metrics, production=current_metrics, config=config.gate)
    progress("register", 0.75)
    run_id, version = _track(
        model=model,
        family=family,
        config=config,
        model_name=model_name,
        scores=scores,
        metrics=metrics,
        current=current,
        current_metrics=current_metrics,
        quality=quality.to_dict(),
        fairness=fairness_report(model, X_test, y_test),
        provenance=provenance,
        reference=modeling.reference_sample(
            model, X_train, size=config.reference_size, seed=config.seed
        ),
        decision=decision,
    )
    if promote and decision.promote:
        progress("promote", 0.9)
        set_production(
            tracking_uri=tracking_uri,
            model_name=model_name,
            version=version,
            previous=current.version if current else None,
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
    )


def _score_current(
    current: registry.VersionInfo | None, X_test: pd.DataFrame, y_test: np.ndarray
) -> dict[str, float] | None:
    if current is None:
        return None
    model = registry.load_sklearn(name=current.name, version=current.version)
    return modeling.evaluate(model, X_test, y_test)


def _track_rejected_data(
    *,
    config: TrainingConfig,
    model_name: str,
    quality: dict[str, Any],
    provenance: dict[str, Any],
) -> str:
    """Log a run for data that failed validation, so the failed report is in MLflow too."""
    mlflow.set_experiment(model_name)
    with mlflow.start_run(run_name="data-quality-failed") as run:
        mlflow.set_tag("outcome", "data_quality_failed")
        mlflow.log_params(
            {"primary_metric": config.primary_metric, "seed": config.seed}
            | {f"data_{k}": v for k, v in provenance.items()}
        )
        mlflow.log_dict(quality, "reports/data_quality.json")
    mlflow.MlflowClient().set_terminated(run.info.run_id, status="FAILED")
    return str(run.info.run_id)


def _track(
    *,
    model: Any,
    family: str,
    config: TrainingConfig,
    model_name: str,
    scores: list[modeling.CandidateScore],
    metrics: dict[str, float],
    current: registry.VersionInfo | None,
    current_metrics: dict[str, float] | None,
    quality: dict[str, Any],
    fairness: dict[str, Any],
    provenance: dict[str, Any],
    reference: pd.DataFrame,
    decision: GateDecision,
) -> tuple[str, str]:
    mlflow.set_experiment(model_name)
    with mlflow.start_run(run_name=f"{family}") as run:
        mlflow.log_params(
            {
                "model_family": family,
                "primary_metric": config.primary_metric,
                "folds": config.folds,
                "seed": config.seed,
                "holdout_fraction": config.holdout_fraction,
                "gate_min_improvement": config.gate.min_improvement,
                "gate_accuracy_floor": config.gate.accuracy_floor,
                **{f"data_{k}": v for k, v in provenance.items()},
            }
        )
        for score in scores:
            for metric, value in score.mean.items():
                mlflow.log_metric(f"cv_{score.name}_{metric}_mean", value)
                mlflow.log_metric(f"cv_{score.name}_{metric}_std", score.std[metric])
        mlflow.log_metrics({f"holdout_{k}": v for k, v in metrics.items() if np.isfinite(v)})
        mlflow.log_metrics(
            {
                "cv_roc_auc_mean": scores[0].mean["roc_auc"],
                "cv_roc_auc_std": scores[0].std["roc_auc"],
                "cv_accuracy_mean": scores[0].mean["accuracy"],
                "cv_accuracy_std": scores[0].std["accuracy"],
            }
        )
        if current_metrics:
            mlflow.log_metrics(
                {f"production_holdout_{k}": v for k, v in current_metrics.items() if np.isfinite(v)}
            )
        mlflow.log_dict(quality, "reports/data_quality.json")
        mlflow.log_dict(fairness, "reports/fairness.json")
        mlflow.log_dict(
            {
                "promote": decision.promote,
                "reason": decision.reason,
                "production_version": current.version if current else None,
            },
            "reports/promotion_gate.json",
        )
        mlflow.log_text(reference.to_csv(index=False), "reference/reference.csv")
        example = reference.loc[:4, list(FEATURES)].astype(float)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(example, model.predict_proba(example)[:, 1]),
            input_example=example,
            skops_trusted_types=registry.SKOPS_TRUSTED_TYPES,
            pip_requirements=modeling.model_pip_requirements(),
        )
    registered = mlflow.register_model(info.model_uri, model_name)
    version = str(registered.version)
    client = registry.client(mlflow.get_tracking_uri())
    client.set_model_version_tag(model_name, version, "gate", decision.reason[:500])
    return run.info.run_id, version


def set_production(
    *, tracking_uri: str, model_name: str, version: str, previous: str | None
) -> None:
    """Point `production` at `version`, remembering the version it replaces for rollback."""
    client = registry.client(tracking_uri)
    if previous and previous != version:
        client.set_model_version_tag(model_name, version, "previous_production", previous)
    client.set_registered_model_alias(model_name, registry.PRODUCTION, version)


def content_hash(frame: pd.DataFrame) -> str:
    """A digest of the training rows, so a run names exactly what it learnt from."""
    hashed = pd.util.hash_pandas_object(frame[[*FEATURES, LABEL]], index=False)
    return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()[:16]
