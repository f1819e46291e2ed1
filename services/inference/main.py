"""Inference service: `uvicorn --factory services.inference.main:create_app`."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from threadpoolctl import threadpool_limits

from services.inference.batching import MicroBatcher
from services.inference.config import InferenceSettings
from services.inference.experiments import ExperimentState
from services.inference.model_registry import ModelHolder, RegistrySource
from services.inference.prediction_log import PredictionLogWriter
from services.inference.router import fast_routes, router
from services.inference.service import Scorer
from services.inference.shadow import ShadowScorer
from shared.app import ServiceApp, create_service_app
from shared.db import ping, pool_for
from shared.logs import configure_logging
from shared.registry import PRODUCTION, configure_mlflow

logger = logging.getLogger(__name__)


async def _poll_registry(
    holder: ModelHolder, experiments: ExperimentState, interval_s: float
) -> None:
    while True:
        # Backs off while the registry fails (see ModelHolder.retry_delay).
        await asyncio.sleep(holder.retry_delay(interval_s))
        await holder.refresh(PRODUCTION)
        await experiments.refresh()


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: InferenceSettings = app.state.settings
    configure_mlflow(settings.mlflow_tracking_uri)
    pool = await pool_for(settings)
    writer = PredictionLogWriter(
        pool=pool,
        batch_size=settings.inference_log_batch_size,
        flush_interval_s=settings.inference_log_flush_interval_s,
        max_pending=settings.inference_log_max_pending,
    )
    writer.start()
    holder = ModelHolder(
        source=RegistrySource(settings.mlflow_tracking_uri), model_name=settings.model_name
    )
    experiments = ExperimentState(pool=pool, holder=holder, model_name=settings.model_name)
    await holder.refresh(PRODUCTION)
    # Requests are already parallel; OpenMP/BLAS threads per model call only fight over the
    # cores (gradient boosting measured 90x slower per row with 2 threads on a busy 2-core
    # host). Set on the event-loop thread, which scores, once the model's libraries are loaded.
    threadpool_limits(limits=1)
    await experiments.refresh()
    shadow = ShadowScorer(
        log_writer=writer,
        threshold=settings.inference_threshold,
        max_pending=settings.inference_shadow_max_pending,
        max_batch=settings.inference_shadow_batch_size,
        linger_s=settings.inference_shadow_linger_s,
    )
    shadow.start()
    poller = asyncio.create_task(
        _poll_registry(holder, experiments, settings.inference_reload_interval_s)
    )
    app.state.pool = pool
    app.state.scorer = Scorer(
        holder=holder,
        batcher=MicroBatcher(max_batch=settings.inference_batch_max_size),
        log_writer=writer,
        threshold=settings.inference_threshold,
        log_each=settings.inference_log_predictions,
        log_inputs=settings.inference_log_inputs,
        experiments=experiments,
        shadow=shadow,
    )
    try:
        yield
    finally:
        poller.cancel()
        await shadow.stop()
        await writer.stop()
        await pool.close()


async def readiness(request: Request) -> dict[str, dict[str, Any]]:
    """Ready when a production model is loaded and warmed; Postgres is reported, not required.

    The prediction log buffers while Postgres is down, so serving goes on through a blip.
    """
    scorer: Scorer = request.app.state.scorer
    model = scorer.holder.get(PRODUCTION)
    model_check: dict[str, Any] = (
        {"status": "up", "version": model.version}
        if model
        else {"status": "down", "error": scorer.holder.last_error or "no production model yet"}
    )
    postgres = await ping(request.app.state.pool, critical=False)
    return {"postgres": postgres, "model": model_check}


def create_app(settings: InferenceSettings | None = None) -> ServiceApp:
    """Build the inference app from explicit settings (or the environment)."""
    settings = settings or InferenceSettings()
    configure_logging(service="inference", level=settings.log_level)
    app = create_service_app(
        title="ml-pipeline inference",
        description="Internal scoring service: serves the registry's `production` model "
        "(and `challenger` during experiments).",
        settings=settings,
        lifespan=lifespan,
        readiness=readiness,
    )
    app.include_router(router)
    if settings.inference_fast_path:
        app.fast_routes.update(fast_routes())
    return app
