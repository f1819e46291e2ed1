"""Drift routes through the gateway, forwarded to a real in-process drift app."""

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ops.devstack import free_port
from services.drift.config import DriftSettings
from services.drift.dependencies import get_monitor
from services.drift.detector import DriftThresholds
from services.drift.main import create_app as create_drift
from services.drift.reference import RegistryReferences
from services.gateway.dependencies import get_drift
from services.gateway.main import create_app as create_gateway
from services.gateway.upstream import Upstream
from shared.schemas_drift import DriftReport
from tests.asgi import serve
from tests.drift.conftest import DriftModel, drift_model_for
from tests.gateway.conftest import Gateway, gateway_settings

DRIFT_URL = "http://drift.internal"


@contextlib.asynccontextmanager
async def _stack(
    database_dsn: str, mlflow_uri: str, model_name: str, *, registry_down: bool = False
) -> AsyncIterator[Gateway]:
    drift_app = create_drift(
        DriftSettings(
            environment="test",
            database_url=database_dsn,
            mlflow_tracking_uri=mlflow_uri,
            model_name=model_name,
            training_url=f"http://127.0.0.1:{free_port()}",
        )
    )
    async with serve(drift_app, DRIFT_URL) as drift_client:
        if registry_down:
            dead = RegistryReferences(
                tracking_uri="http://127.0.0.1:9",
                model_name=model_name,
                thresholds=DriftThresholds(),
            )
            monitor = dataclasses.replace(drift_app.state.monitor, references=dead)
            drift_app.dependency_overrides[get_monitor] = lambda: monitor
        settings = gateway_settings(database_dsn, None)
        gateway = create_gateway(settings)
        gateway.dependency_overrides[get_drift] = lambda: Upstream(
            "drift", DRIFT_URL, drift_client._transport, gateway.state.credentials
        )
        async with serve(gateway) as client:
            yield Gateway(client, settings)


@pytest.fixture(scope="session")
def drift_model(mlflow_uri: str, model_name: str, trained_model: str) -> DriftModel:
    return drift_model_for(mlflow_uri, model_name, trained_model)


@pytest.fixture
async def gateway(
    db_pool: object, database_dsn: str, mlflow_uri: str, drift_model: DriftModel
) -> AsyncIterator[Gateway]:
    async with _stack(database_dsn, mlflow_uri, drift_model.name) as gateway:
        yield gateway


async def test_admin_runs_a_check_and_lists_it(gateway: Gateway, drift_model: DriftModel) -> None:
    headers = await gateway.auth("admin")
    body = {"window": {"last_n": 500, "since": "2024-05-01T00:00:00Z"}, "trigger": False}
    answer = await gateway.client.post("/v1/drift/checks", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    report = DriftReport.model_validate(answer.json())
    assert report.model_version == drift_model.version
    assert report.window.last_n == 500 and report.window.since is not None
    assert report.window.since.isoformat() == "2024-05-01T00:00:00+00:00"
    assert report.details["trigger"] is False
    assert (report.verdict, report.action) == ("insufficient_data", "none")

    default = await gateway.client.post("/v1/drift/checks", headers=headers)
    assert default.status_code == 200 and default.json()["details"]["trigger"] is True
    listed = await gateway.client.get("/v1/drift/reports?limit=5", headers=headers)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["reports"]] == [default.json()["id"], report.id]


async def test_drift_routes_need_the_admin_scope(gateway: Gateway) -> None:
    for method, path in (("POST", "/v1/drift/checks"), ("GET", "/v1/drift/reports")):
        anonymous = await gateway.client.request(method, path)
        assert anonymous.status_code == 401
        predictor = await gateway.client.request(
            method, path, headers=await gateway.auth("predict")
        )
        assert predictor.status_code == 403
        assert predictor.json()["error"]["type"] == "insufficient_scope"


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("POST", "/v1/drift/checks", {"window": {"last_n": -1}}),
        ("POST", "/v1/drift/checks", {"window": {}}),
        ("POST", "/v1/drift/checks", {"trigger": True, "extra": 1}),
        ("GET", "/v1/drift/reports?limit=0", None),
    ],
)
async def test_invalid_requests_stop_at_the_gateway(
    gateway: Gateway, method: str, path: str, payload: dict[str, Any] | None
) -> None:
    answer = await gateway.client.request(
        method, path, json=payload, headers=await gateway.auth("admin")
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["type"] == "validation_error"


async def test_drift_service_down_is_503(db_pool: object, database_dsn: str) -> None:
    settings = gateway_settings(database_dsn, None)
    app = create_gateway(settings)
    async with httpx.AsyncClient(timeout=2) as client:
        dead = Upstream(
            "drift", f"http://127.0.0.1:{free_port()}", client._transport, app.state.credentials
        )
        app.dependency_overrides[get_drift] = lambda: dead
        async with serve(app) as gateway_client:
            gateway = Gateway(gateway_client, settings)
            answer = await gateway.client.post("/v1/drift/checks", headers=await gateway.auth())
    assert answer.status_code == 503
    assert answer.json()["error"]["type"] == "upstream_unavailable"


async def test_a_drift_error_is_relayed(
    db_pool: object,
    database_dsn: str,
    mlflow_uri: str,
    model_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    async with _stack(database_dsn, mlflow_uri, model_name, registry_down=True) as gateway:
        answer = await gateway.client.post("/v1/drift/checks", headers=await gateway.auth())
    assert answer.status_code == 503
    assert answer.json()["error"]["type"] == "registry_unavailable"


def test_drift_routes_are_documented() -> None:
    document = create_gateway(gateway_settings("postgresql://unused@127.0.0.1:1/x", None)).openapi()
    check = document["paths"]["/v1/drift/checks"]["post"]
    assert check["security"] == [{"OAuth2PasswordBearer": ["admin"]}]
    assert {"401", "403", "422", "429", "503", "504"} <= set(check["responses"])
    schemas = document["components"]["schemas"]
    assert schemas["DriftCheckRequest"]["examples"] and schemas["DriftReport"]["examples"]
    reports = document["paths"]["/v1/drift/reports"]["get"]
    assert reports["summary"] and reports["security"] == [{"OAuth2PasswordBearer": ["admin"]}]


async def test_admin_reads_one_report_as_json_or_as_its_page(gateway: Gateway) -> None:
    headers = await gateway.auth("admin")
    checked = await gateway.client.post(
        "/v1/drift/checks", json={"window": {"last_n": 50}, "trigger": False}, headers=headers
    )
    report_id = checked.json()["id"]

    one = await gateway.client.get(f"/v1/drift/reports/{report_id}", headers=headers)
    assert one.status_code == 200 and one.json() == checked.json()
    page = await gateway.client.get(f"/v1/drift/reports/{report_id}.html", headers=headers)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"<title>Drift report {report_id}</title>" in page.text
    negotiated = await gateway.client.get(
        f"/v1/drift/reports/{report_id}", headers=headers | {"Accept": "text/html"}
    )
    assert negotiated.text == page.text

    missing = await gateway.client.get("/v1/drift/reports/999999999.html", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "drift_report_not_found"
    assert (await gateway.client.get("/v1/drift/reports/0", headers=headers)).status_code == 422
    for path in (f"/v1/drift/reports/{report_id}", f"/v1/drift/reports/{report_id}.html"):
        assert (await gateway.client.get(path)).status_code == 401
        predictor = await gateway.client.get(path, headers=await gateway.auth("predict"))
        assert predictor.status_code == 403
