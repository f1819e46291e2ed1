"""Live performance of the production model: predictions with feedback, scored against outcomes."""

from dataclasses import dataclass

import numpy as np
from scipy import stats

from shared.repositories.monitoring import LabelledWindow
from shared.schemas_drift import LivePerformance


@dataclass(frozen=True)
class PerformanceThresholds:
    """Accuracy under `accuracy_floor` is degraded; under `min_labelled` outcomes say nothing."""

    accuracy_floor: float = 0.85
    min_labelled: int = 200


def roc_auc(scores: np.ndarray, outcomes: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half), or None when one class is absent."""
    positives = int(np.count_nonzero(outcomes))
    negatives = int(outcomes.size - positives)
    if positives == 0 or negatives == 0:
        return None
    # Mann-Whitney: the AUC is the rank-sum statistic of the positives, normalised.
    ranks = stats.rankdata(scores)
    rank_sum = float(np.sum(ranks[outcomes.astype(bool)]))
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def live_performance(
    labelled: LabelledWindow, *, thresholds: PerformanceThresholds
) -> LivePerformance:
    """Accuracy and ROC AUC of the served decisions, and whether they fall below the floor."""
    count = labelled.size
    accuracy = float(np.mean(labelled.predicted == labelled.actual)) if count else None
    auc = roc_auc(labelled.probability, labelled.actual) if count else None
    if count < thresholds.min_labelled or accuracy is None:
        status = "insufficient_data"
    elif accuracy < thresholds.accuracy_floor:
        status = "degraded"
    else:
        status = "ok"
    return LivePerformance(
        labelled=count,
        accuracy=accuracy,
        roc_auc=auc,
        status=status,
        accuracy_floor=thresholds.accuracy_floor,
        min_labelled=thresholds.min_labelled,
    )
