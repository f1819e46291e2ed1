"""The whole stack as processes: four services on real Postgres, Redis and MLflow."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ops.devstack import free_port
from ops.stack import START_ORDER, ServiceStack
from tests.conftest import scratch_database
from tests.stacks import stack_env

ADMIN = ("e2e-admin", "e2e-admin-password")
JWT_SECRET = "e2e-secret-0123456789abcdef0123456789abcdef"


@dataclass
class RunningStack:
    stack: ServiceStack
    database_dsn: str
    model_name: str

    @property
    def gateway(self) -> str:
        return self.stack.url("gateway")


@pytest.fixture(scope="session")
def running_stack(
    pg_admin_dsn: str,
    redis_url: str,
    mlflow_uri: str,
    model_name: str,
    trained_model: str,
    logs_dir: Path,
) -> Iterator[RunningStack]:
    """All four services started as uvicorn processes, going through the gateway."""
    with scratch_database(pg_admin_dsn, "e2e") as dsn:
        yield from _stack(dsn, redis_url, mlflow_uri, model_name, logs_dir)


def _stack(
    dsn: str, redis_url: str, mlflow_uri: str, model_name: str, logs_dir: Path
) -> Iterator[RunningStack]:
    stack = ServiceStack(
        env=stack_env(
            dsn=dsn,
            redis_url=redis_url,
            mlflow_uri=mlflow_uri,
            model_name=model_name,
            jwt_secret=JWT_SECRET,
            admin=ADMIN,
            label="e2e",
            INFERENCE_RELOAD_INTERVAL_S="1",
        ),
        ports={name: free_port() for name in START_ORDER},
        log_dir=logs_dir,
    )
    stack.start()
    try:
        yield RunningStack(stack=stack, database_dsn=dsn, model_name=model_name)
    finally:
        stack.stop()
