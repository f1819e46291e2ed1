"""The webhook sender against a receiver in the suite: once per event, retried, bounded, off."""

import asyncio
import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest

from services.drift import notifications as drift_notifications
from services.training.experiments import notifications as experiment_notifications
from shared import notify
from shared.notify import Event, NotifySettings, WebhookNotifier
from shared.schemas_drift import DriftReport
from shared.schemas_experiments import RESULTS_EXAMPLE, ExperimentResults
from tests.monitoring.receivers import Receiver, receiver, webhook_messages


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver("/hook") as state:
        yield state


def _event(kind: str = "test.event") -> Event:
    return Event(
        kind=kind,
        title="Something happened",
        severity="warning",
        fields={"model": "m v3", "what_to_do": "read the runbook"},
        service="drift",
    )


def _notifier(url: str, retries: int = 3) -> WebhookNotifier:
    settings = NotifySettings(
        notify_webhook_url=url, notify_backoff_s=0.01, notify_timeout_s=1.0, notify_retries=retries
    )
    return WebhookNotifier(settings)


async def test_each_event_arrives_once_in_slack_form(hook: Receiver) -> None:
    sender = _notifier(f"{hook.url}/hook")
    assert sender.send(_event("a")) and sender.send(_event("b"))
    await sender.aclose()
    messages = webhook_messages(hook)
    assert [m["facts"]["event"] for m in messages] == ["a", "b"]
    first = messages[0]
    assert first["text"] == "[warning] Something happened"
    assert first["facts"] == {
        "event": "a",
        "service": "drift",
        "model": "m v3",
        "what_to_do": "read the runbook",
    }
    assert first["attachments"][0]["title"] == "Something happened"
    assert sender.delivered == 2 and sender.failed == 0


async def test_server_errors_are_retried_and_client_errors_are_not(hook: Receiver) -> None:
    hook.failures = [503, 500]
    sender = _notifier(f"{hook.url}/hook", retries=3)
    sender.send(_event("retried"))
    await sender.drain()
    assert [m["facts"]["event"] for m in webhook_messages(hook)] == ["retried"]

    hook.failures = [400]
    sender.send(_event("refused"))
    await sender.aclose()
    assert [m["facts"]["event"] for m in webhook_messages(hook)] == ["retried"]
    assert sender.delivered == 1 and sender.failed == 1


async def test_an_unreachable_hook_gives_up_without_blocking_the_caller() -> None:
    sender = _notifier("http://127.0.0.1:9/hook", retries=2)
    started = time.perf_counter()
    sender.send(_event())
    assert time.perf_counter() - started < 0.05  # queued, not sent
    await asyncio.wait_for(sender.aclose(), timeout=10)
    assert sender.failed == 1 and sender.delivered == 0


async def test_notifications_are_off_without_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_WEBHOOK_URL", raising=False)
    notify.reset()
    try:
        notify.notify(_event())
        assert notify.notifier() is None
    finally:
        notify.reset()
    with pytest.raises(ValueError, match="NOTIFY_WEBHOOK_URL"):
        WebhookNotifier(NotifySettings())


async def test_an_experiment_recommendation_is_told_once(
    hook: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_WEBHOOK_URL", f"{hook.url}/hook")
    notify.reset()
    try:
        results = ExperimentResults.model_validate(RESULTS_EXAMPLE | {"recommendation": "promote"})
        assert experiment_notifications.announce(results)
        assert not experiment_notifications.announce(results)  # read again: not told again
        waiting = results.model_copy(update={"recommendation": "not_enough_data"})
        assert not experiment_notifications.announce(waiting)
        sender = notify.notifier()
        assert sender is not None
        await sender.aclose()
    finally:
        notify.reset()
    (message,) = webhook_messages(hook)
    facts = message["facts"]
    assert facts["event"] == "experiment.recommendation"
    assert facts["recommendation"] == "promote"
    assert facts["experiment_id"] == str(results.experiment.id)
    assert facts["challenger_version"] == results.experiment.challenger_version
    assert facts["summary"] == results.summary


def _report(**changes: Any) -> DriftReport:
    extra: Any = DriftReport.model_config["json_schema_extra"]
    example: dict[str, Any] = copy.deepcopy(extra["examples"][0])
    return DriftReport.model_validate(example | changes)


def test_a_drift_report_raises_drift_and_accuracy_events_with_their_facts() -> None:
    drifted = _report()
    (event,) = drift_notifications.report_events(drifted)
    assert event.kind == "drift.detected" and event.severity == "warning"
    assert "renda_anual" in event.fields["drifted"]
    assert event.fields["action"] == drifted.action
    assert event.fields["report_id"] == str(drifted.id)

    live = {"labelled": 400, "accuracy": 0.71, "status": "degraded"}
    low = _report(
        verdict="degraded",
        performance=drifted.performance.model_dump() | live,
    )
    kinds = [(e.kind, e.fields.get("measured")) for e in drift_notifications.report_events(low)]
    assert kinds == [("drift.detected", None), ("accuracy.degraded", "live")]
    degraded = drift_notifications.report_events(low)[1]
    assert degraded.fields["accuracy"] == "0.710" and degraded.fields["labelled"] == "400"

    estimate = {
        "rows": 5000,
        "accuracy": 0.8,
        "status": "degraded",
        "accuracy_floor": 0.85,
        "triggers": True,
    }
    unlabelled = _report(
        verdict="degraded",
        features={},
        performance=drifted.performance.model_dump() | {"estimate": estimate},
    )
    (estimated,) = drift_notifications.report_events(unlabelled)
    assert estimated.fields["measured"] == "estimated"
    assert estimated.fields["estimated_over"] == "5000 predictions, no labels"
    assert "Estimated accuracy" in estimated.title

    quiet = _report(verdict="no_drift", features={})
    assert drift_notifications.report_events(quiet) == []
