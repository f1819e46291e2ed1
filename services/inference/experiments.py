"""The experiment this replica applies, read from Postgres so every replica converges on it.

The training service records an experiment and moves the registry alias `challenger`; each
replica re-reads the active experiment on the alias-poll interval (and on `/admin/reload`),
loads the challenger model, and routes requests only once the loaded challenger is the
version the experiment names. Replicas can disagree for at most one poll interval.
"""

import logging
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from services.inference.model_registry import LoadedModel, ModelHolder
from services.inference.routing import assign_variant
from shared.pseudonym import sticky_pseudonym
from shared.registry import CHALLENGER
from shared.repositories import experiments
from shared.schemas_experiments import ExperimentMode

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LiveExperiment:
    """The part of an experiment that routing needs."""

    id: UUID
    challenger_version: str
    traffic: float
    mode: ExperimentMode


@dataclass(frozen=True, slots=True)
class Route:
    """Which model answers a request, and which (if any) scores it in the shadow afterwards."""

    model: LoadedModel
    experiment_id: UUID | None = None
    shadow: LoadedModel | None = None


def assignment_unit(*, customer_id: str | None, subject: str | None, request_id: str | None) -> str:
    """What a variant sticks to: the customer, else the caller, else this one request.

    A customer is known by its pseudonym under the oldest configured key, so a key rotation
    during an experiment keeps every customer on its variant (shared/pseudonym.py).
    """
    if customer_id:
        return f"customer:{sticky_pseudonym(customer_id)}"
    if subject:
        return f"subject:{subject}"
    return f"request:{request_id}"


class ExperimentState:
    """Follows the active experiment of one model and keeps its challenger loaded."""

    def __init__(self, *, pool: asyncpg.Pool, holder: ModelHolder, model_name: str) -> None:
        self.pool = pool
        self.holder = holder
        self.model_name = model_name
        self.current: LiveExperiment | None = None

    async def refresh(self) -> LiveExperiment | None:
        """Re-read the active experiment; load or drop the challenger to match it."""
        try:
            row = await experiments.get_active(self.pool, self.model_name)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            # Keep applying what we knew: a database blip must not end an experiment here.
            logger.error("experiment poll failed", extra={"error": str(exc)[:300]})
            return self.current
        if row is None:
            if self.current is not None:
                logger.info("experiment ended", extra={"experiment_id": str(self.current.id)})
            self.current = None
            self.holder.drop(CHALLENGER)
            return None
        await self.holder.refresh(CHALLENGER)
        mode: ExperimentMode = "shadow" if row.mode == "shadow" else "ab"
        live = LiveExperiment(row.id, row.challenger_version, row.traffic, mode)
        challenger = self.holder.get(CHALLENGER)
        if challenger is None or challenger.version != live.challenger_version:
            # The alias and the record disagree, or the load failed: production answers alone.
            self.current = None
            return None
        if self.current != live:
            logger.info(
                "experiment applied",
                extra={"experiment_id": str(live.id), "mode": live.mode, "traffic": live.traffic},
            )
        self.current = live
        return live

    def route(self, *, production: LoadedModel, unit: str) -> Route:
        """Production, or the challenger for its share of units, per the live experiment."""
        live = self.current
        challenger = self.holder.get(CHALLENGER)
        if live is None or challenger is None or challenger.version != live.challenger_version:
            return Route(production)
        if live.mode == "shadow":
            return Route(production, live.id, shadow=challenger)
        variant = assign_variant(experiment_id=str(live.id), unit=unit, traffic=live.traffic)
        return Route(challenger if variant == "challenger" else production, live.id)
