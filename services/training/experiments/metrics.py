"""A/B results as Prometheus gauges, refreshed whenever the results are read (API or dashboard)."""

import math

from prometheus_client import Gauge

from shared.schemas_experiments import ExperimentResults

PREDICTIONS = Gauge(
    "experiment_variant_predictions", "Answers served per variant in the experiment", ["variant"]
)
OUTCOMES = Gauge("experiment_variant_outcomes", "Outcomes received per variant", ["variant"])
ACCURACY = Gauge(
    "experiment_variant_accuracy", "Correct predictions among the outcomes", ["variant"]
)
CONVERSION = Gauge(
    "experiment_variant_conversion_rate", "Purchases among the outcomes", ["variant"]
)
P_VALUE = Gauge("experiment_p_value", "p-value of the primary metric's two-proportion test")


def observe(results: ExperimentResults) -> None:
    """Export the latest results read."""
    for variant in results.variants:
        PREDICTIONS.labels(variant.variant).set(variant.predictions)
        OUTCOMES.labels(variant.variant).set(variant.outcomes)
        ACCURACY.labels(variant.variant).set(_number(variant.accuracy))
        CONVERSION.labels(variant.variant).set(_number(variant.conversion_rate))
    primary = [c for c in results.comparisons if c.metric == results.primary_metric]
    P_VALUE.set(_number(primary[0].p_value) if primary else math.nan)


def _number(value: float | None) -> float:
    return math.nan if value is None else value
