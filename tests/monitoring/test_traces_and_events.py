"""Through the running stack: one trace per prediction and per promotion, each event told once."""

import time
from typing import Any

import httpx
import pytest

from tests.monitoring.conftest import MonitoredStack
from tests.monitoring.receivers import Span, spans, webhook_messages

pytestmark = pytest.mark.e2e


def _trace_of(stack: MonitoredStack, service: str, name: str, *services: str) -> list[Span]:
    """All spans of the newest trace holding span `name` of `service`, once `services` are in.

    Each process exports on its own schedule: a parent's span often arrives after its children.
    """

    def newest() -> list[Span]:
        found = spans(stack.collector)
        roots = [s for s in found if s.service == service and s.name == name]
        return [s for s in found if roots and s.trace_id == roots[-1].trace_id]

    try:
        stack.collector.wait_for(lambda: {*services, service} <= {s.service for s in newest()})
    except AssertionError as exc:
        seen = [(s.service, s.name, s.trace_id[:8]) for s in spans(stack.collector)]
        raise AssertionError(f"{exc}; spans: {seen[-30:]}") from None
    return newest()


def _events(stack: MonitoredStack, kind: str) -> list[dict[str, Any]]:
    return [m for m in webhook_messages(stack.hook) if m["facts"]["event"] == kind]


def _wait_events(stack: MonitoredStack, kind: str, count: int = 1) -> list[dict[str, Any]]:
    stack.hook.wait_for(lambda: len(_events(stack, kind)) >= count)
    time.sleep(0.5)  # a duplicate would arrive right behind
    return _events(stack, kind)


def test_a_prediction_is_one_trace_from_the_gateway_through_inference(
    monitored_stack: MonitoredStack,
) -> None:
    with httpx.Client(timeout=10) as client:
        headers = monitored_stack.admin_headers(client)
        answer = client.post(
            f"{monitored_stack.gateway}/v1/predict",
            json={"idade": 35, "renda_anual": 85_000.0},
            headers=headers,
        )
    assert answer.status_code == 200, answer.text
    trace = _trace_of(monitored_stack, "gateway", "POST /v1/predict", "inference")
    gateway = next(s for s in trace if s.service == "gateway" and s.name == "POST /v1/predict")
    served = [s for s in trace if s.service == "inference" and s.parent_id == gateway.span_id]
    assert served, trace
    assert {s.service for s in trace} == {"gateway", "inference"}


def test_a_promotion_is_one_trace_through_training_and_the_inference_reload(
    monitored_stack: MonitoredStack,
) -> None:
    first, second = monitored_stack.versions
    with httpx.Client(timeout=30) as client:
        headers = monitored_stack.admin_headers(client)
        answer = client.post(
            f"{monitored_stack.gateway}/v1/models/{second}/promote",
            json={"force": True, "reason": "ops test"},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        trace = _trace_of(
            monitored_stack, "training", "training.move_production", "gateway", "inference"
        )
        services = {s.service for s in trace}
        assert services == {"gateway", "training", "inference"}, trace
        reload = [s for s in trace if s.service == "inference" and "reload" in s.name]
        assert reload, [s.name for s in trace]

        (promoted,) = _wait_events(monitored_stack, "model.promote")
        expected = {
            "version": second,
            "previous_version": first,
            "forced": "yes",
            "actor": ADMIN_NAME,
            "inference_reloaded": "yes",
        }
        assert promoted["facts"].items() >= expected.items(), promoted["facts"]
        assert "ops test" in promoted["facts"]["reason"]
        assert second in promoted["text"]

        answer = client.post(f"{monitored_stack.gateway}/v1/models/rollback", headers=headers)
        assert answer.status_code == 200, answer.text
        (rolled_back,) = _wait_events(monitored_stack, "model.rollback")
        assert rolled_back["facts"]["version"] == first
        assert rolled_back["facts"]["previous_version"] == second


ADMIN_NAME = "ops-admin"


def _wait_feedback(client: httpx.Client, url: str, body: dict[str, Any], headers: Any) -> None:
    deadline = time.monotonic() + 30
    while True:  # the prediction row is written off the request path
        answer = client.post(url, json=body, headers=headers)
        if answer.status_code != 404 or time.monotonic() > deadline:
            assert answer.status_code == 202, answer.text
            return
        time.sleep(0.2)


def test_a_drift_check_tells_drift_degraded_accuracy_and_the_failed_job_once(
    monitored_stack: MonitoredStack,
) -> None:
    gateway = monitored_stack.gateway
    with httpx.Client(timeout=60) as client:
        headers = monitored_stack.admin_headers(client)
        # Customers far from the training data, each told the opposite of their prediction.
        instances = [{"idade": 99, "renda_anual": 9_000_000.0 + i} for i in range(30)]
        answer = client.post(
            f"{gateway}/v1/predict/batch", json={"instances": instances}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        for prediction in answer.json()["predictions"]:
            body = {
                "prediction_id": prediction["prediction_id"],
                "comprou_produto": not prediction["comprou_produto"],
            }
            _wait_feedback(client, f"{gateway}/v1/feedback", body, headers)
        answer = client.post(f"{gateway}/v1/drift/checks", json={}, headers=headers)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["verdict"] == "degraded", report

    (drift,) = _wait_events(monitored_stack, "drift.detected")
    assert drift["facts"]["report_id"] == str(report["id"])
    assert drift["facts"]["action"] == report["action"]
    assert "renda_anual" in drift["facts"]["drifted"]
    (degraded,) = _wait_events(monitored_stack, "accuracy.degraded")
    assert float(degraded["facts"]["accuracy"]) < float(degraded["facts"]["floor"])
    assert degraded["facts"]["labelled"] == "30"
    assert degraded["text"].startswith("[critical]")


def test_a_failed_training_job_is_told_once(monitored_stack: MonitoredStack) -> None:
    with httpx.Client(timeout=30) as client:
        headers = monitored_stack.admin_headers(client)
        # This stack's feature table is empty: the job cannot train and fails.
        answer = client.post(
            f"{monitored_stack.gateway}/v1/training/jobs",
            json={"reason": "ops test"},
            headers=headers,
        )
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["job_id"]

    def told() -> list[dict[str, Any]]:
        return [m for m in _events(monitored_stack, "training.failed") if job_id in m["text"]]

    monitored_stack.hook.wait_for(lambda: bool(told()))
    time.sleep(0.5)
    (failed,) = told()
    assert failed["facts"]["error"] and failed["facts"]["reason"] == "ops test"
    assert failed["facts"]["model"] == monitored_stack.model_name
    # The job runs after the answer, yet stays in the trace of the request that started it.
    trace = _trace_of(monitored_stack, "training", "training.job", "gateway")
    assert any(s.attributes.get("job_id") == job_id for s in trace)
    started = [s for s in trace if s.service == "gateway" and s.name == "POST /v1/training/jobs"]
    assert started, [(s.service, s.name) for s in trace]
