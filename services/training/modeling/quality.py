"""Data-quality validation: clean a labelled frame to the serving contract and report on it.

Missing-value policy:
- rows whose label is missing or unreadable are dropped (nothing to learn from);
- rows with a missing, non-numeric or out-of-contract feature (idade not an integer in
  18..100, renda_anual not finite in 0..10,000,000) are dropped and counted, because the
  serving contract would refuse such inputs, so a model should not learn from them;
- exact duplicate rows are counted and kept: without a customer id two identical rows may be
  two customers, and dropping them would reweight the data. A high duplicate fraction points
  at a double ingest and fails the report instead.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from shared.contract import (
    FEATURES,
    LABEL,
    OBSERVED_AT,
    idade_in_range,
    is_whole,
    parse_label,
    renda_in_range,
)
from shared.repositories.features import HOLDOUT_ELIGIBLE

REQUIRED_COLUMNS = (*FEATURES, LABEL)


@dataclass(frozen=True)
class QualityThresholds:
    """Limits a training frame must meet; fractions are of the input rows."""

    min_rows: int = 200  # labelled, valid rows left after cleaning
    max_null_fraction: float = 0.05  # per required column (missing or unparseable)
    max_out_of_range_fraction: float = 0.02  # per feature, among its non-null values
    max_duplicate_fraction: float = 0.10  # exact duplicate rows
    min_minority_fraction: float = 0.05  # share of the rarer label class after cleaning


@dataclass
class QualityReport:
    """Outcome of `prepare`: pass/fail, reasons and the numbers behind them."""

    passed: bool
    failures: list[str]
    rows_in: int
    rows_out: int
    dropped_missing_label: int = 0
    dropped_invalid_features: int = 0
    null_counts: dict[str, int] = field(default_factory=dict)
    out_of_range_counts: dict[str, int] = field(default_factory=dict)
    duplicate_rows: int = 0
    positive_rate: float | None = None
    thresholds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return asdict(self)


def _read_label(value: object) -> object:
    # Numeric columns holding 0/1 arrive as numpy or float values after a NaN; the contract
    # parser reads plain Python bools, ints and text.
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value in (0.0, 1.0):
        value = int(value)
    try:
        return parse_label(value)
    except ValueError:
        return pd.NA


def _label_series(raw: pd.Series) -> pd.Series:
    # Unreadable labels become missing and the row is dropped as unlabelled.
    if pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype("boolean")
    return raw.map(_read_label).astype("boolean")


def _numeric(raw: pd.Series) -> pd.Series:
    return pd.to_numeric(raw, errors="coerce").astype(np.float64)


def _out_of_range(idade: pd.Series, renda: pd.Series) -> dict[str, pd.Series]:
    ages, incomes = idade.to_numpy(), renda.to_numpy()
    age_ok = pd.Series(idade_in_range(ages) & is_whole(ages), index=idade.index)
    income_ok = pd.Series(renda_in_range(incomes), index=renda.index)
    return {"idade": ~age_ok & idade.notna(), "renda_anual": ~income_ok & renda.notna()}


def _threshold_failures(report: QualityReport, limits: QualityThresholds) -> list[str]:
    failures: list[str] = []
    rows_in = max(report.rows_in, 1)
    for column, nulls in report.null_counts.items():
        if nulls / rows_in > limits.max_null_fraction:
            failures.append(
                f"column {column} has {nulls / rows_in:.1%} missing values "
                f"(max {limits.max_null_fraction:.1%})"
            )
    for column, bad in report.out_of_range_counts.items():
        present = max(report.rows_in - report.null_counts.get(column, 0), 1)
        if bad / present > limits.max_out_of_range_fraction:
            failures.append(
                f"column {column} has {bad / present:.1%} values outside the contract "
                f"(max {limits.max_out_of_range_fraction:.1%})"
            )
    if report.duplicate_rows / rows_in > limits.max_duplicate_fraction:
        failures.append(
            f"{report.duplicate_rows / rows_in:.1%} of rows are exact duplicates "
            f"(max {limits.max_duplicate_fraction:.1%})"
        )
    return failures


def _label_failures(report: QualityReport, limits: QualityThresholds) -> list[str]:
    if report.rows_out < limits.min_rows:
        return [f"not enough labelled rows: {report.rows_out} < {limits.min_rows}"]
    rate = report.positive_rate or 0.0
    minority = min(rate, 1.0 - rate)
    if minority == 0.0:
        return ["label has a single class"]
    if minority < limits.min_minority_fraction:
        return [
            f"label minority class is {minority:.1%} of rows "
            f"(min {limits.min_minority_fraction:.1%})"
        ]
    return []


def _clean_frame(df: pd.DataFrame, report: QualityReport) -> pd.DataFrame:
    idade, renda = _numeric(df["idade"]), _numeric(df["renda_anual"])
    label = _label_series(df[LABEL])
    report.null_counts = {
        "idade": int(idade.isna().sum()),
        "renda_anual": int(renda.isna().sum()),
        LABEL: int(label.isna().sum()),
    }
    bad_ranges = _out_of_range(idade, renda)
    report.out_of_range_counts = {column: int(mask.sum()) for column, mask in bad_ranges.items()}
    report.duplicate_rows = int(df.duplicated().sum())
    has_label = label.notna()
    out_of_contract = bad_ranges["idade"] | bad_ranges["renda_anual"]
    valid_features = idade.notna() & renda.notna() & ~out_of_contract
    report.dropped_missing_label = int((~has_label).sum())
    report.dropped_invalid_features = int((has_label & ~valid_features).sum())
    keep = (has_label & valid_features).to_numpy()
    clean = pd.DataFrame(
        {
            "idade": idade[keep].astype(np.int64),
            "renda_anual": renda[keep],
            LABEL: label[keep].astype(bool),
        }
    )
    if OBSERVED_AT in df.columns:
        clean[OBSERVED_AT] = pd.to_datetime(df.loc[keep, OBSERVED_AT], utc=True, errors="coerce")
    if HOLDOUT_ELIGIBLE in df.columns:
        clean[HOLDOUT_ELIGIBLE] = df[HOLDOUT_ELIGIBLE].to_numpy(dtype=bool)[keep]
    return clean.reset_index(drop=True)


def prepare(
    df: pd.DataFrame, *, thresholds: QualityThresholds | None = None
) -> tuple[pd.DataFrame, QualityReport]:
    """Return the rows fit for training and a report saying whether the frame passes."""
    limits = thresholds or QualityThresholds()
    report = QualityReport(
        passed=False, failures=[], rows_in=len(df), rows_out=0, thresholds=asdict(limits)
    )
    missing = [column for column in REQUIRED_COLUMNS if column not in df.columns]
    if missing:
        report.failures.append(f"missing columns: {', '.join(missing)}")
        return pd.DataFrame(columns=list(REQUIRED_COLUMNS)), report
    clean = _clean_frame(df, report)
    report.rows_out = len(clean)
    report.positive_rate = float(clean[LABEL].mean()) if len(clean) else None
    report.failures = _threshold_failures(report, limits) + _label_failures(report, limits)
    report.passed = not report.failures
    return clean, report
