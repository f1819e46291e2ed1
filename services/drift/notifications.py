"""What a drift check tells people: a drift verdict with its action, and degraded accuracy."""

from shared.notify import Event, notify
from shared.schemas_drift import DriftReport


def report_events(report: DriftReport) -> list[Event]:
    """The events one finished check raises (none for a quiet check)."""
    common = {
        "model": f"{report.model_name} v{report.model_version or '?'}",
        "action": report.action,
        "report_id": str(report.id),
        "window": f"{report.current_size} predictions",
    }
    events = []
    drifted = [c.name for c in report.features.values() if c.drifted]
    if report.prediction is not None and report.prediction.drifted:
        drifted.append(report.prediction.name)
    # Degraded accuracy outranks drift in the verdict; both still reach people.
    if report.verdict == "drift" or drifted:
        events.append(
            Event(
                kind="drift.detected",
                title=f"Drift on {report.model_name}: {', '.join(drifted) or 'see report'}",
                severity="warning",
                fields={**common, "drifted": ", ".join(drifted)},
                service="drift",
            )
        )
    performance = report.performance
    if performance.status == "degraded":
        labelled = {"labelled": str(performance.labelled)}
        floor = performance.accuracy_floor
        events.append(_degraded(report, common | labelled, "Live", performance.accuracy, floor))
    elif report.verdict == "degraded" and performance.estimate is not None:
        estimate = performance.estimate
        over = {"estimated_over": f"{estimate.rows} predictions, no labels"}
        floor = estimate.accuracy_floor
        events.append(_degraded(report, common | over, "Estimated", estimate.accuracy, floor))
    return events


def _degraded(
    report: DriftReport, common: dict[str, str], kind: str, value: float | None, floor: float
) -> Event:
    accuracy = f"{value:.3f}" if value is not None else "n/a"
    return Event(
        kind="accuracy.degraded",
        title=f"{kind} accuracy of {report.model_name} is {accuracy}, below the floor {floor:g}",
        severity="critical",
        fields={**common, "measured": kind.lower(), "accuracy": accuracy, "floor": f"{floor:g}"},
        service="drift",
    )


def announce(report: DriftReport) -> None:
    """Queue the check's events for the webhook (a no-op when notifications are off)."""
    for event in report_events(report):
        notify(event)
