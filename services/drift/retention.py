"""Retention: delete predictions and outcomes older than their window, in bounded batches.

RETENTION_PREDICTIONS_DAYS (default 90) and RETENTION_FEEDBACK_DAYS (default 180) set the
windows. Labelled rows in `features` are training data and are kept; past the longer of the
two windows they lose their customer pseudonym, so nothing kept can be tied to a customer.
A run is counted in `retention_deleted_rows_total` and recorded in the audit log.

Runs inside the drift service, from its scheduler (RETENTION_INTERVAL_S) or when asked
(`POST /v1/retention/runs`, what the Kubernetes CronJob calls), so that its metrics are on
drift's /metrics; or by hand against the database: `python -m services.drift.retention`.
"""

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from prometheus_client import Counter, Gauge

from services.drift.config import DriftSettings
from shared import audit
from shared.db import create_pool
from shared.logs import configure_logging
from shared.repositories import retention

logger = logging.getLogger(__name__)

AUDIT_ACTION = "retention.run"
DELETED = Counter(
    "retention_deleted_rows_total",
    "Rows removed by retention runs (features: pseudonyms dropped, rows kept)",
    ["table"],
)
LAST_RUN = Gauge("retention_last_run_timestamp_seconds", "Unix time of the last retention run")

Step = Callable[..., Awaitable[int]]


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long rows are kept and how many go per statement."""

    predictions_days: int
    feedback_days: int
    batch_rows: int = 5_000
    # A pause between batches leaves the database to serving under a large backlog.
    pause_s: float = 0.0

    def cutoffs(self, now: datetime) -> dict[str, datetime]:
        """Per table, the time before which rows are out of their window."""
        longest = max(self.predictions_days, self.feedback_days)
        return {
            "predictions": now - timedelta(days=self.predictions_days),
            "feedback": now - timedelta(days=self.feedback_days),
            "features": now - timedelta(days=longest),
        }


async def _drain(
    step: Step, pool: asyncpg.Pool, cutoff: datetime, *, limit: int, pause_s: float
) -> int:
    total = 0
    while True:
        done = await step(pool, cutoff, limit=limit)
        total += done
        if done < limit:
            return total
        if pause_s:
            await asyncio.sleep(pause_s)


async def run_retention(
    *, pool: asyncpg.Pool, policy: RetentionPolicy, now: datetime | None = None
) -> dict[str, int]:
    """Apply the policy once; rows affected per table, counted and audited."""
    started = time.perf_counter()
    cutoffs = policy.cutoffs(now or datetime.now(UTC))
    steps: dict[str, Step] = {
        "predictions": retention.delete_predictions_before,
        "feedback": retention.delete_feedback_before,
        "features": retention.detach_features_before,
    }
    counts: dict[str, int] = {}
    for table, step in steps.items():
        counts[table] = await _drain(
            step, pool, cutoffs[table], limit=policy.batch_rows, pause_s=policy.pause_s
        )
        DELETED.labels(table).inc(counts[table])
    details = {
        "deleted": {"predictions": counts["predictions"], "feedback": counts["feedback"]},
        "features_detached": counts["features"],
        "cutoffs": {table: cutoff.isoformat() for table, cutoff in cutoffs.items()},
        "seconds": round(time.perf_counter() - started, 3),
    }
    await retention.record_run(
        pool, audit.event(AUDIT_ACTION, object_type="retention", service="drift", details=details)
    )
    LAST_RUN.set(time.time())
    logger.info("retention run", extra=details)
    return counts


async def watch_last_run(pool: asyncpg.Pool) -> None:
    """Start `retention_last_run_timestamp_seconds` from the audit log: the last run by anyone
    (the CronJob, another replica, this one before a restart). With none recorded, or Postgres
    unreachable, it starts at now: alert `RetentionStale` then counts from when this service
    began watching, not from 1970."""
    try:
        async with asyncio.timeout(2):
            age = await retention.last_run_age_s(pool, AUDIT_ACTION)
    except (TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        logger.warning("last retention run unknown", extra={"error": type(exc).__name__})
        age = None
    LAST_RUN.set(time.time() - (age if age is not None else 0.0))


def policy_from(settings: DriftSettings) -> RetentionPolicy:
    """The policy the environment configures."""
    return RetentionPolicy(
        predictions_days=settings.retention_predictions_days,
        feedback_days=settings.retention_feedback_days,
        batch_rows=settings.retention_batch_rows,
        pause_s=settings.retention_pause_s,
    )


async def _run_once(settings: DriftSettings) -> dict[str, int]:
    pool = await create_pool(settings.database_url, min_size=1, max_size=1)
    try:
        return await run_retention(pool=pool, policy=policy_from(settings))
    finally:
        await pool.close()


def main() -> int:
    """One run against $DATABASE_URL (the CronJob's entry); prints the counts."""
    settings = DriftSettings()
    configure_logging(service="retention", level=settings.log_level)
    counts = asyncio.run(_run_once(settings))
    sys.stdout.write(f"retention: {counts}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
