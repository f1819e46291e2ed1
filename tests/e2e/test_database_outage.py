"""A Postgres outage, injected for real: serving goes on, nothing is lost, admin says 503."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from ops import devstack
from ops.stack import START_ORDER, ServiceStack
from tests import stacks
from tests.e2e.conftest import ADMIN, JWT_SECRET

pytestmark = pytest.mark.e2e

PREDICTIONS = 50


@pytest.fixture
def own_postgres() -> Iterator[tuple[devstack.LocalPostgres, str]]:
    with stacks.own_postgres("outage") as server_and_dsn:
        yield server_and_dsn


def test_serving_survives_a_database_outage(
    own_postgres: tuple[devstack.LocalPostgres, str],
    redis_url: str,
    mlflow_uri: str,
    model_name: str,
    trained_model: str,
    logs_dir: Path,
) -> None:
    server, dsn = own_postgres
    stack = ServiceStack(
        env=stacks.stack_env(
            dsn=dsn,
            redis_url=redis_url,
            mlflow_uri=mlflow_uri,
            model_name=model_name,
            jwt_secret=JWT_SECRET,
            admin=ADMIN,
            label="outage",
        ),
        ports={name: devstack.free_port() for name in START_ORDER},
        log_dir=logs_dir / "outage",
    )
    stack.start(("inference", "gateway"))
    try:
        gateway = stack.url("gateway")
        token = httpx.post(
            f"{gateway}/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        server.stop()

        codes = [
            httpx.post(
                f"{gateway}/v1/predict",
                json={"idade": 20 + i, "renda_anual": 1000.0 * i},
                headers=headers,
                timeout=5,
            ).status_code
            for i in range(PREDICTIONS)
        ]
        assert codes == [200] * PREDICTIONS
        for url in (stack.url("inference"), gateway):
            ready = httpx.get(f"{url}/health/ready", timeout=5)
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"]["postgres"]["status"] == "down"
        started = time.perf_counter()
        sign_in = httpx.post(
            f"{gateway}/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]}, timeout=10
        )
        assert sign_in.status_code == 503, sign_in.text
        assert sign_in.json()["error"]["type"] == "database_unavailable"
        assert time.perf_counter() - started < 2.0

        server.start()
        assert _rows_eventually(dsn, PREDICTIONS, within_s=20) == PREDICTIONS
    finally:
        stack.stop()


def _rows_eventually(dsn: str, expected: int, *, within_s: float) -> int:
    async def count() -> int:
        conn = await asyncpg.connect(dsn)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM predictions"))
        finally:
            await conn.close()

    deadline = time.monotonic() + within_s
    rows = 0
    while time.monotonic() < deadline:
        rows = asyncio.run(count())
        if rows >= expected:
            break
        time.sleep(0.5)
    return rows
