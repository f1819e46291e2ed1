"""Live accuracy and ROC AUC, and the join of feedback to a window's predictions."""

from datetime import UTC, datetime

import asyncpg
import numpy as np
import pytest

from services.drift.performance import PerformanceThresholds, live_performance, roc_auc
from shared.repositories import monitoring
from shared.repositories.monitoring import LabelledWindow
from tests.drift.conftest import Traffic


def _pairwise_auc(scores: np.ndarray, outcomes: np.ndarray) -> float:
    """The AUC by definition: P(score of a positive > score of a negative), ties half."""
    pos, neg = scores[outcomes], scores[~outcomes]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (pos.size * neg.size))


def test_roc_auc_matches_its_definition_with_ties() -> None:
    rng = np.random.default_rng(3)
    scores = np.round(rng.random(400), 1)  # rounding makes many ties
    outcomes = rng.random(400) < scores
    assert roc_auc(scores, outcomes) == pytest.approx(_pairwise_auc(scores, outcomes))


def test_roc_auc_extremes_and_one_class() -> None:
    outcomes = np.array([False, False, True, True])
    assert roc_auc(np.array([0.1, 0.2, 0.8, 0.9]), outcomes) == 1.0
    assert roc_auc(np.array([0.9, 0.8, 0.2, 0.1]), outcomes) == 0.0
    assert roc_auc(np.full(4, 0.5), outcomes) == 0.5
    assert roc_auc(np.array([0.1, 0.9]), np.array([True, True])) is None


def _window(predicted: list[bool], actual: list[bool]) -> LabelledWindow:
    scores = np.where(np.array(predicted), 0.8, 0.2)
    return LabelledWindow(scores, np.array(predicted), np.array(actual))


@pytest.mark.parametrize(
    ("right", "total", "status"),
    [(850, 1_000, "ok"), (849, 1_000, "degraded"), (150, 150, "insufficient_data")],
)
def test_status_follows_floor_and_minimum(right: int, total: int, status: str) -> None:
    predicted = [True] * total
    actual = [True] * right + [False] * (total - right)
    performance = live_performance(
        _window(predicted, actual),
        thresholds=PerformanceThresholds(accuracy_floor=0.85, min_labelled=200),
    )
    assert performance.status == status
    assert performance.accuracy == pytest.approx(right / total)
    assert performance.labelled == total


def test_no_feedback_has_no_numbers() -> None:
    performance = live_performance(_window([], []), thresholds=PerformanceThresholds())
    assert performance.labelled == 0 and performance.accuracy is None
    assert performance.roc_auc is None and performance.status == "insufficient_data"


async def test_feedback_joins_only_the_window_served_predictions(
    drift_pool: asyncpg.Pool, traffic: Traffic
) -> None:
    served = await traffic.serve(400, seed=201)
    shadow = await traffic.serve(100, seed=202, shadow=True)
    other = await traffic.serve(100, seed=203, model_version="other")
    await traffic.feedback(served[:300], [not row.label for row in served[:300]])
    await traffic.feedback(shadow + other, [row.label for row in shadow + other])

    spec = monitoring.WindowSpec(
        model_name=traffic.model_name,
        model_version=traffic.version,
        until=datetime.now(UTC),
        last_n=250,
    )
    labelled = await monitoring.read_labelled(drift_pool, spec)
    # The newest 250 served rows are served[150:]; of those, served[150:300] have outcomes.
    assert labelled.size == 150
    assert sorted(labelled.probability) == sorted(row.probability for row in served[150:300])
    assert np.all(labelled.predicted != labelled.actual)


async def test_empty_window_reads_as_empty_arrays(
    drift_pool: asyncpg.Pool, model_name: str
) -> None:
    spec = monitoring.WindowSpec(
        model_name=model_name, model_version="none", until=datetime.now(UTC), last_n=10
    )
    window = await monitoring.read_window(drift_pool, spec)
    labelled = await monitoring.read_labelled(drift_pool, spec)
    assert window.size == 0 and window.start is None and window.end is None
    assert labelled.size == 0
