"""Training service: `uvicorn --factory services.training.main:create_app`."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request

from services.training import experiments_router, router
from services.training.config import TrainingSettings
from shared.app import create_service_app
from shared.db import create_pool, ping
from shared.logs import configure_logging
from shared.registry import configure_mlflow


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: TrainingSettings = app.state.settings
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


def create_app(settings: TrainingSettings | None = None) -> FastAPI:
    """Build the training app from explicit settings (or the environment)."""
    settings = settings or TrainingSettings()
    configure_logging(service="training", level=settings.log_level)
    app = create_service_app(
        title="ml-pipeline training",
        description="Internal service: feature ingest, training jobs, promotion and rollback.",
        settings=settings,
        lifespan=lifespan,
        readiness=readiness,
    )
    app.include_router(router.router)
    app.include_router(experiments_router.router)
    return app
