from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from services.training.synthetic import (
    LABEL,
    generate_customers,
    purchase_probability,
    shifted,
)

START = datetime(2024, 3, 1, tzinfo=UTC)


def test_columns_dtypes_and_contract_ranges() -> None:
    df = generate_customers(20_000, seed=3, start=START)
    assert list(df.columns) == ["idade", "renda_anual", LABEL, "observed_at"]
    assert df["idade"].dtype == np.int64
    assert df["renda_anual"].dtype == np.float64
    assert df[LABEL].dtype == bool
    assert str(df["observed_at"].dt.tz) == "UTC"
    assert df["idade"].between(18, 100).all()
    assert df["renda_anual"].between(0, 10_000_000).all()
    assert np.isfinite(df["renda_anual"]).all()


def test_age_distribution_is_adult_and_skewed() -> None:
    age = generate_customers(50_000, seed=5, start=START)["idade"]
    assert 35 <= age.median() <= 42
    assert age.mean() > age.median()
    assert age.quantile(0.95) < 80


def test_income_peaks_in_middle_age() -> None:
    df = generate_customers(100_000, seed=6, start=START)
    bands = pd.cut(df["idade"], bins=[17, 29, 44, 59, 100])
    medians = df.groupby(bands, observed=True)["renda_anual"].median().to_numpy()
    assert medians.argmax() == 2
    assert medians[2] > 1.2 * medians[0]


def test_same_seed_same_frame_and_different_seed_differs() -> None:
    first = generate_customers(5_000, seed=11, start=START)
    pd.testing.assert_frame_equal(first, generate_customers(5_000, seed=11, start=START))
    assert not first.equals(generate_customers(5_000, seed=12, start=START))


def test_timestamps_spread_over_the_requested_window() -> None:
    df = generate_customers(10_000, seed=1, start=START, days=30)
    observed = df["observed_at"]
    assert observed.min() >= pd.Timestamp(START)
    assert observed.max() < pd.Timestamp(START + timedelta(days=30))
    assert observed.max() - observed.min() > timedelta(days=29)
    assert observed.is_monotonic_increasing


def test_default_start_ends_near_now() -> None:
    observed = generate_customers(2_000, days=10)["observed_at"]
    now = pd.Timestamp.now(tz="UTC")
    assert now - timedelta(days=10, minutes=1) <= observed.min()
    assert observed.max() <= now


def test_bayes_accuracy_and_positive_rate() -> None:
    df = generate_customers(200_000, seed=21, start=START)
    probability = purchase_probability(df["idade"].to_numpy(), df["renda_anual"].to_numpy())
    bayes_accuracy = float(np.mean((probability > 0.5) == df[LABEL].to_numpy()))
    assert 0.87 <= bayes_accuracy <= 0.91
    assert 0.25 <= df[LABEL].mean() <= 0.45


def test_purchase_probability_shape() -> None:
    incomes = np.array([5_000.0, 45_000.0, 500_000.0])
    rising = purchase_probability(np.full(3, 45), incomes)
    assert np.all(np.diff(rising) > 0)
    by_age = purchase_probability(np.array([20, 45, 85]), np.full(3, 80_000.0))
    assert by_age[1] > by_age[0] and by_age[1] > by_age[2]
    assert np.all((rising > 0) & (rising < 1))


def test_generates_a_million_rows_quickly() -> None:
    import time

    began = time.perf_counter()
    df = generate_customers(1_000_000, seed=2, start=START)
    assert len(df) == 1_000_000
    assert time.perf_counter() - began < 2.0


def test_shifted_income_by_factor_keeps_labels() -> None:
    df = generate_customers(5_000, seed=4, start=START)
    drifted = shifted(df, column="renda_anual", factor=3.0)
    assert drifted["renda_anual"].median() == pytest.approx(3 * df["renda_anual"].median())
    assert drifted["renda_anual"].max() <= 10_000_000
    pd.testing.assert_series_equal(drifted[LABEL], df[LABEL])
    pd.testing.assert_series_equal(drifted["idade"], df["idade"])


def test_shifted_age_by_sd_is_clipped_and_integer() -> None:
    df = generate_customers(5_000, seed=4, start=START)
    drifted = shifted(df, column="idade", shift_sd=2.0)
    expected_mean = df["idade"].mean() + 2.0 * df["idade"].std(ddof=0)
    assert drifted["idade"].dtype == np.int64
    assert drifted["idade"].between(18, 100).all()
    assert (drifted["idade"] == 100).any()
    assert drifted["idade"].mean() == pytest.approx(expected_mean, abs=2.0)


def test_shifted_extreme_factor_is_clipped_to_contract() -> None:
    df = generate_customers(1_000, seed=4, start=START)
    drifted = shifted(df, column="renda_anual", factor=1_000.0)
    assert drifted["renda_anual"].max() == 10_000_000


def test_shifted_relabel_follows_true_probability() -> None:
    df = generate_customers(50_000, seed=8, start=START)
    drifted = shifted(df, column="renda_anual", factor=2.0, relabel_seed=9)
    assert drifted[LABEL].mean() > df[LABEL].mean() + 0.1
    expected = purchase_probability(drifted["idade"].to_numpy(), drifted["renda_anual"].to_numpy())
    assert drifted[LABEL].mean() == pytest.approx(expected.mean(), abs=0.01)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"column": "renda_anual"}, "exactly one"),
        ({"column": "renda_anual", "factor": 2.0, "shift_sd": 1.0}, "exactly one"),
        ({"column": LABEL, "factor": 2.0}, "column must be"),
    ],
)
def test_shifted_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    df = generate_customers(10, seed=1, start=START)
    with pytest.raises(ValueError, match=message):
        shifted(df, **kwargs)  # type: ignore[arg-type]
