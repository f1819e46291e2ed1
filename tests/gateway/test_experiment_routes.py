"""Experiment and feedback routes through the gateway, to in-process training and inference."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from services.gateway.main import create_app as create_gateway
from services.inference.config import InferenceSettings
from services.inference.main import create_app as create_inference
from services.training.config import TrainingSettings
from services.training.main import create_app as create_training
from shared import registry
from tests.ab_models import AbModels, ab_models, finish_experiment
from tests.asgi import serve
from tests.conftest import emptied_pool, scratch_database
from tests.gateway.conftest import ADMIN, Gateway, gateway_settings, use_upstream

PATH = "/v1/experiments/ab"


@pytest.fixture(scope="module")
def ab(mlflow_uri: str, model_name: str) -> AbModels:
    return ab_models(mlflow_uri, model_name)


@pytest.fixture(scope="module")
def database_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """A database of its own: outcomes add rows to `features`, which other tests train on."""
    with scratch_database(pg_admin_dsn, "abgateway") as dsn:
        yield dsn


@pytest.fixture
async def db_pool(database_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    async with emptied_pool(
        database_dsn, "predictions", "feedback", "experiments", "model_events"
    ) as pool:
        yield pool


@pytest.fixture
async def stack(
    db_pool: asyncpg.Pool, database_dsn: str, redis_url: str, ab: AbModels
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    """The gateway, with training and inference for the A/B model served in-process."""
    common: dict[str, Any] = {
        "environment": "test",
        "database_url": database_dsn,
        "mlflow_tracking_uri": ab.tracking_uri,
        "model_name": ab.name,
    }
    inference_app = create_inference(InferenceSettings(**common, inference_log_predictions=False))
    training_app = create_training(
        TrainingSettings(**common, inference_url="http://127.0.0.1:9", inference_reload_timeout_s=1)
    )
    settings = gateway_settings(database_dsn, redis_url)
    app = create_gateway(settings)
    try:
        async with (
            serve(inference_app, "http://inference.internal") as inference,
            serve(training_app, "http://training.internal") as training,
            serve(app) as client,
        ):
            use_upstream(app, "inference", inference)
            use_upstream(app, "training", training)
            yield Gateway(client, settings), inference
    finally:
        await finish_experiment(db_pool, ab)
        registry.client(ab.tracking_uri).set_registered_model_alias(
            ab.name, registry.PRODUCTION, ab.production
        )


async def test_experiments_need_the_admin_scope(
    stack: tuple[Gateway, httpx.AsyncClient], ab: AbModels
) -> None:
    gateway, _ = stack
    body = {"challenger_version": ab.challenger, "traffic": 0.2}

    anonymous = await gateway.client.put(PATH, json=body)
    predict_only = await gateway.client.put(PATH, json=body, headers=await gateway.auth("predict"))
    reading = await gateway.client.get(PATH, headers=await gateway.auth("predict"))

    assert anonymous.status_code == 401
    assert predict_only.status_code == 403 and reading.status_code == 403
    assert predict_only.json()["error"]["type"] == "insufficient_scope"


async def test_ab_test_through_the_gateway(
    stack: tuple[Gateway, httpx.AsyncClient], db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    gateway, inference = stack
    admin = await gateway.auth("admin")
    user = await gateway.auth("predict")

    started = await gateway.client.put(
        PATH, json={"challenger_version": ab.challenger, "traffic": 0.5}, headers=admin
    )
    assert started.status_code == 201, started.text
    await inference.post("/admin/reload")
    instances = [
        {"idade": 30 + i % 40, "renda_anual": 900.0 * i, "customer_id": f"g-{i}"} for i in range(40)
    ]
    answer = await gateway.client.post(
        "/v1/predict/batch", json={"instances": instances}, headers=user
    )
    predictions = answer.json()["predictions"]
    assert {p["model"]["variant"] for p in predictions} == {"production", "challenger"}

    outcomes = [
        await gateway.client.post(
            "/v1/feedback",
            json={"prediction_id": p["prediction_id"], "comprou_produto": i % 2 == 0},
            headers=user,
        )
        for i, p in enumerate(predictions)
    ]
    assert {o.status_code for o in outcomes} == {202}
    again = await gateway.client.post(
        "/v1/feedback",
        json={"prediction_id": predictions[0]["prediction_id"], "comprou_produto": True},
        headers=user,
    )
    assert again.status_code == 409
    assert again.json()["error"]["type"] == "feedback_already_recorded"

    results = await gateway.client.get(PATH, headers=admin)
    assert results.status_code == 200, results.text
    variants = {v["variant"]: v for v in results.json()["variants"]}
    served = {"production": 0, "challenger": 0}
    for p in predictions:
        served[p["model"]["variant"]] += 1
    assert {name: v["predictions"] for name, v in variants.items()} == served
    assert {name: v["outcomes"] for name, v in variants.items()} == served

    promoted = await gateway.client.post(
        f"{PATH}/promote", json={"force": True, "reason": "gateway test"}, headers=admin
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["promotion"]["version"] == ab.challenger
    actor = await db_pool.fetchval("SELECT actor FROM model_events WHERE action = 'promote'")
    assert actor == ADMIN[0]
    assert (await gateway.client.delete(PATH, headers=admin)).status_code == 404


async def test_bad_requests_are_refused_at_the_gateway(
    stack: tuple[Gateway, httpx.AsyncClient], ab: AbModels
) -> None:
    gateway, _ = stack
    admin = await gateway.auth("admin")

    no_traffic = await gateway.client.put(
        PATH, json={"challenger_version": ab.challenger}, headers=admin
    )
    unknown = await gateway.client.put(
        PATH, json={"challenger_version": "987654", "traffic": 0.1}, headers=admin
    )
    no_prediction = await gateway.client.post(
        "/v1/feedback",
        json={"prediction_id": "00000000-0000-0000-0000-000000000001", "comprou_produto": False},
        headers=await gateway.auth("predict"),
    )

    assert (
        no_traffic.status_code == 422
        and "traffic" in no_traffic.json()["error"]["details"][0]["message"]
    )
    assert unknown.status_code == 404
    assert no_prediction.status_code == 404
    assert no_prediction.json()["error"]["type"] == "prediction_not_found"


def test_routes_are_documented_with_examples() -> None:
    document = create_gateway(gateway_settings("postgresql://unused@127.0.0.1:1/x", None)).openapi()
    paths, schemas = document["paths"], document["components"]["schemas"]

    assert set(paths[PATH]) == {"put", "get", "delete"}
    for operation in (*paths[PATH].values(), paths[f"{PATH}/promote"]["post"]):
        assert operation["security"] == [{"OAuth2PasswordBearer": ["admin"]}]
        assert "404" in operation["responses"]
    assert "409" in paths[PATH]["put"]["responses"]
    feedback = paths["/v1/feedback"]["post"]
    assert feedback["security"] == [{"OAuth2PasswordBearer": ["predict"]}]
    assert {"202", "404", "409", "422"} <= set(feedback["responses"])
    for name in (
        "StartExperimentRequest",
        "PromoteChallengerRequest",
        "FeedbackRequest",
        "FeedbackReceipt",
    ):
        assert schemas[name]["examples"], name
