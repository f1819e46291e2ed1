"""What a training run leaves in MLflow: params, metrics, reports, the reference sample, and the
registered model version.

Blocking (the MLflow client is synchronous): callers run it in a worker thread.
"""

from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.pipeline import Pipeline

from services.training.modeling import candidates
from services.training.modeling.gate import GateConfig, GateDecision
from services.training.modeling.onnx_export import log_onnx
from shared import registry
from shared.contract import FEATURES
from shared.registry import REFERENCE_ARTIFACT


def track_rejected_data(
    *,
    model_name: str,
    params: dict[str, Any],
    quality: dict[str, Any],
    provenance: dict[str, Any],
) -> str:
    """Log a run for data that failed validation, so the failed report is in MLflow too."""
    mlflow.set_experiment(model_name)
    with mlflow.start_run(run_name="data-quality-failed") as run:
        mlflow.set_tag("outcome", "data_quality_failed")
        mlflow.log_params(params | {f"data_{k}": v for k, v in provenance.items()})
        mlflow.log_dict(quality, "reports/data_quality.json")
    mlflow.MlflowClient().set_terminated(run.info.run_id, status="FAILED")
    return str(run.info.run_id)


def track_run(
    *,
    model: Pipeline,
    family: str,
    model_name: str,
    params: dict[str, Any],
    gate: GateConfig,
    scores: list[candidates.CandidateScore],
    metrics: dict[str, float],
    current: registry.VersionInfo | None,
    current_metrics: dict[str, float] | None,
    reports: dict[str, dict[str, Any]],
    provenance: dict[str, Any],
    reference: pd.DataFrame,
    decision: GateDecision,
) -> tuple[str, str]:
    """Log one training run and register its model; return (run id, registered version)."""
    mlflow.set_experiment(model_name)
    with mlflow.start_run(run_name=f"{family}") as run:
        mlflow.log_params(
            {
                "model_family": family,
                **params,
                "gate_min_improvement": gate.min_improvement,
                "gate_accuracy_floor": gate.accuracy_floor,
                **{f"data_{k}": v for k, v in provenance.items()},
            }
        )
        _log_metrics(scores, metrics, current_metrics)
        _log_evidence(reports)
        for name, report in reports.items():
            mlflow.log_dict(report, f"reports/{name}.json")
        mlflow.log_dict(
            {
                "promote": decision.promote,
                "reason": decision.reason,
                "production_version": current.version if current else None,
                "interval": reports.get("comparison") or None,
            },
            "reports/promotion_gate.json",
        )
        mlflow.log_text(reference.to_csv(index=False), REFERENCE_ARTIFACT)
        version = log_and_register_model(
            model, model_name=model_name, example=reference.loc[:4, list(FEATURES)].astype(float)
        )
    client = registry.client(mlflow.get_tracking_uri())
    client.set_model_version_tag(model_name, version, "gate", decision.reason[:500])
    return run.info.run_id, version


def log_and_register_model(model: Pipeline, *, model_name: str, example: pd.DataFrame) -> str:
    """Log the fitted pipeline to the active run (skops, pinned requirements) and register it.

    Every model version enters the registry here; returns the new version.
    """
    info = mlflow.sklearn.log_model(
        model,
        name="model",
        signature=infer_signature(example, model.predict_proba(example)[:, 1]),
        input_example=example,
        skops_trusted_types=registry.SKOPS_TRUSTED_TYPES,
        pip_requirements=candidates.model_pip_requirements(),
    )
    log_onnx(model)
    return str(mlflow.register_model(info.model_uri, model_name).version)


def _log_evidence(reports: dict[str, dict[str, Any]]) -> None:
    """The gate's interval and the calibration check as metrics, so runs can be compared."""
    comparison = reports.get("comparison") or {}
    if comparison and comparison["lower"] is not None:
        mlflow.log_metrics(
            {
                "gate_improvement": comparison["difference"],
                "gate_improvement_lower": comparison["lower"],
                "gate_improvement_upper": comparison["upper"],
                "gate_identical_predictions": float(comparison["identical"]),
            }
        )
        mlflow.set_tag(
            "gate_interval",
            f"[{comparison['lower']:+.4f}, {comparison['upper']:+.4f}] "
            f"({comparison['confidence']:.0%}, {comparison['metric']})",
        )
    calibration = reports.get("calibration") or {}
    if calibration:
        mlflow.log_metrics(
            {"holdout_ece": calibration["ece"], "holdout_brier_score": calibration["brier"]}
        )


def log_report_page(run_id: str, html: str) -> None:
    """Attach a rendered report page to a (possibly finished) run."""
    mlflow.MlflowClient().log_text(run_id, html, "reports/training_report.html")


def _log_metrics(
    scores: list[candidates.CandidateScore],
    metrics: dict[str, float],
    current_metrics: dict[str, float] | None,
) -> None:
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
