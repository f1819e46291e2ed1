"""Training jobs: stages, one at a time, data-quality failures, restarts and shutdowns."""

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import asyncpg
import httpx
import pytest

from services.training.jobs.runner import INTERRUPTED
from services.training.main import create_app
from shared import registry
from shared.repositories import model_events, training_jobs
from tests.asgi import serve, service_headers
from tests.training.conftest import (
    customers,
    load_features,
    register_version,
    training_settings,
)

STAGES = ["queued", "extract", "validate", "train", "evaluate", "register", "promote", "done"]


@contextlib.asynccontextmanager
async def _training(
    dsn: str, mlflow_uri: str, name: str, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(create_app(training_settings(dsn, mlflow_uri, name, **overrides))) as client:
        yield client


async def _follow(
    client: httpx.AsyncClient, job_id: str, *, timeout: float = 120
) -> dict[str, Any]:
    """Poll a job until it ends; record the stages seen and the slowest liveness answer."""
    seen: list[str] = []
    slowest = 0.0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        began = time.perf_counter()
        assert (await client.get("/health/live")).status_code == 200
        slowest = max(slowest, time.perf_counter() - began)
        job = (await client.get(f"/v1/training/jobs/{job_id}")).json()
        if not seen or seen[-1] != job["stage"]:
            seen.append(job["stage"])
        if job["status"] in ("succeeded", "failed"):
            return job | {"seen": seen, "slowest_live_s": slowest}
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish; stages seen {seen}")


async def test_job_trains_registers_and_promotes_the_first_model(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    window_start = datetime.now(UTC) - timedelta(days=91)
    await load_features(training_pool, customers(1_500, seed=3))
    old = customers(300, seed=4)
    old["observed_at"] -= timedelta(days=400)
    await load_features(training_pool, old)
    async with _training(training_dsn, mlflow_uri, fresh_model) as client:
        started = await client.post(
            "/v1/training/jobs",
            json={"reason": "test", "since": window_start.isoformat()},
            headers=service_headers("training", subject="tester", scopes=["admin"]),
        )
        assert started.status_code == 202, started.text
        job_id = started.json()["job_id"]
        assert started.json()["status"] == "queued"
        assert started.headers["Location"] == f"/v1/training/jobs/{job_id}"
        busy = await client.post("/v1/training/jobs", json={})
        assert busy.status_code == 409
        assert busy.json()["error"]["type"] == "training_in_progress"
        assert busy.json()["error"]["details"] == {"job_id": job_id}
        job = await _follow(client, job_id)
        listed = (await client.get("/v1/training/jobs", params={"limit": 5})).json()["jobs"]

    assert job["status"] == "succeeded", job
    assert (job["stage"], job["progress"], job["promoted"]) == ("done", 1.0, True)
    assert job["seen"] == sorted(job["seen"], key=STAGES.index) and len(job["seen"]) >= 3
    assert job["slowest_live_s"] < 1.0  # the fit runs off the event loop
    assert job["requested_by"] == "tester" and job["reason"] == "test"
    assert job["decision"].startswith("no production model")
    metrics = job["metrics"]
    assert metrics["rows"] == 1_500  # the window left the 300 old rows out
    assert metrics["holdout"]["accuracy"] > 0.85 and "roc_auc" in metrics["holdout"]
    assert {score["name"] for score in metrics["cv"]} == {
        "logistic_regression",
        "hist_gradient_boosting",
    }
    assert listed[0]["job_id"] == job_id
    _check_tracked_run(mlflow_uri, fresh_model, job)
    events = await model_events.list_events(training_pool, model_name=fresh_model)
    assert [(e.action, e.from_version, e.to_version, e.actor) for e in events] == [
        ("promote", None, job["model_version"], "tester")
    ]


def _check_tracked_run(mlflow_uri: str, name: str, job: dict[str, Any]) -> None:
    client = registry.client(mlflow_uri)
    production = registry.resolve_alias(client, name=name, alias=registry.PRODUCTION)
    assert production is not None and production.version == job["model_version"]
    assert production.run_id == job["mlflow_run_id"]
    run = client.get_run(job["mlflow_run_id"])
    params = run.data.params
    assert params["data_rows"] == "1500" and len(params["data_content_hash"]) == 16
    assert params["data_observed_from"] < params["data_observed_to"]
    for metric in ("cv_roc_auc_mean", "cv_roc_auc_std", "holdout_accuracy", "holdout_roc_auc"):
        assert metric in run.data.metrics
    paths = {item.path for item in client.list_artifacts(run.info.run_id, "reports")}
    assert {"reports/data_quality.json", "reports/fairness.json"} <= paths
    fairness = json.loads(
        open(client.download_artifacts(run.info.run_id, "reports/fairness.json")).read()
    )
    assert [band["band"] for band in fairness["bands"]] == ["18-29", "30-44", "45-59", "60-100"]
    assert fairness["max_accuracy_gap"]["low_band"] is not None
    reference = client.download_artifacts(run.info.run_id, "reference/reference.csv")
    assert open(reference).readline().strip() == "idade,renda_anual,probability"
    model = client.get_logged_model(run.outputs.model_outputs[0].model_id)
    assert model is not None


@pytest.mark.parametrize(
    ("frame_rows", "single_class", "expected"),
    [(0, False, "not enough labelled rows: 0 < 200"), (400, True, "label has a single class")],
)
async def test_bad_data_fails_the_job_with_the_reason(
    training_pool: asyncpg.Pool,
    training_dsn: str,
    mlflow_uri: str,
    fresh_model: str,
    frame_rows: int,
    single_class: bool,
    expected: str,
) -> None:
    if frame_rows:
        frame = customers(frame_rows, seed=5)
        frame["comprou_produto"] = single_class
        await load_features(training_pool, frame)
    async with _training(training_dsn, mlflow_uri, fresh_model) as client:
        started = await client.post("/v1/training/jobs")
        assert started.status_code == 202
        job = await _follow(client, started.json()["job_id"])
    assert job["status"] == "failed" and job["stage"] == "validate"
    assert job["error"].startswith("data quality:") and expected in job["error"]
    assert job["model_version"] is None and not job["promoted"]
    assert expected in job["metrics"]["quality"]["failures"]
    run = registry.client(mlflow_uri).get_run(job["mlflow_run_id"])
    assert run.info.status == "FAILED" and run.data.tags["outcome"] == "data_quality_failed"
    report_path = registry.client(mlflow_uri).download_artifacts(
        run.info.run_id, "reports/data_quality.json"
    )
    assert expected in json.loads(open(report_path).read())["failures"]


async def test_a_restart_fails_the_job_it_cut_off(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    stale = await training_jobs.create_job(
        training_pool, job_id=uuid.uuid4(), reason="before", requested_by=None, params={}
    )
    assert stale is not None
    await training_jobs.mark_running(training_pool, stale.id)
    async with _training(training_dsn, mlflow_uri, fresh_model) as client:
        job = (await client.get(f"/v1/training/jobs/{stale.id}")).json()
        assert (job["status"], job["error"]) == ("failed", INTERRUPTED)
        assert job["finished_at"] is not None
        # The slot is free again: a new job is accepted (and fails on the empty table).
        started = await client.post("/v1/training/jobs", json={"reason": "after"})
        assert started.status_code == 202


async def test_shutdown_mid_job_marks_it_interrupted_and_registers_nothing(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    await load_features(training_pool, customers(1_000, seed=6))
    async with _training(training_dsn, mlflow_uri, fresh_model) as client:
        job_id = (await client.post("/v1/training/jobs")).json()["job_id"]
        deadline = time.monotonic() + 30
        while (await client.get(f"/v1/training/jobs/{job_id}")).json()["stage"] != "train":
            assert time.monotonic() < deadline
            await asyncio.sleep(0.02)
    row = await training_jobs.get_job(training_pool, uuid.UUID(job_id))
    assert row is not None and (row.status, row.error, row.stage) == (
        "failed",
        INTERRUPTED,
        "train",
    )
    await asyncio.sleep(5)  # past the abandoned thread's next stage boundary
    versions = registry.client(mlflow_uri).search_model_versions(f"name = '{fresh_model}'")
    assert list(versions) == []


async def test_unknown_job_is_404_and_bad_requests_are_422(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    async with _training(training_dsn, mlflow_uri, fresh_model) as client:
        missing = await client.get(f"/v1/training/jobs/{uuid.uuid4()}")
        assert missing.status_code == 404 and missing.json()["error"]["type"] == "job_not_found"
        assert (await client.get("/v1/training/jobs/not-a-uuid")).status_code == 422
        assert (await client.get("/v1/training/jobs", params={"limit": 0})).status_code == 422
        window = {"since": "2024-02-01T00:00:00Z", "until": "2024-01-01T00:00:00Z"}
        backwards = await client.post("/v1/training/jobs", json=window)
        assert backwards.status_code == 422
        unknown = await client.post("/v1/training/jobs", json={"priority": "high"})
        assert unknown.status_code == 422
        assert (await client.get("/v1/training/jobs")).json() == {"jobs": []}


async def test_a_promotion_during_the_job_is_not_overwritten(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    other = await anyio.to_thread.run_sync(
        lambda: register_version(mlflow_uri, fresh_model, seed=8, rows=500)
    )
    await load_features(training_pool, customers(800, seed=9))
    async with _training(training_dsn, mlflow_uri, fresh_model) as client:
        job_id = (await client.post("/v1/training/jobs")).json()["job_id"]
        # Holding the alias lock parks the job at its promotion; meanwhile production moves.
        async with model_events.alias_lock(training_pool, fresh_model):
            while (await client.get(f"/v1/training/jobs/{job_id}")).json()["stage"] != "promote":
                await asyncio.sleep(0.05)
            await anyio.to_thread.run_sync(
                lambda: registry.point_production(
                    mlflow_uri, name=fresh_model, version=other, replaced=None
                )
            )
        job = await _follow(client, job_id)
    assert job["status"] == "succeeded" and not job["promoted"]
    assert job["decision"] == (
        f"production moved from None to {other} while the job ran; "
        f"version {job['model_version']} was registered but not promoted"
    )
    production = registry.resolve_alias(
        registry.client(mlflow_uri), name=fresh_model, alias=registry.PRODUCTION
    )
    assert production is not None and production.version == other


async def test_a_registry_outage_fails_the_job_with_the_cause(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    await load_features(training_pool, customers(400, seed=10))
    try:
        async with _training(training_dsn, "http://127.0.0.1:9", fresh_model) as client:
            assert (await client.get("/health/ready")).json()["checks"]["postgres"] == {
                "status": "up"
            }
            job = await _follow(client, (await client.post("/v1/training/jobs")).json()["job_id"])
    finally:
        registry.configure_mlflow(mlflow_uri)  # the job pointed the process-wide client away
    assert job["status"] == "failed" and job["model_version"] is None
    assert job["error"].startswith("MlflowException: ") and "127.0.0.1:9" in job["error"]
