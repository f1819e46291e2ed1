"""The promotion gate: a candidate replaces production only when it is clearly better.

"Clearly" means beyond noise: with both models scored on the same holdout, the lower bound of
the paired bootstrap interval of the improvement must exceed the minimum improvement. A
candidate whose predictions equal production's is the same model and is never promoted.
"""

import math
from dataclasses import dataclass

from services.training.modeling.comparison import LOWER_IS_BETTER, PairedComparison


@dataclass(frozen=True)
class GateConfig:
    """Promotion rules; the operator tunes them for their data."""

    primary_metric: str = "roc_auc"
    min_improvement: float = 0.0
    accuracy_floor: float = 0.85
    confidence: float = 0.95
    bootstrap_resamples: int = 1000


@dataclass(frozen=True)
class GateDecision:
    promote: bool
    reason: str


def _beats(ours: float, theirs: float, *, metric: str, margin: float) -> bool:
    # Comparisons with NaN are False, so an unscorable candidate never wins; a tie never wins.
    if metric in LOWER_IS_BETTER:
        return ours <= theirs - margin and ours < theirs
    return ours >= theirs + margin and ours > theirs


def _by_interval(comparison: PairedComparison, config: GateConfig) -> GateDecision:
    margin = config.min_improvement
    if comparison.identical:
        return GateDecision(
            False,
            f"predictions identical to production on all {comparison.rows} holdout rows "
            f"({comparison.metric} {comparison.candidate:.4f}): the same model",
        )
    if not comparison.lower > margin:
        return GateDecision(
            False,
            f"{comparison.describe()}; the lower bound does not exceed the minimum "
            f"improvement {margin:.4f}",
        )
    return GateDecision(
        True,
        f"{comparison.describe()}; the lower bound exceeds the minimum improvement {margin:.4f}",
    )


def decide(
    *,
    candidate: dict[str, float],
    production: dict[str, float] | None,
    config: GateConfig,
    comparison: PairedComparison | None = None,
) -> GateDecision:
    """Compare candidate and production scored on the same rows.

    With `comparison` (the paired interval) the interval decides; without it, the point values
    must differ by the margin and a tie never wins.
    """
    accuracy = candidate.get("accuracy", math.nan)
    if not accuracy >= config.accuracy_floor:
        return GateDecision(
            False, f"holdout accuracy {accuracy:.4f} is below the floor {config.accuracy_floor:.4f}"
        )
    metric = config.primary_metric
    if production is None:
        return GateDecision(True, f"no production model; accuracy {accuracy:.4f} clears the floor")
    if comparison is not None:
        return _by_interval(comparison, config)
    ours, theirs = candidate.get(metric, math.nan), production.get(metric, math.nan)
    if not _beats(ours, theirs, metric=metric, margin=config.min_improvement):
        return GateDecision(
            False,
            f"{metric} {ours:.4f} does not beat production {theirs:.4f} "
            f"by the margin {config.min_improvement:.4f}",
        )
    return GateDecision(
        True,
        f"{metric} {ours:.4f} beats production {theirs:.4f} (margin {config.min_improvement:.4f})",
    )
