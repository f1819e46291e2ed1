"""A/B and shadow experiments: start, read results, stop, and conclude by promotion.

One experiment at a time per model (a unique partial index enforces it): starting while one
runs is a 409 rather than a silent replacement, because changing the split mid-test would
mix two experiments' data. Alias moves happen under the same advisory lock as promotions and
leave a `model_events` row; inference replicas follow the recorded experiment by polling.
"""

import functools
import logging
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx

from services.training.config import TrainingSettings
from services.training.experiments import metrics, notifications
from services.training.experiments import results as experiment_results
from services.training.promotion.production import notify_inference
from services.training.promotion.service import promote_version
from services.training.registry_calls import in_registry_thread, read_production
from shared import registry
from shared.errors import Conflict, NotFound
from shared.repositories import experiments, model_events
from shared.repositories.experiments import ExperimentRow
from shared.schemas_experiments import (
    ChallengerPromotion,
    ExperimentResults,
    ExperimentView,
    PromoteChallengerRequest,
    PromoteChallengerResponse,
    StartExperimentRequest,
)

logger = logging.getLogger(__name__)


def _no_experiment(settings: TrainingSettings) -> NotFound:
    return NotFound(
        f"no experiment is running for model '{settings.model_name}'",
        error_type="no_active_experiment",
    )


async def _production_to_challenge(
    conn: model_events.Connection, *, settings: TrainingSettings, version: str
) -> str:
    """The production version `version` would be tested against, if a test may start now."""
    current = await read_production(settings)
    if current is None:
        raise Conflict(
            "no production model to test a challenger against", error_type="no_production"
        )
    if current.version == version:
        raise Conflict(
            f"version {version} is already in production; pick another version to test",
            error_type="challenger_is_production",
        )
    active = await experiments.get_active(conn, settings.model_name)
    if active is not None:
        raise _already_running(active)
    return current.version


async def start_experiment(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    request: StartExperimentRequest,
    actor: str | None,
) -> ExperimentView:
    """Make `challenger_version` the challenger and record the experiment."""
    version = request.challenger_version
    async with model_events.alias_lock(pool, settings.model_name) as conn:
        production = await _production_to_challenge(conn, settings=settings, version=version)
        row = ExperimentRow(
            id=uuid.uuid4(),
            model_name=settings.model_name,
            production_version=production,
            challenger_version=version,
            traffic=request.traffic or 0.0,
            mode=request.mode,
            started_at=datetime.now(UTC),
            ended_at=None,
            outcome=None,
        )
        # The record commits only once the alias is in place, so replicas never see one
        # without the other; a failed alias move rolls the record back.
        async with conn.transaction():
            if not await experiments.insert_experiment(conn, row):
                raise _already_running(await experiments.get_active(conn, settings.model_name))
            challenge = functools.partial(
                registry.point_challenger,
                settings.mlflow_tracking_uri,
                name=settings.model_name,
                version=version,
            )
            await in_registry_thread(challenge, what=f"model version {version}")
            await model_events.record_event(
                conn,
                model_name=settings.model_name,
                alias=registry.CHALLENGER,
                action="experiment_start",
                from_version=None,
                to_version=version,
                reason=request.reason or f"{request.mode} experiment {row.id}",
                actor=actor,
            )
    logger.info("experiment started", extra={"experiment_id": str(row.id), "mode": row.mode})
    await notify_inference(http_client=http_client, settings=settings)
    return experiment_results.view(row)


def _already_running(active: ExperimentRow | None) -> Conflict:
    return Conflict(
        "an experiment is already running; end it (DELETE /v1/experiments/ab) before starting "
        "another",
        error_type="experiment_running",
        details={"experiment_id": str(active.id) if active else None},
    )


async def end_experiment(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    outcome: str = "stopped",
    actor: str | None,
    reason: str | None = None,
) -> ExperimentView:
    """End the running experiment and remove the `challenger` alias."""
    async with model_events.alias_lock(pool, settings.model_name) as conn, conn.transaction():
        ended = await experiments.end_active(conn, model_name=settings.model_name, outcome=outcome)
        if ended is None:
            raise _no_experiment(settings)
        drop = functools.partial(
            registry.drop_challenger, settings.mlflow_tracking_uri, name=settings.model_name
        )
        await in_registry_thread(drop, what="the challenger alias")
        await model_events.record_event(
            conn,
            model_name=settings.model_name,
            alias=registry.CHALLENGER,
            action="experiment_end",
            from_version=ended.challenger_version,
            to_version=None,
            reason=reason or f"experiment {ended.id} {outcome}",
            actor=actor,
            audit_action="experiment.conclude" if outcome == "promoted" else "experiment.stop",
        )
    logger.info("experiment ended", extra={"experiment_id": str(ended.id), "outcome": outcome})
    await notify_inference(http_client=http_client, settings=settings)
    return experiment_results.view(ended)


async def read_results(*, pool: asyncpg.Pool, settings: TrainingSettings) -> ExperimentResults:
    """Results of the running experiment, else of the one that ended last."""
    row = await experiments.get_latest(pool, settings.model_name)
    if row is None:
        raise NotFound(
            f"no experiment has run for model '{settings.model_name}'",
            error_type="no_experiment",
        )
    results = await results_for(pool=pool, settings=settings, experiment=row)
    metrics.observe(results)
    notifications.announce(results)
    return results


async def results_for(
    *, pool: asyncpg.Pool, settings: TrainingSettings, experiment: ExperimentRow
) -> ExperimentResults:
    """Results of one experiment."""
    if experiment.mode == "shadow":
        tally = await experiments.shadow_tally(pool, experiment.id)
        return experiment_results.shadow_results(
            experiment=experiment, tally=tally, settings=settings
        )
    tallies = await experiments.variant_tallies(pool, experiment.id)
    return experiment_results.ab_results(experiment=experiment, tallies=tallies, settings=settings)


async def promote_challenger(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    request: PromoteChallengerRequest,
    actor: str | None,
) -> PromoteChallengerResponse:
    """Conclude the experiment: promote its challenger through the promotion path, then end it."""
    active = await experiments.get_active(pool, settings.model_name)
    if active is None:
        raise _no_experiment(settings)
    results = await results_for(pool=pool, settings=settings, experiment=active)
    note = f"experiment {active.id}: {results.summary}"
    promotion = await promote_version(
        pool=pool,
        settings=settings,
        http_client=http_client,
        version=active.challenger_version,
        force=request.force,
        actor=actor,
        reason=f"{request.reason}; {note}" if request.reason else note,
    )
    try:
        ended = await end_experiment(
            pool=pool,
            settings=settings,
            http_client=http_client,
            outcome="promoted",
            actor=actor,
            reason=f"challenger {active.challenger_version} promoted",
        )
    except NotFound:
        # Stopped by someone else between the promotion and here: the promotion still stands.
        latest = await experiments.get_latest(pool, settings.model_name)
        ended = experiment_results.view(latest or active)
    return PromoteChallengerResponse(
        experiment=ended,
        results=results,
        promotion=ChallengerPromotion.model_validate(promotion.to_dict()),
    )
