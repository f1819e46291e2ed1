"""Rate limits (Redis, and without it) and the mapping of upstream failures to 502/503/504."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from ops.devstack import free_port
from services.gateway.main import create_app as create_gateway
from tests.asgi import serve
from tests.gateway.conftest import Gateway, gateway_settings, use_upstream

PREDICT = {"idade": 35, "renda_anual": 85000.0}


@contextlib.asynccontextmanager
async def _gateway(
    database_dsn: str,
    redis_url: str | None,
    upstream: httpx.AsyncClient | None = None,
    **overrides: Any,
) -> AsyncIterator[Gateway]:
    settings = gateway_settings(database_dsn, redis_url, **overrides)
    app = create_gateway(settings)
    async with serve(app) as client:
        if upstream is not None:
            use_upstream(app, "inference", upstream)
        yield Gateway(client, settings)


async def test_caller_limit_gives_429_with_retry_after(
    db_pool: object, database_dsn: str, redis_url: str, inference_client: httpx.AsyncClient
) -> None:
    async with _gateway(
        database_dsn, redis_url, inference_client, rate_limit_predict="3/minute"
    ) as gateway:
        headers = await gateway.auth()
        codes = [
            (await gateway.client.post("/v1/predict", json=PREDICT, headers=headers)).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        limited = await gateway.client.post("/v1/predict", json=PREDICT, headers=headers)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.json()["error"]["type"] == "rate_limited"


async def test_token_endpoint_is_limited_per_ip(
    db_pool: object, database_dsn: str, redis_url: str
) -> None:
    async with _gateway(database_dsn, redis_url, rate_limit_auth="2/minute") as gateway:
        codes = [
            (
                await gateway.client.post("/auth/token", data={"username": "x", "password": "y"})
            ).status_code
            for _ in range(3)
        ]
    assert codes == [401, 401, 429]


async def test_redis_down_fails_open_to_local_limits(
    db_pool: object, database_dsn: str, inference_client: httpx.AsyncClient
) -> None:
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    async with _gateway(
        database_dsn, dead_redis, inference_client, rate_limit_predict="2/minute"
    ) as gateway:
        headers = await gateway.auth()
        started = time.perf_counter()
        codes = [
            (await gateway.client.post("/v1/predict", json=PREDICT, headers=headers)).status_code
            for _ in range(3)
        ]
        elapsed = time.perf_counter() - started
        ready = await gateway.client.get("/health/ready")
    assert codes == [200, 200, 429]
    assert elapsed < 3
    assert ready.json()["checks"]["redis"]["status"] == "down"


async def test_inference_down_is_503_within_a_second(db_pool: object, database_dsn: str) -> None:
    async with _gateway(database_dsn, None, inference_url=f"http://127.0.0.1:{free_port()}") as gw:
        headers = await gw.auth()
        started = time.perf_counter()
        answer = await gw.client.post("/v1/predict", json=PREDICT, headers=headers)
        elapsed = time.perf_counter() - started
        ready = await gw.client.get("/health/ready")
    assert answer.status_code == 503 and elapsed < 1.0
    assert answer.json()["error"]["type"] == "upstream_unavailable"
    # Without inference the gateway cannot serve: it leaves rotation.
    assert ready.status_code == 503 and ready.json()["checks"]["inference"]["status"] == "down"


async def test_inference_timeout_is_504(db_pool: object, database_dsn: str) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with (
        server,
        _gateway(
            database_dsn, None, inference_url=f"http://127.0.0.1:{port}", upstream_timeout_s=0.3
        ) as gw,
    ):
        answer = await gw.client.post("/v1/predict", json=PREDICT, headers=await gw.auth())
    assert answer.status_code == 504
    assert answer.json()["error"]["type"] == "upstream_timeout"


def _broken_inference() -> FastAPI:
    broken = FastAPI()

    @broken.post("/v1/predict")
    async def garbage() -> PlainTextResponse:
        return PlainTextResponse("<html>oops</html>")

    @broken.post("/v1/predict/batch")
    async def wrong_shape() -> dict[str, object]:
        return {"predictions": [{"probability": "high"}]}

    @broken.get("/v1/models")
    async def crashed() -> PlainTextResponse:
        return PlainTextResponse("Internal Server Error", status_code=500)

    return broken


async def test_malformed_upstream_answers_are_502(db_pool: object, database_dsn: str) -> None:
    transport = httpx.ASGITransport(app=_broken_inference())
    async with (
        httpx.AsyncClient(transport=transport) as broken,
        _gateway(database_dsn, None, broken) as gw,
    ):
        headers = await gw.auth()
        single = await gw.client.post("/v1/predict", json=PREDICT, headers=headers)
        batch = await gw.client.post(
            "/v1/predict/batch", json={"instances": [PREDICT]}, headers=headers
        )
        models = await gw.client.get("/v1/models", headers=headers)
    assert [single.status_code, batch.status_code, models.status_code] == [502, 502, 502]
    assert single.json()["error"]["type"] == "upstream_malformed"
