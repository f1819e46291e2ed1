"""Training's audited actions: a job's start and end, and a data-subject request's export."""

import asyncio
from collections.abc import Iterator

import pytest

from services.training.main import create_app
from shared.db import create_pool
from shared.repositories.audit_events import list_events
from tests.asgi import serve, service_headers
from tests.conftest import scratch_database, training_settings


@pytest.fixture(scope="module")
def empty_dsn(pg_admin_dsn: str) -> Iterator[str]:
    # No labelled rows: a job fails at validation at once, which is all this needs.
    with scratch_database(pg_admin_dsn, "privacy_jobs") as dsn:
        yield dsn


async def test_a_job_start_and_end_are_audited_with_who_asked(
    empty_dsn: str, mlflow_uri: str, model_name: str
) -> None:
    app = create_app(training_settings(empty_dsn, mlflow_uri, f"{model_name}-audit"))
    admin = service_headers("training", subject="auditor", scopes=["admin"])
    async with serve(app) as client:
        started = await client.post("/v1/training/jobs", json={"reason": "audit"}, headers=admin)
        assert started.status_code == 202, started.text
        job_id = started.json()["job_id"]
        for _ in range(200):
            job = (await client.get(f"/v1/training/jobs/{job_id}", headers=admin)).json()
            if job["status"] in ("succeeded", "failed"):
                break
            await asyncio.sleep(0.1)
        export = await client.post(
            "/v1/customers/data",
            json={"pseudonyms": ["v1:" + "0" * 32]},
            headers=admin,
        )
    assert job["status"] == "failed"
    assert export.status_code == 200 and export.json()["predictions"] == []
    pool = await create_pool(empty_dsn, min_size=1, max_size=1)
    try:
        events = {e.action: e for e in await list_events(pool, actor="auditor")}
    finally:
        await pool.close()
    assert events["training.job_start"].object_id == job_id
    assert events["training.job_start"].details["reason"] == "audit"
    assert (events["training.job_end"].outcome, events["training.job_end"].object_id) == (
        "failure",
        job_id,
    )
    assert events["customer.export"].details == {
        "predictions": 0,
        "feedback": 0,
        "labelled_rows": 0,
    }
    assert all(e.actor_type == "user" and e.request_id for e in events.values())
