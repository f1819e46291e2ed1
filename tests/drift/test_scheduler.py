"""Scheduled checks: due from the newest report, resilient to failures, started by the lifespan."""

import asyncio
import dataclasses
import logging
import time
from typing import Any

import asyncpg
import pytest

from ops.devstack import free_port
from services.drift.config import DriftSettings
from services.drift.detector import DriftThresholds
from services.drift.main import create_app
from services.drift.reference import RegistryReferences
from services.drift.scheduler import CheckScheduler
from services.drift.service import DriftMonitor
from tests.asgi import serve
from tests.drift.conftest import DriftModel, Traffic


async def _reports(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM drift_reports"))


async def test_a_check_is_due_one_interval_after_the_newest_report(
    monitor: DriftMonitor, traffic: Traffic, drift_pool: asyncpg.Pool
) -> None:
    await traffic.serve(300, seed=401)
    scheduler = CheckScheduler(monitor=monitor, interval_s=3_600)
    assert await scheduler.seconds_until_due() == 0.0

    assert await scheduler.tick() == 3_600
    assert scheduler.checks_run == 1 and await _reports(drift_pool) == 1
    wait = await scheduler.tick()
    assert 3_500 < wait < 3_600
    assert scheduler.checks_run == 1 and await _reports(drift_pool) == 1


async def test_a_failed_check_is_retried_sooner_and_logged(
    monitor: DriftMonitor,
    drift_pool: asyncpg.Pool,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    dead = RegistryReferences(
        tracking_uri="http://127.0.0.1:9", model_name="any", thresholds=DriftThresholds()
    )
    scheduler = CheckScheduler(
        monitor=dataclasses.replace(monitor, references=dead), interval_s=3_600, retry_s=5
    )
    with caplog.at_level(logging.ERROR, logger="services.drift.scheduler"):
        assert await scheduler.tick() == 5
    assert "scheduled drift check failed" in caplog.text
    assert scheduler.checks_run == 0 and await _reports(drift_pool) == 0


async def test_the_loop_checks_every_interval_until_stopped(
    monitor: DriftMonitor, drift_pool: asyncpg.Pool
) -> None:
    scheduler = CheckScheduler(monitor=monitor, interval_s=0.3)
    scheduler.start()
    await asyncio.sleep(1.0)
    await scheduler.stop()
    done = await _reports(drift_pool)
    assert 2 <= done <= 5
    await asyncio.sleep(0.4)
    assert await _reports(drift_pool) == done


def test_the_interval_must_be_positive(monitor: DriftMonitor) -> None:
    with pytest.raises(ValueError):
        CheckScheduler(monitor=monitor, interval_s=0)


async def test_the_lifespan_schedules_checks_only_when_configured(
    database_dsn: str, mlflow_uri: str, drift_model: DriftModel, drift_pool: asyncpg.Pool
) -> None:
    settings: dict[str, Any] = {
        "environment": "test",
        "database_url": database_dsn,
        "mlflow_tracking_uri": mlflow_uri,
        "model_name": drift_model.name,
        "training_url": f"http://127.0.0.1:{free_port()}",
    }
    off = create_app(DriftSettings(**settings))
    async with serve(off):
        assert off.state.scheduler is None
    on = create_app(DriftSettings(**settings, drift_check_interval_s=3_600))
    async with serve(on):
        assert on.state.scheduler is not None
        deadline = time.monotonic() + 10
        while await _reports(drift_pool) == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    assert await _reports(drift_pool) == 1
