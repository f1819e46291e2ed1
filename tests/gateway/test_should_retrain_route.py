"""`POST /v1/training/should-retrain` through the gateway: admin only, the verdict relayed."""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.conftest import emptied_pool, scratch_database
from tests.gateway.test_training_routes import _stack
from tests.training.conftest import customers, load_features


@pytest.fixture(scope="module")
def retrain_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """The training app's own database, so the rows written here reach no other test."""
    with scratch_database(pg_admin_dsn, "gateway_retrain") as dsn:
        yield dsn


@pytest.fixture
async def retrain_pool(retrain_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    async with emptied_pool(retrain_dsn, "features", "training_jobs") as pool:
        yield pool


async def test_should_retrain_needs_admin_and_relays_the_verdict(
    db_pool: object,
    database_dsn: str,
    retrain_dsn: str,
    retrain_pool: asyncpg.Pool,
    mlflow_uri: str,
) -> None:
    async with _stack(database_dsn, retrain_dsn, mlflow_uri, "no-model-yet") as gateway:
        route = "/v1/training/should-retrain"
        assert (await gateway.client.post(route, json={})).status_code == 401
        predict_only = await gateway.client.post(
            route, json={}, headers=await gateway.auth("predict")
        )
        assert predict_only.status_code == 403
        admin = await gateway.auth("admin")

        empty = await gateway.client.post(route, headers=admin)
        assert empty.status_code == 200, empty.text
        assert (empty.json()["verdict"], empty.json()["rows"]) == ("insufficient_data", 0)

        await load_features(retrain_pool, customers(150, seed=5, days=1))
        since = (datetime.now(UTC) - timedelta(days=2)).isoformat()
        enough = await gateway.client.post(
            route, json={"since": since, "min_rows": 100}, headers=admin
        )
        # Nothing serves under this model name: any model trained on the rows is better.
        assert enough.json()["verdict"] == "retrain" and enough.json()["rows"] == 150
        assert enough.json()["production_version"] is None
        later = await gateway.client.post(
            route, json={"since": datetime.now(UTC).isoformat(), "min_rows": 100}, headers=admin
        )
        assert (later.json()["verdict"], later.json()["rows"]) == ("insufficient_data", 0)

        invalid = await gateway.client.post(route, json={"min_rows": 0}, headers=admin)
        assert invalid.status_code == 422
        assert invalid.json()["error"]["request_id"]
        unknown = await gateway.client.post(route, json={"window": 3}, headers=admin)
        assert unknown.status_code == 422
