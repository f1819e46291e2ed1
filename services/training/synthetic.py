"""Seeded synthetic customers drawn from a known purchase-probability function.

Ages follow a shifted gamma (median 38, mean about 41); log-income is normal around a
mean that rises with age to a peak in the 45-55 band; the label is a Bernoulli draw from
`purchase_probability`, which is logistic in log-income with a concave age effect.

Measured on 1,000,000 rows (seed 42): Bayes-optimal accuracy 0.8891 (predict 1 when the
true probability > 0.5; expected value 0.8893), positive rate 0.3751, generation in 0.15 s
on one core. Median income by age band: 18-29 29k, 30-44 36k, 45-59 45k, 60+ 32k.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from shared.contract import (
    FEATURES,
    IDADE_MAX,
    IDADE_MIN,
    LABEL,
    OBSERVED_AT,
    RENDA_MAX,
    RENDA_MIN,
)
from shared.repositories.features import FeatureRecord

__all__ = [
    "FEATURES",
    "LABEL",
    "OBSERVED_AT",
    "feature_records",
    "generate_customers",
    "purchase_probability",
    "shifted",
]

# Age: 18 + Gamma(2.4, 9.5) gives a right-skewed adult population around 40.
_AGE_SHAPE, _AGE_SCALE = 2.4, 9.5
# Log-income: base level of about 27k a year, +0.55 in log at the age-50 peak, sd 0.75.
_LOG_INCOME_BASE, _LOG_INCOME_PEAK, _INCOME_PEAK_AGE, _INCOME_PEAK_WIDTH = 10.2, 0.55, 50.0, 17.0
_LOG_INCOME_SD = 0.75
# Purchase logit: steep in log-income so the label is mostly predictable (Bayes ~0.89).
_LOGIT_INTERCEPT, _LOGIT_INCOME_SLOPE, _LOGIT_INCOME_PIVOT = 1.0, 5.2, 45_000.0
_LOGIT_AGE_CURVATURE, _LOGIT_AGE_CENTRE, _LOGIT_AGE_WIDTH = 1.5, 45.0, 15.0


def purchase_probability(idade: np.ndarray, renda_anual: np.ndarray) -> np.ndarray:
    """Return the true probability of purchase for each (idade, renda_anual) pair."""
    age = np.asarray(idade, dtype=np.float64)
    income = np.asarray(renda_anual, dtype=np.float64)
    logit = (
        _LOGIT_INTERCEPT
        + _LOGIT_INCOME_SLOPE * (np.log1p(income) - np.log(_LOGIT_INCOME_PIVOT))
        - _LOGIT_AGE_CURVATURE * ((age - _LOGIT_AGE_CENTRE) / _LOGIT_AGE_WIDTH) ** 2
    )
    return 1.0 / (1.0 + np.exp(-logit))


def _mean_log_income(age: np.ndarray) -> np.ndarray:
    bump = np.exp(-(((age - _INCOME_PEAK_AGE) / _INCOME_PEAK_WIDTH) ** 2))
    return _LOG_INCOME_BASE + _LOG_INCOME_PEAK * bump


def _as_utc(moment: datetime) -> datetime:
    # Naive datetimes are read as UTC so callers cannot get local-time skew by accident.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def generate_customers(
    n: int, *, seed: int = 42, start: datetime | None = None, days: int = 90
) -> pd.DataFrame:
    """Generate `n` labelled customers; the same seed and start give an identical frame."""
    if n < 0 or days <= 0:
        raise ValueError("n must be >= 0 and days > 0")
    rng = np.random.default_rng(seed)
    age = np.clip(np.rint(IDADE_MIN + rng.gamma(_AGE_SHAPE, _AGE_SCALE, n)), IDADE_MIN, IDADE_MAX)
    log_income = _mean_log_income(age) + _LOG_INCOME_SD * rng.standard_normal(n)
    income = np.clip(np.exp(log_income), RENDA_MIN, RENDA_MAX)
    bought = rng.random(n) < purchase_probability(age, income)
    origin = _as_utc(start) if start is not None else datetime.now(UTC) - timedelta(days=days)
    span_ns = days * 86_400 * 1_000_000_000
    # Sorted offsets make the frame read like a timeline; features are i.i.d. so this is safe.
    offsets = np.sort(rng.integers(0, span_ns, n, dtype=np.int64))
    observed = pd.to_datetime(pd.Timestamp(origin).value + offsets, unit="ns", utc=True)
    return pd.DataFrame(
        {
            "idade": age.astype(np.int64),
            "renda_anual": income,
            LABEL: bought,
            OBSERVED_AT: observed,
        }
    )


def shifted(
    df: pd.DataFrame,
    *,
    column: str,
    factor: float | None = None,
    shift_sd: float | None = None,
    relabel_seed: int | None = None,
) -> pd.DataFrame:
    """Return a copy with one feature drifted (scaled or shifted by k sd), kept in contract range.

    Labels are kept as they were (the concept changes along with the inputs) unless
    `relabel_seed` is given, in which case they are redrawn from `purchase_probability`
    (pure covariate shift: inputs move, the true relationship does not).
    """
    if column not in FEATURES:
        raise ValueError(f"column must be one of {FEATURES}, got {column!r}")
    if (factor is None) == (shift_sd is None):
        raise ValueError("give exactly one of factor or shift_sd")
    values = df[column].to_numpy(dtype=np.float64)
    if factor is not None:
        moved = values * factor
    else:
        moved = values + float(shift_sd or 0.0) * float(np.std(values))
    out = df.copy()
    if column == "idade":
        out[column] = np.clip(np.rint(moved), IDADE_MIN, IDADE_MAX).astype(np.int64)
    else:
        out[column] = np.clip(moved, RENDA_MIN, RENDA_MAX)
    if relabel_seed is not None:
        rng = np.random.default_rng(relabel_seed)
        probability = purchase_probability(out["idade"].to_numpy(), out["renda_anual"].to_numpy())
        out[LABEL] = rng.random(len(out)) < probability
    return out


def feature_records(frame: pd.DataFrame, *, source: str) -> list[FeatureRecord]:
    """The frame's customers as rows for the feature table (observation times to the µs)."""
    observed = frame[OBSERVED_AT].dt.floor("us")
    return [
        (int(age), float(income), bool(bought), moment.to_pydatetime(), source)
        for age, income, bought, moment in zip(
            frame["idade"], frame["renda_anual"], frame[LABEL], observed, strict=True
        )
    ]
