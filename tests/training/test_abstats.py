import json
import math

import pytest
from scipy import stats

from services.training.experiments.stats import (
    ProportionComparison,
    recommend,
    required_sample_size,
    two_proportion_test,
)


def test_two_proportion_test_by_hand_120_vs_150_of_1000() -> None:
    result = two_proportion_test(successes_a=120, n_a=1_000, successes_b=150, n_b=1_000)

    # Pooled rate 270/2000 = 0.135; SE0 = sqrt(0.135 * 0.865 * (1/1000 + 1/1000)).
    pooled_se = math.sqrt(0.135 * 0.865 * 0.002)  # = 0.0152824...
    z = 0.03 / pooled_se  # = 1.96305...
    # Unpooled SE = sqrt(0.12 * 0.88 / 1000 + 0.15 * 0.85 / 1000) = sqrt(0.0002331).
    half_width = 1.959963984540054 * math.sqrt(0.0002331)  # = 0.029924...
    assert (result.rate_a, result.rate_b) == (0.12, 0.15)
    assert result.difference == pytest.approx(0.03)
    assert result.z == pytest.approx(z) and result.z == pytest.approx(1.96305, abs=1e-5)
    assert result.p_value == pytest.approx(2 * (1 - stats.norm.cdf(z)))
    assert result.p_value == pytest.approx(0.04964, abs=1e-5)
    assert result.ci_low == pytest.approx(0.03 - half_width)
    assert result.ci_high == pytest.approx(0.03 + half_width)
    assert result.ci_low == pytest.approx(0.000076, abs=1e-6)


@pytest.mark.parametrize(
    ("successes_a", "n_a", "successes_b", "n_b"),
    [(120, 1_000, 150, 1_000), (530, 4_100, 470, 3_900), (9, 40, 2, 35)],
)
def test_pooled_z_test_equals_pearson_chi_square(
    successes_a: int, n_a: int, successes_b: int, n_b: int
) -> None:
    table = [[successes_a, n_a - successes_a], [successes_b, n_b - successes_b]]
    expected = stats.chi2_contingency(table, correction=False)

    result = two_proportion_test(successes_a=successes_a, n_a=n_a, successes_b=successes_b, n_b=n_b)

    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.z is not None and result.z**2 == pytest.approx(expected.statistic)


def test_interval_widens_with_confidence() -> None:
    narrow = two_proportion_test(
        successes_a=120, n_a=1_000, successes_b=150, n_b=1_000, confidence=0.90
    )
    wide = two_proportion_test(
        successes_a=120, n_a=1_000, successes_b=150, n_b=1_000, confidence=0.99
    )

    assert narrow.ci_low is not None and narrow.ci_high is not None
    assert wide.ci_low is not None and wide.ci_high is not None
    ratio = (wide.ci_high - wide.ci_low) / (narrow.ci_high - narrow.ci_low)
    assert ratio == pytest.approx(stats.norm.ppf(0.995) / stats.norm.ppf(0.95))
    assert wide.p_value == narrow.p_value


def test_empty_variant_gives_no_comparison() -> None:
    result = two_proportion_test(successes_a=30, n_a=100, successes_b=0, n_b=0)

    assert result.rate_a == 0.3 and result.rate_b is None
    assert (result.difference, result.ci_low, result.ci_high, result.z, result.p_value) == (
        None,
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize("successes", [0, 500])
def test_identical_outcomes_everywhere_have_no_p_value(successes: int) -> None:
    result = two_proportion_test(successes_a=successes, n_a=500, successes_b=successes, n_b=500)

    assert result.difference == 0.0
    assert (result.ci_low, result.ci_high) == (0.0, 0.0)
    assert result.z is None and result.p_value is None


def test_opposite_certain_outcomes_stay_finite() -> None:
    result = two_proportion_test(successes_a=0, n_a=100, successes_b=100, n_b=100)

    # Pooled rate 0.5: z = 1 / sqrt(0.25 * 0.02) = 14.142...
    assert result.z == pytest.approx(1 / math.sqrt(0.25 * 0.02))
    assert (result.ci_low, result.ci_high) == (1.0, 1.0)
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False)) == result.to_dict()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"successes_a": 11, "n_a": 10, "successes_b": 1, "n_b": 10},
        {"successes_a": -1, "n_a": 10, "successes_b": 1, "n_b": 10},
        {"successes_a": 1, "n_a": 10, "successes_b": 1, "n_b": -1},
        {"successes_a": 1, "n_a": 10, "successes_b": 1, "n_b": 10, "confidence": 1.0},
    ],
)
def test_two_proportion_test_rejects_impossible_counts(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        two_proportion_test(**kwargs)  # type: ignore[arg-type]


def test_required_sample_size_by_hand_10_to_12_percent() -> None:
    # pbar = 0.11; sqrt(2 * 0.11 * 0.89) = 0.442493; sqrt(0.1 * 0.9 + 0.12 * 0.88) = 0.442267
    # n = (1.959964 * 0.442493 + 0.841621 * 0.442267)^2 / 0.02^2 = 1.536346 / 0.0004 = 3840.9
    spread = 1.959964 * math.sqrt(2 * 0.11 * 0.89) + 0.841621 * math.sqrt(0.09 + 0.12 * 0.88)

    n = required_sample_size(baseline_rate=0.10, minimum_detectable_effect=0.02)

    assert n == math.ceil(spread**2 / 0.02**2) == 3_841


@pytest.mark.parametrize(("baseline", "effect", "power"), [(0.10, 0.02, 0.8), (0.3, -0.05, 0.9)])
def test_required_sample_size_is_the_smallest_reaching_the_power(
    baseline: float, effect: float, power: float
) -> None:
    n = required_sample_size(baseline_rate=baseline, minimum_detectable_effect=effect, power=power)

    def achieved_power(size: int) -> float:
        p1, p2 = baseline, baseline + effect
        p_bar = (p1 + p2) / 2
        null_sd = math.sqrt(2 * p_bar * (1 - p_bar) / size)
        alt_sd = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / size)
        return float(stats.norm.cdf((abs(effect) - stats.norm.ppf(0.975) * null_sd) / alt_sd))

    assert achieved_power(n) >= power > achieved_power(n - 1)


def test_required_sample_size_grows_for_smaller_effects() -> None:
    sizes = [
        required_sample_size(baseline_rate=0.1, minimum_detectable_effect=effect)
        for effect in (0.05, 0.02, 0.01)
    ]

    assert sizes == sorted(sizes) and sizes[0] < sizes[-1] / 10


@pytest.mark.parametrize(
    "kwargs",
    [
        {"baseline_rate": 0.0, "minimum_detectable_effect": 0.01},
        {"baseline_rate": 0.5, "minimum_detectable_effect": 0.0},
        {"baseline_rate": 0.95, "minimum_detectable_effect": 0.1},
        {"baseline_rate": 0.5, "minimum_detectable_effect": 0.1, "power": 1.0},
    ],
)
def test_required_sample_size_rejects_bad_inputs(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        required_sample_size(**kwargs)


@pytest.mark.parametrize(
    ("successes_b", "n", "needed", "expected"),
    [
        (150, 1_000, 5_000, "promote"),  # b better, p = 0.0496 < 0.05, even before full size
        (95, 1_000, 5_000, "not_enough_data"),  # b worse, 95 vs 120: p = 0.071 > 0.05
        (90, 1_000, 5_000, "keep"),  # 90 vs 120: p = 0.029, significantly worse
        (130, 1_000, 1_000, "keep"),  # full size reached, no significant difference
        (130, 1_000, 5_000, "not_enough_data"),
    ],
)
def test_recommend(successes_b: int, n: int, needed: int, expected: str) -> None:
    comparison = two_proportion_test(successes_a=120, n_a=n, successes_b=successes_b, n_b=n)

    action = recommend(comparison=comparison, n_a=n, n_b=n, needed_per_variant=needed)

    assert action == expected


def test_recommend_keeps_when_nothing_ever_differs_at_full_size() -> None:
    comparison = two_proportion_test(successes_a=0, n_a=4_000, successes_b=0, n_b=4_000)

    assert (
        recommend(comparison=comparison, n_a=4_000, n_b=4_000, needed_per_variant=3_841) == "keep"
    )
    assert (
        recommend(comparison=comparison, n_a=4_000, n_b=4_000, needed_per_variant=5_000)
        == "not_enough_data"
    )


def test_recommend_respects_alpha() -> None:
    comparison = ProportionComparison(
        rate_a=0.12,
        rate_b=0.15,
        difference=0.03,
        ci_low=0.0,
        ci_high=0.06,
        z=1.96,
        p_value=0.0496,
        confidence=0.95,
    )

    assert (
        recommend(comparison=comparison, n_a=1_000, n_b=1_000, needed_per_variant=5_000, alpha=0.01)
        == "not_enough_data"
    )
