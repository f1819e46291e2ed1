"""The gate for a manual promotion: candidate and production scored on recent labelled rows."""

import asyncpg
import pandas as pd

from services.training.config import TrainingSettings
from services.training.errors import PromotionRefused
from services.training.modeling.candidates import finite_metrics, score_version
from services.training.modeling.gate import GateDecision, decide
from services.training.registry_calls import in_registry_thread
from shared import registry
from shared.contract import LABEL
from shared.repositories import features


async def recent_rows(*, pool: asyncpg.Pool, settings: TrainingSettings) -> pd.DataFrame:
    """The latest labelled rows, or PromotionRefused when too few (or one class) to compare on."""
    frame = pd.DataFrame(
        await features.read_latest(
            pool,
            limit=settings.training_promotion_eval_rows,
            holdout_sources=settings.training_holdout_sources,
        )
    )
    if len(frame) < settings.training_min_rows or frame[LABEL].nunique() < 2:
        raise PromotionRefused(
            f"cannot compare models: {len(frame)} recent labelled rows with both classes are "
            f"needed (at least {settings.training_min_rows}); promote with force to skip the gate",
            details={"rows": len(frame)},
        )
    return frame


async def gate_on_recent_rows(
    *,
    pool: asyncpg.Pool,
    settings: TrainingSettings,
    version: str,
    current: registry.VersionInfo | None,
) -> GateDecision:
    """Score candidate and production on the same recent labelled rows and apply the gate."""
    frame = await recent_rows(pool=pool, settings=settings)
    name = settings.model_name

    def score() -> tuple[dict[str, float], dict[str, float] | None]:
        candidate = score_version(name=name, version=version, X=frame, y=frame[LABEL])
        if current is None:
            return candidate, None
        return candidate, score_version(name=name, version=current.version, X=frame, y=frame[LABEL])

    candidate, production = await in_registry_thread(score, what=f"scoring version {version}")
    decision = decide(candidate=candidate, production=production, config=settings.gate_config())
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
