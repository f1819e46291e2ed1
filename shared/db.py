"""asyncpg pool construction: JSON codecs, timeouts, and a named error when Postgres is down."""

import json
from typing import Any

import asyncpg
from prometheus_client import Gauge

from shared.config import BaseServiceSettings
from shared.errors import ServiceUnavailable

POSTGRES_UP = Gauge("postgres_up", "1 when the last readiness check reached Postgres")


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(
    dsn: str, *, min_size: int = 1, max_size: int = 10, timeout: float = 5.0
) -> asyncpg.Pool:
    """Open a pool, failing fast with ServiceUnavailable if Postgres does not answer."""
    try:
        pool = await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            command_timeout=60,
            init=_init_connection,
        )
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise ServiceUnavailable(
            f"postgres unavailable: {exc}", error_type="database_unavailable"
        ) from exc
    assert pool is not None
    return pool


async def pool_for(settings: BaseServiceSettings) -> asyncpg.Pool:
    """The service's pool, sized and timed out as its settings say."""
    return await create_pool(
        settings.database_url,
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        timeout=settings.db_connect_timeout_s,
    )


async def ping(
    pool: asyncpg.Pool, *, timeout: float = 1.0, critical: bool = True
) -> dict[str, Any]:
    """Readiness check for Postgres; also sets the `postgres_up` gauge."""
    flag = {} if critical else {"critical": False}
    try:
        await pool.fetchval("SELECT 1", timeout=timeout)
    except Exception as exc:  # readiness reports any failure, whatever its kind
        POSTGRES_UP.set(0)
        return {"status": "down", "error": type(exc).__name__, **flag}
    POSTGRES_UP.set(1)
    return {"status": "up", **flag}
