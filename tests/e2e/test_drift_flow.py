"""Drift through the gateway: traffic like training → no drift; shifted incomes → drift on
`renda_anual`, a stored report and a training job; a second check in the cooldown → nothing."""

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import numpy as np
import pytest

from services.training import synthetic
from tests.e2e.conftest import ADMIN, RunningStack

pytestmark = pytest.mark.e2e

BATCH = 1_000


def _admin(client: httpx.Client) -> dict[str, str]:
    answer = client.post("/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _serve(client: httpx.Client, headers: dict[str, str], *, seed: int, income: float) -> str:
    """Score a batch of synthetic customers through the gateway; return the model version."""
    frame = synthetic.generate_customers(BATCH, seed=seed)
    instances = [
        {"idade": int(age), "renda_anual": float(min(renda * income, synthetic.RENDA_MAX))}
        for age, renda in zip(frame["idade"], frame["renda_anual"], strict=True)
    ]
    answer = client.post("/v1/predict/batch", json={"instances": instances}, headers=headers)
    assert answer.status_code == 200, answer.text
    versions = {p["model"]["version"] for p in answer.json()["predictions"]}
    assert len(versions) == 1
    return versions.pop()


async def _wait_for_rows(dsn: str, since: datetime, count: int) -> None:
    """The prediction log is written off the request path: wait until it holds the batch."""
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            logged = await conn.fetchval(
                "SELECT count(*) FROM predictions WHERE created_at >= $1", since
            )
            if logged >= count:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"only {logged} of {count} predictions were logged")
    finally:
        await conn.close()


def _label(client: httpx.Client, headers: dict[str, str], *, seed: int, rows: int) -> None:
    """Ingest labelled customers, as feedback or a data load would."""
    frame = synthetic.generate_customers(rows, seed=seed)
    body = {
        "rows": [
            {"idade": int(age), "renda_anual": float(renda), "comprou_produto": bool(bought)}
            for age, renda, bought in zip(
                frame["idade"], frame["renda_anual"], frame["comprou_produto"], strict=True
            )
        ]
    }
    answer = client.post("/v1/features", json=body, headers=headers)
    assert answer.status_code == 200, answer.text


def _check(client: httpx.Client, headers: dict[str, str], since: datetime) -> dict[str, Any]:
    answer = client.post(
        "/v1/drift/checks", json={"window": {"since": since.isoformat()}}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    return report


def _settle_job(
    client: httpx.Client, headers: dict[str, str], job_id: str, version: str
) -> dict[str, Any]:
    """Let the job end and undo any promotion, so the next test finds the stack as it was."""
    deadline = time.monotonic() + 120
    job: dict[str, Any] = {}
    while job.get("status") not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, f"training job {job_id} did not end"
        time.sleep(0.5)
        job = client.get(f"/v1/training/jobs/{job_id}", headers=headers).json()
    if job["promoted"]:
        back = client.post("/v1/models/rollback", json={"reason": "e2e drift"}, headers=headers)
        assert back.status_code == 200, back.text
        while client.get("/v1/models", headers=headers).json()["production"]["version"] != version:
            assert time.monotonic() < deadline, "inference did not return to the old version"
            time.sleep(0.2)
    return job


def test_drift_is_found_acted_on_once(running_stack: RunningStack) -> None:
    with httpx.Client(base_url=running_stack.gateway, timeout=30) as client:
        headers = _admin(client)
        calm_since = datetime.now(UTC)
        version = _serve(client, headers, seed=501, income=1.0)
        asyncio.run(_wait_for_rows(running_stack.database_dsn, calm_since, BATCH))
        calm = _check(client, headers, calm_since)

        # Retraining is asked for only when labels newer than the production model's data exist.
        _label(client, headers, seed=503, rows=300)
        shifted_since = datetime.now(UTC)
        _serve(client, headers, seed=502, income=2.0)
        asyncio.run(_wait_for_rows(running_stack.database_dsn, shifted_since, BATCH))
        drift = _check(client, headers, shifted_since)
        again = _check(client, headers, shifted_since)

        reports = client.get("/v1/drift/reports?limit=3", headers=headers).json()["reports"]
        job = _settle_job(client, headers, drift["details"]["training"]["job_id"], version)

    assert (calm["verdict"], calm["action"], calm["model_version"]) == ("no_drift", "none", version)
    assert calm["current_size"] == BATCH

    assert drift["verdict"] == "drift" and drift["current_size"] == BATCH
    drifted = [name for name, column in drift["features"].items() if column["drifted"]]
    assert drifted == ["renda_anual"]
    assert drift["action"] == "training_requested"
    assert drift["labels"]["enough"] and drift["labels"]["new_labels"] >= 300
    assert job["requested_by"] == "drift" and "drift on renda_anual" in job["reason"]

    assert (again["verdict"], again["action"]) == ("drift", "cooldown")
    assert "training" not in again["details"]
    assert [r["id"] for r in reports] == [again["id"], drift["id"], calm["id"]]
    assert np.isclose(
        reports[1]["features"]["renda_anual"]["p_value"],
        drift["features"]["renda_anual"]["p_value"],
    )
