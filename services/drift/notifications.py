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
        accuracy = f"{performance.accuracy:.3f}" if performance.accuracy is not None else "n/a"
        events.append(
            Event(
                kind="accuracy.degraded",
                title=f"Live accuracy of {report.model_name} is {accuracy}, "
                f"below the floor {performance.accuracy_floor:g}",
                severity="critical",
                fields={
                    **common,
                    "accuracy": accuracy,
                    "floor": f"{performance.accuracy_floor:g}",
                    "labelled": str(performance.labelled),
                },
                service="drift",
            )
        )
    return events


def announce(report: DriftReport) -> None:
    """Queue the check's events for the webhook (a no-op when notifications are off)."""
    for event in report_events(report):
        notify(event)
