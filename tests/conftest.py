"""Fixtures for real dependencies: Postgres, Redis and an MLflow server, one set per run.

Each is taken from DATABASE_URL / REDIS_URL / MLFLOW_TRACKING_URI (or the default local
port) when it answers, otherwise started as a throwaway server under a temp folder. Every
run gets its own database and model name, so runs cannot collide.
"""

import asyncio
import contextlib
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from ops import devstack
from services.inference.config import InferenceSettings
from services.training.config import TrainingSettings
from shared.db import create_pool
from shared.migrations import apply_migrations
from tests.asgi import serve

RUN_ID = uuid.uuid4().hex[:8]
# Every service signs and checks internal calls with SERVICE_KEY: in-process apps read it from
# the environment, and the processes ServiceStack starts inherit it.
os.environ.setdefault("SERVICE_KEY", secrets.token_hex(32))
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
TABLES = (
    "features",
    "predictions",
    "feedback",
    "users",
    "training_jobs",
    "model_events",
    "drift_reports",
    "experiments",
)


@pytest.fixture(scope="session")
def pg_admin_dsn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Postgres server's maintenance DSN."""
    for candidate in (os.environ.get("DATABASE_URL"), DEFAULT_PG):
        if candidate and devstack.postgres_answers(candidate):
            yield devstack.with_database(candidate, "postgres")
            return
    server = devstack.LocalPostgres(tmp_path_factory.mktemp("pg"), devstack.free_port())
    yield server.start()
    server.stop()


def new_database(admin_dsn: str, label: str) -> str:
    """A fresh, migrated database for this run."""
    dsn = devstack.create_database(admin_dsn, f"mlp_test_{label}_{RUN_ID}", drop_first=True)
    asyncio.run(apply_migrations(dsn))
    return dsn


@contextlib.contextmanager
def scratch_database(admin_dsn: str, label: str) -> Iterator[str]:
    """A fresh migrated database for the duration of the block, dropped afterwards."""
    dsn = new_database(admin_dsn, label)
    try:
        yield dsn
    finally:
        devstack.drop_database(admin_dsn, dsn.rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def database_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """The run's own migrated database."""
    with scratch_database(pg_admin_dsn, "main") as dsn:
        yield dsn


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis server's URL."""
    for candidate in (os.environ.get("REDIS_URL"), DEFAULT_REDIS):
        if candidate and devstack.redis_answers(candidate):
            yield candidate
            return
    url, child = devstack.start_redis(tmp_path_factory.mktemp("redis"), devstack.free_port())
    yield url
    child.stop()


@pytest.fixture(scope="session")
def mlflow_credentials() -> devstack.MlflowCredentials:
    """The services' MLflow account: from the environment when set, else made for this run."""
    username = os.environ.get("MLFLOW_TRACKING_USERNAME") or f"ml-pipeline-{RUN_ID}"
    password = os.environ.get("MLFLOW_TRACKING_PASSWORD") or secrets.token_urlsafe(24)
    return devstack.MlflowCredentials(username, password)


@pytest.fixture(scope="session")
def mlflow_uri(
    tmp_path_factory: pytest.TempPathFactory, mlflow_credentials: devstack.MlflowCredentials
) -> Iterator[str]:
    """An MLflow tracking server behind basic auth, with artifacts served over HTTP.

    An external server (MLFLOW_TRACKING_URI) is used with the credentials the environment
    gives. A server of our own gets the run's credentials, put in os.environ: in-process
    apps and the service processes the tests start sign in with them as deployments do.
    """
    configured = os.environ.get("MLFLOW_TRACKING_URI")
    if configured:
        try:
            if httpx.get(f"{configured}/health", timeout=2).status_code == 200:
                yield configured
                return
        except httpx.HTTPError:
            pass
    url, child = devstack.start_mlflow(
        tmp_path_factory.mktemp("mlflow"), devstack.free_port(), credentials=mlflow_credentials
    )
    os.environ.update(mlflow_credentials.client_env())
    yield url
    child.stop()


@pytest.fixture(scope="session")
def model_name() -> str:
    """A registered-model name no other run uses."""
    return f"comprou-produto-test-{RUN_ID}"


def training_settings(
    dsn: str, mlflow_uri: str, model_name: str, **overrides: Any
) -> TrainingSettings:
    """Settings for a training app on a test database; inference is unreachable unless set."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": dsn,
        "mlflow_tracking_uri": mlflow_uri,
        "model_name": model_name,
        "inference_url": "http://127.0.0.1:9",
        "inference_reload_timeout_s": 2.0,
    }
    return TrainingSettings(**(values | overrides))


def inference_settings(
    dsn: str, mlflow_uri: str, model_name: str, **overrides: Any
) -> InferenceSettings:
    """Settings for an inference app on a test database."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": dsn,
        "mlflow_tracking_uri": mlflow_uri,
        "model_name": model_name,
    }
    return InferenceSettings(**(values | overrides))


@pytest.fixture
async def inference_client(
    database_dsn: str, mlflow_uri: str, model_name: str, trained_model: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The inference app in-process on the run's database and production model."""
    from services.inference.main import create_app

    app = create_app(inference_settings(database_dsn, mlflow_uri, model_name))
    async with serve(app, "http://inference.internal") as client:
        yield client


@pytest.fixture(scope="session")
def trained_model(database_dsn: str, mlflow_uri: str, model_name: str) -> str:
    """A first production model trained on seeded demo data; returns its version."""
    from services.training.bootstrap import bootstrap

    version = bootstrap(
        dsn=database_dsn, tracking_uri=mlflow_uri, model_name=model_name, demo_rows=4_000
    )
    assert version is not None
    return version


@contextlib.asynccontextmanager
async def emptied_pool(dsn: str, *tables: str, max_size: int = 4) -> AsyncIterator[asyncpg.Pool]:
    """A pool built as the services build theirs (JSON codecs), after emptying `tables`."""
    pool = await create_pool(dsn, min_size=1, max_size=max_size)
    try:
        if tables:
            await pool.execute(f"TRUNCATE {', '.join(tables)}")
        yield pool
    finally:
        await pool.close()


@pytest.fixture
async def db_pool(database_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the run's database, with every table emptied first (but the model's features)."""
    async with emptied_pool(
        database_dsn, *(t for t in TABLES if t != "features"), max_size=6
    ) as pool:
        yield pool


@pytest.fixture(scope="session")
def logs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-logs")
