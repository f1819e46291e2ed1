"""Experiment lifecycle in the training service: validation, results by hand, promotion."""

import contextlib
import dataclasses
import math
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from scipy import stats

from services.training.config import TrainingSettings
from services.training.main import create_app
from shared import registry
from shared.repositories import experiments
from shared.repositories.experiments import ExperimentRow, shadow_prediction_id
from shared.repositories.predictions import PredictionRow, insert_predictions
from tests.ab_models import AbModels, ab_models, finish_experiment
from tests.asgi import serve, service_headers

PATH = "/v1/experiments/ab"


def _admin() -> dict[str, str]:
    """The gateway's credential for admin alice (alias moves are audited under her name)."""
    return service_headers("training", subject="alice", scopes=["admin"])


@pytest.fixture(scope="module")
def ab(mlflow_uri: str, model_name: str) -> AbModels:
    return ab_models(mlflow_uri, model_name)


def _restore_production(ab: AbModels) -> None:
    registry.client(ab.tracking_uri).set_registered_model_alias(
        ab.name, registry.PRODUCTION, ab.production
    )


def _app(
    database_dsn: str, ab: AbModels, **overrides: Any
) -> contextlib.AbstractAsyncContextManager[httpx.AsyncClient]:
    settings = TrainingSettings(
        environment="test",
        database_url=database_dsn,
        mlflow_tracking_uri=ab.tracking_uri,
        model_name=ab.name,
        inference_url="http://127.0.0.1:9",  # nothing listens: replicas rely on their polling
        inference_reload_timeout_s=1.0,
        **overrides,
    )
    return serve(create_app(settings))


@pytest.fixture
async def training(
    db_pool: asyncpg.Pool, database_dsn: str, ab: AbModels
) -> AsyncIterator[httpx.AsyncClient]:
    await finish_experiment(db_pool, ab)
    _restore_production(ab)
    try:
        async with _app(database_dsn, ab) as client:
            yield client
    finally:
        await finish_experiment(db_pool, ab)
        _restore_production(ab)


def _aliases(ab: AbModels) -> dict[str, str]:
    aliases: dict[str, str] = registry.client(ab.tracking_uri).get_registered_model(ab.name).aliases
    return aliases


@pytest.mark.parametrize(
    ("body", "status", "error_type"),
    [
        ({"challenger_version": "999", "traffic": 0.2}, 404, "model_version_not_found"),
        ({"challenger_version": "PROD", "traffic": 0.2}, 409, "challenger_is_production"),
        ({"challenger_version": "CHAL", "traffic": 0.0}, 422, "validation_error"),
        ({"challenger_version": "CHAL", "traffic": 1.0}, 422, "validation_error"),
        ({"challenger_version": "CHAL", "traffic": "0.2"}, 422, "validation_error"),
        ({"challenger_version": "CHAL"}, 422, "validation_error"),
        ({"challenger_version": "CHAL", "traffic": 0.2, "mode": "canary"}, 422, "validation_error"),
        ({"challenger_version": "CHAL", "traffic": 0.2, "mode": "shadow"}, 422, "validation_error"),
        ({"challenger_version": "v2", "traffic": 0.2}, 422, "validation_error"),
    ],
)
async def test_start_is_validated(
    training: httpx.AsyncClient, ab: AbModels, body: dict[str, Any], status: int, error_type: str
) -> None:
    named = {"PROD": ab.production, "CHAL": ab.challenger}
    version = body["challenger_version"]
    body = {**body, "challenger_version": named.get(version, version)}

    answer = await training.put(PATH, json=body)

    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["type"] == error_type and error["message"]
    assert registry.CHALLENGER not in _aliases(ab)


async def test_start_read_and_stop(
    training: httpx.AsyncClient, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    started = await training.put(
        PATH, json={"challenger_version": int(ab.challenger), "traffic": 0.2}, headers=_admin()
    )
    assert started.status_code == 201, started.text
    view = started.json()
    assert (view["challenger_version"], view["production_version"]) == (
        ab.challenger,
        ab.production,
    )
    assert (view["traffic"], view["mode"], view["active"]) == (0.2, "ab", True)
    assert _aliases(ab)[registry.CHALLENGER] == ab.challenger

    again = await training.put(PATH, json={"challenger_version": ab.challenger, "mode": "shadow"})
    assert again.status_code == 409
    assert again.json()["error"]["details"]["experiment_id"] == view["id"]

    results = (await training.get(PATH)).json()
    assert results["experiment"]["id"] == view["id"]
    assert results["recommendation"] == "not_enough_data"
    assert results["sample_size"]["baseline_rate"] == 0.5
    assert [v["predictions"] for v in results["variants"]] == [0, 0]

    stopped = await training.delete(PATH, headers=_admin())
    assert stopped.status_code == 200
    assert (stopped.json()["active"], stopped.json()["outcome"]) == (False, "stopped")
    assert registry.CHALLENGER not in _aliases(ab)
    assert (await training.get(PATH)).json()["experiment"]["outcome"] == "stopped"
    assert (await training.delete(PATH)).status_code == 404
    events = await db_pool.fetch(
        "SELECT action, alias, to_version, from_version, actor FROM model_events "
        "WHERE model_name = $1 ORDER BY id",
        ab.name,
    )
    assert [tuple(e) for e in events] == [
        ("experiment_start", "challenger", ab.challenger, None, "alice"),
        ("experiment_end", "challenger", None, ab.challenger, "alice"),
    ]


async def test_nothing_to_read_or_stop_is_404(training: httpx.AsyncClient) -> None:
    assert (await training.get(PATH)).json()["error"]["type"] == "no_experiment"
    assert (await training.delete(PATH)).json()["error"]["type"] == "no_active_experiment"
    assert (await training.post(f"{PATH}/promote")).status_code == 404


def _row(experiment_id: uuid.UUID, variant: str, version: str, label: bool) -> PredictionRow:
    return PredictionRow(
        id=uuid.uuid4(),
        created_at=datetime.now(UTC),
        model_name="m",
        model_version=version,
        variant=variant,
        shadow=False,
        experiment_id=experiment_id,
        idade=40,
        renda_anual=50_000.0,
        probability=0.9 if label else 0.1,
        label=label,
        latency_ms=1.0,
        request_id=None,
        subject=None,
        customer_id=None,
    )


async def _seed_variant(
    pool: asyncpg.Pool,
    experiment_id: uuid.UUID,
    variant: str,
    version: str,
    *,
    served: int,
    outcomes: int,
    bought: int,
    correct: int,
) -> None:
    """`served` predictions; the first `outcomes` get one, `bought` purchases, `correct` right."""
    actual = [i < bought for i in range(outcomes)]
    labels = [a if i < correct else not a for i, a in enumerate(actual)]
    rows = [_row(experiment_id, variant, version, label) for label in labels]
    rows += [_row(experiment_id, variant, version, False) for _ in range(served - outcomes)]
    await insert_predictions(pool, rows)
    await pool.executemany(
        "INSERT INTO feedback (prediction_id, comprou_produto) VALUES ($1, $2)",
        [(row.id, a) for row, a in zip(rows, actual, strict=False)],
    )


async def test_ab_results_match_a_hand_computed_case(
    training: httpx.AsyncClient, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    started = await training.put(PATH, json={"challenger_version": ab.challenger, "traffic": 0.2})
    experiment_id = uuid.UUID(started.json()["id"])
    await _seed_variant(
        db_pool, experiment_id, "production", ab.production,
        served=4_000, outcomes=1_000, bought=120, correct=800,
    )  # fmt: skip
    await _seed_variant(
        db_pool, experiment_id, "challenger", ab.challenger,
        served=1_000, outcomes=1_000, bought=150, correct=850,
    )  # fmt: skip

    results = (await training.get(PATH)).json()

    production, challenger = results["variants"]
    assert (production["predictions"], challenger["predictions"]) == (4_000, 1_000)
    assert (production["share"], challenger["share"]) == (0.8, 0.2)
    assert (production["accuracy"], challenger["accuracy"]) == (0.8, 0.85)
    assert (production["conversion_rate"], challenger["conversion_rate"]) == (0.12, 0.15)
    accuracy, conversion = results["comparisons"]
    # Accuracy 800 vs 850 of 1000: pooled 0.825, SE0 = sqrt(0.825 * 0.175 * 0.002) = 0.016993.
    assert accuracy["z"] == pytest.approx(0.05 / math.sqrt(0.825 * 0.175 * 0.002))
    assert accuracy["p_value"] == pytest.approx(0.0032563, abs=1e-7)
    # Unpooled SE = sqrt(0.8 * 0.2 / 1000 + 0.85 * 0.15 / 1000) = 0.016956; 1.96 SE = 0.033233.
    assert accuracy["ci_low"] == pytest.approx(0.016767, abs=1e-6)
    assert accuracy["ci_high"] == pytest.approx(0.083233, abs=1e-6)
    # Conversion 120 vs 150 of 1000: z = 1.96305, p = 0.04964, as scipy's chi-square says too.
    chi2 = stats.chi2_contingency([[120, 880], [150, 850]], correction=False)
    assert conversion["p_value"] == pytest.approx(chi2.pvalue)
    assert conversion["p_value"] == pytest.approx(0.04964, abs=1e-5)
    assert conversion["difference"] == pytest.approx(0.03)
    # Needed at baseline 0.80 for +0.02: (1.959964 * 0.554797 + 0.841621 * 0.554617)^2 / 0.0004.
    assert results["sample_size"]["needed_per_variant"] == 6_039
    assert (production["still_needed"], challenger["still_needed"]) == (5_039, 5_039)
    assert results["recommendation"] == "promote"
    assert "p = 0.003256" in results["summary"]


async def test_shadow_results_compare_both_models_on_the_same_requests(
    training: httpx.AsyncClient, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    started = await training.put(PATH, json={"challenger_version": ab.challenger, "mode": "shadow"})
    assert started.json()["traffic"] == 0.0
    experiment_id = uuid.UUID(started.json()["id"])
    # 90 shadowed requests with outcomes: both right 60, both wrong 18, only production 2,
    # only challenger 10; then 10 served requests the shadow never scored.
    plan = [(True, True)] * 60 + [(False, False)] * 18 + [(True, False)] * 2 + [(False, True)] * 10
    served, shadows, outcomes = [], [], []
    for i, (production_right, challenger_right) in enumerate(plan + [(True, True)] * 10):
        actual = i % 3 == 0
        row = _row(experiment_id, "production", ab.production, actual == production_right)
        served.append(row)
        outcomes.append((row.id, actual))
        if i < len(plan):
            shadow_label = actual == challenger_right
            shadows.append(_shadow(row, ab.challenger, shadow_label))
    await insert_predictions(db_pool, served + shadows)
    await db_pool.executemany(
        "INSERT INTO feedback (prediction_id, comprou_produto) VALUES ($1, $2)", outcomes
    )

    results = (await training.get(PATH)).json()

    production, challenger = results["variants"]
    assert (production["predictions"], challenger["predictions"]) == (100, 90)
    assert (production["outcomes"], challenger["outcomes"]) == (90, 90)
    assert production["accuracy"] == pytest.approx(62 / 90)
    assert challenger["accuracy"] == pytest.approx(70 / 90)
    assert [c["metric"] for c in results["comparisons"]] == ["accuracy"]
    shadow = results["shadow"]
    assert (shadow["requests"], shadow["shadowed"], shadow["paired_outcomes"]) == (100, 90, 90)
    assert shadow["agreement_rate"] == pytest.approx(78 / 90)
    assert (shadow["only_production_correct"], shadow["only_challenger_correct"]) == (2, 10)
    # Exact McNemar: 2 * P(X <= 2), X ~ Binomial(12, 1/2) = 2 * (1 + 12 + 66) / 4096.
    assert shadow["mcnemar_p_value"] == pytest.approx(158 / 4096)


def _shadow(served: PredictionRow, version: str, label: bool) -> PredictionRow:
    return dataclasses.replace(
        served,
        id=shadow_prediction_id(served.id),
        shadow=True,
        variant="challenger",
        model_version=version,
        label=label,
    )


async def test_promote_goes_through_the_promotion_path_and_ends_the_experiment(
    training: httpx.AsyncClient, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    await training.put(PATH, json={"challenger_version": ab.challenger, "traffic": 0.5})

    answer = await training.post(
        f"{PATH}/promote", json={"force": True, "reason": "won"}, headers=_admin()
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["experiment"]["outcome"] == "promoted" and not body["experiment"]["active"]
    assert body["promotion"]["version"] == ab.challenger
    assert body["promotion"]["previous_version"] == ab.production
    assert body["promotion"]["forced"] is True and "won" in body["promotion"]["reason"]
    aliases = _aliases(ab)
    assert aliases[registry.PRODUCTION] == ab.challenger and registry.CHALLENGER not in aliases
    promoted = await db_pool.fetchrow(
        "SELECT actor, forced, from_version FROM model_events WHERE action = 'promote'"
    )
    assert promoted is not None and tuple(promoted) == ("alice", True, ab.production)
    # Reversible: the ordinary rollback restores the former production version.
    rolled_back = await training.post("/v1/models/rollback", json={"reason": "undo"})
    assert rolled_back.status_code == 200, rolled_back.text
    assert _aliases(ab)[registry.PRODUCTION] == ab.production


async def test_a_refused_promotion_leaves_the_experiment_running(
    db_pool: asyncpg.Pool, database_dsn: str, ab: AbModels
) -> None:
    await finish_experiment(db_pool, ab)
    # The gate needs more recent labelled rows than exist, so it cannot compare the models.
    async with _app(database_dsn, ab, training_min_rows=10**9) as training:
        await training.put(PATH, json={"challenger_version": ab.challenger, "traffic": 0.5})
        try:
            answer = await training.post(f"{PATH}/promote", json={})

            assert answer.status_code == 409
            assert answer.json()["error"]["type"] == "promotion_refused"
            assert (await training.get(PATH)).json()["experiment"]["active"] is True
            assert _aliases(ab)[registry.PRODUCTION] == ab.production
        finally:
            await finish_experiment(db_pool, ab)


async def test_the_database_allows_one_running_experiment_per_model(
    db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    first = ExperimentRow(uuid.uuid4(), ab.name, "1", "2", 0.2, "ab", datetime.now(UTC), None, None)
    second = dataclasses.replace(first, id=uuid.uuid4(), mode="shadow", traffic=0.0)

    assert await experiments.insert_experiment(db_pool, first)
    assert not await experiments.insert_experiment(db_pool, second)
    ended = await experiments.end_active(db_pool, model_name=ab.name, outcome="stopped")
    assert ended is not None and ended.id == first.id
    assert await experiments.insert_experiment(db_pool, second)
    await experiments.end_active(db_pool, model_name=ab.name, outcome="stopped")
