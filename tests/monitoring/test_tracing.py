"""Tracing: nothing at all when off; when on, the sampling decision is made once per trace."""

import json
import os
import subprocess
import sys
from pathlib import Path

from shared import tracing
from shared.app import ServiceApp
from tests.monitoring.receivers import receiver, spans

REPO = Path(__file__).resolve().parents[2]
KEPT_TRACE = "0af7651916cd43dd8448eb211c80319c"


def sampled(traceparent: str) -> bool:
    """The W3C `sampled` flag of a traceparent."""
    return bool(int(traceparent.rsplit("-", 1)[1], 16) & 1)


def test_off_without_an_endpoint() -> None:
    assert not tracing.enabled()
    assert tracing.span("anything") is tracing.span("else")  # one shared null context
    headers = {"X-Request-ID": "r"}
    assert tracing.with_trace_headers(headers) is headers
    carrier: dict[str, str] = {}
    tracing.inject(carrier)
    assert carrier == {}


def test_no_tracing_layer_is_installed_when_off() -> None:
    from tests.monitoring.tracing_probe import probe_app

    app = probe_app()
    assert isinstance(app, ServiceApp)
    assert all(m.cls is not tracing.SampledRequests for m in app.user_middleware)


def _probe(collector_url: str, ratio: str) -> dict[str, dict[str, str]]:
    env = {
        **os.environ,
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector_url,
        "OTEL_TRACES_SAMPLER_ARG": ratio,
        "OTEL_SERVICE_NAME": "probe",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.monitoring.tracing_probe"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer: dict[str, dict[str, str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_a_dropped_trace_stays_dropped_downstream_and_a_kept_one_is_exported() -> None:
    with receiver("/v1/traces") as collector:
        answer = _probe(collector.url, "0")
        exported = spans(collector)
    # Not kept at the root: downstream is told so (flags 00) and decides the same.
    assert not sampled(answer["root"]["traceparent"])
    assert answer["dropped"]["traceparent"].startswith("00-1af7651916cd43dd")
    assert not sampled(answer["dropped"]["traceparent"])
    # Kept by the caller: the same trace continues, sampled, from this service's span.
    kept = answer["kept"]["traceparent"]
    assert kept.startswith(f"00-{KEPT_TRACE}-") and sampled(kept)
    assert "b7ad6b7169203331" not in kept  # the parent is now this service's span
    assert {s.trace_id for s in exported} == {KEPT_TRACE}
    assert {s.name for s in exported} >= {"GET /outgoing", "probe.work"}
    assert {s.service for s in exported} == {"probe"}


def test_every_root_is_kept_at_ratio_one() -> None:
    with receiver("/v1/traces") as collector:
        answer = _probe(collector.url, "1")
        exported = spans(collector)
    assert sampled(answer["root"]["traceparent"])
    assert len({s.trace_id for s in exported}) == 2  # the root request and the kept one
