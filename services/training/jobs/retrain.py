"""Should we retrain? Score production on recently labelled rows against a threshold."""

from datetime import UTC, datetime, timedelta

import asyncpg
import numpy as np
import pandas as pd

from services.training.config import TrainingSettings
from services.training.modeling.candidates import score_version
from services.training.registry_calls import in_registry_thread, read_production
from shared.contract import LABEL
from shared.repositories import features
from shared.schemas_training import ShouldRetrainResponse, as_utc


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _window_start(settings: TrainingSettings, since: datetime | None) -> datetime:
    if since:
        return as_utc(since)
    return datetime.now(UTC) - timedelta(days=settings.training_retrain_window_days)


async def _score(settings: TrainingSettings, version: str, frame: pd.DataFrame) -> dict[str, float]:
    def evaluate() -> dict[str, float]:
        return score_version(name=settings.model_name, version=version, X=frame, y=frame[LABEL])

    return await in_registry_thread(evaluate, what=f"scoring version {version}")


async def should_retrain(
    *, pool: asyncpg.Pool, settings: TrainingSettings, since: datetime | None, min_rows: int
) -> ShouldRetrainResponse:
    """Accuracy of production on rows labelled since `since` (feedback included), and a verdict."""
    window_start = _window_start(settings, since)
    frame = pd.DataFrame(await features.read_labelled(pool, since=window_start))
    current = await read_production(settings)
    threshold = settings.training_retrain_accuracy_threshold
    answer = {
        "production_version": current.version if current else None,
        "since": window_start,
        "rows": len(frame),
        "accuracy": None,
        "roc_auc": None,
        "threshold": threshold,
        "below_threshold": False,
    }
    if len(frame) < min_rows:
        return ShouldRetrainResponse.model_validate(answer | {"verdict": "insufficient_data"})
    if current is None:
        # Nothing serves: any model trained on this data is an improvement.
        return ShouldRetrainResponse.model_validate(answer | {"verdict": "retrain"})
    metrics = await _score(settings, current.version, frame)
    below = metrics["accuracy"] < threshold
    verdict = {
        "accuracy": metrics["accuracy"],
        "roc_auc": _finite_or_none(metrics["roc_auc"]),
        "below_threshold": below,
        "verdict": "retrain" if below else "ok",
    }
    return ShouldRetrainResponse.model_validate(answer | verdict)
