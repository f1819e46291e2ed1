"""Predictions through the gateway: forwarding, and every malformed request refused cleanly."""

import asyncio
import json
from collections.abc import AsyncIterator

import asyncpg
import pytest

from shared.schemas import MAX_BATCH_INSTANCES
from tests.gateway.conftest import Gateway


async def test_prediction_names_model_and_carries_request_id(gateway: Gateway) -> None:
    answer = await gateway.client.post(
        "/v1/predict",
        json={"idade": 35, "renda_anual": 85000, "customer_id": "c-1"},
        headers={**await gateway.auth(), "X-Request-ID": "req-123"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert 0 <= body["probability"] <= 1
    assert body["comprou_produto"] == (body["probability"] >= 0.5)
    assert body["model"]["variant"] == "production" and body["model"]["version"]
    assert answer.headers["X-Request-ID"] == "req-123"


async def test_unsafe_request_id_is_replaced(gateway: Gateway) -> None:
    answer = await gateway.client.get("/health/live", headers={"X-Request-ID": "bad id\twith tab"})
    assert answer.headers["X-Request-ID"] != "bad id\twith tab"
    assert len(answer.headers["X-Request-ID"]) == 32


BAD_BODIES = {
    "age-below-range": ({"idade": 17, "renda_anual": 1.0}, 422, "idade"),
    "age-above-range": ({"idade": 101, "renda_anual": 1.0}, 422, "idade"),
    "age-as-string": ({"idade": "35", "renda_anual": 1.0}, 422, "idade"),
    "age-as-float": ({"idade": 35.5, "renda_anual": 1.0}, 422, "idade"),
    "age-as-bool": ({"idade": True, "renda_anual": 1.0}, 422, "idade"),
    "income-as-string": ({"idade": 35, "renda_anual": "85000"}, 422, "renda_anual"),
    "income-negative": ({"idade": 35, "renda_anual": -1}, 422, "renda_anual"),
    "income-huge": ({"idade": 35, "renda_anual": 1e308}, 422, "renda_anual"),
    "age-huge": ({"idade": 10**30, "renda_anual": 1.0}, 422, "idade"),
    "missing-income": ({"idade": 35}, 422, "renda_anual"),
    "extra-field": ({"idade": 35, "renda_anual": 1.0, "score": 3}, 422, "score"),
    "null-age": ({"idade": None, "renda_anual": 1.0}, 422, "idade"),
    "array-body": ([1, 2], 422, "body"),
}


@pytest.mark.parametrize("body, status, field", BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_bad_json_bodies(gateway: Gateway, body: object, status: int, field: str) -> None:
    answer = await gateway.client.post("/v1/predict", json=body, headers=await gateway.auth())
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["type"] == "validation_error" and error["request_id"]
    assert field in {d["field"] for d in error["details"]}


RAW_BODIES = {
    "nan": (b'{"idade": 35, "renda_anual": NaN}', 422),
    "infinity": (b'{"idade": 35, "renda_anual": Infinity}', 422),
    "not-json": (b"idade=35&renda_anual=1", 400),
    "truncated": (b'{"idade": 35, ', 400),
    "empty": (b"", 422),
}


@pytest.mark.parametrize("raw, status", RAW_BODIES.values(), ids=RAW_BODIES.keys())
async def test_malformed_raw_bodies(gateway: Gateway, raw: bytes, status: int) -> None:
    answer = await gateway.client.post(
        "/v1/predict",
        content=raw,
        headers={**await gateway.auth(), "Content-Type": "application/json"},
    )
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["message"]


async def test_one_megabyte_body_is_413(gateway: Gateway) -> None:
    huge = json.dumps({"idade": 35, "renda_anual": 1.0, "pad": "x" * 1_100_000}).encode()
    answer = await gateway.client.post(
        "/v1/predict",
        content=huge,
        headers={**await gateway.auth(), "Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["type"] == "payload_too_large"


async def test_chunked_body_over_limit_is_413(gateway: Gateway) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(30):
            yield b"x" * 50_000

    answer = await gateway.client.post(
        "/v1/predict",
        content=chunks(),
        headers={**await gateway.auth(), "Content-Type": "application/json"},
    )
    assert answer.status_code == 413


async def test_batch_answers_in_order_and_logs_rows(
    gateway: Gateway, db_pool: asyncpg.Pool
) -> None:
    instances = [{"idade": 18 + i, "renda_anual": 1000.0 * (i + 1)} for i in range(30)]
    answer = await gateway.client.post(
        "/v1/predict/batch", json={"instances": instances}, headers=await gateway.auth()
    )
    assert answer.status_code == 200, answer.text
    ids = [p["prediction_id"] for p in answer.json()["predictions"]]
    assert len(ids) == 30
    rows: list[asyncpg.Record] = []
    for _ in range(50):
        rows = await db_pool.fetch(
            "SELECT id::text, idade FROM predictions WHERE id = ANY($1::uuid[])", ids
        )
        if len(rows) == 30:
            break
        await asyncio.sleep(0.1)
    by_id = {r["id"]: r["idade"] for r in rows}
    assert [by_id[i] for i in ids] == [i["idade"] for i in instances]


@pytest.mark.parametrize(
    "instances, field",
    [
        ([], "instances"),
        ([{"idade": 30, "renda_anual": 1.0}] * (MAX_BATCH_INSTANCES + 1), "instances"),
        (
            [{"idade": 30, "renda_anual": 1.0}, {"idade": 3, "renda_anual": 1.0}],
            "instances.1.idade",
        ),
    ],
    ids=["empty", "over-limit", "one-bad-instance"],
)
async def test_bad_batches_are_422(
    gateway: Gateway, db_pool: asyncpg.Pool, instances: list[object], field: str
) -> None:
    answer = await gateway.client.post(
        "/v1/predict/batch", json={"instances": instances}, headers=await gateway.auth()
    )
    assert answer.status_code == 422
    assert field in {d["field"] for d in answer.json()["error"]["details"]}
    await asyncio.sleep(0.3)
    assert await db_pool.fetchval("SELECT count(*) FROM predictions") == 0


async def test_models_lists_production(gateway: Gateway) -> None:
    answer = await gateway.client.get("/v1/models", headers=await gateway.auth("predict"))
    assert answer.status_code == 200
    production = answer.json()["production"]
    assert production["variant"] == "production"
    assert production["metrics"]["holdout_accuracy"] > 0.8


async def test_unknown_route_and_method_use_the_error_body(gateway: Gateway) -> None:
    missing = await gateway.client.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"
    wrong = await gateway.client.get("/v1/predict")
    assert wrong.status_code == 405 and wrong.json()["error"]["type"] == "method_not_allowed"
