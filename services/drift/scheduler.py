"""Scheduled work inside the service: drift checks (DRIFT_CHECK_INTERVAL_S) and retention
runs (RETENTION_INTERVAL_S); 0 turns either off.

A check is due when the model's newest report, whoever wrote it, is at least one interval
old. Reading that from `drift_reports` makes the schedule survive restarts, lets on-demand
checks (CronJob, Airflow, an operator) count, and keeps replicas from checking in lockstep.
"""

import asyncio
import contextlib
import logging

import asyncpg

from services.drift import retention, service
from services.drift.retention import RetentionPolicy
from services.drift.service import DriftMonitor
from shared.repositories import drift_reports
from shared.repositories import retention as retention_sql
from shared.schemas_drift import DriftCheckRequest

logger = logging.getLogger(__name__)


class CheckScheduler:
    """Runs a default-window check (with triggering) whenever one is due, until stopped."""

    def __init__(
        self, *, monitor: DriftMonitor, interval_s: float, retry_s: float | None = None
    ) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.monitor = monitor
        self.interval_s = interval_s
        # After a failed check (registry or database down), try again sooner than an interval.
        self.retry_s = retry_s if retry_s is not None else min(interval_s, 60.0)
        self.checks_run = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin checking in the background."""
        self._task = asyncio.create_task(self._run(), name="drift-check-scheduler")

    async def stop(self) -> None:
        """Stop; a check in progress is cancelled (its report is not written)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def seconds_until_due(self) -> float:
        """How long until the next check is due (0 when it is due now)."""
        age = await drift_reports.last_report_age_s(
            self.monitor.pool, model_name=self.monitor.model_name
        )
        return 0.0 if age is None else max(0.0, self.interval_s - age)

    async def tick(self) -> float:
        """Run a check if one is due; return how long to sleep before the next tick."""
        try:
            wait = await self.seconds_until_due()
            if wait > 0:
                return wait
            await service.run_check(monitor=self.monitor, request=DriftCheckRequest())
            self.checks_run += 1
            return self.interval_s
        except Exception:  # the schedule must outlive any one failed check
            logger.exception("scheduled drift check failed")
            return self.retry_s

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(await self.tick())


class RetentionScheduler:
    """Runs retention whenever the last run, by anyone, is at least one interval old."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        policy: RetentionPolicy,
        interval_s: float,
        retry_s: float | None = None,
    ) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.pool = pool
        self.policy = policy
        self.interval_s = interval_s
        self.retry_s = retry_s if retry_s is not None else min(interval_s, 300.0)
        self.runs = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin in the background."""
        self._task = asyncio.create_task(self._run(), name="retention-scheduler")

    async def stop(self) -> None:
        """Stop; a run in progress stops between batches (what it deleted stays deleted)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def tick(self) -> float:
        """Run retention if it is due; return how long to sleep before the next tick."""
        try:
            # The audit log says when the last run finished: restarts, replicas and the
            # CronJob all count, as drift reports do for checks.
            age = await retention_sql.last_run_age_s(self.pool, retention.AUDIT_ACTION)
            if age is not None and age < self.interval_s:
                return self.interval_s - age
            await retention.run_retention(pool=self.pool, policy=self.policy)
            self.runs += 1
            return self.interval_s
        except Exception:  # the schedule must outlive any one failed run
            logger.exception("scheduled retention run failed")
            return self.retry_s

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(await self.tick())
