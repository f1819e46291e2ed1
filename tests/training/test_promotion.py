"""The promotion gate both ways, forced promotion, rollback, the audit trail and the reload."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import asyncpg
import httpx
import pytest

from services.inference.main import create_app as create_inference
from services.training.errors import (
    ModelVersionNotFound,
    NothingToRollBack,
    PromotionRefused,
    RegistryUnavailable,
)
from services.training.main import create_app
from services.training.promotion import service as promotion
from services.training.registry_calls import current_production, in_registry_thread
from shared import registry
from shared.errors import Conflict
from shared.repositories import model_events
from tests.asgi import serve, service_headers
from tests.conftest import inference_settings
from tests.training.conftest import customers, load_features, register_version, training_settings

INFERENCE = "http://inference.internal"


def _ops() -> dict[str, str]:
    """The gateway's credential for admin ops: alias moves are audited under that name."""
    return service_headers("training", subject="ops", scopes=["admin"])


def _production(mlflow_uri: str, name: str) -> registry.VersionInfo | None:
    return registry.resolve_alias(registry.client(mlflow_uri), name=name, alias=registry.PRODUCTION)


async def _run_job(client: httpx.AsyncClient) -> dict[str, Any]:
    started = await client.post(
        "/v1/training/jobs", json={}, headers=service_headers("training", subject="tester")
    )
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job: dict[str, Any] = (
            await client.get(f"/v1/training/jobs/{started.json()['job_id']}")
        ).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("job did not finish")


async def test_job_gate_promotes_a_better_model_and_refuses_one_below_the_floor(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    useless = await anyio.to_thread.run_sync(
        lambda: register_version(mlflow_uri, fresh_model, seed=1, invert=True)
    )
    settings = training_settings(training_dsn, mlflow_uri, fresh_model)
    async with httpx.AsyncClient() as http_client:
        forced = await promotion.promote_version(
            pool=training_pool,
            settings=settings,
            http_client=http_client,
            version=useless,
            force=True,
            actor="tester",
            reason="seed a bad production model",
        )
    assert forced.forced and forced.previous_version is None
    assert not forced.inference_reloaded  # inference is unreachable here: logged, not raised
    await load_features(training_pool, customers(1_500, seed=2))

    async with serve(create_app(settings)) as client:
        better = await _run_job(client)
    assert better["status"] == "succeeded" and better["promoted"], better
    assert better["decision"].startswith("roc_auc") and "95% CI +" in better["decision"]
    assert "the lower bound exceeds the minimum improvement" in better["decision"]
    assert better["metrics"]["production_version"] == useless
    assert better["metrics"]["production_holdout"]["accuracy"] < 0.5
    production = _production(mlflow_uri, fresh_model)
    assert production is not None and production.version == better["model_version"]
    assert production.tags["previous_production"] == useless

    strict = training_settings(training_dsn, mlflow_uri, fresh_model, training_accuracy_floor=0.99)
    async with serve(create_app(strict)) as client:
        refused = await _run_job(client)
    assert refused["status"] == "succeeded" and not refused["promoted"]
    assert refused["decision"].startswith("registered, not promoted: holdout accuracy")
    assert "below the floor 0.9900" in refused["decision"]
    assert int(refused["model_version"]) == int(better["model_version"]) + 1
    assert _production(mlflow_uri, fresh_model) == production  # unchanged
    events = await model_events.list_events(training_pool, model_name=fresh_model)
    assert [(e.action, e.to_version, e.forced) for e in events] == [
        ("promote", better["model_version"], False),
        ("promote", useless, True),
    ]
    assert events[1].reason == "forced by tester: seed a bad production model"


@pytest.fixture
async def inference_client(
    training_dsn: str, mlflow_uri: str, fresh_model: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = inference_settings(
        training_dsn,
        mlflow_uri,
        fresh_model,
        inference_reload_interval_s=3600,  # only the reload call can move it in this test
    )
    async with serve(create_inference(settings), INFERENCE) as client:
        yield client


async def _served_version(inference: httpx.AsyncClient) -> str | None:
    production = (await inference.get("/v1/models")).json()["production"]
    return production["version"] if production else None


async def test_manual_promotion_goes_through_the_gate_and_inference_follows(
    training_pool: asyncpg.Pool,
    training_dsn: str,
    mlflow_uri: str,
    fresh_model: str,
    inference_client: httpx.AsyncClient,
) -> None:
    good, bad = await anyio.to_thread.run_sync(
        lambda: (
            register_version(mlflow_uri, fresh_model, seed=1),
            register_version(mlflow_uri, fresh_model, seed=2, invert=True),
        )
    )
    await load_features(training_pool, customers(1_000, seed=3))
    settings = training_settings(training_dsn, mlflow_uri, fresh_model, inference_url=INFERENCE)
    app = create_app(settings)
    async with serve(app) as client:
        app.state.http_client = inference_client  # reach the in-process inference app
        first = await client.post(f"/v1/models/{good}/promote", json={"reason": "first"})
        assert first.status_code == 200, first.text
        assert (
            first.json()["inference_reloaded"] and await _served_version(inference_client) == good
        )

        refused = await client.post(f"/v1/models/{bad}/promote", json={})
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert error["type"] == "promotion_refused" and "below the floor" in error["message"]
        assert error["details"]["production_version"] == good
        assert (
            error["details"]["candidate"]["accuracy"]
            < 0.5
            < error["details"]["production"]["accuracy"]
        )
        assert await _served_version(inference_client) == good

        forced = await client.post(
            f"/v1/models/{bad}/promote", json={"force": True, "reason": "drill"}, headers=_ops()
        )
        assert forced.status_code == 200, forced.text
        assert forced.json() == {
            "action": "promote",
            "version": bad,
            "previous_version": good,
            "forced": True,
            "reason": "forced by ops: drill",
            "inference_reloaded": True,
        }
        assert await _served_version(inference_client) == bad

        back = await client.post("/v1/models/rollback", headers=_ops())
        assert back.status_code == 200, back.text
        assert (back.json()["action"], back.json()["version"]) == ("rollback", good)
        assert back.json()["previous_version"] == bad
        assert await _served_version(inference_client) == good

        again = await client.post("/v1/models/rollback")
        assert again.status_code == 409 and again.json()["error"]["type"] == "no_previous_version"

    production = _production(mlflow_uri, fresh_model)
    assert production is not None and production.version == good
    tags = registry.client(mlflow_uri).get_model_version(fresh_model, bad).tags
    assert tags["previous_production"] == good and "rolled_back_at" in tags
    events = await model_events.list_events(training_pool, model_name=fresh_model)
    assert [(e.action, e.from_version, e.to_version, e.forced, e.actor) for e in events] == [
        ("rollback", bad, good, False, "ops"),
        ("promote", good, bad, True, "ops"),
        ("promote", None, good, False, "gateway"),
    ]


async def test_promotion_refusals_and_missing_versions(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    first, second = await anyio.to_thread.run_sync(
        lambda: (
            register_version(mlflow_uri, fresh_model, seed=1, rows=500),
            register_version(mlflow_uri, fresh_model, seed=2, rows=500),
        )
    )
    settings = training_settings(training_dsn, mlflow_uri, fresh_model)
    common: dict[str, Any] = {"pool": training_pool, "settings": settings, "actor": None}
    async with httpx.AsyncClient() as http_client:
        common["http_client"] = http_client
        with pytest.raises(NothingToRollBack):
            await promotion.rollback(**common, reason=None)
        # No labelled rows to compare on: the gate cannot pass, force can.
        with pytest.raises(PromotionRefused, match="cannot compare models"):
            await promotion.promote_version(**common, version=first, force=False, reason=None)
        await promotion.promote_version(**common, version=first, force=True, reason=None)
        with pytest.raises(Conflict, match="already in production"):
            await promotion.promote_version(**common, version=first, force=True, reason=None)
        with pytest.raises(ModelVersionNotFound):
            await promotion.promote_version(**common, version="999", force=True, reason=None)
        with pytest.raises(PromotionRefused, match="production moved from None to"):
            await promotion.promote_trained(
                **common, version=second, compared_with=None, reason="gate passed"
            )
        promoted = await promotion.promote_trained(
            **common, version=second, compared_with=first, reason="gate passed"
        )
    assert (promoted.version, promoted.previous_version) == (second, first)
    async with serve(create_app(settings)) as client:
        assert (await client.post("/v1/models/abc/promote")).status_code == 422
        missing = await client.post("/v1/models/999/promote", json={"force": True})
        assert missing.status_code == 404
        assert missing.json()["error"]["type"] == "model_version_not_found"


async def test_an_unreachable_registry_is_503(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    settings = training_settings(training_dsn, "http://127.0.0.1:9", fresh_model)
    with pytest.raises(RegistryUnavailable):
        await in_registry_thread(lambda: current_production(settings), what="production")
    try:
        async with serve(create_app(settings)) as client:
            answer = await client.post("/v1/models/rollback")
    finally:
        registry.configure_mlflow(mlflow_uri)  # the app pointed the process-wide client away
    assert answer.status_code == 503
    assert answer.json()["error"]["type"] == "registry_unavailable"
