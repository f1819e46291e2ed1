"""The promotion gate: a candidate replaces production only when it is clearly better."""

import math
from dataclasses import dataclass

# Metrics where a smaller value is the better model.
LOWER_IS_BETTER = frozenset({"log_loss", "brier"})


@dataclass(frozen=True)
class GateConfig:
    """Promotion rules; the operator tunes them for their data."""

    primary_metric: str = "roc_auc"
    min_improvement: float = 0.0
    accuracy_floor: float = 0.85


@dataclass(frozen=True)
class GateDecision:
    promote: bool
    reason: str


def _beats(ours: float, theirs: float, *, metric: str, margin: float) -> bool:
    # Comparisons with NaN are False, so an unscorable candidate never wins.
    if metric in LOWER_IS_BETTER:
        return ours <= theirs - margin
    return ours >= theirs + margin


def decide(
    *, candidate: dict[str, float], production: dict[str, float] | None, config: GateConfig
) -> GateDecision:
    """Compare candidate and production scored on the same holdout."""
    accuracy = candidate.get("accuracy", math.nan)
    if not accuracy >= config.accuracy_floor:
        return GateDecision(
            False, f"holdout accuracy {accuracy:.4f} is below the floor {config.accuracy_floor:.4f}"
        )
    metric = config.primary_metric
    if production is None:
        return GateDecision(True, f"no production model; accuracy {accuracy:.4f} clears the floor")
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
