"""The four services as processes with tracing and notifications pointed at receivers in the suite.

The stack serves its own registered model (two copies of the run's trained version), so the
promotions and rollbacks these tests make move no alias another test relies on.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ops.devstack import free_port
from ops.stack import START_ORDER, ServiceStack
from shared import registry
from tests.conftest import scratch_database
from tests.monitoring.receivers import Receiver, receiver
from tests.stacks import stack_env

ADMIN = ("ops-admin", "ops-admin-password")


@dataclass
class MonitoredStack:
    stack: ServiceStack
    collector: Receiver
    hook: Receiver
    model_name: str
    versions: tuple[str, str]

    @property
    def gateway(self) -> str:
        return self.stack.url("gateway")

    def admin_headers(self, client: httpx.Client) -> dict[str, str]:
        form = {"username": ADMIN[0], "password": ADMIN[1], "scope": "admin predict"}
        answer = client.post(f"{self.gateway}/auth/token", data=form)
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _own_model(
    mlflow_uri: str, source_name: str, source_version: str
) -> tuple[str, tuple[str, str]]:
    client = registry.client(mlflow_uri)
    name = f"{source_name}-ops"
    uri = f"models:/{source_name}/{source_version}"
    first = client.copy_model_version(src_model_uri=uri, dst_name=name).version
    second = client.copy_model_version(src_model_uri=uri, dst_name=name).version
    client.set_registered_model_alias(name, "production", first)
    return name, (str(first), str(second))


@pytest.fixture(scope="session")
def monitored_stack(
    pg_admin_dsn: str,
    redis_url: str,
    mlflow_uri: str,
    model_name: str,
    trained_model: str,
    logs_dir: Path,
) -> Iterator[MonitoredStack]:
    """Gateway, inference, training and drift exporting every span and posting every event."""
    name, versions = _own_model(mlflow_uri, model_name, trained_model)
    with (
        scratch_database(pg_admin_dsn, "ops") as dsn,
        receiver("/v1/traces") as collector,
        receiver("/hook") as hook,
    ):
        stack = ServiceStack(
            env=stack_env(
                dsn=dsn,
                redis_url=redis_url,
                mlflow_uri=mlflow_uri,
                model_name=name,
                jwt_secret="ops-secret-0123456789abcdef0123456789abcdef",
                admin=ADMIN,
                label="ops",
                INFERENCE_RELOAD_INTERVAL_S="1",
                OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
                OTEL_TRACES_SAMPLER_ARG="1",
                OTEL_BSP_SCHEDULE_DELAY="200",
                NOTIFY_WEBHOOK_URL=f"{hook.url}/hook",
                NOTIFY_BACKOFF_S="0.2",
                DRIFT_MIN_SAMPLES="20",
                DRIFT_MIN_LABELLED="20",
                DRIFT_COOLDOWN_S="0",
            ),
            ports={service: free_port() for service in START_ORDER},
            log_dir=logs_dir / "monitoring",
        )
        stack.log_dir.mkdir(parents=True, exist_ok=True)
        stack.start()
        try:
            yield MonitoredStack(stack, collector, hook, name, versions)
        finally:
            stack.stop()
