"""Both gateway entries (thin and FastAPI) store customer ids only as pseudonyms."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import SecretStr

from services.gateway.main import create_app as create_gateway
from shared.pseudonym import PseudonymKeys
from tests.asgi import serve
from tests.gateway.conftest import Gateway, gateway_settings, use_upstream

KEY = "rewrite-test-pseudonym-key-0123456789abcdef"
KEYS = PseudonymKeys.from_settings(key=KEY, version="k7")


@pytest.fixture(params=[True, False], ids=["thin", "fastapi"])
async def gateway(
    request: pytest.FixtureRequest,
    db_pool: Any,
    database_dsn: str,
    redis_url: str,
    inference_client: httpx.AsyncClient,
) -> AsyncIterator[Gateway]:
    settings = gateway_settings(
        database_dsn,
        redis_url,
        gateway_fast_path=request.param,
        pseudonym_key=SecretStr(KEY),
        pseudonym_key_version="k7",
    )
    app = create_gateway(settings)
    async with serve(app) as client:
        use_upstream(app, "inference", inference_client)
        yield Gateway(client, settings)


async def _stored(pool: asyncpg.Pool, prediction_ids: list[str]) -> list[str | None]:
    for _ in range(50):  # the prediction log flushes every 0.2 s
        rows = await pool.fetch(
            "SELECT id::text, customer_id FROM predictions WHERE id::text = ANY($1)",
            prediction_ids,
        )
        if len(rows) == len(prediction_ids):
            by_id = {r["id"]: r["customer_id"] for r in rows}
            return [by_id[i] for i in prediction_ids]
        await asyncio.sleep(0.1)
    raise AssertionError("predictions were not stored")


async def test_customer_ids_are_stored_as_pseudonyms(gateway: Gateway, db_pool: Any) -> None:
    auth = await gateway.auth("predict")
    single = await gateway.client.post(
        "/v1/predict",
        json={"idade": 35, "renda_anual": 85_000.0, "customer_id": "alice-001"},
        headers=auth,
    )
    assert single.status_code == 200, single.text
    # An escaped key name is the same field to the validator, so it must be caught too.
    escaped = await gateway.client.post(
        "/v1/predict",
        content=b'{"idade": 36, "renda_anual": 1.0, "customer\\u005fid": "carol-003"}',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert escaped.status_code == 200, escaped.text
    batch = await gateway.client.post(
        "/v1/predict/batch",
        json={
            "instances": [
                {"idade": 40, "renda_anual": 1.0, "customer_id": "bob-002"},
                {"idade": 41, "renda_anual": 2.0},
            ]
        },
        headers=auth,
    )
    assert batch.status_code == 200, batch.text
    ids = [
        single.json()["prediction_id"],
        escaped.json()["prediction_id"],
        *(p["prediction_id"] for p in batch.json()["predictions"]),
    ]
    assert await _stored(db_pool, ids) == [
        KEYS.pseudonym("alice-001"),
        KEYS.pseudonym("carol-003"),
        KEYS.pseudonym("bob-002"),
        None,
    ]
