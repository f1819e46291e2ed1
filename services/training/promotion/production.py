"""The one way `production` moves, whoever asks (bootstrap, a job, an operator, an A/B test).

Every move happens under a Postgres advisory lock per model, leaves a `model_events` row and
then asks inference to reload. The version a promotion replaces is tagged on the new version
(`previous_production`), so a rollback is one call and repeated rollbacks walk back through
the promotion history.
"""

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import asyncpg
import httpx

from services.training.config import TrainingSettings
from services.training.promotion import events
from services.training.registry_calls import in_registry_thread, read_production
from shared import registry
from shared.repositories import model_events
from shared.tracing import span

logger = logging.getLogger(__name__)

Action = Literal["promote", "rollback"]


@dataclass(frozen=True)
class PromotionResult:
    """What an alias move did: the version now in production and the one it replaced."""

    action: Action
    version: str
    previous_version: str | None
    forced: bool
    reason: str
    inference_reloaded: bool

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return asdict(self)


@dataclass(frozen=True)
class Move:
    """Where `production` goes and why, decided under the lock from the version serving now."""

    version: str
    reason: str
    forced: bool = False


# Decides the move from the current production version (None: nothing serves), or raises.
Planner = Callable[[registry.VersionInfo | None], Awaitable[Move]]


async def move_production(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    action: Action,
    plan: Planner,
    actor: str | None,
) -> PromotionResult:
    """Move `production` where `plan` says, under the model's lock; audit it; reload inference."""
    with span("training.move_production", action=action):
        return await _move(
            pool=pool,
            settings=settings,
            http_client=http_client,
            action=action,
            plan=plan,
            actor=actor,
        )


async def _move(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    action: Action,
    plan: Planner,
    actor: str | None,
) -> PromotionResult:
    async with model_events.alias_lock(pool, settings.model_name) as conn:
        current = await read_production(settings)
        move = await plan(current)
        previous = current.version if current else None
        point = functools.partial(
            registry.point_production,
            settings.mlflow_tracking_uri,
            name=settings.model_name,
            version=move.version,
            replaced=previous,
            rollback=action == "rollback",
        )
        await in_registry_thread(point, what=f"moving production to version {move.version}")
        await model_events.record_event(
            conn,
            model_name=settings.model_name,
            alias=registry.PRODUCTION,
            action=action,
            from_version=previous,
            to_version=move.version,
            forced=move.forced,
            reason=move.reason,
            actor=actor,
        )
    logger.info(
        "production moved",
        extra={
            "action": action,
            "from_version": previous,
            "to_version": move.version,
            "forced": move.forced,
        },
    )
    reloaded = await notify_inference(http_client=http_client, settings=settings)
    result = PromotionResult(action, move.version, previous, move.forced, move.reason, reloaded)
    events.announce(result, model_name=settings.model_name, actor=actor)
    return result


async def notify_inference(*, http_client: httpx.AsyncClient, settings: TrainingSettings) -> bool:
    """Ask inference to re-read the aliases now; its own polling covers a failed call."""
    url = f"{settings.inference_url.rstrip('/')}/admin/reload"
    try:
        answer = await http_client.post(url, timeout=settings.inference_reload_timeout_s)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        logger.warning("inference reload failed", extra={"url": url, "error": repr(exc)})
        return False
    logger.info("inference reloaded", extra={"answer": answer.text[:500]})
    return True
