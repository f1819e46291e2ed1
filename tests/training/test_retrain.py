"""Should we retrain? Production scored on recently labelled rows, feedback included."""

from datetime import UTC, datetime, timedelta

import anyio
import asyncpg
import httpx

from services.training.jobs.retrain import should_retrain
from services.training.main import create_app
from services.training.promotion import service as promotion
from tests.asgi import serve
from tests.training.conftest import customers, load_features, register_version, training_settings


async def test_verdicts_follow_recent_accuracy(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    settings = training_settings(training_dsn, mlflow_uri, fresh_model)
    none_yet = await should_retrain(pool=training_pool, settings=settings, since=None, min_rows=1)
    assert (none_yet.verdict, none_yet.rows, none_yet.production_version) == (
        "insufficient_data",
        0,
        None,
    )
    await load_features(training_pool, customers(600, seed=21, days=1), source="feedback")
    nothing_serves = await should_retrain(
        pool=training_pool, settings=settings, since=None, min_rows=100
    )
    assert nothing_serves.verdict == "retrain" and nothing_serves.accuracy is None

    version = await anyio.to_thread.run_sync(
        lambda: register_version(mlflow_uri, fresh_model, seed=22)
    )
    async with httpx.AsyncClient() as http_client:
        await promotion.promote_version(
            pool=training_pool,
            settings=settings,
            http_client=http_client,
            version=version,
            force=True,
            actor=None,
            reason=None,
        )
    async with serve(create_app(settings)) as client:
        healthy = (await client.post("/v1/training/should-retrain", json={"min_rows": 100})).json()
        assert healthy["verdict"] == "ok" and not healthy["below_threshold"]
        assert healthy["production_version"] == version and healthy["rows"] == 600
        assert healthy["accuracy"] > 0.85 and healthy["roc_auc"] > 0.9
        assert healthy["threshold"] == 0.85

        # The world changed: the latest outcomes contradict the model.
        later = datetime.now(UTC) + timedelta(seconds=1)
        await load_features(
            training_pool, customers(900, seed=23, invert=True, days=1), source="feedback"
        )
        recent = (await client.post("/v1/training/should-retrain", json={"min_rows": 100})).json()
        assert recent["verdict"] == "retrain" and recent["below_threshold"]
        assert recent["rows"] == 1_500 and recent["accuracy"] < 0.85
        too_few = await client.post(
            "/v1/training/should-retrain", json={"since": later.isoformat(), "min_rows": 100}
        )
        assert too_few.json()["verdict"] == "insufficient_data" and too_few.json()["rows"] == 0
        bad = await client.post("/v1/training/should-retrain", json={"min_rows": 0})
        assert bad.status_code == 422
