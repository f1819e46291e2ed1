"""The label-free estimate on simulated customers whose outcome function is known.

A model is trained on customers drawn from `synthetic.purchase_probability`; fresh customers
are scored, their outcomes drawn from the same function, and the estimate taken from the
model's probabilities alone is compared with the accuracy realised on those outcomes.
"""

import asyncpg
import numpy as np
import pandas as pd
import pytest
from prometheus_client import REGISTRY
from sklearn.pipeline import Pipeline

from services.drift.estimate import estimate_performance, estimated_accuracy, estimated_roc_auc
from services.drift.performance import PerformanceThresholds, roc_auc
from services.drift.service import DriftMonitor, run_check
from services.training import synthetic
from services.training.modeling import candidates
from shared.schemas_drift import DriftCheckRequest, WindowRequest
from tests.drift.conftest import DriftModel, Traffic, TrainingService, make_monitor

FAMILIES = ("logistic_regression", "hist_gradient_boosting")


def _trained(family: str) -> Pipeline:
    frame = synthetic.generate_customers(20_000, seed=71)
    X, y = candidates.features_and_target(frame)
    return candidates.build_candidates(seed=71)[family].fit(X, y)


def _near_the_boundary(rows: int, *, seed: int, spread: float) -> pd.DataFrame:
    """A covariate shift: incomes crowd around the purchase boundary; outcomes keep the law."""
    rng = np.random.default_rng(seed)
    frame = synthetic.generate_customers(rows, seed=seed)
    frame["renda_anual"] = np.exp(np.log(42_000) + spread * rng.standard_normal(rows))
    truth = synthetic.purchase_probability(
        frame["idade"].to_numpy(), frame["renda_anual"].to_numpy()
    )
    frame["comprou_produto"] = rng.random(rows) < truth
    return frame


def _realised_and_estimated(model: Pipeline, frame: pd.DataFrame) -> dict[str, float]:
    X, y = candidates.features_and_target(frame)
    probability = candidates.predict_probability(model, X)
    return {
        "accuracy": float(np.mean((probability >= 0.5) == y)),
        "estimated_accuracy": estimated_accuracy(probability),
        "roc_auc": float(roc_auc(probability, y) or np.nan),
        "estimated_roc_auc": estimated_roc_auc(probability),
    }


@pytest.mark.parametrize("family", FAMILIES)
def test_without_a_shift_the_estimate_is_within_002_of_realised(family: str) -> None:
    model = _trained(family)
    figures = _realised_and_estimated(model, synthetic.generate_customers(20_000, seed=72))
    assert abs(figures["estimated_accuracy"] - figures["accuracy"]) <= 0.02, figures
    assert abs(figures["estimated_roc_auc"] - figures["roc_auc"]) <= 0.02, figures


@pytest.mark.parametrize("family", FAMILIES)
def test_under_covariate_shift_the_estimate_tracks_the_drop_within_003(family: str) -> None:
    model = _trained(family)
    before = _realised_and_estimated(model, synthetic.generate_customers(20_000, seed=73))
    for spread in (0.45, 0.3, 0.15):
        after = _realised_and_estimated(model, _near_the_boundary(20_000, seed=74, spread=spread))
        realised_drop = before["accuracy"] - after["accuracy"]
        estimated_drop = before["estimated_accuracy"] - after["estimated_accuracy"]
        assert realised_drop > 0.05, after  # the shift really hurts
        assert abs(estimated_drop - realised_drop) <= 0.03, (spread, before, after)
        assert abs(after["estimated_accuracy"] - after["accuracy"]) <= 0.03
        assert abs(after["estimated_roc_auc"] - after["roc_auc"]) <= 0.03


def test_estimated_roc_auc_of_certain_scores_and_one_class_windows() -> None:
    assert estimated_roc_auc(np.array([0.0, 0.0, 1.0, 1.0])) == pytest.approx(1.0)
    assert np.isnan(estimated_roc_auc(np.ones(10)))
    assert estimated_accuracy(np.array([0.9, 0.2, 0.5])) == pytest.approx((0.9 + 0.8 + 0.5) / 3)
    empty = estimate_performance(np.empty(0), accuracy_floor=0.85, min_rows=1, triggers=True)
    assert empty.status == "insufficient_data" and empty.accuracy is None


def test_a_miscalibrated_model_is_estimated_but_never_triggers() -> None:
    unsure = np.full(500, 0.6)
    kwargs = {"accuracy_floor": 0.85, "min_rows": 100, "triggers": True, "max_ece": 0.05}
    calibrated = estimate_performance(unsure, model_ece=0.01, **kwargs)  # type: ignore[arg-type]
    miscalibrated = estimate_performance(unsure, model_ece=0.12, **kwargs)  # type: ignore[arg-type]
    assert calibrated.status == miscalibrated.status == "degraded"
    assert calibrated.triggers and not miscalibrated.triggers
    assert miscalibrated.model_ece == 0.12


async def test_a_falling_estimate_takes_the_degraded_path_before_labels_arrive(
    drift_pool: asyncpg.Pool,
    mlflow_uri: str,
    drift_model: DriftModel,
    traffic: Traffic,
    training: TrainingService,
) -> None:
    # A floor above what the model can reach: the estimate alone must call it degraded.
    monitor: DriftMonitor = make_monitor(
        drift_pool,
        mlflow_uri=mlflow_uri,
        model_name=drift_model.name,
        training_client=training.client,
        performance=PerformanceThresholds(accuracy_floor=0.97, min_labelled=200),
    )
    await traffic.serve(2_000, seed=701)
    report = await run_check(
        monitor=monitor, request=DriftCheckRequest(window=WindowRequest(last_n=2_000))
    )
    estimate = report.performance.estimate
    assert estimate is not None and estimate.rows == 2_000 and estimate.triggers
    assert estimate.model_ece is not None and estimate.model_ece < 0.05
    assert estimate.accuracy is not None and 0.8 < estimate.accuracy < 0.97
    assert estimate.status == "degraded" and report.performance.status == "insufficient_data"
    assert (report.verdict, report.action) == ("degraded", "training_requested")
    assert "estimated accuracy" in report.details["reason"]
    assert REGISTRY.get_sample_value("drift_estimated_accuracy") == pytest.approx(estimate.accuracy)
