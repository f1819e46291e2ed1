"""Training fixtures: a database of its own, unique model names, quick registered versions.

Training tests read the whole feature table and move the `production` alias, so they get a
database and model names no other test touches.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import mlflow
import mlflow.sklearn
import numpy as np
import pandas as pd
import pytest

from services.training import synthetic
from services.training.config import TrainingSettings
from services.training.modeling import candidates
from shared import registry
from shared.repositories import features
from tests.conftest import emptied_pool, scratch_database

STALE_TABLES = ("features", "training_jobs", "model_events")


def training_settings(
    dsn: str, mlflow_uri: str, model_name: str, **overrides: Any
) -> TrainingSettings:
    """Settings for a training app on the test database; inference is unreachable unless set."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": dsn,
        "mlflow_tracking_uri": mlflow_uri,
        "model_name": model_name,
        "inference_url": "http://127.0.0.1:9",
        "inference_reload_timeout_s": 2.0,
    }
    return TrainingSettings(**(values | overrides))


def customers(rows: int, *, seed: int, invert: bool = False, days: int = 90) -> pd.DataFrame:
    """Customers observed over the last `days`; `invert` flips every label (a useless model)."""
    start = datetime.now(UTC) - timedelta(days=days)
    frame = synthetic.generate_customers(rows, seed=seed, start=start, days=days)
    frame["observed_at"] = frame["observed_at"].dt.floor("us")
    if invert:
        frame["comprou_produto"] = ~frame["comprou_produto"]
    return frame


async def load_features(pool: asyncpg.Pool, frame: pd.DataFrame, *, source: str = "test") -> int:
    """Write a frame of customers to the feature table."""
    records = [
        (int(age), float(income), bool(bought), moment.to_pydatetime(), source)
        for age, income, bought, moment in frame[
            ["idade", "renda_anual", "comprou_produto", "observed_at"]
        ].itertuples(index=False)
    ]
    async with pool.acquire() as conn, conn.transaction():
        return await features.copy_features(conn, records)


def register_version(
    tracking_uri: str, model_name: str, *, seed: int, invert: bool = False, rows: int = 2_000
) -> str:
    """Fit the logistic candidate on synthetic customers and register it; return the version."""
    frame = customers(rows, seed=seed, invert=invert)
    X, y = candidates.features_and_target(frame)
    model = candidates.build_candidates(seed=seed)["logistic_regression"].fit(X, y)
    registry.configure_mlflow(tracking_uri)
    mlflow.set_experiment(model_name)
    with mlflow.start_run(run_name="test-version"):
        mlflow.log_metric("holdout_accuracy", float(np.mean(model.predict(X) == y)))
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            skops_trusted_types=registry.SKOPS_TRUSTED_TYPES,
            pip_requirements=candidates.model_pip_requirements(),
        )
    return str(mlflow.register_model(info.model_uri, model_name).version)


@pytest.fixture(scope="session")
def training_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """A migrated database only training tests use."""
    with scratch_database(pg_admin_dsn, "training") as dsn:
        yield dsn


@pytest.fixture
async def training_pool(training_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool like the services' (JSON codecs) on the training database, emptied first."""
    async with emptied_pool(training_dsn, *STALE_TABLES) as pool:
        yield pool


@pytest.fixture
def fresh_model(model_name: str) -> str:
    """A registered-model name for one test: alias moves stay inside it."""
    return f"{model_name}-training-{uuid.uuid4().hex[:8]}"
