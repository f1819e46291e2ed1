"""Drift fixtures: traffic scored by the real production model, and a real training service.

The training service runs in-process on its own empty database: a job it accepts fails at
its data-quality stage within a second, so asking for one never trains or moves an alias.
"""

import asyncio
import functools
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import numpy as np
import pytest
from fastapi import FastAPI

from services.drift.detector import DriftThresholds
from services.drift.reference import RegistryReferences
from services.drift.retraining import TrainingClient
from services.drift.service import CheckPolicy, DriftMonitor
from services.training import synthetic
from services.training.main import create_app as create_training
from shared import registry
from shared.repositories.predictions import PredictionRow, insert_predictions
from tests.asgi import serve
from tests.conftest import scratch_database, training_settings

TRAINING_URL = "http://training.internal"


@dataclass
class Traffic:
    """Writes served predictions scored by the production model into the prediction log."""

    pool: asyncpg.Pool
    model: Any
    model_name: str
    version: str

    async def serve(
        self,
        n: int,
        *,
        seed: int,
        income_factor: float = 1.0,
        end: datetime | None = None,
        **overrides: Any,
    ) -> list[PredictionRow]:
        """Log `n` predictions for synthetic customers, the newest at `end` (default now)."""
        frame = synthetic.generate_customers(n, seed=seed)
        frame["renda_anual"] = np.clip(frame["renda_anual"] * income_factor, 0, 10_000_000)
        probability = self.model.predict_proba(frame[["idade", "renda_anual"]])[:, 1]
        newest = end or datetime.now(UTC)
        rows = [
            PredictionRow(
                **{
                    "id": uuid.uuid4(),
                    "created_at": newest - timedelta(milliseconds=n - i),
                    "model_name": self.model_name,
                    "model_version": self.version,
                    "variant": "production",
                    "shadow": False,
                    "experiment_id": None,
                    "idade": int(age),
                    "renda_anual": float(income),
                    "probability": float(p),
                    "label": bool(p >= 0.5),
                    "latency_ms": 1.0,
                    "request_id": None,
                    "subject": None,
                    "customer_id": None,
                    **overrides,
                }
            )
            for i, (age, income, p) in enumerate(
                zip(frame["idade"], frame["renda_anual"], probability, strict=True)
            )
        ]
        await insert_predictions(self.pool, rows)
        return rows

    async def feedback(self, rows: list[PredictionRow], outcomes: list[bool]) -> None:
        """Record the actual outcome of each prediction."""
        await self.pool.copy_records_to_table(
            "feedback",
            records=[(r.id, o) for r, o in zip(rows, outcomes, strict=True)],
            columns=["prediction_id", "comprou_produto"],
        )


@dataclass(frozen=True)
class DriftModel:
    """The model drift tests monitor: its registered name, production version and pipeline."""

    name: str
    version: str
    model: Any


@functools.cache
def drift_model_for(mlflow_uri: str, model_name: str, version: str) -> DriftModel:
    """The trained version copied under a name only drift tests use, and made `production`
    there: other tests' promotions and rollbacks cannot change what drift tests monitor."""
    registry.configure_mlflow(mlflow_uri)
    client = registry.client(mlflow_uri)
    name = f"{model_name}-drift"
    copy = client.copy_model_version(f"models:/{model_name}/{version}", name)
    copied = str(copy.version)
    client.set_registered_model_alias(name, registry.PRODUCTION, copied)
    return DriftModel(name, copied, registry.load_sklearn(name=name, version=copied))


@pytest.fixture(scope="session")
def drift_model(mlflow_uri: str, model_name: str, trained_model: str) -> DriftModel:
    return drift_model_for(mlflow_uri, model_name, trained_model)


@pytest.fixture
def drift_pool(db_pool: asyncpg.Pool) -> asyncpg.Pool:
    """The run's pool (JSON codecs, freshly emptied tables), as the drift service uses one."""
    return db_pool


@pytest.fixture
def traffic(drift_pool: asyncpg.Pool, drift_model: DriftModel) -> Traffic:
    return Traffic(drift_pool, drift_model.model, drift_model.name, drift_model.version)


@pytest.fixture(scope="session")
def training_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """The training service's own database: no labelled rows, so jobs fail fast."""
    with scratch_database(pg_admin_dsn, "drift_training") as dsn:
        yield dsn


@dataclass
class TrainingService:
    app: FastAPI
    client: httpx.AsyncClient
    pool: asyncpg.Pool

    async def jobs(self) -> list[asyncpg.Record]:
        return list(await self.pool.fetch("SELECT * FROM training_jobs ORDER BY created_at"))

    async def settle(self, timeout_s: float = 30.0) -> None:
        """Wait until no job is queued or running, as its API reports."""
        deadline = time.monotonic() + timeout_s
        while True:
            answer = await self.client.get("/v1/training/jobs", params={"limit": 100})
            statuses = {job["status"] for job in answer.json()["jobs"]}
            if not statuses & {"queued", "running"}:
                return
            assert time.monotonic() < deadline, f"training jobs still active: {statuses}"
            await asyncio.sleep(0.05)


@pytest.fixture
async def training(
    training_dsn: str, mlflow_uri: str, model_name: str
) -> AsyncIterator[TrainingService]:
    """The real training app, in-process; its jobs are waited for and cleared afterwards."""
    app = create_training(
        training_settings(training_dsn, mlflow_uri, f"{model_name}-drift-training")
    )
    pool = await asyncpg.create_pool(training_dsn, min_size=1, max_size=2)
    assert pool is not None
    await pool.execute("TRUNCATE training_jobs")
    try:
        async with serve(app, TRAINING_URL, as_service="drift") as client:
            service = TrainingService(app, client, pool)
            yield service
            await service.settle()
    finally:
        await pool.close()


def make_monitor(
    pool: asyncpg.Pool,
    *,
    mlflow_uri: str,
    model_name: str,
    training_client: httpx.AsyncClient,
    training_url: str = TRAINING_URL,
    **policy: Any,
) -> DriftMonitor:
    """A monitor on the real registry and database with the default decision rule."""
    return DriftMonitor(
        pool=pool,
        references=RegistryReferences(
            tracking_uri=mlflow_uri, model_name=model_name, thresholds=DriftThresholds()
        ),
        training=TrainingClient(training_client, training_url),
        model_name=model_name,
        # These tests exercise the request path; the new-label rule has tests of its own.
        policy=CheckPolicy(**({"min_new_labels": 0} | policy)),
    )


@pytest.fixture
def monitor(
    drift_pool: asyncpg.Pool, mlflow_uri: str, drift_model: DriftModel, training: TrainingService
) -> DriftMonitor:
    """A monitor whose training requests reach the in-process training service."""
    return make_monitor(
        drift_pool,
        mlflow_uri=mlflow_uri,
        model_name=drift_model.name,
        training_client=training.client,
    )
