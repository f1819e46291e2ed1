"""Training fixtures: a database of its own, unique model names, quick registered versions.

Training tests read the whole feature table and move the `production` alias, so they get a
database and model names no other test touches.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import numpy as np
import pandas as pd
import pytest

from services.training import synthetic
from services.training.modeling import candidates
from shared.repositories import features
from tests.ab_models import register_model
from tests.conftest import emptied_pool, scratch_database
from tests.conftest import training_settings as training_settings

STALE_TABLES = ("features", "training_jobs", "model_events")


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
    records = synthetic.feature_records(frame, source=source)
    async with pool.acquire() as conn, conn.transaction():
        return await features.copy_features(conn, records)


def register_version(
    tracking_uri: str, model_name: str, *, seed: int, invert: bool = False, rows: int = 2_000
) -> str:
    """Fit the logistic candidate on synthetic customers and register it; return the version."""
    frame = customers(rows, seed=seed, invert=invert)
    X, y = candidates.features_and_target(frame)
    model = candidates.build_candidates(seed=seed)["logistic_regression"].fit(X, y)
    accuracy = float(np.mean(model.predict(X) == y))
    return register_model(
        tracking_uri,
        model_name,
        model,
        experiment=model_name,
        run_name="test-version",
        metrics={"holdout_accuracy": accuracy},
    )


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
