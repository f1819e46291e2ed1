"""Is the model calibrated? Expected calibration error, Brier score and a reliability table.

A label-free performance estimate (the drift service's) reads the model's probabilities as
the chance of each outcome; that holds only when they are calibrated, so every run checks.
"""

from typing import Any

import numpy as np

# Above this expected calibration error the probabilities should not back an estimate.
ECE_TOLERANCE = 0.05


def reliability_table(
    actual: np.ndarray, probability: np.ndarray, *, bins: int = 10
) -> list[dict[str, Any]]:
    """Per equal-width probability bin: rows, mean predicted probability, observed rate."""
    actual = np.asarray(actual, dtype=np.float64)
    probability = np.asarray(probability, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(probability, edges[1:-1]), 0, bins - 1)
    table = []
    for number in range(bins):
        inside = index == number
        count = int(inside.sum())
        table.append(
            {
                "lower": float(edges[number]),
                "upper": float(edges[number + 1]),
                "count": count,
                "mean_predicted": float(probability[inside].mean()) if count else None,
                "observed_rate": float(actual[inside].mean()) if count else None,
            }
        )
    return table


def calibration_report(
    actual: np.ndarray, probability: np.ndarray, *, bins: int = 10
) -> dict[str, Any]:
    """ECE (row-weighted gap between predicted and observed per bin), Brier score, the table."""
    table = reliability_table(actual, probability, bins=bins)
    rows = max(len(probability), 1)
    ece = sum(
        row["count"] / rows * abs(row["mean_predicted"] - row["observed_rate"])
        for row in table
        if row["count"]
    )
    brier = float(np.mean((np.asarray(probability) - np.asarray(actual)) ** 2))
    return {
        "ece": float(ece),
        "brier": brier,
        "bins": bins,
        "rows": len(probability),
        "ece_tolerance": ECE_TOLERANCE,
        "calibrated": bool(ece <= ECE_TOLERANCE),
        "table": table,
    }
