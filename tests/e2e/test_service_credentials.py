"""On the running stack: every internal port refuses calls without a valid service credential,
and a scheduled job signing with the stack's key gets through."""

import os

import httpx
import pytest

from shared import service_call
from shared.service_auth import ServiceCredentials
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

# What an attacker on the host or in the namespace tried before: each must now be 401.
ATTEMPTS: dict[str, list[tuple[str, str, dict[str, object] | None]]] = {
    "training": [
        ("POST", "/v1/models/1/promote", {"force": True, "reason": "x", "actor": "anyone"}),
        ("POST", "/v1/models/rollback", {}),
        ("POST", "/v1/features", {"rows": [{"idade": 30, "renda_anual": 1.0}]}),
        ("GET", "/v1/training/jobs", None),
        ("PUT", "/v1/experiments/ab", {"challenger_version": 1, "traffic": 0.5}),
    ],
    "inference": [
        ("POST", "/admin/reload", None),
        ("POST", "/v1/predict", {"idade": 30, "renda_anual": 1.0}),
        ("POST", "/v1/feedback", {"prediction_id": "0" * 32, "comprou_produto": True}),
        ("GET", "/v1/models", None),
    ],
    "drift": [
        ("POST", "/v1/drift/checks", {}),
        ("GET", "/v1/drift/reports", None),
    ],
}


def test_internal_ports_refuse_unsigned_and_forged_calls(running_stack: RunningStack) -> None:
    forged = ServiceCredentials("a-key-the-stack-does-not-have-0123456789", "gateway")
    for service, attempts in ATTEMPTS.items():
        url = running_stack.stack.url(service)
        for method, path, body in attempts:
            for headers in (
                {"X-Actor": "anyone", "X-Subject": "anyone"},
                forged.authorization(service),
            ):
                answer = httpx.request(
                    method, f"{url}{path}", json=body, headers=headers, timeout=5
                )
                assert answer.status_code == 401, (service, method, path, answer.text)
        assert httpx.get(f"{url}/health/live", timeout=5).status_code == 200


def test_a_signed_scheduled_job_reaches_drift(
    running_stack: RunningStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DRIFT_URL", running_stack.stack.url("drift"))
    assert os.environ.get("SERVICE_KEY")  # the stack's key, as the CronJob's Secret gives it

    assert service_call.main(["drift", "GET", "/v1/drift/reports?limit=1"]) == 0
    assert capsys.readouterr().out.startswith("200 ")
    monkeypatch.setenv("SERVICE_KEY", "a-key-the-stack-does-not-have-0123456789")
    assert service_call.main(["drift", "GET", "/v1/drift/reports?limit=1"]) == 1
