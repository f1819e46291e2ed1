"""Micro-batching groups concurrent single predictions into one model call."""

import asyncio

import numpy as np
import pytest

from services.inference.batching import MicroBatcher
from services.inference.model_registry import LoadedModel


class CountingEstimator:
    """A real (if tiny) estimator: probability rises with income; counts its calls."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        self.calls.append(len(rows))
        p = np.clip(rows[:, 1] / 200_000, 0, 1)
        return np.column_stack([1 - p, p])


def _model(estimator: object, version: str = "1") -> LoadedModel:
    return LoadedModel(name="m", version=version, alias="production", estimator=estimator)


async def test_concurrent_requests_share_one_call() -> None:
    estimator = CountingEstimator()
    batcher = MicroBatcher(max_batch=256)
    model = _model(estimator)
    incomes = [1000.0 * i for i in range(100)]
    results = await asyncio.gather(*(batcher.score(model, 30, r) for r in incomes))
    assert estimator.calls == [100]
    assert results == pytest.approx([r / 200_000 for r in incomes])


async def test_batches_are_capped_and_split_by_model_version() -> None:
    old, new = CountingEstimator(), CountingEstimator()
    batcher = MicroBatcher(max_batch=8)
    futures = [
        batcher.score(_model(old, "1") if i % 2 else _model(new, "2"), 30, 1.0) for i in range(20)
    ]
    await asyncio.gather(*futures)
    assert sum(old.calls) == 10 and sum(new.calls) == 10
    assert max(old.calls + new.calls) <= 8


async def test_a_lone_request_is_not_held_back() -> None:
    estimator = CountingEstimator()
    result = await asyncio.wait_for(MicroBatcher().score(_model(estimator), 40, 100_000), 0.05)
    assert result == pytest.approx(0.5)


async def test_model_failure_reaches_every_waiter() -> None:
    class Broken:
        def predict_proba(self, rows: np.ndarray) -> np.ndarray:
            raise ValueError("corrupt model")

    batcher = MicroBatcher()
    outcomes = await asyncio.gather(
        *(batcher.score(_model(Broken()), 30, 1.0) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(o, ValueError) for o in outcomes)
