"""Performance without labels: confidence-based estimation from the model's own probabilities.

When the model is calibrated, a served probability p is the chance the outcome is 1. A
decision at threshold t is then right with probability p (if p >= t) or 1 - p (if p < t), so
the expected accuracy of a window is the mean of those chances. ROC AUC follows the same way:
each row counts p of a positive and 1 - p of a negative, which gives expected true- and
false-positive rates at every threshold and so an expected ROC curve. This stays valid under
a covariate shift (inputs move, P(outcome | inputs) does not); it cannot see a concept shift.
The training run's calibration check says whether the probabilities can be read this way.
"""

import numpy as np

from shared.schemas_drift import EstimatedPerformance, PerformanceStatus

DECISION_THRESHOLD = 0.5


def estimated_accuracy(probability: np.ndarray, *, threshold: float = DECISION_THRESHOLD) -> float:
    """Expected share of right decisions, or NaN for an empty window."""
    p = np.asarray(probability, dtype=np.float64)
    if p.size == 0:
        return float("nan")
    return float(np.mean(np.where(p >= threshold, p, 1.0 - p)))


def estimated_roc_auc(probability: np.ndarray) -> float:
    """Area under the expected ROC curve, or NaN when the window expects only one class."""
    p = np.asarray(probability, dtype=np.float64)
    expected_pos, expected_neg = p.sum(), (1.0 - p).sum()
    if p.size == 0 or expected_pos <= 0 or expected_neg <= 0:
        return float("nan")
    scores, group = np.unique(p, return_inverse=True)
    # Rows with the same score move across a threshold together: one step per distinct score.
    positives = np.bincount(group, p, minlength=scores.size)[::-1]
    negatives = np.bincount(group, 1.0 - p, minlength=scores.size)[::-1]
    tpr = np.concatenate(([0.0], np.cumsum(positives) / expected_pos))
    fpr = np.concatenate(([0.0], np.cumsum(negatives) / expected_neg))
    return float(np.trapezoid(tpr, fpr))


def estimate_performance(
    probability: np.ndarray,
    *,
    accuracy_floor: float,
    min_rows: int,
    triggers: bool,
    model_ece: float | None = None,
    max_ece: float = 0.05,
) -> EstimatedPerformance:
    """The window's estimate, judged against the same floor as live accuracy.

    A model whose training run found it miscalibrated (holdout ECE above `max_ece`) still
    gets an estimate, shown as such, but it never changes the verdict.
    """
    rows = int(np.asarray(probability).size)
    accuracy, auc = estimated_accuracy(probability), estimated_roc_auc(probability)
    if rows < min_rows or not np.isfinite(accuracy):
        status: PerformanceStatus = "insufficient_data"
    else:
        status = "degraded" if accuracy < accuracy_floor else "ok"
    return EstimatedPerformance(
        rows=rows,
        accuracy=accuracy if np.isfinite(accuracy) else None,
        roc_auc=auc if np.isfinite(auc) else None,
        status=status,
        accuracy_floor=accuracy_floor,
        triggers=triggers and (model_ece is None or model_ece <= max_ece),
        model_ece=model_ece,
    )
