"""Moving the `production` alias: the gate, the audit trail, rollback and telling inference.

Every move happens under a Postgres advisory lock per model and leaves a `model_events` row.
The version a promotion replaces is tagged on the new version (`previous_production`), so a
rollback is one call and repeated rollbacks walk back through the promotion history.
"""

import functools
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

import anyio
import asyncpg
import httpx
import numpy as np
import pandas as pd

from services.training import modeling
from services.training.config import TrainingSettings
from services.training.errors import (
    ModelVersionNotFound,
    NothingToRollBack,
    PromotionRefused,
    RegistryUnavailable,
)
from services.training.gate import GateConfig, GateDecision, decide
from services.training.pipeline import set_production
from shared import registry
from shared.contract import FEATURES, LABEL
from shared.errors import Conflict
from shared.repositories import features, model_events

logger = logging.getLogger(__name__)

T = TypeVar("T")
_NOT_FOUND_CODES = frozenset({"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"})


@dataclass(frozen=True)
class PromotionResult:
    """What an alias move did: the version now in production and the one it replaced."""

    action: Literal["promote", "rollback"]
    version: str
    previous_version: str | None
    forced: bool
    reason: str
    inference_reloaded: bool

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return asdict(self)


def gate_config(settings: TrainingSettings) -> GateConfig:
    """The promotion rules configured for this service."""
    return GateConfig(
        primary_metric=settings.training_primary_metric,
        min_improvement=settings.training_min_improvement,
        accuracy_floor=settings.training_accuracy_floor,
    )


def finite_metrics(metrics: dict[str, float] | None) -> dict[str, float] | None:
    """Drop NaN/inf values so metrics stay JSON-safe."""
    if metrics is None:
        return None
    return {name: value for name, value in metrics.items() if np.isfinite(value)}


async def in_registry_thread(call: Callable[[], T], *, what: str) -> T:
    """Run a blocking MLflow call off the event loop; map its failures to service errors."""
    from mlflow.exceptions import MlflowException

    try:
        return await anyio.to_thread.run_sync(call)
    except MlflowException as exc:
        if getattr(exc, "error_code", "") in _NOT_FOUND_CODES:
            raise ModelVersionNotFound(f"{what} not found in the model registry") from exc
        raise RegistryUnavailable(f"model registry failed on {what}: {exc.message[:200]}") from exc
    except OSError as exc:
        raise RegistryUnavailable(f"model registry unreachable on {what}") from exc


def current_production(settings: TrainingSettings) -> registry.VersionInfo | None:
    """The version behind the production alias, or None (blocking: call in a thread)."""
    client = registry.client(settings.mlflow_tracking_uri)
    return registry.resolve_alias(client, name=settings.model_name, alias=registry.PRODUCTION)


def _require_version(settings: TrainingSettings, version: str) -> None:
    registry.client(settings.mlflow_tracking_uri).get_model_version(settings.model_name, version)


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


async def _recent_rows(*, pool: asyncpg.Pool, settings: TrainingSettings) -> pd.DataFrame:
    frame = pd.DataFrame(
        await features.read_latest(pool, limit=settings.training_promotion_eval_rows)
    )
    if len(frame) < settings.training_min_rows or frame[LABEL].nunique() < 2:
        raise PromotionRefused(
            f"cannot compare models: {len(frame)} recent labelled rows with both classes are "
            f"needed (at least {settings.training_min_rows}); promote with force to skip the gate",
            details={"rows": len(frame)},
        )
    return frame


async def _gate_on_recent_rows(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    version: str,
    current: registry.VersionInfo | None,
) -> GateDecision:
    """Score candidate and production on the same recent labelled rows and apply the gate."""
    frame = await _recent_rows(pool=pool, settings=settings)
    X, y = frame[list(FEATURES)], frame[LABEL].to_numpy()
    name = settings.model_name

    def score() -> tuple[dict[str, float], dict[str, float] | None]:
        candidate = modeling.evaluate(registry.load_sklearn(name=name, version=version), X, y)
        if current is None:
            return candidate, None
        production = registry.load_sklearn(name=name, version=current.version)
        return candidate, modeling.evaluate(production, X, y)

    candidate, production = await in_registry_thread(score, what=f"scoring version {version}")
    decision = decide(candidate=candidate, production=production, config=gate_config(settings))
    if not decision.promote:
        raise PromotionRefused(
            f"version {version} was not promoted: {decision.reason}",
            details={
                "rows": len(frame),
                "candidate": finite_metrics(candidate),
                "production": finite_metrics(production),
                "production_version": current.version if current else None,
            },
        )
    return decision


async def _move_production(
    conn: model_events.Connection,
    *,
    settings: TrainingSettings,
    action: Literal["promote", "rollback"],
    version: str,
    current: registry.VersionInfo | None,
    forced: bool,
    reason: str,
    actor: str | None,
) -> None:
    previous = current.version if current else None
    if action == "promote":
        move = functools.partial(
            set_production,
            tracking_uri=settings.mlflow_tracking_uri,
            model_name=settings.model_name,
            version=version,
            previous=previous,
        )
    else:
        move = functools.partial(_restore, settings, version=version, replaced=previous)
    await in_registry_thread(move, what=f"moving production to version {version}")
    await model_events.record_event(
        conn,
        model_name=settings.model_name,
        alias=registry.PRODUCTION,
        action=action,
        from_version=previous,
        to_version=version,
        forced=forced,
        reason=reason,
        actor=actor,
    )
    logger.info(
        "production moved",
        extra={"action": action, "from_version": previous, "to_version": version, "forced": forced},
    )


def _restore(settings: TrainingSettings, *, version: str, replaced: str | None) -> None:
    # The target keeps its own `previous_production` tag, so rolling back again walks further.
    client = registry.client(settings.mlflow_tracking_uri)
    client.set_registered_model_alias(settings.model_name, registry.PRODUCTION, version)
    if replaced:
        client.set_model_version_tag(
            settings.model_name, replaced, "rolled_back_at", datetime.now(UTC).isoformat()
        )


async def promote_version(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    version: str,
    force: bool,
    actor: str | None,
    reason: str | None,
) -> PromotionResult:
    """Give `version` the production alias if it passes the gate (or `force`), then reload."""
    async with model_events.alias_lock(pool, settings.model_name) as conn:
        await in_registry_thread(
            lambda: _require_version(settings, version), what=f"model version {version}"
        )
        current = await in_registry_thread(lambda: current_production(settings), what="production")
        if current and current.version == version:
            raise Conflict(
                f"version {version} is already in production", error_type="already_production"
            )
        if force:
            why = f"forced by {actor or 'an operator'}: {reason or 'no reason given'}"
        else:
            decision = await _gate_on_recent_rows(
                pool=pool, settings=settings, version=version, current=current
            )
            why = decision.reason + (f" ({reason})" if reason else "")
        await _move_production(
            conn,
            settings=settings,
            action="promote",
            version=version,
            current=current,
            forced=force,
            reason=why,
            actor=actor,
        )
    reloaded = await notify_inference(http_client=http_client, settings=settings)
    return PromotionResult(
        "promote", version, current.version if current else None, force, why, reloaded
    )


async def promote_trained(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    version: str,
    compared_with: str | None,
    reason: str,
    actor: str | None,
) -> PromotionResult:
    """Promote a freshly trained version whose gate already passed against `compared_with`."""
    async with model_events.alias_lock(pool, settings.model_name) as conn:
        current = await in_registry_thread(lambda: current_production(settings), what="production")
        now = current.version if current else None
        if now != compared_with:
            # The gate compared against a model that is no longer serving: its verdict is stale.
            raise PromotionRefused(
                f"production moved from {compared_with} to {now} while the job ran; "
                f"version {version} was registered but not promoted"
            )
        await _move_production(
            conn,
            settings=settings,
            action="promote",
            version=version,
            current=current,
            forced=False,
            reason=reason,
            actor=actor,
        )
    reloaded = await notify_inference(http_client=http_client, settings=settings)
    return PromotionResult("promote", version, now, False, reason, reloaded)


async def rollback(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    actor: str | None,
    reason: str | None,
) -> PromotionResult:
    """Point production back at the version the current one replaced."""
    async with model_events.alias_lock(pool, settings.model_name) as conn:
        current = await in_registry_thread(lambda: current_production(settings), what="production")
        target = current.tags.get("previous_production") if current else None
        if current is None or not target:
            raise NothingToRollBack(
                "no previous production version to roll back to",
                details={"production_version": current.version if current else None},
            )
        await in_registry_thread(
            lambda: _require_version(settings, target), what=f"model version {target}"
        )
        why = reason or f"rollback from version {current.version} to {target}"
        await _move_production(
            conn,
            settings=settings,
            action="rollback",
            version=target,
            current=current,
            forced=False,
            reason=why,
            actor=actor,
        )
    reloaded = await notify_inference(http_client=http_client, settings=settings)
    return PromotionResult("rollback", target, current.version, False, why, reloaded)
