import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

from services.training.modeling.candidates import build_candidates, features_and_target
from services.training.modeling.fairness import fairness_report
from services.training.synthetic import generate_customers


@pytest.fixture(scope="module")
def model_and_data() -> tuple[Pipeline, pd.DataFrame, np.ndarray]:
    X, y = features_and_target(
        generate_customers(6_000, seed=31, start=datetime(2024, 1, 1, tzinfo=UTC))
    )
    model = build_candidates(seed=0)["logistic_regression"].fit(X.iloc[:3_000], y[:3_000])
    return model, X.iloc[3_000:], y[3_000:]


def test_per_band_numbers_match_a_direct_computation(
    model_and_data: tuple[Pipeline, pd.DataFrame, np.ndarray],
) -> None:
    model, X, y = model_and_data
    report = fairness_report(model, X, y)
    assert [row["band"] for row in report["bands"]] == ["18-29", "30-44", "45-59", "60-100"]
    assert sum(row["count"] for row in report["bands"]) == len(X)
    predicted = model.predict(X)
    in_band = X["idade"].between(45, 59).to_numpy()
    middle = report["bands"][2]
    assert middle["count"] == in_band.sum()
    assert middle["positive_rate"] == pytest.approx(predicted[in_band].mean())
    assert middle["actual_rate"] == pytest.approx(y[in_band].mean())
    assert middle["accuracy"] == pytest.approx((predicted[in_band] == y[in_band]).mean())


def test_gaps_name_the_extreme_bands(
    model_and_data: tuple[Pipeline, pd.DataFrame, np.ndarray],
) -> None:
    model, X, y = model_and_data
    report = fairness_report(model, X, y)
    rows = {row["band"]: row for row in report["bands"]}
    for gap_key, metric in [
        ("max_positive_rate_gap", "positive_rate"),
        ("max_accuracy_gap", "accuracy"),
    ]:
        gap = report[gap_key]
        values = [row[metric] for row in rows.values()]
        assert gap["value"] == pytest.approx(max(values) - min(values))
        assert rows[gap["low_band"]][metric] == min(values)
        assert rows[gap["high_band"]][metric] == max(values)
    # The generator's purchase rate peaks in middle age, so a good model's selection rate does too.
    assert report["max_positive_rate_gap"]["high_band"] == "45-59"


def test_empty_band_is_reported_as_none_and_json_safe(
    model_and_data: tuple[Pipeline, pd.DataFrame, np.ndarray],
) -> None:
    model, X, y = model_and_data
    young = (X["idade"] < 40).to_numpy()
    report = fairness_report(model, X[young], y[young], bands=((18, 39), (40, 100)))
    assert report["bands"][1] == {
        "band": "40-100",
        "count": 0,
        "positive_rate": None,
        "actual_rate": None,
        "accuracy": None,
    }
    assert report["max_accuracy_gap"] == {"value": None, "low_band": None, "high_band": None}
    json.dumps(report, allow_nan=False)


def test_accepts_ndarray_inputs(
    model_and_data: tuple[Pipeline, pd.DataFrame, np.ndarray],
) -> None:
    model, X, y = model_and_data
    from_array = fairness_report(model, X.to_numpy(), y.astype(bool))
    assert from_array == fairness_report(model, X, y)
