"""Promotion needs evidence: a paired interval on the holdout, ties and twins never promoted."""

import json

import asyncpg
import numpy as np
import pytest

from services.training.modeling.calibration import calibration_report
from services.training.modeling.comparison import compare_on_holdout, weighted_metric
from services.training.modeling.gate import GateConfig, decide
from shared import registry
from tests.training.conftest import customers, load_features
from tests.training.test_jobs import _follow, _training

GOOD = {"accuracy": 0.9, "roc_auc": 0.95, "log_loss": 0.25}


def _outcomes(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=rows)
    actual = (rng.random(rows) < 1 / (1 + np.exp(-3 * signal))).astype(np.int64)
    return actual, signal


def test_identical_predictions_are_never_promoted_even_with_no_margin() -> None:
    actual, signal = _outcomes(2_000, seed=1)
    probability = 1 / (1 + np.exp(-3 * signal))
    comparison = compare_on_holdout(
        actual=actual, candidate=probability, production=probability.copy(), metric="roc_auc"
    )
    assert comparison.identical and comparison.lower == comparison.upper == 0.0
    decision = decide(
        candidate=GOOD,
        production=GOOD,
        config=GateConfig(min_improvement=0.0),
        comparison=comparison,
    )
    assert not decision.promote
    assert "identical to production on all 2000 holdout rows" in decision.reason


def test_a_tie_by_point_values_never_beats_production() -> None:
    decision = decide(candidate=GOOD, production=GOOD, config=GateConfig(min_improvement=0.0))
    assert not decision.promote and "does not beat" in decision.reason


def test_noise_is_refused_and_a_real_improvement_promoted_with_its_interval() -> None:
    actual, signal = _outcomes(4_000, seed=2)
    rng = np.random.default_rng(3)
    good = 1 / (1 + np.exp(-3 * signal))
    # As good as production, differently noisy: the interval straddles zero.
    twin = 1 / (1 + np.exp(-3 * signal + rng.normal(scale=0.05, size=signal.size)))
    noise = compare_on_holdout(actual=actual, candidate=twin, production=good, metric="roc_auc")
    assert noise.lower < 0 < noise.upper and not noise.identical
    refused = decide(candidate=GOOD, production=GOOD, config=GateConfig(), comparison=noise)
    assert not refused.promote
    assert (
        "95% CI" in refused.reason and "does not exceed the minimum improvement" in refused.reason
    )

    blurred = 1 / (1 + np.exp(-1.0 * (signal + rng.normal(scale=1.0, size=signal.size))))
    better = compare_on_holdout(actual=actual, candidate=good, production=blurred, metric="roc_auc")
    assert better.lower > 0.01
    promoted = decide(candidate=GOOD, production=GOOD, config=GateConfig(), comparison=better)
    assert promoted.promote and f"{better.lower:+.4f}" in promoted.reason


def test_lower_is_better_metrics_count_a_drop_as_an_improvement() -> None:
    actual, signal = _outcomes(3_000, seed=4)
    good = 1 / (1 + np.exp(-3 * signal))
    flat = np.full(signal.size, actual.mean())
    comparison = compare_on_holdout(
        actual=actual, candidate=good, production=flat, metric="log_loss"
    )
    assert comparison.difference > 0 and comparison.lower > 0


@pytest.mark.parametrize("metric", ["roc_auc", "accuracy", "f1", "log_loss", "brier"])
def test_unit_weights_reproduce_sklearn(metric: str) -> None:
    from services.training.modeling.candidates import score_probability

    actual, signal = _outcomes(1_000, seed=5)
    probability = np.round(1 / (1 + np.exp(-2 * signal)), 2)  # ties on purpose
    ours = weighted_metric(
        metric, actual=actual, probability=probability, weights=np.ones(actual.size)
    )
    assert ours == pytest.approx(score_probability(actual, probability)[metric], abs=1e-9)


def test_calibration_report_separates_calibrated_from_overconfident() -> None:
    actual, signal = _outcomes(20_000, seed=6)
    calibrated = calibration_report(actual, 1 / (1 + np.exp(-3 * signal)))
    overconfident = calibration_report(actual, 1 / (1 + np.exp(-9 * signal)))
    assert calibrated["calibrated"] and calibrated["ece"] < 0.02
    assert not overconfident["calibrated"] and overconfident["ece"] > 0.05
    assert sum(row["count"] for row in calibrated["table"]) == 20_000
    assert calibrated["brier"] < overconfident["brier"]


async def test_retraining_twice_on_unchanged_data_promotes_nothing_the_second_time(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    await load_features(training_pool, customers(1_500, seed=11))
    jobs = []
    async with _training(training_dsn, mlflow_uri, fresh_model) as client:
        for _ in range(2):
            started = await client.post("/v1/training/jobs", json={"reason": "unchanged data"})
            assert started.status_code == 202, started.text
            jobs.append(await _follow(client, started.json()["job_id"]))
    first, second = jobs
    assert first["status"] == second["status"] == "succeeded"
    assert first["promoted"] and not second["promoted"]
    assert second["model_version"] != first["model_version"]
    assert "identical to production" in second["decision"]
    comparison = second["metrics"]["comparison"]
    assert comparison["identical"] and comparison["lower"] == comparison["upper"] == 0.0
    assert second["metrics"]["data"]["content_hash"] == first["metrics"]["data"]["content_hash"]
    assert 0 <= second["metrics"]["calibration"]["ece"] < 0.1
    production = registry.production_version(mlflow_uri, name=fresh_model)
    assert production is not None and production.version == first["model_version"]

    client = registry.client(mlflow_uri)
    run = client.get_run(second["mlflow_run_id"])
    assert run.data.metrics["gate_improvement_lower"] == 0.0
    assert run.data.metrics["gate_identical_predictions"] == 1.0
    assert "holdout_ece" in run.data.metrics and "holdout_brier_score" in run.data.metrics
    gate = json.loads(
        open(client.download_artifacts(run.info.run_id, "reports/promotion_gate.json")).read()
    )
    assert gate["promote"] is False and gate["interval"]["identical"] is True
    calibration = json.loads(
        open(client.download_artifacts(run.info.run_id, "reports/calibration.json")).read()
    )
    assert len(calibration["table"]) == 10
