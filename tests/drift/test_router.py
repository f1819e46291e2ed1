"""The drift service's HTTP routes, its app running in-process with its real lifespan."""

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ops.devstack import free_port
from services.drift.config import DriftSettings
from services.drift.dependencies import get_monitor
from services.drift.detector import DriftThresholds
from services.drift.main import create_app
from services.drift.reference import RegistryReferences
from services.drift.retraining import TrainingClient
from tests.asgi import serve
from tests.drift.conftest import TRAINING_URL, DriftModel, Traffic, TrainingService


def drift_settings(
    database_dsn: str, mlflow_uri: str, model_name: str, **overrides: Any
) -> DriftSettings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_dsn,
        "mlflow_tracking_uri": mlflow_uri,
        "model_name": model_name,
        "training_url": f"http://127.0.0.1:{free_port()}",
        # The request path is under test here; the new-label rule has tests of its own.
        "drift_min_new_labels": 0,
    }
    return DriftSettings(**(values | overrides))


@pytest.fixture
async def drift(
    drift_pool: object,
    database_dsn: str,
    mlflow_uri: str,
    drift_model: DriftModel,
    training: TrainingService,
) -> AsyncIterator[httpx.AsyncClient]:
    """The drift app; its training requests go to the in-process training service."""
    app = create_app(drift_settings(database_dsn, mlflow_uri, drift_model.name))
    async with serve(app) as client:
        monitor = dataclasses.replace(
            app.state.monitor, training=TrainingClient(training.client, TRAINING_URL)
        )
        app.dependency_overrides[get_monitor] = lambda: monitor
        yield client


async def test_check_then_list_reports(drift: httpx.AsyncClient, traffic: Traffic) -> None:
    await traffic.serve(1_000, seed=301)
    calm = await drift.post("/v1/drift/checks", json={"window": {"last_n": 1_000}})
    assert calm.status_code == 200, calm.text
    assert calm.headers["X-Request-ID"]
    assert calm.json()["verdict"] == "no_drift"

    await traffic.serve(1_000, seed=302, income_factor=1.8)
    shifted = await drift.post("/v1/drift/checks", json={"window": {"last_n": 1_000}})
    body = shifted.json()
    assert (body["verdict"], body["action"]) == ("drift", "training_requested")
    assert body["features"]["renda_anual"]["drifted"] is True
    assert body["features"]["idade"]["drifted"] is False

    listed = (await drift.get("/v1/drift/reports")).json()["reports"]
    assert [r["id"] for r in listed] == [body["id"], calm.json()["id"]]
    assert listed[0] == body
    newest = (await drift.get("/v1/drift/reports", params={"limit": 1})).json()["reports"]
    assert [r["id"] for r in newest] == [body["id"]]


async def test_a_check_without_body_uses_the_default_window(
    drift: httpx.AsyncClient, traffic: Traffic
) -> None:
    await traffic.serve(300, seed=303)
    answer = await drift.post("/v1/drift/checks")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["window"]["last_n"] == DriftSettings.model_fields["drift_window_last_n"].default
    assert body["current_size"] == 300 and body["details"]["trigger"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"window": {}},
        {"window": {"last_n": 0}},
        {"window": {"since": "2024-05-01T00:00:00"}},  # no UTC offset
        {"window": {"last_n": 10}, "trigger": "maybe"},
        {"windows": {"last_n": 10}},
    ],
)
async def test_invalid_check_requests_are_422(
    drift: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    answer = await drift.post("/v1/drift/checks", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["type"] == "validation_error"


async def test_malformed_json_and_bad_limits(drift: httpx.AsyncClient) -> None:
    malformed = await drift.post(
        "/v1/drift/checks", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    for limit in (0, 201):
        answer = await drift.get("/v1/drift/reports", params={"limit": limit})
        assert answer.status_code == 422


async def test_metrics_show_the_latest_check(drift: httpx.AsyncClient, traffic: Traffic) -> None:
    await traffic.serve(1_000, seed=304, income_factor=1.8)
    report = (await drift.post("/v1/drift/checks", json={"window": {"last_n": 1_000}})).json()
    exported = _samples((await drift.get("/metrics")).text)

    renda = report["features"]["renda_anual"]
    assert exported['drift_feature_p_value{feature="renda_anual"}'] == pytest.approx(
        renda["p_value"]
    )
    assert exported['drift_feature_effect_size{feature="renda_anual"}'] == pytest.approx(
        renda["effect_size"]
    )
    assert exported['drift_feature_drifted{feature="renda_anual"}'] == 1.0
    assert exported['drift_feature_drifted{feature="idade"}'] == 0.0
    assert exported['drift_feature_statistic{feature="probability"}'] == pytest.approx(
        report["prediction"]["statistic"]
    )
    assert exported["drift_window_predictions"] == 1_000
    assert exported["drift_labelled_predictions"] == 0
    assert exported["drift_last_check_timestamp_seconds"] > 1.7e9


async def test_unreachable_registry_is_503(
    database_dsn: str,
    mlflow_uri: str,
    drift_model: DriftModel,
    drift_pool: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    app = create_app(drift_settings(database_dsn, mlflow_uri, drift_model.name))
    async with serve(app) as client:
        dead = RegistryReferences(
            tracking_uri="http://127.0.0.1:9",
            model_name=drift_model.name,
            thresholds=DriftThresholds(),
        )
        monitor = dataclasses.replace(app.state.monitor, references=dead)
        app.dependency_overrides[get_monitor] = lambda: monitor
        answer = await client.post("/v1/drift/checks")
    assert answer.status_code == 503
    assert answer.json()["error"]["type"] == "registry_unavailable"


def _samples(text: str) -> dict[str, float]:
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples
