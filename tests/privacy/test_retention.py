"""Retention: only rows older than their window go, in bounded batches, counted and audited."""

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from services.drift import retention
from services.drift.config import DriftSettings
from services.drift.main import create_app
from services.drift.retention import RetentionPolicy, run_retention
from services.drift.scheduler import RetentionScheduler
from shared.db import create_pool
from shared.repositories.audit_events import list_events
from tests.asgi import serve
from tests.conftest import scratch_database

NOW = datetime.now(UTC)
POLICY = RetentionPolicy(predictions_days=90, feedback_days=180, batch_rows=2)


@pytest.fixture(scope="module")
def retention_dsn(pg_admin_dsn: str) -> Iterator[str]:
    # Its own database: audit events cannot be emptied between tests, and the schedule reads them.
    with scratch_database(pg_admin_dsn, "retention") as dsn:
        yield dsn


@pytest.fixture
async def pool(retention_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(retention_dsn, min_size=1, max_size=4)
    await pool.execute("TRUNCATE predictions, feedback, features")
    try:
        yield pool
    finally:
        await pool.close()


async def _prediction(
    pool: asyncpg.Pool, days_ago: float, customer: str | None = None
) -> uuid.UUID:
    prediction_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO predictions (id, created_at, model_name, model_version, variant, idade, "
        "renda_anual, probability, label, latency_ms, customer_id) "
        "VALUES ($1, $2, 'm', '1', 'production', 40, 1000, 0.5, true, 1, $3)",
        prediction_id,
        NOW - timedelta(days=days_ago),
        customer,
    )
    return prediction_id


async def _feedback(pool: asyncpg.Pool, prediction_id: uuid.UUID, days_ago: float) -> None:
    await pool.execute(
        "INSERT INTO feedback (prediction_id, comprou_produto, received_at, customer_id) "
        "VALUES ($1, true, $2, 'v1:00000000000000000000000000000000')",
        prediction_id,
        NOW - timedelta(days=days_ago),
    )


async def _feature(pool: asyncpg.Pool, days_ago: float, customer: str | None) -> None:
    await pool.execute(
        "INSERT INTO features (idade, renda_anual, comprou_produto, observed_at, customer_id) "
        "VALUES (40, 1000, true, $1, $2)",
        NOW - timedelta(days=days_ago),
        customer,
    )


async def test_only_rows_older_than_their_window_go(pool: asyncpg.Pool) -> None:
    old = [await _prediction(pool, days) for days in (90.01, 120, 400)]
    kept = [await _prediction(pool, days) for days in (89.9, 1)]
    await _feedback(pool, old[0], 180.5)  # past the feedback window
    await _feedback(pool, old[1], 100)  # its prediction goes, the outcome stays for now
    await _feedback(pool, kept[0], 1)
    await _feature(pool, 181, "v1:11111111111111111111111111111111")
    await _feature(pool, 100, "v1:22222222222222222222222222222222")
    await _feature(pool, 500, None)
    before = retention.DELETED.labels("predictions")._value.get()

    counts = await run_retention(pool=pool, policy=POLICY, now=NOW)

    assert counts == {"predictions": 3, "feedback": 1, "features": 1}
    assert {r["id"] for r in await pool.fetch("SELECT id FROM predictions")} == set(kept)
    assert {r["prediction_id"] for r in await pool.fetch("SELECT prediction_id FROM feedback")} == {
        old[1],
        kept[0],
    }
    # Labelled rows are kept as training data; past the longest window they lose the pseudonym.
    features = await pool.fetch("SELECT observed_at, customer_id FROM features ORDER BY 1")
    assert [r["customer_id"] for r in features] == [
        None,
        None,
        "v1:22222222222222222222222222222222",
    ]
    assert retention.DELETED.labels("predictions")._value.get() == before + 3
    [event] = await list_events(pool, action=retention.AUDIT_ACTION, limit=1)
    assert event.actor_type == "service" and event.actor == "drift"
    assert event.details["deleted"] == {"predictions": 3, "feedback": 1}
    assert event.details["features_detached"] == 1

    assert await run_retention(pool=pool, policy=POLICY, now=NOW) == {
        "predictions": 0,
        "feedback": 0,
        "features": 0,
    }


async def test_a_large_backlog_goes_in_bounded_statements(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    await pool.execute(
        "INSERT INTO predictions (id, created_at, model_name, model_version, variant, idade, "
        "renda_anual, probability, label, latency_ms) "
        "SELECT gen_random_uuid(), $1, 'm', '1', 'production', 40, 1000, 0.5, true, 1 "
        "FROM generate_series(1, 25)",
        NOW - timedelta(days=365),
    )
    statements: list[int] = []
    original = retention.retention.delete_predictions_before

    async def counted(pool: asyncpg.Pool, cutoff: datetime, *, limit: int) -> int:
        done = await original(pool, cutoff, limit=limit)
        statements.append(done)
        return done

    monkeypatch.setattr(retention.retention, "delete_predictions_before", counted)
    policy = RetentionPolicy(predictions_days=90, feedback_days=90, batch_rows=10)
    counts = await run_retention(pool=pool, policy=policy, now=NOW)
    assert counts["predictions"] == 25
    assert statements == [10, 10, 5]


async def test_the_schedule_runs_when_the_last_run_is_one_interval_old(
    pool: asyncpg.Pool,
) -> None:
    await run_retention(pool=pool, policy=POLICY)
    scheduler = RetentionScheduler(pool=pool, policy=POLICY, interval_s=3_600)
    wait = await scheduler.tick()
    assert 3_500 < wait <= 3_600 and scheduler.runs == 0  # just ran: not due
    await _prediction(pool, 365)
    soon = RetentionScheduler(pool=pool, policy=POLICY, interval_s=0.001)
    assert await soon.tick() == 0.001 and soon.runs == 1
    assert await pool.fetchval("SELECT count(*) FROM predictions") == 0


async def test_the_drift_service_runs_retention_on_its_schedule(
    retention_dsn: str, pool: asyncpg.Pool
) -> None:
    await _prediction(pool, 365)
    settings = DriftSettings(
        environment="test",
        database_url=retention_dsn,
        mlflow_tracking_uri="http://127.0.0.1:9",
        retention_interval_s=0.001,
    )
    async with serve(create_app(settings), "http://drift.internal"):
        for _ in range(100):
            if await pool.fetchval("SELECT count(*) FROM predictions") == 0:
                break
            await asyncio.sleep(0.05)
    assert await pool.fetchval("SELECT count(*) FROM predictions") == 0


async def test_the_command_line_entry_runs_once_and_reports(
    retention_dsn: str, pool: asyncpg.Pool
) -> None:
    await _prediction(pool, 365)
    await _prediction(pool, 1)
    env = {**os.environ, "DATABASE_URL": retention_dsn, "RETENTION_PREDICTIONS_DAYS": "30"}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "services.drift.retention"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "'predictions': 1" in done.stdout
    assert await pool.fetchval("SELECT count(*) FROM predictions") == 1


async def test_the_cronjob_call_runs_retention_inside_drift_counted_on_its_metrics(
    retention_dsn: str, pool: asyncpg.Pool
) -> None:
    await _prediction(pool, 365)
    await _prediction(pool, 1)
    settings = DriftSettings(
        environment="test",
        database_url=retention_dsn,
        mlflow_tracking_uri="http://127.0.0.1:9",
        retention_predictions_days=30,
    )
    deleted = retention.DELETED.labels("predictions")
    before = deleted._value.get()
    async with serve(
        create_app(settings), "http://drift.internal", as_service="scheduler"
    ) as drift:
        unsigned = await drift.post("/v1/retention/runs", headers={"Authorization": "Bearer x"})
        assert unsigned.status_code == 401
        assert await pool.fetchval("SELECT count(*) FROM predictions") == 2

        answer = await drift.post("/v1/retention/runs")
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"predictions": 1, "feedback": 0, "features": 0}
        metrics = (await drift.get("/metrics")).text
    assert await pool.fetchval("SELECT count(*) FROM predictions") == 1
    assert deleted._value.get() == before + 1
    assert "retention_last_run_timestamp_seconds" in metrics
    [event] = await list_events(pool, action=retention.AUDIT_ACTION, limit=1)
    assert event.details["deleted"]["predictions"] == 1

    # A drift replica that starts later (or restarts) takes the last run from the audit log,
    # whoever made it: alert RetentionStale does not count from zero.
    retention.LAST_RUN.set(0)
    async with serve(create_app(settings), "http://drift.internal"):
        assert abs(retention.LAST_RUN._value.get() - event.at.timestamp()) < 2
