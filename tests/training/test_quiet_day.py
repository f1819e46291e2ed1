"""A day with no real change: labels keep arriving from the same world, nothing gets promoted.

Every hour 100 labelled customers arrive, drawn from the same purchase law as the data the
first model learnt from. Every hour the drift service's rule decides whether a retrain could
help (enough labels newer than the production model's data or the last refused job); when
it can, a real training job runs through the real gate. Counted: jobs and promotions.
"""

from datetime import datetime

import asyncpg
import pytest

from services.drift.labels import label_supply
from shared import registry
from shared.repositories import monitoring
from tests.training.conftest import customers, load_features
from tests.training.test_jobs import _follow, _training

HOURS = 24
LABELS_PER_HOUR = 100
MIN_NEW_LABELS = 200

pytestmark = pytest.mark.slow


def _production_snapshot(mlflow_uri: str, name: str) -> str | None:
    production = registry.production_version(mlflow_uri, name=name)
    assert production is not None and production.run_id
    params = registry.client(mlflow_uri).get_run(production.run_id).data.params
    stamp: str | None = params.get("data_extracted_at")
    return stamp


async def test_a_day_without_real_change_promotes_nothing(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    await load_features(training_pool, customers(3_000, seed=900))
    decisions: list[str] = []
    async with _training(training_dsn, mlflow_uri, fresh_model, training_folds=3) as client:
        started = await client.post("/v1/training/jobs", json={"reason": "first model"})
        assert (await _follow(client, started.json()["job_id"]))["promoted"]
        first_version = registry.production_version(mlflow_uri, name=fresh_model)
        for hour in range(HOURS):
            await load_features(training_pool, customers(LABELS_PER_HOUR, seed=901 + hour))
            stamp = _production_snapshot(mlflow_uri, fresh_model)
            supply = await label_supply(
                training_pool,
                production_snapshot=datetime.fromisoformat(stamp) if stamp else None,
                min_new_labels=MIN_NEW_LABELS,
            )
            if not supply.enough:
                continue
            answer = await client.post("/v1/training/jobs", json={"reason": f"hour {hour}"})
            job = await _follow(client, answer.json()["job_id"])
            assert job["status"] == "succeeded", job
            decisions.append(job["decision"])
            assert not job["promoted"], job["decision"]

    assert len(decisions) == HOURS * LABELS_PER_HOUR // MIN_NEW_LABELS  # a job every 2 hours
    assert all("the lower bound does not exceed" in d for d in decisions), decisions
    assert registry.production_version(mlflow_uri, name=fresh_model) == first_version
    last = await monitoring.last_finished_job(training_pool)
    assert last is not None and not last.promoted
