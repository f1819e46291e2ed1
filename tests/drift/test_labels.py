"""Retraining only when it can help: new labels since the production data, or since a refusal."""

import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
from prometheus_client import REGISTRY

from services.drift.service import DriftMonitor, run_check
from services.training import synthetic
from shared.repositories import features, training_jobs
from shared.schemas_drift import DriftCheckRequest, WindowRequest
from tests.drift.conftest import DriftModel, Traffic, TrainingService, make_monitor

SHIFTED = DriftCheckRequest(window=WindowRequest(last_n=2_000))


def _label_monitor(
    pool: asyncpg.Pool, mlflow_uri: str, model: DriftModel, client: httpx.AsyncClient
) -> DriftMonitor:
    return make_monitor(
        pool,
        mlflow_uri=mlflow_uri,
        model_name=model.name,
        training_client=client,
        min_new_labels=200,
        cooldown_s=0.0,
    )


async def _ingest(pool: asyncpg.Pool, rows: int, *, seed: int) -> None:
    frame = synthetic.generate_customers(rows, seed=seed)
    async with pool.acquire() as conn, conn.transaction():
        await features.copy_features(conn, synthetic.feature_records(frame, source="test"))


def _withheld(snapshot: str) -> float:
    value = REGISTRY.get_sample_value("drift_retraining_withheld_total", {"snapshot": snapshot})
    return value or 0.0


async def test_drift_without_new_labels_asks_for_nothing_and_says_why(
    drift_pool: asyncpg.Pool,
    mlflow_uri: str,
    drift_model: DriftModel,
    traffic: Traffic,
    training: TrainingService,
) -> None:
    monitor = _label_monitor(drift_pool, mlflow_uri, drift_model, training.client)
    await traffic.serve(2_000, seed=601, income_factor=1.8)
    before = sum(_withheld(kind) for kind in ("production", "none"))

    report = await run_check(monitor=monitor, request=SHIFTED)

    assert (report.verdict, report.action) == ("drift", "awaiting_labels")
    assert await training.jobs() == []
    assert report.labels is not None
    assert (report.labels.new_labels, report.labels.enough) == (0, False)
    assert report.labels.min_new_labels == 200
    assert "0 labelled rows" in report.details["withheld"]
    assert "at least 200 are needed" in report.details["withheld"]
    assert "drift on renda_anual" in report.details["reason"]
    assert "training" not in report.details
    assert sum(_withheld(kind) for kind in ("production", "none")) == before + 1
    stored = await drift_pool.fetchrow(
        "SELECT action, details FROM drift_reports WHERE id = $1", report.id
    )
    assert stored is not None and stored["action"] == "awaiting_labels"
    assert stored["details"]["labels"]["new_labels"] == 0

    await _ingest(drift_pool, 250, seed=602)
    again = await run_check(monitor=monitor, request=SHIFTED)
    assert again.action == "training_requested"
    assert again.labels is not None and again.labels.new_labels == 250 and again.labels.enough
    assert len(await training.jobs()) == 1


async def test_after_a_gate_refusal_only_labels_newer_than_that_job_count(
    drift_pool: asyncpg.Pool,
    mlflow_uri: str,
    drift_model: DriftModel,
    traffic: Traffic,
    training: TrainingService,
) -> None:
    monitor = _label_monitor(drift_pool, mlflow_uri, drift_model, training.client)
    await _ingest(drift_pool, 300, seed=611)
    job_id = uuid.uuid4()
    await training_jobs.create_job(
        drift_pool, job_id=job_id, reason="drift", requested_by="drift", params={}
    )
    decision = "registered, not promoted: holdout accuracy 0.8100 is below the floor 0.8500"
    await training_jobs.finish_job(
        drift_pool,
        job_id,
        status="succeeded",
        metrics={"data": {"extracted_at": datetime.now(UTC).isoformat()}},
        promoted=False,
        decision=decision,
    )
    await traffic.serve(2_000, seed=612, income_factor=1.8)
    before = _withheld("refused_job")

    report = await run_check(monitor=monitor, request=SHIFTED)

    assert report.action == "awaiting_labels" and await training.jobs() == []
    assert report.labels is not None and report.labels.snapshot == "refused_job"
    assert report.labels.new_labels == 0 and report.labels.refused_job_id == str(job_id)
    assert f"the last training job ({job_id}) was refused by the gate" in report.details["withheld"]
    assert "below the floor 0.8500" in report.details["withheld"]
    assert _withheld("refused_job") == before + 1

    await _ingest(drift_pool, 200, seed=613)
    again = await run_check(monitor=monitor, request=SHIFTED)
    assert again.action == "training_requested" and again.labels is not None
    assert again.labels.new_labels == 200
