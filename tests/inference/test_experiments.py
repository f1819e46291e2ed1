"""Inference under an experiment: who gets which variant, what is logged, and convergence."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from ops.devstack import ChildProcess, free_port, start_service, wait_http
from services.inference.config import InferenceSettings
from services.inference.main import create_app
from services.inference.routing import assign_variant
from shared import registry
from tests.ab_models import AbModels, ab_models, begin_experiment, finish_experiment
from tests.asgi import serve, service_headers


@pytest.fixture(scope="module")
def ab(mlflow_uri: str, model_name: str) -> AbModels:
    return ab_models(mlflow_uri, model_name)


@pytest.fixture
async def inference(
    db_pool: asyncpg.Pool, database_dsn: str, ab: AbModels
) -> AsyncIterator[httpx.AsyncClient]:
    settings = InferenceSettings(
        environment="test",
        database_url=database_dsn,
        mlflow_tracking_uri=ab.tracking_uri,
        model_name=ab.name,
        inference_log_predictions=False,
    )
    try:
        async with serve(create_app(settings)) as client:
            yield client
    finally:
        await finish_experiment(db_pool, ab)


async def _reload(client: httpx.AsyncClient) -> dict[str, Any]:
    answer = await client.post("/admin/reload")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _logged(pool: asyncpg.Pool, ids: list[str]) -> dict[str, asyncpg.Record]:
    deadline = time.monotonic() + 5
    while True:
        rows = await pool.fetch(
            "SELECT id::text, variant, experiment_id, shadow, model_version FROM predictions "
            "WHERE id = ANY($1::uuid[])",
            ids,
        )
        if len(rows) == len(ids) or time.monotonic() > deadline:
            return {row["id"]: row for row in rows}
        await asyncio.sleep(0.05)


async def test_customers_are_split_and_each_sticks_to_one_variant(
    inference: httpx.AsyncClient, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    experiment = await begin_experiment(db_pool, ab, traffic=0.3)
    reloaded = await _reload(inference)
    assert reloaded["experiment_id"] == str(experiment.id)
    assert reloaded["versions"]["challenger"] == ab.challenger
    instances = [
        {"idade": 20 + i % 60, "renda_anual": 1_000.0 * (i % 200), "customer_id": f"c-{i}"}
        for i in range(1_000)
    ]

    answer = await inference.post("/v1/predict/batch", json={"instances": instances})

    assert answer.status_code == 200, answer.text
    predictions = answer.json()["predictions"]
    expected = [
        assign_variant(experiment_id=str(experiment.id), unit=f"customer:c-{i}", traffic=0.3)
        for i in range(1_000)
    ]
    assert [p["model"]["variant"] for p in predictions] == expected
    versions = {p["model"]["variant"]: p["model"]["version"] for p in predictions}
    assert versions == {"production": ab.production, "challenger": ab.challenger}
    assert abs(expected.count("challenger") / 1_000 - 0.3) < 0.05
    for _ in range(5):
        single = await inference.post(
            "/v1/predict", json=instances[7], headers=service_headers("inference", subject="x")
        )
        assert single.json()["model"]["variant"] == expected[7]
    logged = await _logged(db_pool, [p["prediction_id"] for p in predictions])
    assert {row["experiment_id"] for row in logged.values()} == {experiment.id}
    assert all(logged[p["prediction_id"]]["variant"] == p["model"]["variant"] for p in predictions)


async def test_without_customer_id_the_caller_is_the_unit(
    inference: httpx.AsyncClient, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    experiment = await begin_experiment(db_pool, ab, traffic=0.5)
    await _reload(inference)
    body = {"idade": 40, "renda_anual": 50_000.0}

    by_caller = {}
    for subject in [f"s-{i}" for i in range(20)]:
        seen = set()
        for _ in range(3):
            answer = await inference.post(
                "/v1/predict", json=body, headers=service_headers("inference", subject=subject)
            )
            seen.add(answer.json()["model"]["variant"])
        by_caller[subject] = seen

    for subject, seen in by_caller.items():
        unit = f"subject:{subject}"
        assert seen == {assign_variant(experiment_id=str(experiment.id), unit=unit, traffic=0.5)}
    anonymous = await inference.post("/v1/predict", json=body, headers={"X-Request-ID": "r-1"})
    unit = "request:r-1"
    assert anonymous.json()["model"]["variant"] == assign_variant(
        experiment_id=str(experiment.id), unit=unit, traffic=0.5
    )


async def test_ending_the_experiment_returns_everyone_to_production(
    inference: httpx.AsyncClient, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    await begin_experiment(db_pool, ab, traffic=0.5)
    await _reload(inference)
    await finish_experiment(db_pool, ab)

    reloaded = await _reload(inference)
    instances = [{"idade": 30, "renda_anual": 9_000.0, "customer_id": f"c-{i}"} for i in range(50)]
    answer = await inference.post("/v1/predict/batch", json={"instances": instances})

    assert reloaded["experiment_id"] is None and reloaded["versions"]["challenger"] is None
    assert (await inference.get("/v1/models")).json()["challenger"] is None
    predictions = answer.json()["predictions"]
    assert {p["model"]["variant"] for p in predictions} == {"production"}
    logged = await _logged(db_pool, [p["prediction_id"] for p in predictions])
    assert {row["experiment_id"] for row in logged.values()} == {None}


async def test_a_challenger_alias_that_disagrees_with_the_record_is_not_served(
    inference: httpx.AsyncClient, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    await begin_experiment(db_pool, ab, traffic=0.9)
    # Someone moved the alias behind the experiment's back: trust neither, serve production.
    client = registry.client(ab.tracking_uri)
    client.set_registered_model_alias(ab.name, registry.CHALLENGER, ab.production)

    reloaded = await _reload(inference)
    instances = [{"idade": 30, "renda_anual": 9_000.0, "customer_id": f"c-{i}"} for i in range(50)]
    answer = await inference.post("/v1/predict/batch", json={"instances": instances})

    assert reloaded["experiment_id"] is None
    assert {p["model"]["version"] for p in answer.json()["predictions"]} == {ab.production}


def _served_challenger(url: str) -> str | None:
    answer = httpx.get(f"{url}/v1/models", headers=service_headers("inference"), timeout=5)
    challenger = answer.json()["challenger"]
    return challenger and challenger["version"]


def _wait_for(predicate: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "replicas did not converge in time"
        time.sleep(0.2)


def _variants(url: str, customers: list[str]) -> list[str]:
    instances = [{"idade": 45, "renda_anual": 60_000.0, "customer_id": c} for c in customers]
    answer = httpx.post(
        f"{url}/v1/predict/batch",
        json={"instances": instances},
        headers=service_headers("inference"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return [p["model"]["variant"] for p in answer.json()["predictions"]]


def test_two_replicas_agree_on_every_customer_without_a_restart(
    database_dsn: str, ab: AbModels, logs_dir: Path
) -> None:
    env = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_dsn,
        "MLFLOW_TRACKING_URI": ab.tracking_uri,
        "MODEL_NAME": ab.name,
        "INFERENCE_RELOAD_INTERVAL_S": "0.5",
        "INFERENCE_LOG_PREDICTIONS": "false",
    }
    ports = [free_port(), free_port()]
    replicas: list[ChildProcess] = [
        start_service("inference", port=port, env=env, log_dir=logs_dir / f"replica-{port}")
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, replica in zip(urls, replicas, strict=True):
            wait_http(f"{url}/health/ready", timeout=90, process=replica.process)
        experiment = asyncio.run(_begin(database_dsn, ab))
        # No reload call: each replica must pick the experiment up from its own polling.
        _wait_for(lambda: all(_served_challenger(url) == ab.challenger for url in urls))
        customers = [f"customer-{uuid.uuid4().hex[:8]}" for _ in range(400)]

        first, second = (_variants(url, customers) for url in urls)

        assert first == second
        assert first == [
            assign_variant(experiment_id=str(experiment.id), unit=f"customer:{c}", traffic=0.2)
            for c in customers
        ]
        assert 0 < first.count("challenger") < len(customers)
        asyncio.run(_finish(database_dsn, ab))
        _wait_for(lambda: all(_served_challenger(url) is None for url in urls))
        assert set(_variants(urls[1], customers)) == {"production"}
    finally:
        for replica in replicas:
            replica.stop()
        asyncio.run(_finish(database_dsn, ab))


async def _begin(dsn: str, ab: AbModels) -> Any:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        await finish_experiment(pool, ab)
        return await begin_experiment(pool, ab, traffic=0.2)
    finally:
        await pool.close()


async def _finish(dsn: str, ab: AbModels) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        await finish_experiment(pool, ab)
    finally:
        await pool.close()
