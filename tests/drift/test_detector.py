import json
import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from bench.drift_stats import FEATURE_SD, Scenario, draw_customers, scenarios, time_check
from services.drift.detector import DriftDetector, DriftResult, DriftThresholds

FEATURES = ("idade", "renda_anual")


def _customers(seed: int, size: int, **shift_sd: float) -> dict[str, np.ndarray]:
    return draw_customers(np.random.default_rng(seed), size, shift_sd=shift_sd)


def _features_only(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: data[name] for name in FEATURES}


def test_same_distribution_is_not_drift() -> None:
    detector = DriftDetector(_customers(1, 5_000))

    result = detector.check(_customers(2, 5_000))

    assert result.verdict == "no_drift"
    assert result.drifted_columns == []
    assert [c.name for c in result.columns] == ["idade", "renda_anual", "probability"]
    for column in result.columns:
        assert column.verdict == "no_drift"
        assert column.p_threshold == pytest.approx(0.05 / 3)
        assert column.effect_size is not None and column.effect_size < 0.1


@pytest.mark.parametrize("feature", FEATURES)
def test_only_the_shifted_feature_drifts(feature: str) -> None:
    detector = DriftDetector(_features_only(_customers(3, 5_000)))

    result = detector.check(_features_only(_customers(4, 2_000, **{feature: 0.5})))

    assert result.verdict == "drift"
    assert result.drifted_columns == [feature]
    shifted = next(c for c in result.columns if c.name == feature)
    assert shifted.p_value is not None and shifted.p_value < shifted.p_threshold
    assert shifted.effect_size == pytest.approx(0.5, abs=0.1)
    assert shifted.psi is not None and shifted.psi > 0.1


def test_statistics_match_scipy_on_the_same_data() -> None:
    reference, current = _customers(5, 3_000), _customers(6, 1_000, renda_anual=0.2)
    detector = DriftDetector(reference)

    renda = detector.check(current).columns[1]

    expected_ks = stats.ks_2samp(reference["renda_anual"], current["renda_anual"], method="asymp")
    expected_w1 = stats.wasserstein_distance(reference["renda_anual"], current["renda_anual"])
    assert renda.name == "renda_anual"
    assert renda.statistic == pytest.approx(expected_ks.statistic)
    assert renda.p_value == pytest.approx(expected_ks.pvalue)
    assert renda.effect_size == pytest.approx(
        expected_w1 / np.std(reference["renda_anual"], ddof=1)
    )


def test_psi_uses_reference_deciles() -> None:
    reference = {"x": np.arange(1_000, dtype=float)}  # deciles: ten bins of 100 values
    current = {"x": np.concatenate([np.arange(500.0), np.full(500, 950.0)])}

    column = DriftDetector(reference).check(current).columns[0]

    # Current puts 0.1 in each of the five lowest bins, 0.5 in the top bin, 1e-4 elsewhere.
    eps, ref_share = 1e-4, 0.1
    expected = 4 * (eps - ref_share) * math.log(eps / ref_share) + (0.5 - ref_share) * math.log(
        0.5 / ref_share
    )
    assert column.psi == pytest.approx(expected)


def test_small_samples_are_insufficient_data_without_statistics() -> None:
    detector = DriftDetector(_customers(7, 5_000))

    result = detector.check(_customers(8, 199, idade=2.0))

    assert result.verdict == "insufficient_data"
    assert result.drifted_columns == []
    for column in result.columns:
        assert column.verdict == "insufficient_data"
        assert column.current_size == 199
        assert (column.statistic, column.p_value, column.effect_size, column.psi) == (
            None,
            None,
            None,
            None,
        )


def test_small_reference_is_insufficient_data() -> None:
    result = DriftDetector(_customers(9, 150)).check(_customers(10, 5_000))

    assert result.verdict == "insufficient_data"
    assert all(c.reference_size == 150 for c in result.columns)


def test_drift_in_one_column_outweighs_missing_data_in_another() -> None:
    current = _features_only(_customers(11, 2_000, idade=1.0))
    current["renda_anual"] = current["renda_anual"].copy()
    current["renda_anual"][100:] = np.nan

    result = DriftDetector(_features_only(_customers(12, 5_000))).check(current)

    assert result.verdict == "drift"
    assert [c.verdict for c in result.columns] == ["drift", "insufficient_data"]


def test_nan_and_inf_are_dropped_and_counted() -> None:
    reference, clean = _customers(13, 2_000), _customers(14, 1_000)
    dirty = dict(clean)
    dirty["renda_anual"] = np.concatenate([clean["renda_anual"], [np.nan, np.inf, -np.inf]])
    reference["idade"] = np.concatenate([reference["idade"], [np.nan, np.nan]])
    detector = DriftDetector(reference)

    dirty_result, clean_result = detector.check(dirty), detector.check(clean)

    idade, renda = dirty_result.columns[0], dirty_result.columns[1]
    assert (renda.current_dropped, renda.current_size) == (3, 1_000)
    assert (idade.reference_dropped, idade.reference_size) == (2, 2_000)
    assert replace(renda, current_dropped=0) == clean_result.columns[1]
    assert dirty_result.columns[0] == clean_result.columns[0]


def test_large_samples_ignore_a_trivial_but_significant_shift() -> None:
    detector = DriftDetector(_customers(15, 50_000))

    result = detector.check(_customers(16, 200_000, idade=0.05))

    idade = result.columns[0]
    assert idade.p_value is not None and idade.p_value < idade.p_threshold
    assert idade.effect_size is not None and idade.effect_size < 0.1
    assert result.verdict == "no_drift"


def test_large_effect_without_significance_is_not_drift() -> None:
    reference = np.random.default_rng(17).normal(0.0, 1.0, 300)
    current = reference.copy()
    current[0] += 300.0  # one outlier: W1 = 300/300 SDs, yet the distributions agree

    column = DriftDetector({"x": reference}).check({"x": current}).columns[0]

    assert column.effect_size is not None and column.effect_size > 0.9
    assert column.p_value == pytest.approx(1.0)
    assert not column.drifted


def _channels_and_labels(seed: int, size: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "canal": rng.choice(["loja", "site", "app"], size=size, p=[0.5, 0.3, 0.2]),
        "comprou_produto": rng.random(size) < 0.3,
    }


def _categorical_detector(reference: dict[str, np.ndarray]) -> DriftDetector:
    return DriftDetector(reference, categorical=["canal", "comprou_produto"])


def test_categorical_same_mix_is_not_drift() -> None:
    detector = _categorical_detector(_channels_and_labels(18, 4_000))

    result = detector.check(_channels_and_labels(19, 3_000))

    assert result.verdict == "no_drift"
    assert [(c.kind, c.test, c.effect_metric) for c in result.columns] == [
        ("categorical", "chi2", "psi")
    ] * 2


def test_categorical_shift_matches_chi_square_and_psi() -> None:
    reference = _channels_and_labels(20, 4_000)
    canal = np.array(
        ["loja"] * 1_000 + ["site"] * 1_000 + ["app"] * 900 + ["novo"] * 100, dtype=object
    )
    canal[:5] = None  # missing values are dropped, not a category
    labels = _channels_and_labels(21, 3_000)["comprou_produto"]
    current = {"canal": canal, "comprou_produto": labels}

    result = _categorical_detector(reference).check(current)

    categories, counts = np.unique(reference["canal"], return_counts=True)
    ref_counts = dict(zip(categories.tolist(), counts.tolist(), strict=True))
    cur_counts = {"loja": 995, "site": 1_000, "app": 900, "novo": 100}
    table = [[ref_counts.get(k, 0) for k in cur_counts], list(cur_counts.values())]
    expected = stats.chi2_contingency(table, correction=False)
    ref_share = {k: max(ref_counts.get(k, 0) / 4_000, 1e-4) for k in cur_counts}
    psi = sum(
        (n / 2_995 - ref_share[k]) * math.log(n / 2_995 / ref_share[k])
        for k, n in cur_counts.items()
    )
    column = result.columns[0]
    assert (column.current_dropped, column.current_size) == (5, 2_995)
    assert column.statistic == pytest.approx(expected.statistic)
    assert column.p_value == pytest.approx(expected.pvalue)
    assert column.effect_size == pytest.approx(psi) and column.psi == column.effect_size
    assert column.drifted and result.drifted_columns == ["canal"]


def test_to_dict_is_plain_json_without_nan() -> None:
    reference = {"constante": np.full(500, 7.0), "idade": _customers(22, 500)["idade"]}
    current = {"constante": np.full(500, 8.0), "idade": np.full(100, 40)}

    result = DriftDetector(reference).check(current)
    payload = result.to_dict()

    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text) == payload
    columns = payload["columns"]
    assert isinstance(columns, list)
    constante, idade = columns
    assert constante["effect_size"] is None and constante["drifted"] is True
    assert type(constante["p_value"]) is float and type(constante["reference_size"]) is int
    assert idade["p_value"] is None and idade["verdict"] == "insufficient_data"
    assert payload["verdict"] == "drift" and payload["drifted_columns"] == ["constante"]


def test_missing_current_column_names_it() -> None:
    detector = DriftDetector(_customers(23, 300))

    with pytest.raises(ValueError, match="renda_anual"):
        detector.check({"idade": np.arange(300), "probability": np.ones(300)})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"alpha": 0.0},
        {"alpha": 1.5},
        {"effect_threshold": -0.1},
        {"psi_threshold": math.inf},
        {"min_samples": 1},
        {"min_samples": 2.5},
    ],
)
def test_thresholds_reject_invalid_values(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        DriftThresholds(**kwargs)  # type: ignore[arg-type]


def test_detector_rejects_bad_reference() -> None:
    with pytest.raises(ValueError, match="segmento"):
        DriftDetector({"idade": np.arange(10)}, categorical=["segmento"])
    with pytest.raises(ValueError, match="one-dimensional"):
        DriftDetector({"idade": np.ones((10, 2))})
    with pytest.raises(ValueError):
        DriftDetector({})


def test_custom_thresholds_change_the_decision() -> None:
    reference, current = _customers(24, 3_000), _customers(25, 3_000, idade=0.3)
    strict = DriftThresholds(effect_threshold=0.5)

    default_result: DriftResult = DriftDetector(reference).check(current)
    strict_result = DriftDetector(reference, thresholds=strict).check(current)

    assert "idade" in default_result.drifted_columns
    assert "idade" not in strict_result.drifted_columns


@pytest.mark.slow
@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: f"{s.name}@{s.current_size}")
def test_simulated_guarantees(scenario: Scenario) -> None:
    outcome = scenario.run(trials=scenario.test_trials, seed=42)

    assert outcome.passed, f"{scenario.name}: rate {outcome.rate} not {outcome.target_text}"


@pytest.mark.slow
def test_million_row_check_is_fast() -> None:
    assert set(FEATURE_SD) == set(FEATURES)

    seconds = time_check(current_size=1_000_000, reference_size=50_000, seed=26)

    assert seconds < 10.0


def test_mixed_columns_keep_reference_order_and_share_the_correction() -> None:
    reference = _customers(27, 1_000) | _channels_and_labels(28, 1_000)
    detector = DriftDetector(reference, categorical=["canal", "comprou_produto"])

    result = detector.check(_customers(29, 1_000) | _channels_and_labels(30, 1_000))

    assert detector.columns == list(reference)
    assert [c.name for c in result.columns] == list(reference)
    assert all(c.p_threshold == pytest.approx(0.05 / 5) for c in result.columns)
