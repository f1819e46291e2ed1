"""A drift report as a page a person reads: did a column move, how, and what was done."""

from collections.abc import Sequence

from shared import report_page as ui
from shared.schemas_drift import ColumnStatistics, DriftReport

ACTING = frozenset({"training_requested", "training_busy"})


def render(report: DriftReport, history: Sequence[DriftReport]) -> str:
    """The report's page; `history` (any order) draws accuracy over time."""
    subtitle = ui.esc(
        f"model {report.model_name} version {report.model_version or '–'} · checked "
        f"{report.created_at:%Y-%m-%d %H:%M:%S} UTC · window {report.current_size} predictions "
        f"against {report.reference_size} reference rows"
    )
    columns = [*report.features.values(), *([report.prediction] if report.prediction else [])]
    return ui.page(
        title=f"Drift report {report.id}",
        subtitle=subtitle,
        sections=[
            _outcome(report),
            _performance(report),
            _history(report, history),
            "<h2>Columns: reference against current</h2>",
            *(_column(column) for column in columns),
        ],
    )


def _outcome(report: DriftReport) -> str:
    details = report.details
    verdict = ui.verdict_badge(
        report.verdict,
        bad=report.verdict in ("drift", "degraded"),
        good=report.verdict == "no_drift",
    )
    lines = [
        f"<p>Verdict {verdict} "
        f'<span data-field="verdict">{ui.esc(report.verdict)}</span> · action '
        f"{ui.verdict_badge(report.action, bad=False, good=report.action in ACTING)} "
        f'<span data-field="action">{ui.esc(report.action)}</span></p>'
    ]
    for key, label in (
        ("reason", "Why"),
        ("withheld", "Not asked because"),
        ("reference_problem", "Reference"),
    ):
        if details.get(key):
            lines.append(
                f'<p><b>{label}:</b> <span data-field="{key}">{ui.esc(details[key])}</span></p>'
            )
    training = details.get("training")
    if isinstance(training, dict) and training.get("job_id"):
        lines.append(f"<p><b>Training job:</b> {ui.esc(training['job_id'])}</p>")
    if details.get("cooldown_remaining_s") is not None:
        lines.append(
            f"<p><b>Cooldown:</b> {ui.number(details['cooldown_remaining_s'], 0)} s left</p>"
        )
    return "<h2>Outcome</h2>" + "".join(lines)


def _performance(report: DriftReport) -> str:
    live, estimate, labels = report.performance, report.performance.estimate, report.labels
    rows = [
        [
            "Live (from feedback)",
            ui.cell(live.accuracy, "live_accuracy"),
            ui.cell(live.roc_auc, "live_roc_auc"),
            ui.esc(live.labelled),
            ui.esc(live.status),
        ],
    ]
    if estimate is not None:
        rows.append(
            [
                "Estimated (no labels)",
                ui.cell(estimate.accuracy, "estimated_accuracy"),
                ui.cell(estimate.roc_auc, "estimated_roc_auc"),
                ui.esc(estimate.rows),
                ui.esc(estimate.status),
            ]
        )
    parts = [
        "<h2>Performance</h2>",
        ui.table(["", "accuracy", "ROC AUC", "rows", "status"], rows),
        f"<p class=meta>Accuracy floor {ui.number(live.accuracy_floor, 2)}; live accuracy "
        f"needs {live.min_labelled} outcomes. The estimate reads each served probability as "
        "the chance of a purchase (valid while the model is calibrated"
        + (
            f"; its training holdout ECE was {ui.number(estimate.model_ece)}"
            if estimate is not None and estimate.model_ece is not None
            else ""
        )
        + ").</p>",
    ]
    if labels is not None:
        since = labels.since.isoformat() if labels.since else "the beginning"
        parts.append(
            f'<p><b>New labels:</b> <span data-field="new_labels">{labels.new_labels}</span> '
            f"since {ui.esc(since)} ({ui.esc(labels.snapshot)} snapshot); "
            f"{labels.min_new_labels} needed to retrain.</p>"
        )
    return "".join(parts)


def _history(report: DriftReport, history: Sequence[DriftReport]) -> str:
    ordered = sorted(
        [*history, report] if all(h.id != report.id for h in history) else history,
        key=lambda r: r.id,
    )
    xs = list(range(len(ordered)))
    live = [(float(i), r.performance.accuracy) for i, r in zip(xs, ordered, strict=True)]
    estimated = [
        (float(i), r.performance.estimate.accuracy if r.performance.estimate else None)
        for i, r in zip(xs, ordered, strict=True)
    ]
    step = max(len(ordered) // 6, 1)
    labels = [(float(i), f"#{r.id}") for i, r in zip(xs, ordered, strict=True)][::step]
    chart = ui.line_chart(
        "accuracy-over-time",
        series=[ui.Series("live accuracy", live), ui.Series("estimated accuracy", estimated)],
        x_labels=labels,
        title="Live and estimated accuracy by check",
        reference_line=(report.performance.accuracy_floor, "floor"),
    )
    return f"<h2>Accuracy over time ({len(ordered)} checks)</h2>{chart}"


def _column(column: ColumnStatistics) -> str:
    name = column.name
    chart = (
        ui.overlaid_histogram(
            f"histogram-{name}",
            edges=column.histogram.edges,
            shares={"reference": column.histogram.reference, "current": column.histogram.current},
            title=f"{name}: reference and current distributions",
        )
        if column.histogram
        else "<p class=meta>No distribution stored for this column.</p>"
    )
    figures = ui.table(
        [
            "test",
            "statistic",
            "p-value",
            "p threshold",
            column.effect_metric,
            "effect threshold",
            "verdict",
        ],
        [
            [
                ui.esc(column.test),
                ui.cell(column.statistic, f"{name}.statistic"),
                ui.cell(column.p_value, f"{name}.p_value"),
                ui.cell(column.p_threshold, f"{name}.p_threshold"),
                ui.cell(column.effect_size, f"{name}.effect_size"),
                ui.cell(column.effect_threshold, f"{name}.effect_threshold"),
                ui.verdict_badge(
                    column.verdict, bad=column.drifted, good=column.verdict == "no_drift"
                ),
            ]
        ],
    )
    sizes = f"reference {column.reference_size} rows, current {column.current_size} rows"
    return (
        f'<section class="column" data-column="{ui.esc(name)}"><h3>{ui.esc(name)}</h3>'
        f'<div class="grid"><div class="card">{chart}</div><div>{figures}'
        f"<p class=meta>{sizes}. Drift needs p &lt; threshold and effect &gt; threshold.</p>"
        "</div></div></section>"
    )
