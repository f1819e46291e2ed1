"""Drift service: `uvicorn --factory services.drift.main:create_app`."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.drift import router
from services.drift.config import DriftSettings
from services.drift.detector import DriftThresholds
from services.drift.reference import RegistryReferences
from services.drift.retention import policy_from, watch_last_run
from services.drift.retraining import TrainingClient
from services.drift.scheduler import CheckScheduler, RetentionScheduler
from services.drift.service import CheckPolicy, DriftMonitor
from shared.app import create_service_app, postgres_readiness
from shared.db import pool_for
from shared.http import create_http_client
from shared.logs import configure_logging
from shared.registry import configure_mlflow
from shared.service_auth import ServiceAuth


def thresholds(settings: DriftSettings) -> DriftThresholds:
    """The decision rule the environment configures."""
    return DriftThresholds(
        alpha=settings.drift_alpha,
        effect_threshold=settings.drift_effect_threshold,
        psi_threshold=settings.drift_psi_threshold,
        min_samples=settings.drift_min_samples,
    )


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: DriftSettings = app.state.settings
    configure_mlflow(settings.mlflow_tracking_uri)
    pool = await pool_for(settings)
    await watch_last_run(pool)
    # This service calls only training (retraining requests), as itself.
    http_client = create_http_client(
        timeout_s=settings.drift_training_timeout_s,
        auth=ServiceAuth(app.state.credentials, "training"),
    )
    monitor = DriftMonitor(
        pool=pool,
        references=RegistryReferences(
            tracking_uri=settings.mlflow_tracking_uri,
            model_name=settings.model_name,
            thresholds=thresholds(settings),
            categorical=settings.drift_categorical_columns,
            cache_size=settings.drift_reference_cache_size,
        ),
        training=TrainingClient(http_client, settings.training_url),
        model_name=settings.model_name,
        policy=CheckPolicy.from_settings(settings),
    )
    scheduler = None
    if settings.drift_check_interval_s > 0:
        scheduler = CheckScheduler(monitor=monitor, interval_s=settings.drift_check_interval_s)
        scheduler.start()
    keeper = None
    if settings.retention_interval_s > 0:
        keeper = RetentionScheduler(
            pool=pool, policy=policy_from(settings), interval_s=settings.retention_interval_s
        )
        keeper.start()
    app.state.pool = pool
    app.state.monitor = monitor
    app.state.scheduler = scheduler
    app.state.retention = keeper
    try:
        yield
    finally:
        if scheduler is not None:
            await scheduler.stop()
        if keeper is not None:
            await keeper.stop()
        await http_client.aclose()
        await pool.close()


def create_app(settings: DriftSettings | None = None) -> FastAPI:
    """Build the drift app from explicit settings (or the environment)."""
    settings = settings or DriftSettings()
    configure_logging(service="drift", level=settings.log_level)
    app = create_service_app(
        title="ml-pipeline drift",
        description="Internal service: drift checks, live accuracy and retraining requests.",
        settings=settings,
        lifespan=lifespan,
        readiness=postgres_readiness,
    )
    app.include_router(router.router)
    return app
