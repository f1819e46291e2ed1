"""Prometheus gauges of the latest check, served on the drift service's /metrics."""

import math

from prometheus_client import Counter, Gauge

from shared.schemas_drift import ColumnStatistics, DriftReport

# `feature` is an input feature or `probability`, the model's output tested the same way.
FEATURE_STATISTIC = Gauge(
    "drift_feature_statistic",
    "Test statistic of the latest check (KS D or chi-square)",
    ["feature"],
)
FEATURE_P_VALUE = Gauge("drift_feature_p_value", "p-value of the latest check", ["feature"])
FEATURE_EFFECT_SIZE = Gauge(
    "drift_feature_effect_size",
    "Effect size of the latest check (normalised Wasserstein or PSI)",
    ["feature"],
)
FEATURE_DRIFTED = Gauge(
    "drift_feature_drifted", "1 when the latest check found drift on the feature", ["feature"]
)
LIVE_ACCURACY = Gauge("drift_live_accuracy", "Accuracy on predictions with feedback in the window")
# The operations plan's name for the same number, for dashboards written against it.
MODEL_ACCURACY = Gauge("ml_model_accuracy", "Live accuracy of the production model (feedback)")
LIVE_ROC_AUC = Gauge("drift_live_roc_auc", "ROC AUC on predictions with feedback in the window")
ESTIMATED_ACCURACY = Gauge(
    "drift_estimated_accuracy",
    "Accuracy expected from the model's probabilities over the latest window (no labels needed)",
)
ESTIMATED_ROC_AUC = Gauge(
    "drift_estimated_roc_auc", "ROC AUC expected from the model's probabilities, latest window"
)
NEW_LABELS = Gauge(
    "drift_new_labels",
    "Labelled rows ingested since the production model's (or a refused job's) data, last counted",
)
RETRAINING_WITHHELD = Counter(
    "drift_retraining_withheld_total",
    "Checks that called for a new model but did not ask: too few new labels since the snapshot",
    ["snapshot"],
)
LABELLED = Gauge("drift_labelled_predictions", "Predictions with feedback in the latest window")
WINDOW_SIZE = Gauge("drift_window_predictions", "Predictions in the latest check's window")
LAST_CHECK = Gauge("drift_last_check_timestamp_seconds", "Unix time of the latest check")
CHECKS = Counter("drift_checks_total", "Drift checks run", ["verdict", "action"])


def observe(report: DriftReport) -> None:
    """Export a finished check; statistics a check could not compute read as NaN."""
    columns = list(report.features.values())
    if report.prediction is not None:
        columns.append(report.prediction)
    for column in columns:
        _observe_column(column)
    LIVE_ACCURACY.set(_number(report.performance.accuracy))
    MODEL_ACCURACY.set(_number(report.performance.accuracy))
    LIVE_ROC_AUC.set(_number(report.performance.roc_auc))
    estimate = report.performance.estimate
    ESTIMATED_ACCURACY.set(_number(estimate.accuracy if estimate else None))
    ESTIMATED_ROC_AUC.set(_number(estimate.roc_auc if estimate else None))
    if report.labels is not None:
        NEW_LABELS.set(report.labels.new_labels)
    if report.action == "awaiting_labels" and report.labels is not None:
        RETRAINING_WITHHELD.labels(report.labels.snapshot).inc()
    LABELLED.set(report.performance.labelled)
    WINDOW_SIZE.set(report.current_size)
    LAST_CHECK.set(report.created_at.timestamp())
    CHECKS.labels(report.verdict, report.action).inc()


def _observe_column(column: ColumnStatistics) -> None:
    FEATURE_STATISTIC.labels(column.name).set(_number(column.statistic))
    FEATURE_P_VALUE.labels(column.name).set(_number(column.p_value))
    FEATURE_EFFECT_SIZE.labels(column.name).set(_number(column.effect_size))
    FEATURE_DRIFTED.labels(column.name).set(1.0 if column.drifted else 0.0)


def _number(value: float | None) -> float:
    return math.nan if value is None else value
