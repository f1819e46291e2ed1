"""Shadow mode: the answer is production's, on time; the challenger's score is logged apart."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import numpy as np
import pytest
from prometheus_client import REGISTRY

from services.inference import service
from services.inference.batching import MicroBatcher
from services.inference.experiments import ExperimentState
from services.inference.model_registry import LoadedModel, ModelHolder, RegistrySource
from services.inference.prediction_log import PredictionLogWriter
from services.inference.service import Caller, Scorer
from services.inference.shadow import ShadowScorer
from shared import registry
from shared.registry import CHALLENGER, PRODUCTION
from shared.repositories.experiments import shadow_prediction_id
from shared.repositories.predictions import PredictionRow
from shared.schemas import PredictRequest
from tests.ab_models import AbModels, ab_models, begin_experiment, finish_experiment

SLOW_S = 0.4


class _Slow:
    """A challenger that takes SLOW_S per call: any wait for it would show in the latency."""

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        time.sleep(SLOW_S)
        return np.asarray(self.estimator.predict_proba(rows))


@dataclass
class Stack:
    scorer: Scorer
    writer: PredictionLogWriter
    shadow: ShadowScorer


@pytest.fixture(scope="module")
def ab(mlflow_uri: str, model_name: str) -> AbModels:
    return ab_models(mlflow_uri, model_name)


@pytest.fixture
async def stack(db_pool: asyncpg.Pool, ab: AbModels) -> AsyncIterator[Stack]:
    """The scoring pieces as the lifespan builds them, the challenger made slow."""

    def load(*, name: str, version: str) -> Any:
        estimator = registry.load_sklearn(name=name, version=version)
        return _Slow(estimator) if version == ab.challenger else estimator

    holder = ModelHolder(source=RegistrySource(ab.tracking_uri, loader=load), model_name=ab.name)
    writer = PredictionLogWriter(pool=db_pool, flush_interval_s=0.05)
    shadow = ShadowScorer(log_writer=writer)
    experiments = ExperimentState(pool=db_pool, holder=holder, model_name=ab.name)
    writer.start()
    shadow.start()
    await begin_experiment(db_pool, ab, mode="shadow")
    await holder.refresh(PRODUCTION)
    live = await experiments.refresh()
    assert live is not None and live.mode == "shadow"
    scorer = Scorer(
        holder=holder,
        batcher=MicroBatcher(),
        log_writer=writer,
        log_each=False,
        experiments=experiments,
        shadow=shadow,
    )
    try:
        yield Stack(scorer, writer, shadow)
    finally:
        await shadow.stop()
        await writer.stop()
        await finish_experiment(db_pool, ab)


async def test_shadow_never_changes_or_delays_the_answer(
    stack: Stack, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    request = PredictRequest(idade=41, renda_anual=72_000.0, customer_id="c-9")
    production = stack.scorer.holder.get(PRODUCTION)
    assert production is not None
    alone = float(production.predict_proba(np.array([[41.0, 72_000.0]]))[0])

    started = time.perf_counter()
    answer = await service.predict_one(
        scorer=stack.scorer, request=request, caller=Caller(request_id="r-1", subject="s")
    )
    elapsed = time.perf_counter() - started

    assert elapsed < SLOW_S / 4
    assert answer.model.variant == "production" and answer.model.version == ab.production
    assert answer.probability == pytest.approx(alone)
    await stack.shadow.stop()
    await stack.writer.flush()
    rows = await db_pool.fetch(
        "SELECT id, shadow, variant, model_version, experiment_id, probability FROM predictions "
        "WHERE request_id = 'r-1' ORDER BY shadow"
    )
    served, shadowed = rows
    assert (served["id"], served["shadow"], served["model_version"]) == (
        answer.prediction_id,
        False,
        ab.production,
    )
    assert shadowed["id"] == shadow_prediction_id(answer.prediction_id)
    assert (shadowed["shadow"], shadowed["variant"]) == (True, "challenger")
    assert shadowed["model_version"] == ab.challenger
    assert shadowed["experiment_id"] == served["experiment_id"] is not None
    challenger = stack.scorer.holder.get(CHALLENGER)
    assert challenger is not None
    expected = float(challenger.estimator.estimator.predict_proba(np.array([[41.0, 72e3]]))[0, 1])
    assert shadowed["probability"] == pytest.approx(expected)


async def test_a_burst_is_answered_while_the_shadow_catches_up_in_batches(
    stack: Stack, db_pool: asyncpg.Pool
) -> None:
    requests = [PredictRequest(idade=20 + i % 70, renda_anual=500.0 * i) for i in range(200)]
    caller = Caller(request_id="burst", subject=None)

    started = time.perf_counter()
    answers = await asyncio.gather(
        *(service.predict_one(scorer=stack.scorer, request=r, caller=caller) for r in requests)
    )
    elapsed = time.perf_counter() - started

    assert elapsed < SLOW_S
    assert {a.model.variant for a in answers} == {"production"}
    # 200 jobs at SLOW_S per model call: only batching lets the shadow finish this quickly.
    await asyncio.wait_for(stack.shadow.stop(), timeout=6 * SLOW_S)
    await stack.writer.flush()
    counts = await db_pool.fetchrow(
        "SELECT count(*) FILTER (WHERE shadow) AS shadow, count(*) FILTER (WHERE NOT shadow) "
        "AS served FROM predictions WHERE request_id = 'burst'"
    )
    assert counts is not None and (counts["served"], counts["shadow"]) == (200, 200)


def _sample(name: str, labels: dict[str, str] | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def _served_row(i: int) -> PredictionRow:
    return PredictionRow(
        id=uuid.uuid4(),
        created_at=datetime.now(UTC),
        model_name="m",
        model_version="1",
        variant="production",
        shadow=False,
        experiment_id=None,
        idade=30,
        renda_anual=1_000.0 * i,
        probability=0.5,
        label=True,
        latency_ms=1.0,
        request_id=None,
        subject=None,
        customer_id=None,
    )


class _Broken:
    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        raise RuntimeError("challenger artefact is corrupt")


async def test_a_full_queue_drops_instead_of_blocking(db_pool: asyncpg.Pool) -> None:
    writer = PredictionLogWriter(pool=db_pool)
    shadow = ShadowScorer(log_writer=writer, max_pending=3)
    model = LoadedModel(name="m", version="2", alias=CHALLENGER, estimator=_Broken())
    dropped = _sample("inference_shadow_dropped_total")

    for i in range(5):
        shadow.submit(_served_row(i), model)

    assert shadow.pending == 3
    assert _sample("inference_shadow_dropped_total") == dropped + 2


async def test_a_failing_shadow_model_is_counted_and_the_loop_goes_on(
    db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    writer = PredictionLogWriter(pool=db_pool)
    shadow = ShadowScorer(log_writer=writer)
    broken = LoadedModel(name="m", version="2", alias=CHALLENGER, estimator=_Broken())
    working_estimator = registry.load_sklearn(name=ab.name, version=ab.challenger)
    working = LoadedModel(name="m", version="2", alias=CHALLENGER, estimator=working_estimator)
    dropped = _sample("inference_shadow_dropped_total")
    scored = _sample("inference_shadow_predictions_total", {"model_version": "2"})
    shadow.start()

    shadow.submit(_served_row(1), broken)
    shadow.submit(_served_row(2), working)
    await shadow.stop()

    assert _sample("inference_shadow_dropped_total") == dropped + 1
    assert _sample("inference_shadow_predictions_total", {"model_version": "2"}) == scored + 1
    assert writer.pending == 1
