"""Drift detection: compare recent model inputs and outputs with the production reference sample.

Every column of the reference is tested, the prediction column included:

- numeric columns: two-sample Kolmogorov-Smirnov test (``scipy.stats.ks_2samp``, asymptotic
  p-value: at ``min_samples`` and above it matches the exact one closely, costs the same at any
  size and never falls back with a warning as the exact method does near p = 1), with the
  Wasserstein-1 distance divided by the reference standard deviation as effect size, and the
  population stability index (PSI) over 10 quantile bins of the reference, for the report;
- categorical columns: Pearson chi-square test on the 2 x k table of category counts
  (no continuity correction), with the PSI over categories as effect size.

Decision rule: a column drifts when its p-value < ``alpha / number_of_columns`` (Bonferroni,
so ``alpha`` bounds the chance that any column of a check is flagged by chance) AND its effect
size is above its threshold (``effect_threshold`` for the normalised Wasserstein distance,
``psi_threshold`` for categorical PSI). The test alone would flag trivial shifts once samples
are large; the effect size alone would flag noise when they are small.

NaN and infinite values are dropped before testing and counted per column. A column with fewer
than ``min_samples`` usable values on either side gets the verdict ``insufficient_data`` and no
statistics. The check as a whole is ``drift`` when any column drifts, else
``insufficient_data`` when any column lacked data, else ``no_drift``. Columns present in the
current data but absent from the reference are ignored.

No sampling: every current row is used. Each current column is sorted once and the sorted
values serve the KS test, the Wasserstein distance (a linear merge with the sorted reference)
and the PSI bin counts (binary searches), so a check stays O(n log n) in the current size.
"""

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from typing import Literal

import numpy as np
from scipy import stats

ColumnKind = Literal["numeric", "categorical"]
Verdict = Literal["drift", "no_drift", "insufficient_data"]

_PSI_BINS = 10
# Floor for a bin's share so an empty bin gives a large but finite PSI term.
_PSI_EPSILON = 1e-4


@dataclass(frozen=True)
class DriftThresholds:
    """Significance level, effect-size thresholds and minimum sample size of a drift check."""

    alpha: float = 0.05
    effect_threshold: float = 0.1
    psi_threshold: float = 0.2
    min_samples: int = 200

    def __post_init__(self) -> None:
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")
        for name in ("effect_threshold", "psi_threshold"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0.0):
                raise ValueError(f"{name} must be a positive finite number, got {value}")
        if isinstance(self.min_samples, bool) or not isinstance(self.min_samples, int):
            raise ValueError(f"min_samples must be an integer, got {self.min_samples!r}")
        if self.min_samples < 2:
            raise ValueError(f"min_samples must be at least 2, got {self.min_samples}")


@dataclass(frozen=True)
class ColumnDrift:
    """Test outcome for one column; statistics are None when data was insufficient."""

    name: str
    kind: ColumnKind
    test: Literal["ks", "chi2"]
    statistic: float | None
    p_value: float | None
    p_threshold: float
    effect_metric: Literal["normalised_wasserstein", "psi"]
    effect_size: float | None
    psi: float | None
    reference_size: int
    current_size: int
    drifted: bool
    verdict: Verdict
    reference_dropped: int = 0
    current_dropped: int = 0

    def to_dict(self) -> dict[str, object]:
        """Return the result as JSON-safe plain types (non-finite numbers become None)."""
        return {f.name: _json_safe(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class DriftResult:
    """Outcome of one drift check over all reference columns."""

    columns: list[ColumnDrift]
    verdict: Verdict
    drifted_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """Return the result as JSON-safe plain types."""
        return {
            "verdict": self.verdict,
            "drifted_columns": list(self.drifted_columns),
            "columns": [column.to_dict() for column in self.columns],
        }


@dataclass(frozen=True)
class _NumericReference:
    sorted_values: np.ndarray
    std: float
    bin_edges: np.ndarray
    bin_shares: np.ndarray
    dropped: int


@dataclass(frozen=True)
class _CategoricalReference:
    counts: Counter[object]
    size: int
    dropped: int


class DriftDetector:
    """Tests current data against a reference sample, column by column."""

    def __init__(
        self,
        reference: Mapping[str, np.ndarray],
        *,
        thresholds: DriftThresholds = DriftThresholds(),
        categorical: Collection[str] = (),
    ) -> None:
        if not reference:
            raise ValueError("reference has no columns")
        unknown = sorted(set(categorical) - set(reference))
        if unknown:
            raise ValueError(f"categorical columns not in reference: {', '.join(unknown)}")
        self.thresholds = thresholds
        self._p_threshold = thresholds.alpha / len(reference)
        self._references: dict[str, _NumericReference | _CategoricalReference] = {
            name: _categorical_reference(values)
            if name in categorical
            else _numeric_reference(values, name=name)
            for name, values in reference.items()
        }

    @property
    def columns(self) -> list[str]:
        """Names of the tested columns, in reference order."""
        return list(self._references)

    def check(self, current: Mapping[str, np.ndarray]) -> DriftResult:
        """Test every reference column of ``current`` and aggregate the verdict."""
        missing = [name for name in self.columns if name not in current]
        if missing:
            raise ValueError(f"current data lacks column(s): {', '.join(missing)}")
        results = [
            self._check_numeric(name, ref, current[name])
            if isinstance(ref, _NumericReference)
            else self._check_categorical(name, ref, current[name])
            for name, ref in self._references.items()
        ]
        drifted = [column.name for column in results if column.drifted]
        verdict: Verdict = "no_drift"
        if drifted:
            verdict = "drift"
        elif any(column.verdict == "insufficient_data" for column in results):
            verdict = "insufficient_data"
        return DriftResult(columns=results, verdict=verdict, drifted_columns=drifted)

    def histograms(
        self, current: Mapping[str, np.ndarray], *, bins: int = 30
    ) -> dict[str, dict[str, list[float]]]:
        """Reference and current shares over shared bins, per numeric column (for the page)."""
        drawn = {}
        for name, ref in self._references.items():
            if not isinstance(ref, _NumericReference) or name not in current:
                continue
            values, _ = _finite_floats(current[name], name=name)
            if ref.sorted_values.size == 0 or values.size == 0:
                continue
            drawn[name] = _shared_histogram(ref.sorted_values, values, bins=bins)
        return drawn

    def _check_numeric(self, name: str, ref: _NumericReference, raw: np.ndarray) -> ColumnDrift:
        values, dropped = _finite_floats(raw, name=name)
        sizes = {
            "reference_size": ref.sorted_values.size,
            "current_size": values.size,
            "reference_dropped": ref.dropped,
            "current_dropped": dropped,
        }
        if min(ref.sorted_values.size, values.size) < self.thresholds.min_samples:
            return self._insufficient(name, "numeric", sizes)
        current = np.sort(values)
        ks = stats.ks_2samp(ref.sorted_values, current, method="asymp")
        distance = _wasserstein_sorted(ref.sorted_values, current)
        if ref.std > 0.0:
            effect = distance / ref.std
        else:
            # A constant reference: any movement at all is an unbounded relative shift.
            effect = 0.0 if distance == 0.0 else float("inf")
        psi = _psi(ref.bin_shares, _bin_shares(current, ref.bin_edges))
        return self._decide(
            name=name,
            kind="numeric",
            test="ks",
            statistic=float(ks.statistic),
            p_value=float(ks.pvalue),
            effect_metric="normalised_wasserstein",
            effect_size=effect,
            effect_threshold=self.thresholds.effect_threshold,
            psi=psi,
            sizes=sizes,
        )

    def _check_categorical(
        self, name: str, ref: _CategoricalReference, raw: np.ndarray
    ) -> ColumnDrift:
        values, dropped = _present_values(raw)
        counts = _count_categories(values)
        sizes = {
            "reference_size": ref.size,
            "current_size": int(values.size),
            "reference_dropped": ref.dropped,
            "current_dropped": dropped,
        }
        if min(ref.size, values.size) < self.thresholds.min_samples:
            return self._insufficient(name, "categorical", sizes)
        categories = list(ref.counts.keys() | counts.keys())
        table = np.array([[ref.counts[c] for c in categories], [counts[c] for c in categories]])
        if len(categories) < 2:
            statistic, p_value = 0.0, 1.0  # one shared category: the samples cannot differ
        else:
            chi2 = stats.chi2_contingency(table, correction=False)
            statistic, p_value = float(chi2.statistic), float(chi2.pvalue)
        psi = _psi(table[0] / ref.size, table[1] / values.size)
        return self._decide(
            name=name,
            kind="categorical",
            test="chi2",
            statistic=statistic,
            p_value=p_value,
            effect_metric="psi",
            effect_size=psi,
            effect_threshold=self.thresholds.psi_threshold,
            psi=psi,
            sizes=sizes,
        )

    def _decide(
        self,
        *,
        name: str,
        kind: ColumnKind,
        test: Literal["ks", "chi2"],
        statistic: float,
        p_value: float,
        effect_metric: Literal["normalised_wasserstein", "psi"],
        effect_size: float,
        effect_threshold: float,
        psi: float,
        sizes: dict[str, int],
    ) -> ColumnDrift:
        drifted = p_value < self._p_threshold and effect_size > effect_threshold
        return ColumnDrift(
            name=name,
            kind=kind,
            test=test,
            statistic=statistic,
            p_value=p_value,
            p_threshold=self._p_threshold,
            effect_metric=effect_metric,
            effect_size=effect_size,
            psi=psi,
            drifted=drifted,
            verdict="drift" if drifted else "no_drift",
            **sizes,
        )

    def _insufficient(self, name: str, kind: ColumnKind, sizes: dict[str, int]) -> ColumnDrift:
        numeric = kind == "numeric"
        return ColumnDrift(
            name=name,
            kind=kind,
            test="ks" if numeric else "chi2",
            statistic=None,
            p_value=None,
            p_threshold=self._p_threshold,
            effect_metric="normalised_wasserstein" if numeric else "psi",
            effect_size=None,
            psi=None,
            drifted=False,
            verdict="insufficient_data",
            **sizes,
        )


def _shared_histogram(
    reference: np.ndarray, current: np.ndarray, *, bins: int
) -> dict[str, list[float]]:
    # The central 99 % of both samples sets the range, so one outlier cannot flatten the
    # picture; the rows beyond it are counted in the end bins.
    both = np.concatenate([reference, current])
    low, high = np.quantile(both, [0.005, 0.995])
    if high <= low:
        low, high = float(both.min()) - 0.5, float(both.max()) + 0.5
    edges = np.linspace(low, high, bins + 1)

    def shares(values: np.ndarray) -> list[float]:
        counts = np.bincount(
            np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1),
            minlength=bins,
        )
        return [float(share) for share in counts / values.size]

    return {
        "edges": [float(edge) for edge in edges],
        "reference": shares(reference),
        "current": shares(current),
    }


def _numeric_reference(raw: np.ndarray, *, name: str) -> _NumericReference:
    values, dropped = _finite_floats(raw, name=name)
    ordered = np.sort(values)
    if ordered.size == 0:
        empty = np.empty(0)
        return _NumericReference(ordered, 0.0, empty, np.ones(1), dropped)
    quantiles = np.quantile(ordered, np.linspace(0.0, 1.0, _PSI_BINS + 1)[1:-1])
    # Repeated values (integer ages) can make quantiles coincide; merge those bins.
    edges = np.unique(quantiles)
    std = float(np.std(ordered, ddof=1)) if ordered.size > 1 else 0.0
    return _NumericReference(ordered, std, edges, _bin_shares(ordered, edges), dropped)


def _categorical_reference(raw: np.ndarray) -> _CategoricalReference:
    values, dropped = _present_values(raw)
    return _CategoricalReference(_count_categories(values), int(values.size), dropped)


def _finite_floats(raw: np.ndarray, *, name: str) -> tuple[np.ndarray, int]:
    """Return the finite values of a 1-D numeric array and how many were dropped."""
    try:
        values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {name} is not numeric") from exc
    if values.ndim != 1:
        raise ValueError(f"column {name} must be one-dimensional, got shape {values.shape}")
    finite = np.isfinite(values)
    return values[finite], int(values.size - np.count_nonzero(finite))


def _present_values(raw: np.ndarray) -> tuple[np.ndarray, int]:
    """Return the non-missing values of a categorical array and how many were dropped."""
    values = np.asarray(raw).ravel()
    if values.dtype.kind == "f":
        keep = np.isfinite(values)
    elif values.dtype.kind == "O":
        keep = np.fromiter((not _is_missing(v) for v in values), dtype=bool, count=values.size)
    else:
        return values, 0
    return values[keep], int(values.size - np.count_nonzero(keep))


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and not np.isfinite(value))


def _count_categories(values: np.ndarray) -> Counter[object]:
    if values.dtype.kind == "O":
        return Counter(values.tolist())
    categories, counts = np.unique(values, return_counts=True)
    return Counter(dict(zip(categories.tolist(), counts.tolist(), strict=True)))


def _bin_shares(sorted_values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of values per bin (-inf, e1], (e1, e2], ..., (ek, inf) of sorted values."""
    upper = np.searchsorted(sorted_values, edges, side="right")
    counts = np.diff(np.concatenate(([0], upper, [sorted_values.size])))
    return counts / max(sorted_values.size, 1)


def _psi(expected: np.ndarray, actual: np.ndarray) -> float:
    expected = np.maximum(expected, _PSI_EPSILON)
    actual = np.maximum(actual, _PSI_EPSILON)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def _wasserstein_sorted(a: np.ndarray, b: np.ndarray) -> float:
    """Wasserstein-1 distance between two sorted samples: the area between their CDFs."""
    # A stable sort of two concatenated sorted runs is a linear merge.
    merged = np.sort(np.concatenate((a, b)), kind="stable")
    points = merged[:-1]
    cdf_a = np.searchsorted(a, points, side="right") / a.size
    cdf_b = np.searchsorted(b, points, side="right") / b.size
    return float(np.sum(np.abs(cdf_a - cdf_b) * np.diff(merged)))


def _json_safe(value: object) -> object:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    return value
