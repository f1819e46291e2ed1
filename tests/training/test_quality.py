import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from services.training.modeling.quality import QualityThresholds, prepare
from services.training.synthetic import LABEL, generate_customers

START = datetime(2024, 3, 1, tzinfo=UTC)


def _customers(n: int = 1_000, seed: int = 1) -> pd.DataFrame:
    return generate_customers(n, seed=seed, start=START)


def test_clean_frame_passes_unchanged() -> None:
    df = _customers()
    clean, report = prepare(df)
    assert report.passed, report.failures
    assert report.failures == []
    assert report.rows_in == report.rows_out == 1_000
    pd.testing.assert_frame_equal(clean, df)
    assert report.positive_rate == pytest.approx(df[LABEL].mean())


def test_invalid_rows_are_dropped_and_counted() -> None:
    df = _customers().astype({"idade": object, "renda_anual": object, LABEL: object})
    df.loc[0, "idade"] = None
    df.loc[1, "idade"] = 17
    df.loc[2, "idade"] = 35.5
    df.loc[3, "renda_anual"] = float("inf")
    df.loc[4, "renda_anual"] = "not a number"
    df.loc[5, "renda_anual"] = -1.0
    df.loc[6, LABEL] = None
    df.loc[7, LABEL] = "maybe"
    df.loc[8, "idade"] = None  # missing feature and missing label: counted once, as label
    df.loc[8, LABEL] = None
    clean, report = prepare(df)
    assert report.null_counts == {"idade": 2, "renda_anual": 1, LABEL: 3}
    assert report.out_of_range_counts == {"idade": 2, "renda_anual": 2}
    assert report.dropped_missing_label == 3
    assert report.dropped_invalid_features == 6
    assert report.rows_out == len(clean) == 1_000 - 9
    assert clean["idade"].between(18, 100).all() and clean["idade"].dtype == np.int64
    assert np.isfinite(clean["renda_anual"]).all() and clean["renda_anual"].dtype == np.float64
    assert clean[LABEL].dtype == bool
    assert report.passed, report.failures


def test_label_spellings_are_read() -> None:
    df = _customers(n=400)[["idade", "renda_anual"]].copy()
    spellings: list[object] = ["true", "0", 1, False, "Sim", "não", 1.0, np.int64(0)]
    df[LABEL] = pd.Series(spellings * 50, index=df.index, dtype=object)
    clean, report = prepare(df)
    assert report.passed, report.failures
    assert clean[LABEL].tolist() == [True, False] * 200


def test_numeric_label_column_with_gaps_is_read() -> None:
    df = _customers(n=400)
    df[LABEL] = df[LABEL].astype(float).mask(np.arange(400) < 4)
    clean, report = prepare(df)
    assert report.dropped_missing_label == 4
    assert clean[LABEL].tolist() == _customers(n=400)[LABEL].iloc[4:].tolist()


def test_too_few_rows_fails_with_reason() -> None:
    clean, report = prepare(_customers(n=12))
    assert not report.passed
    assert "not enough labelled rows: 12 < 200" in report.failures
    assert len(clean) == 12


def test_single_class_fails() -> None:
    df = _customers(n=500)
    df[LABEL] = False
    _, report = prepare(df)
    assert report.failures == ["label has a single class"]


def test_rare_minority_class_fails() -> None:
    df = _customers(n=1_000)
    df[LABEL] = np.arange(1_000) < 30
    _, report = prepare(df)
    assert report.failures == ["label minority class is 3.0% of rows (min 5.0%)"]
    _, relaxed = prepare(df, thresholds=QualityThresholds(min_minority_fraction=0.01))
    assert relaxed.passed


def test_null_fraction_over_limit_fails() -> None:
    df = _customers(n=1_000)
    df["renda_anual"] = df["renda_anual"].mask(np.arange(1_000) < 100)
    clean, report = prepare(df)
    assert report.failures == ["column renda_anual has 10.0% missing values (max 5.0%)"]
    assert len(clean) == 900


def test_out_of_range_fraction_over_limit_fails() -> None:
    df = _customers(n=1_000)
    df.loc[:49, "idade"] = 120
    _, report = prepare(df)
    assert report.out_of_range_counts["idade"] == 50
    assert report.failures == ["column idade has 5.0% values outside the contract (max 2.0%)"]


def test_duplicates_are_kept_and_fail_above_limit() -> None:
    df = _customers(n=800)
    doubled = pd.concat([df, df.head(200)], ignore_index=True)
    clean, report = prepare(doubled)
    assert report.duplicate_rows == 200
    assert len(clean) == 1_000
    assert report.failures == ["20.0% of rows are exact duplicates (max 10.0%)"]
    _, few = prepare(pd.concat([df, df.head(10)], ignore_index=True))
    assert few.duplicate_rows == 10 and few.passed


def test_missing_columns_fail_without_raising() -> None:
    clean, report = prepare(_customers(n=300).drop(columns=["renda_anual"]))
    assert not report.passed
    assert report.failures == ["missing columns: renda_anual"]
    assert clean.empty


def test_frame_without_timestamp_is_accepted() -> None:
    clean, report = prepare(_customers(n=300).drop(columns=["observed_at"]))
    assert report.passed
    assert list(clean.columns) == ["idade", "renda_anual", LABEL]


def test_report_is_json_safe() -> None:
    df = _customers(n=5)
    _, report = prepare(df.iloc[0:0])
    payload = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert payload["passed"] is False
    assert payload["positive_rate"] is None
    assert payload["thresholds"]["min_rows"] == 200
