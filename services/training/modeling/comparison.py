"""Candidate against production on the same holdout rows: a paired bootstrap interval.

Both models score the same rows, so each resample draws rows once and scores both on them:
the interval is for the difference, and the noise the two share cancels out. Resamples are
drawn as row weights (how often each row was drawn), which lets every metric be a weighted
sum over the original arrays; ROC AUC is computed from score groups sorted once.
"""

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from services.training.modeling.candidates import DECISION_THRESHOLD

LOWER_IS_BETTER = frozenset({"log_loss", "brier"})
_EPSILON = 1e-15


@dataclass(frozen=True)
class PairedComparison:
    """The primary metric of both models, and the interval of the improvement.

    `difference`, `lower` and `upper` are improvements: positive means the candidate is better,
    whichever direction the metric runs.
    """

    metric: str
    candidate: float
    production: float
    difference: float
    lower: float
    upper: float
    confidence: float
    resamples: int
    rows: int
    identical: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for job metrics and MLflow (a NaN, e.g. one-class rows, is None)."""
        return {
            key: None if isinstance(value, float) and not np.isfinite(value) else value
            for key, value in asdict(self).items()
        }

    def describe(self) -> str:
        """The interval in words: `roc_auc improvement +0.0004 (95% CI -0.0010 to +0.0018)`."""
        return (
            f"{self.metric} {self.candidate:.4f} vs production {self.production:.4f}: "
            f"improvement {self.difference:+.4f} ({self.confidence:.0%} CI "
            f"{self.lower:+.4f} to {self.upper:+.4f}, paired bootstrap, {self.resamples} "
            f"resamples of {self.rows} holdout rows)"
        )


class _ScoreGroups:
    """Rows grouped by score, sorted ascending: the structure a weighted ROC AUC needs."""

    def __init__(self, scores: np.ndarray) -> None:
        _, self.group = np.unique(scores, return_inverse=True)
        self.size = int(self.group.max()) + 1 if scores.size else 0

    def auc(self, weights: np.ndarray, actual: np.ndarray) -> float:
        positives = np.bincount(self.group, weights * actual, minlength=self.size)
        negatives = np.bincount(self.group, weights * (1 - actual), minlength=self.size)
        total_pos, total_neg = positives.sum(), negatives.sum()
        if total_pos <= 0 or total_neg <= 0:
            return float("nan")
        below = np.cumsum(negatives) - negatives
        # A positive beats every negative scored lower and half of those tied with it.
        wins = np.sum(positives * (below + 0.5 * negatives))
        return float(wins / (total_pos * total_neg))


def weighted_metric(
    metric: str,
    *,
    actual: np.ndarray,
    probability: np.ndarray,
    weights: np.ndarray,
    groups: _ScoreGroups | None = None,
) -> float:
    """One metric on rows weighted by how often a resample drew them."""
    total = weights.sum()
    predicted = probability >= DECISION_THRESHOLD
    if metric == "roc_auc":
        return (groups or _ScoreGroups(probability)).auc(weights, actual)
    if metric == "accuracy":
        return float(np.sum(weights * (predicted == actual)) / total)
    if metric == "brier":
        return float(np.sum(weights * (probability - actual) ** 2) / total)
    if metric == "log_loss":
        clipped = np.clip(probability, _EPSILON, 1 - _EPSILON)
        losses = -(actual * np.log(clipped) + (1 - actual) * np.log(1 - clipped))
        return float(np.sum(weights * losses) / total)
    if metric == "f1":
        true_pos = np.sum(weights * (predicted & (actual == 1)))
        wrong = np.sum(weights * (predicted != actual))
        return float(2 * true_pos / (2 * true_pos + wrong)) if true_pos + wrong > 0 else 0.0
    raise ValueError(f"no paired comparison for metric {metric!r}")


def compare_on_holdout(
    *,
    actual: np.ndarray,
    candidate: np.ndarray,
    production: np.ndarray,
    metric: str,
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> PairedComparison:
    """Paired bootstrap interval of the candidate's improvement over production."""
    actual = np.asarray(actual, dtype=np.float64)
    candidate = np.asarray(candidate, dtype=np.float64)
    production = np.asarray(production, dtype=np.float64)
    sign = -1.0 if metric in LOWER_IS_BETTER else 1.0
    ones = np.ones_like(actual)
    groups = (_ScoreGroups(candidate), _ScoreGroups(production)) if metric == "roc_auc" else None

    def both(weights: np.ndarray) -> tuple[float, float]:
        first, second = groups or (None, None)
        ours = weighted_metric(
            metric, actual=actual, probability=candidate, weights=weights, groups=first
        )
        theirs = weighted_metric(
            metric, actual=actual, probability=production, weights=weights, groups=second
        )
        return ours, theirs

    ours, theirs = both(ones)
    identical = bool(np.array_equal(candidate, production))
    if identical:
        differences = np.zeros(1)
    else:
        rng = np.random.default_rng(seed)
        rows = actual.size
        differences = np.empty(resamples)
        for index in range(resamples):
            weights = np.bincount(rng.integers(0, rows, rows), minlength=rows).astype(np.float64)
            resampled = both(weights)
            differences[index] = sign * (resampled[0] - resampled[1])
    tail = (1 - confidence) / 2 * 100
    lower, upper = np.nanpercentile(differences, [tail, 100 - tail])
    return PairedComparison(
        metric=metric,
        candidate=ours,
        production=theirs,
        difference=sign * (ours - theirs),
        lower=float(lower),
        upper=float(upper),
        confidence=confidence,
        resamples=0 if identical else resamples,
        rows=int(actual.size),
        identical=identical,
    )
