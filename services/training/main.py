"""Training service: `uvicorn --factory services.training.main:create_app`."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.training.config import TrainingSettings
from services.training.customers import router as customers
from services.training.experiments import router as experiments
from services.training.ingest import router as ingest
from services.training.jobs import router as jobs
from services.training.jobs.runner import TrainingJobRunner
from services.training.promotion import router as promotion
from shared.app import create_service_app, postgres_readiness
from shared.db import pool_for
from shared.http import create_http_client
from shared.logs import configure_logging
from shared.registry import configure_mlflow
from shared.service_auth import ServiceAuth


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: TrainingSettings = app.state.settings
    configure_mlflow(settings.mlflow_tracking_uri)
    pool = await pool_for(settings)
    # This service calls only inference (reloads after alias moves), as itself.
    http_client = create_http_client(
        timeout_s=settings.inference_reload_timeout_s,
        auth=ServiceAuth(app.state.credentials, "inference"),
    )
    runner = TrainingJobRunner(pool=pool, settings=settings, http_client=http_client)
    # Single training process by design: whatever was active before this start was cut off.
    await runner.recover()
    app.state.pool = pool
    app.state.http_client = http_client
    app.state.runner = runner
    try:
        yield
    finally:
        await runner.shutdown()
        await http_client.aclose()
        await pool.close()


def create_app(settings: TrainingSettings | None = None) -> FastAPI:
    """Build the training app from explicit settings (or the environment)."""
    settings = settings or TrainingSettings()
    configure_logging(service="training", level=settings.log_level)
    app = create_service_app(
        title="ml-pipeline training",
        description="Internal service: feature ingest, training jobs, promotion and rollback.",
        settings=settings,
        lifespan=lifespan,
        readiness=postgres_readiness,
        streaming_prefixes=("/v1/features/csv",),
    )
    for domain in (ingest, jobs, promotion, experiments, customers):
        app.include_router(domain.router)
    return app
