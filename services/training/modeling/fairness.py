"""Per-age-band behaviour of a fitted model: selection rate, base rate and accuracy gaps."""

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from services.training.modeling.candidates import (
    DECISION_THRESHOLD,
    FeatureInput,
    TargetInput,
    feature_frame,
    predict_probability,
    target_vector,
)

DEFAULT_AGE_BANDS: tuple[tuple[int, int], ...] = ((18, 29), (30, 44), (45, 59), (60, 100))


def _band_row(label: str, predicted: np.ndarray, actual: np.ndarray) -> dict[str, Any]:
    count = int(predicted.size)
    if count == 0:
        # An empty band has no rates; None keeps the report JSON-safe (no NaN).
        return {
            "band": label,
            "count": 0,
            "positive_rate": None,
            "actual_rate": None,
            "accuracy": None,
        }
    return {
        "band": label,
        "count": count,
        "positive_rate": float(predicted.mean()),
        "actual_rate": float(actual.mean()),
        "accuracy": float((predicted == actual).mean()),
    }


def _largest_gap(rows: list[dict[str, Any]], metric: str) -> dict[str, Any]:
    filled = [row for row in rows if row[metric] is not None]
    if len(filled) < 2:
        return {"value": None, "low_band": None, "high_band": None}
    low, high = max(
        combinations(filled, 2), key=lambda pair: abs(pair[0][metric] - pair[1][metric])
    )
    if low[metric] > high[metric]:
        low, high = high, low
    gap = float(high[metric] - low[metric])
    return {"value": gap, "low_band": low["band"], "high_band": high["band"]}


def fairness_report(
    model: Pipeline,
    X: FeatureInput,
    y: TargetInput,
    *,
    bands: Sequence[tuple[int, int]] = DEFAULT_AGE_BANDS,
) -> dict[str, Any]:
    """Report count, predicted and actual positive rate and accuracy per age band, with gaps."""
    frame = feature_frame(X)
    age = frame["idade"].to_numpy()
    predicted = (predict_probability(model, frame) >= DECISION_THRESHOLD).astype(np.int64)
    actual = target_vector(y)
    rows = []
    for low, high in bands:
        in_band = (age >= low) & (age <= high)
        rows.append(_band_row(f"{low}-{high}", predicted[in_band], actual[in_band]))
    return {
        "bands": rows,
        "max_positive_rate_gap": _largest_gap(rows, "positive_rate"),
        "max_accuracy_gap": _largest_gap(rows, "accuracy"),
        "threshold": DECISION_THRESHOLD,
    }
