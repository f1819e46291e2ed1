"""Drift service: `uvicorn --factory services.drift.main:create_app`."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request

from services.drift import router
from services.drift.config import DriftSettings
from shared.app import create_service_app
from shared.db import create_pool, ping
from shared.logs import configure_logging
from shared.registry import configure_mlflow


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: DriftSettings = app.state.settings
    configure_mlflow(settings.mlflow_tracking_uri)
    pool = await create_pool(
        settings.database_url,
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        timeout=settings.db_connect_timeout_s,
    )
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


async def readiness(request: Request) -> dict[str, dict[str, Any]]:
    """Ready when Postgres answers."""
    return {"postgres": await ping(request.app.state.pool)}


def create_app(settings: DriftSettings | None = None) -> FastAPI:
    """Build the training app from explicit settings (or the environment)."""
    settings = settings or DriftSettings()
    configure_logging(service="drift", level=settings.log_level)
    app = create_service_app(
        title="ml-pipeline drift",
        description="Internal service: drift checks, live accuracy and A/B results.",
        settings=settings,
        lifespan=lifespan,
        readiness=readiness,
    )
    app.include_router(router.router)
    return app
