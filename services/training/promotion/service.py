"""Promotion, the promotion of a freshly trained version, and rollback: what each may move.

Each decides under the alias lock, from the version serving now, and hands the move to
`move_production`.
"""

import asyncpg
import httpx

from services.training.config import TrainingSettings
from services.training.errors import NothingToRollBack, PromotionRefused
from services.training.promotion.evidence import gate_on_recent_rows
from services.training.promotion.production import Move, PromotionResult, move_production
from services.training.registry_calls import require_version
from shared import registry
from shared.errors import Conflict


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

    async def plan(current: registry.VersionInfo | None) -> Move:
        await require_version(settings, version)
        if current and current.version == version:
            raise Conflict(
                f"version {version} is already in production", error_type="already_production"
            )
        if force:
            why = f"forced by {actor or 'an operator'}: {reason or 'no reason given'}"
            return Move(version, why, forced=True)
        decision = await gate_on_recent_rows(
            pool=pool, settings=settings, version=version, current=current
        )
        return Move(version, decision.reason + (f" ({reason})" if reason else ""))

    return await move_production(
        pool=pool,
        settings=settings,
        http_client=http_client,
        action="promote",
        plan=plan,
        actor=actor,
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

    async def plan(current: registry.VersionInfo | None) -> Move:
        now = current.version if current else None
        if now != compared_with:
            # The gate compared against a model that is no longer serving: its verdict is stale.
            raise PromotionRefused(
                f"production moved from {compared_with} to {now} while the job ran; "
                f"version {version} was registered but not promoted"
            )
        return Move(version, reason)

    return await move_production(
        pool=pool,
        settings=settings,
        http_client=http_client,
        action="promote",
        plan=plan,
        actor=actor,
    )


async def rollback(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    http_client: httpx.AsyncClient,
    actor: str | None,
    reason: str | None,
) -> PromotionResult:
    """Point production back at the version the current one replaced."""

    async def plan(current: registry.VersionInfo | None) -> Move:
        target = current.tags.get(registry.PREVIOUS_PRODUCTION_TAG) if current else None
        if current is None or not target:
            raise NothingToRollBack(
                "no previous production version to roll back to",
                details={"production_version": current.version if current else None},
            )
        await require_version(settings, target)
        return Move(target, reason or f"rollback from version {current.version} to {target}")

    return await move_production(
        pool=pool,
        settings=settings,
        http_client=http_client,
        action="rollback",
        plan=plan,
        actor=actor,
    )
