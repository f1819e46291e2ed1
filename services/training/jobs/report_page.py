"""A training job as a page a person reads: candidates, gate evidence, calibration, fairness."""

from typing import Any

from shared import report_page as ui
from shared.schemas_training import TrainingJob

HOLDOUT_METRICS = ("roc_auc", "accuracy", "f1", "precision", "recall", "log_loss", "brier")


def render(job: TrainingJob) -> str:
    """The job's self-contained page, from the job as the API shows it."""
    metrics: dict[str, Any] = job.metrics or {}
    subtitle = ui.esc(
        f"status {job.status} · version {job.model_version or '–'} · "
        f"{metrics.get('rows', '–')} labelled rows · requested by {job.requested_by or '–'}"
        f" · reason: {job.reason or '–'}"
    )
    return ui.page(
        title=f"Training job {job.job_id}",
        subtitle=subtitle,
        sections=[
            _decision(job),
            _candidates(metrics.get("cv") or []),
            _holdout(metrics),
            _calibration(metrics.get("calibration") or {}),
            _fairness(metrics.get("fairness") or {}),
        ],
    )


def _decision(job: TrainingJob) -> str:
    promoted = ui.verdict_badge(
        "promoted" if job.promoted else "not promoted", bad=False, good=job.promoted
    )
    text = job.decision or job.error or "–"
    return f'<h2>Decision</h2><p>{promoted} <span data-field="decision">{ui.esc(text)}</span></p>'


def _candidates(cv: list[dict[str, Any]]) -> str:
    if not cv:
        return "<h2>Cross-validation</h2><p class=meta>No candidates were scored.</p>"
    names = [score["name"] for score in cv]
    chart = ui.bar_chart(
        "cv-candidates",
        groups=names,
        series={
            "roc_auc": [score["mean"].get("roc_auc") for score in cv],
            "accuracy": [score["mean"].get("accuracy") for score in cv],
        },
        errors={
            "roc_auc": [score["std"].get("roc_auc", 0.0) for score in cv],
            "accuracy": [score["std"].get("accuracy", 0.0) for score in cv],
        },
        title="Cross-validated ROC AUC and accuracy per candidate (± std over folds)",
        y_range=(0.5, 1.0),
    )
    rows = [
        [
            ui.esc(score["name"]) + (" (chosen)" if index == 0 else ""),
            *(
                ui.cell(score["mean"].get(metric), f"cv.{score['name']}.{metric}")
                for metric in ("roc_auc", "accuracy", "f1", "log_loss")
            ),
            ui.cell(score["std"].get("roc_auc"), f"cv.{score['name']}.roc_auc_std"),
        ]
        for index, score in enumerate(cv)
    ]
    figures = ui.table(["candidate", "ROC AUC", "accuracy", "F1", "log loss", "ROC AUC std"], rows)
    return f'<h2>Cross-validation per candidate</h2><div class="grid">{chart}{figures}</div>'


def _holdout(metrics: dict[str, Any]) -> str:
    ours, theirs = metrics.get("holdout") or {}, metrics.get("production_holdout") or {}
    version = metrics.get("production_version")
    rows = [
        [
            ui.esc(name),
            ui.cell(ours.get(name), f"holdout.{name}"),
            ui.cell(theirs.get(name), f"production_holdout.{name}"),
        ]
        for name in HOLDOUT_METRICS
    ]
    header = ["metric", "candidate", f"production (version {version})" if version else "production"]
    parts = ["<h2>Holdout: candidate against production</h2>", ui.table(header, rows)]
    comparison = metrics.get("comparison")
    if comparison and comparison.get("lower") is not None:
        parts.append(
            ui.interval_chart(
                "improvement-interval",
                estimate=comparison["difference"],
                lower=comparison["lower"],
                upper=comparison["upper"],
                margin=(metrics.get("gate") or {}).get("min_improvement", 0.0),
                title=f"Improvement in {comparison['metric']} with its interval",
            )
            + ui.table(
                ["metric", "improvement", "lower", "upper", "confidence", "resamples"],
                [
                    [
                        ui.esc(comparison["metric"]),
                        ui.cell(comparison["difference"], "comparison.difference"),
                        ui.cell(comparison["lower"], "comparison.lower"),
                        ui.cell(comparison["upper"], "comparison.upper"),
                        ui.esc(f"{comparison['confidence']:.0%}"),
                        ui.esc(comparison["resamples"]),
                    ]
                ],
            )
        )
    elif not version:
        parts.append("<p class=meta>No production model to compare with.</p>")
    return "".join(parts)


def _calibration(calibration: dict[str, Any]) -> str:
    if not calibration:
        return ""
    chart = ui.reliability_chart(
        "calibration-curve",
        table_rows=calibration["table"],
        title="Observed purchase rate against predicted probability (holdout)",
    )
    verdict = "calibrated" if calibration["calibrated"] else "not calibrated"
    figures = ui.table(
        ["ECE", "Brier score", "tolerance", "rows"],
        [
            [
                ui.cell(calibration["ece"], "calibration.ece"),
                ui.cell(calibration["brier"], "calibration.brier"),
                ui.cell(calibration["ece_tolerance"], "calibration.ece_tolerance"),
                ui.esc(calibration["rows"]),
            ]
        ],
    )
    return (
        f"<h2>Calibration ({verdict})</h2>"
        f'<div class="grid"><div class="card">{chart}</div><div>{figures}'
        "<p class=meta>Points on the diagonal mean the probabilities can be read as chances: "
        "the drift service's label-free estimate relies on it.</p></div></div>"
    )


def _fairness(fairness: dict[str, Any]) -> str:
    bands = fairness.get("bands") or []
    if not bands:
        return ""
    chart = ui.bar_chart(
        "fairness-age-bands",
        groups=[band["band"] for band in bands],
        series={
            "accuracy": [band["accuracy"] for band in bands],
            "predicted positive rate": [band["positive_rate"] for band in bands],
            "actual positive rate": [band["actual_rate"] for band in bands],
        },
        title="Accuracy and positive rates per age band (holdout)",
        y_range=(0.0, 1.0),
    )
    rows = [
        [
            ui.esc(band["band"]),
            ui.esc(band["count"]),
            ui.cell(band["accuracy"], f"fairness.{band['band']}.accuracy"),
            ui.cell(band["positive_rate"], f"fairness.{band['band']}.positive_rate"),
            ui.cell(band["actual_rate"], f"fairness.{band['band']}.actual_rate"),
        ]
        for band in bands
    ]
    figures = ui.table(["age band", "rows", "accuracy", "predicted +", "actual +"], rows)
    return f'<h2>Fairness per age band</h2><div class="grid">{chart}{figures}</div>'
