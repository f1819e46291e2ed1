"""Shared plumbing: error handlers, migrations, pool failures, logs."""

import asyncio
import json
import logging
import time

import asyncpg
import pytest
from fastapi import APIRouter, FastAPI

from ops.devstack import free_port
from shared.app import create_service_app
from shared.config import BaseServiceSettings
from shared.db import create_pool, ping
from shared.errors import Conflict, ServiceUnavailable
from shared.logs import JsonFormatter
from shared.migrations import apply_migrations, migration_files
from tests.asgi import client_for, serve


def _app(readiness_status: str = "up") -> FastAPI:
    async def readiness(_: object) -> dict[str, dict[str, object]]:
        return {
            "thing": {"status": readiness_status},
            "optional": {"status": "down", "critical": False},
        }

    app = create_service_app(
        title="t",
        description="d",
        settings=BaseServiceSettings(),
        lifespan=None,
        readiness=readiness,
    )
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    @router.get("/conflict")
    async def conflict() -> None:
        raise Conflict("already there", details={"id": 1})

    app.include_router(router)
    return app


async def test_unhandled_errors_hide_internals() -> None:
    # Signed like any caller of an internal service; the crash must not escape the app either.
    async with client_for(_app(), "http://t") as client:
        answer = await client.get("/boom")
    assert answer.status_code == 500
    assert "secret internals" not in answer.text
    assert answer.json()["error"]["type"] == "internal_error"


async def test_service_errors_and_readiness() -> None:
    async with serve(_app()) as client:
        conflict = await client.get("/conflict")
        ready = await client.get("/health/ready")
        metrics = await client.get("/metrics")
    assert conflict.status_code == 409
    assert conflict.json()["error"] == conflict.json()["error"] | {
        "type": "conflict",
        "message": "already there",
        "details": {"id": 1},
    }
    assert ready.status_code == 200  # the non-critical check being down does not matter
    assert metrics.status_code == 200 and "ml_api_requests_total" in metrics.text


async def test_failed_critical_check_makes_service_unready() -> None:
    async with serve(_app("down")) as client:
        ready = await client.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["status"] == "not_ready"


async def test_migrations_apply_once(pg_admin_dsn: str) -> None:
    from tests.conftest import new_database

    dsn = await asyncio.to_thread(new_database, pg_admin_dsn, "migrations")
    assert await apply_migrations(dsn) == []
    conn = await asyncpg.connect(dsn)
    try:
        versions = [r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")]
    finally:
        await conn.close()
    assert versions == [v for v, _, _ in migration_files()]


async def test_pool_to_a_dead_server_fails_fast_with_a_named_error() -> None:
    started = time.perf_counter()
    with pytest.raises(ServiceUnavailable, match="postgres unavailable"):
        await create_pool(f"postgresql://postgres@127.0.0.1:{free_port()}/x", timeout=1)
    assert time.perf_counter() - started < 3


async def test_ping_reports_a_closed_pool(database_dsn: str) -> None:
    pool = await create_pool(database_dsn, min_size=1, max_size=1)
    assert await ping(pool) == {"status": "up"}
    await pool.close()
    assert (await ping(pool))["status"] == "down"


def test_log_lines_are_json_with_extra_fields() -> None:
    record = logging.LogRecord("x", logging.INFO, "f", 1, "prediction %s", ("done",), None)
    record.model_version = "3"
    line = json.loads(JsonFormatter("inference").format(record))
    assert line["message"] == "prediction done" and line["model_version"] == "3"
    assert line["service"] == "inference" and line["timestamp"].endswith("+00:00")


def test_settings_refuse_a_non_postgres_url() -> None:
    with pytest.raises(ValueError, match="postgresql"):
        BaseServiceSettings(database_url="mysql://x")
