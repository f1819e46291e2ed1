"""Outcomes: stored once per prediction, joined to the training data, errors named."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.inference.config import InferenceSettings
from services.inference.main import create_app
from shared.repositories.experiments import shadow_prediction_id
from tests.ab_models import AbModels, ab_models, begin_experiment, finish_experiment
from tests.asgi import serve, service_headers
from tests.conftest import emptied_pool, scratch_database


@pytest.fixture(scope="module")
def ab(mlflow_uri: str, model_name: str) -> AbModels:
    return ab_models(mlflow_uri, model_name)


@pytest.fixture(scope="module")
def feedback_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """A database of its own: outcomes add rows to `features`, which other tests train on."""
    with scratch_database(pg_admin_dsn, "feedback") as dsn:
        yield dsn


@pytest.fixture
async def db_pool(feedback_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    async with emptied_pool(feedback_dsn) as pool:
        yield pool


@pytest.fixture
def app(feedback_dsn: str, ab: AbModels) -> FastAPI:
    settings = InferenceSettings(
        environment="test",
        database_url=feedback_dsn,
        mlflow_tracking_uri=ab.tracking_uri,
        model_name=ab.name,
        inference_log_predictions=False,
        # Long enough that the outcome below arrives while its prediction is still buffered.
        inference_log_flush_interval_s=5.0,
    )
    return create_app(settings)


# The caller the gateway names in its service credential (a pseudonym in real traffic).
ALICE = "alice-pseudonym"


@pytest.fixture
async def inference(db_pool: asyncpg.Pool, app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Inference, called by the gateway on behalf of ALICE."""
    async with serve(app) as client:
        client.headers.update(service_headers("inference", subject=ALICE, scopes=["predict"]))
        yield client


async def _predict(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    answer = await client.post("/v1/predict", json={"idade": 52, "renda_anual": 48_500.5, **body})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def test_outcome_is_stored_and_becomes_a_labelled_row(
    inference: httpx.AsyncClient, db_pool: asyncpg.Pool
) -> None:
    prediction = await _predict(inference)

    # Sent at once: the prediction is still in the writer's buffer and must be found anyway.
    answer = await inference.post(
        "/v1/feedback", json={"prediction_id": prediction["prediction_id"], "comprou_produto": True}
    )

    assert answer.status_code == 202, answer.text
    receipt = answer.json()
    assert receipt["prediction_id"] == prediction["prediction_id"]
    assert receipt["comprou_produto"] is True
    stored = await db_pool.fetchrow(
        "SELECT f.comprou_produto, f.received_at, p.created_at FROM feedback f "
        "JOIN predictions p ON p.id = f.prediction_id WHERE f.prediction_id = $1::uuid",
        prediction["prediction_id"],
    )
    assert stored is not None and stored["comprou_produto"] is True
    labelled = await db_pool.fetch(
        "SELECT idade, renda_anual, comprou_produto, observed_at FROM features "
        "WHERE source = 'feedback' AND observed_at = $1",
        stored["created_at"],
    )
    assert [tuple(row) for row in labelled] == [(52, 48_500.5, True, stored["created_at"])]
    reporter = await db_pool.fetchrow(
        "SELECT reported_by, source FROM feedback WHERE prediction_id = $1::uuid",
        prediction["prediction_id"],
    )
    assert reporter is not None
    assert tuple(reporter) == (ALICE, "owner")


async def test_only_the_caller_served_or_an_admin_labels_a_prediction(
    inference: httpx.AsyncClient, db_pool: asyncpg.Pool
) -> None:
    prediction = await _predict(inference)
    body = {"prediction_id": prediction["prediction_id"], "comprou_produto": True}

    def acting_for(subject: str, *scopes: str) -> dict[str, str]:
        return service_headers("inference", subject=subject, scopes=scopes)

    labelled = "SELECT count(*) FROM features"
    before = await db_pool.fetchval(labelled)
    stranger = await inference.post("/v1/feedback", json=body, headers=acting_for("mallory"))
    nobody = await inference.post("/v1/feedback", json=body, headers=service_headers("inference"))
    after_refusals = await db_pool.fetchval(labelled)
    admin = await inference.post("/v1/feedback", json=body, headers=acting_for("ops", "admin"))

    assert (stranger.status_code, nobody.status_code, admin.status_code) == (403, 403, 202)
    assert stranger.json()["error"]["type"] == "not_prediction_owner"
    assert after_refusals == before  # a refused outcome leaves no labelled row behind
    stored = await db_pool.fetchrow(
        "SELECT reported_by, source FROM feedback WHERE prediction_id = $1::uuid",
        prediction["prediction_id"],
    )
    assert stored is not None
    assert tuple(stored) == ("ops", "admin")
    sources = await db_pool.fetch("SELECT source FROM features ORDER BY id DESC LIMIT 1")
    assert [row["source"] for row in sources] == ["feedback-admin"]
    assert await db_pool.fetchval(labelled) == before + 1


async def test_second_outcome_for_a_prediction_is_409(
    inference: httpx.AsyncClient, db_pool: asyncpg.Pool
) -> None:
    prediction = await _predict(inference)
    body = {"prediction_id": prediction["prediction_id"], "comprou_produto": False}
    first = await inference.post("/v1/feedback", json=body)

    second = await inference.post("/v1/feedback", json={**body, "comprou_produto": True})

    assert first.status_code == 202
    assert second.status_code == 409
    assert second.json()["error"]["type"] == "feedback_already_recorded"
    stored = await db_pool.fetchval(
        "SELECT comprou_produto FROM feedback WHERE prediction_id = $1::uuid",
        prediction["prediction_id"],
    )
    assert stored is False


async def test_concurrent_outcomes_for_one_prediction_store_exactly_one(
    inference: httpx.AsyncClient, db_pool: asyncpg.Pool
) -> None:
    prediction = await _predict(inference)
    body = {"prediction_id": prediction["prediction_id"], "comprou_produto": True}

    answers = await asyncio.gather(*(inference.post("/v1/feedback", json=body) for _ in range(8)))

    assert sorted(a.status_code for a in answers) == [202] + [409] * 7
    rows = await db_pool.fetchval(
        "SELECT count(*) FROM features WHERE source = 'feedback' AND observed_at = "
        "(SELECT created_at FROM predictions WHERE id = $1::uuid)",
        prediction["prediction_id"],
    )
    assert rows == 1


async def test_unknown_prediction_is_404(inference: httpx.AsyncClient) -> None:
    answer = await inference.post(
        "/v1/feedback", json={"prediction_id": str(uuid.uuid4()), "comprou_produto": True}
    )

    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["type"] == "prediction_not_found" and "0.2 s" in error["message"]


async def test_a_shadow_prediction_takes_no_outcome(
    inference: httpx.AsyncClient, app: FastAPI, db_pool: asyncpg.Pool, ab: AbModels
) -> None:
    await begin_experiment(db_pool, ab, mode="shadow")
    try:
        assert (await inference.post("/admin/reload")).json()["experiment_mode"] == "shadow"
        prediction = await _predict(inference, customer_id="c-1")
        shadow_id = shadow_prediction_id(uuid.UUID(prediction["prediction_id"]))
        await app.state.scorer.shadow.stop()
        await app.state.scorer.log_writer.flush()
        assert await db_pool.fetchval("SELECT shadow FROM predictions WHERE id = $1", shadow_id)

        answer = await inference.post(
            "/v1/feedback", json={"prediction_id": str(shadow_id), "comprou_produto": True}
        )

        assert answer.status_code == 404
    finally:
        await finish_experiment(db_pool, ab)


MALFORMED = [
    {"prediction_id": "not-a-uuid", "comprou_produto": True},
    {"prediction_id": str(uuid.UUID(int=1)), "comprou_produto": "yes"},
    {"prediction_id": str(uuid.UUID(int=1)), "comprou_produto": 1},
    {"prediction_id": str(uuid.UUID(int=1))},
    {"prediction_id": str(uuid.UUID(int=1)), "comprou_produto": True, "extra": 1},
]


async def test_malformed_feedback_is_422(inference: httpx.AsyncClient) -> None:
    for body in MALFORMED:
        answer = await inference.post("/v1/feedback", json=body)

        assert answer.status_code == 422, body
        assert answer.json()["error"]["type"] == "validation_error"
