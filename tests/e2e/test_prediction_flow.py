"""Token → predict through the gateway → the prediction is a row in Postgres."""

import asyncio
import time

import asyncpg
import httpx

from tests.e2e.conftest import ADMIN, RunningStack


def _token(client: httpx.Client, scope: str | None = None) -> str:
    form = {"username": ADMIN[0], "password": ADMIN[1], **({"scope": scope} if scope else {})}
    answer = client.post("/auth/token", data=form)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def _prediction_row(dsn: str, prediction_id: str) -> asyncpg.Record | None:
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            row = await conn.fetchrow(
                "SELECT * FROM predictions WHERE id = $1::uuid", prediction_id
            )
            if row:
                return row
            await asyncio.sleep(0.1)
        return None
    finally:
        await conn.close()


def test_authenticated_prediction_is_logged(running_stack: RunningStack) -> None:
    with httpx.Client(base_url=running_stack.gateway, timeout=10) as client:
        assert client.get("/health/ready").status_code == 200
        token = _token(client, "predict")
        answer = client.post(
            "/v1/predict",
            json={"idade": 35, "renda_anual": 85000},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert 0.0 <= body["probability"] <= 1.0
        assert body["model"]["name"] == running_stack.model_name
        assert answer.headers["X-Request-ID"]

    row = asyncio.run(_prediction_row(running_stack.database_dsn, body["prediction_id"]))
    assert row is not None
    assert row["model_version"] == body["model"]["version"]
    assert row["idade"] == 35 and row["renda_anual"] == 85000.0
    assert row["request_id"] == answer.headers["X-Request-ID"]
    assert row["subject"] and row["subject"] != ADMIN[0]


def test_without_token_is_401_and_bad_age_is_422(running_stack: RunningStack) -> None:
    with httpx.Client(base_url=running_stack.gateway, timeout=10) as client:
        anonymous = client.post("/v1/predict", json={"idade": 35, "renda_anual": 85000})
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["type"] == "missing_token"
        token = _token(client)
        young = client.post(
            "/v1/predict",
            json={"idade": 17, "renda_anual": 85000},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert young.status_code == 422
        assert young.json()["error"]["details"][0]["field"] == "idade"


def test_batch_answers_in_order(running_stack: RunningStack) -> None:
    instances = [{"idade": 20 + i, "renda_anual": 10_000.0 * (i + 1)} for i in range(50)]
    with httpx.Client(base_url=running_stack.gateway, timeout=10) as client:
        token = _token(client)
        answer = client.post(
            "/v1/predict/batch",
            json={"instances": instances},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 200, answer.text
    probabilities = [p["probability"] for p in answer.json()["predictions"]]
    assert len(probabilities) == 50
    # Income drives purchase in the demo data: the richest of the batch beats the poorest.
    assert probabilities[-1] > probabilities[0]
