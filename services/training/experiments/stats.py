"""A/B test statistics: compare two success rates, size the test, recommend an action.

Variant ``a`` is the production model and ``b`` the challenger; a "success" is whatever rate
the experiment compares (conversion, or correct predictions for accuracy).
"""

import math
from dataclasses import asdict, dataclass
from typing import Literal

from scipy import stats

Recommendation = Literal["promote", "keep", "not_enough_data"]


@dataclass(frozen=True)
class ProportionComparison:
    """Rates of both variants, their difference (b - a), its interval and the z-test."""

    rate_a: float | None
    rate_b: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    z: float | None
    p_value: float | None
    confidence: float

    def to_dict(self) -> dict[str, float | None]:
        """Return the comparison as plain JSON-safe values."""
        return asdict(self)


def two_proportion_test(
    *, successes_a: int, n_a: int, successes_b: int, n_b: int, confidence: float = 0.95
) -> ProportionComparison:
    """Compare two success rates: unpooled Wald interval and pooled two-sided z-test."""
    _check_counts(successes_a, n_a, "a")
    _check_counts(successes_b, n_b, "b")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if n_a == 0 or n_b == 0:
        return ProportionComparison(
            rate_a=successes_a / n_a if n_a else None,
            rate_b=successes_b / n_b if n_b else None,
            difference=None,
            ci_low=None,
            ci_high=None,
            z=None,
            p_value=None,
            confidence=confidence,
        )
    rate_a, rate_b = successes_a / n_a, successes_b / n_b
    difference = rate_b - rate_a
    unpooled_se = math.sqrt(rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b)
    half_width = float(stats.norm.ppf(0.5 + confidence / 2)) * unpooled_se
    pooled = (successes_a + successes_b) / (n_a + n_b)
    pooled_se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    # Every outcome identical in both variants: there is no variance to test against.
    z = difference / pooled_se if pooled_se > 0 else None
    p_value = float(2 * stats.norm.sf(abs(z))) if z is not None else None
    return ProportionComparison(
        rate_a=rate_a,
        rate_b=rate_b,
        difference=difference,
        ci_low=max(difference - half_width, -1.0),
        ci_high=min(difference + half_width, 1.0),
        z=z,
        p_value=p_value,
        confidence=confidence,
    )


def required_sample_size(
    *,
    baseline_rate: float,
    minimum_detectable_effect: float,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Rows per variant for a two-sided pooled z-test (Fleiss' formula, no continuity correction).

    n = (z_{1-alpha/2} * sqrt(2 * pbar * (1 - pbar)) + z_{power} * sqrt(p1 * q1 + p2 * q2))^2
    / (p2 - p1)^2, with p1 the baseline, p2 = p1 + the absolute minimum detectable effect and
    pbar = (p1 + p2) / 2.
    """
    p1, p2 = baseline_rate, baseline_rate + minimum_detectable_effect
    if not 0.0 < p1 < 1.0:
        raise ValueError(f"baseline_rate must be in (0, 1), got {p1}")
    if minimum_detectable_effect == 0.0 or not 0.0 < p2 < 1.0:
        raise ValueError(
            "minimum_detectable_effect must be non-zero and keep the rate inside (0, 1), "
            f"got {minimum_detectable_effect}"
        )
    for name, value in (("alpha", alpha), ("power", power)):
        if not 0.0 < value < 1.0:
            raise ValueError(f"{name} must be in (0, 1), got {value}")
    p_bar = (p1 + p2) / 2
    z_alpha = float(stats.norm.ppf(1 - alpha / 2))
    z_power = float(stats.norm.ppf(power))
    spread = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(spread**2 / (p2 - p1) ** 2)


def recommend(
    *,
    comparison: ProportionComparison,
    n_a: int,
    n_b: int,
    needed_per_variant: int,
    alpha: float = 0.05,
) -> Recommendation:
    """Promote a significantly better challenger; keep production on a loss or a full-size tie."""
    if min(n_a, n_b, needed_per_variant) < 0:
        raise ValueError("sample sizes must not be negative")
    significant = comparison.p_value is not None and comparison.p_value < alpha
    if significant and comparison.difference is not None:
        return "promote" if comparison.difference > 0 else "keep"
    if min(n_a, n_b) >= needed_per_variant:
        return "keep"
    return "not_enough_data"


def _check_counts(successes: int, n: int, variant: str) -> None:
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"variant {variant}: need 0 <= successes <= n, got {successes} of {n}")
