"""Writes predictions to Postgres off the request path, in batches, without losing rows."""

import asyncio
import contextlib
import logging
from collections import deque

import asyncpg
from prometheus_client import Counter, Gauge

from shared.repositories.predictions import PredictionRow, insert_predictions

logger = logging.getLogger(__name__)

PENDING = Gauge("inference_prediction_log_pending", "Predictions waiting to be written")
WRITTEN = Counter("inference_prediction_log_written_total", "Predictions written to Postgres")
DROPPED = Counter(
    "inference_prediction_log_dropped_total", "Predictions dropped because the buffer was full"
)
FAILURES = Counter("inference_prediction_log_failures_total", "Batch writes that failed")


class PredictionLogWriter:
    """Buffers rows in memory and flushes them with COPY every interval or batch size."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        batch_size: int = 500,
        flush_interval_s: float = 0.2,
        max_pending: int = 200_000,
    ) -> None:
        self.pool = pool
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self.max_pending = max_pending
        self._rows: deque[PredictionRow] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # One flush at a time: a caller that asks for a flush returns only once rows popped
        # by a flush already in progress are written too.
        self._flush_lock = asyncio.Lock()

    def submit(self, row: PredictionRow) -> None:
        """Queue a row; never blocks the request."""
        if len(self._rows) >= self.max_pending:
            # Bounded memory beats an OOM kill that would lose every buffered row.
            self._rows.popleft()
            DROPPED.inc()
        self._rows.append(row)
        if len(self._rows) >= self.batch_size:
            self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._rows)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="prediction-log-writer")

    async def stop(self, *, timeout_s: float = 10.0) -> None:
        """Flush everything still buffered, then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout_s)
            except TimeoutError:
                logger.error("prediction log not drained", extra={"pending": len(self._rows)})

    async def _run(self) -> None:
        backoff = self.flush_interval_s
        while True:
            # Woken early by a full batch or stop(); otherwise flush on the interval.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), backoff)
            self._wake.clear()
            ok = await self.flush()
            if self._stopping and not self._rows:
                return
            backoff = self.flush_interval_s if ok else min(backoff * 2, 5.0)

    async def flush(self) -> bool:
        """Write all buffered rows; on failure they stay buffered for the next try."""
        async with self._flush_lock:
            return await self._drain()

    async def _drain(self) -> bool:
        while self._rows:
            batch = [self._rows.popleft() for _ in range(min(self.batch_size, len(self._rows)))]
            try:
                await insert_predictions(self.pool, batch)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                self._rows.extendleft(reversed(batch))
                FAILURES.inc()
                logger.error("prediction log write failed", extra={"error": str(exc)[:300]})
                return False
            finally:
                PENDING.set(len(self._rows))
            WRITTEN.inc(len(batch))
        return True
