"""Only rows from trusted sources judge a model; outcomes sent through the API still train it."""

import asyncpg
import numpy as np
import pandas as pd
import pytest

from services.training.modeling.pipeline import TrainingConfig, split_for_holdout
from services.training.modeling.quality import prepare
from shared.repositories import features
from shared.repositories.features import HOLDOUT_ELIGIBLE
from tests.training.conftest import customers, load_features


async def test_rows_are_marked_eligible_by_their_source(training_pool: asyncpg.Pool) -> None:
    await load_features(training_pool, customers(30, seed=1), source="csv")
    await load_features(training_pool, customers(20, seed=2), source="feedback")

    everything = await features.read_labelled(training_pool)
    trusted = await features.read_labelled(training_pool, holdout_sources=["csv", "json"])
    latest = await features.read_latest(training_pool, limit=100, holdout_sources=["csv"])

    assert everything[HOLDOUT_ELIGIBLE].sum() == 50  # no restriction: every row may judge
    assert len(trusted["idade"]) == 50 and trusted[HOLDOUT_ELIGIBLE].sum() == 30
    assert len(latest["idade"]) == 30  # the manual-promotion evidence takes eligible rows only


def _frame(trusted_rows: int, other_rows: int) -> pd.DataFrame:
    frame = pd.concat(
        [customers(trusted_rows, seed=5), customers(other_rows, seed=6)], ignore_index=True
    )
    frame[HOLDOUT_ELIGIBLE] = np.r_[np.ones(trusted_rows, bool), np.zeros(other_rows, bool)]
    # A marker only the untrusted rows carry, to find them after the split.
    frame.loc[trusted_rows:, "renda_anual"] = 1_234_567.0
    return frame


def test_the_holdout_takes_trusted_rows_only_and_the_rest_train() -> None:
    clean, report = prepare(_frame(1_000, 300))
    assert report.passed

    X_train, X_test, y_train, y_test = split_for_holdout(clean, config=TrainingConfig())

    assert len(X_test) == round(0.2 * 1_300) and len(y_test) == len(X_test)
    assert not (X_test["renda_anual"] == 1_234_567.0).any()
    assert (X_train["renda_anual"] == 1_234_567.0).sum() == 300
    assert len(X_train) + len(X_test) == 1_300 and len(y_train) == len(X_train)


def test_too_few_trusted_rows_is_a_named_failure() -> None:
    clean, _ = prepare(_frame(60, 600))
    with pytest.raises(ValueError, match="TRAINING_HOLDOUT_SOURCES"):
        split_for_holdout(clean, config=TrainingConfig())
