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
REJECTED = Counter(
    "inference_prediction_log_rejected_total",
    "Predictions Postgres refused (set aside so the rest are written)",
)

# Postgres refused the data itself (class 22 data exceptions, 23 constraint violations) or the
# driver could not encode it: retrying the same rows can never succeed.
_ROW_ERRORS = (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError, ValueError, TypeError)
# The database or the connection is unavailable: the rows wait for the next try.
_TRANSIENT = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)
# One COPY carries up to this many rows: a backlog drains in few round trips even when the
# event loop is busy serving (each await then waits behind the requests in flight).
MAX_COPY_ROWS = 20_000


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
        # Above this many waiting rows, while Postgres is writable, new requests wait for the
        # writer (backpressure) instead of growing the buffer towards loss.
        self.high_water = max(max_pending // 4, batch_size)
        self._writable = True
        self._drained = asyncio.Event()
        self._dropped = 0
        # Rows Postgres refused, kept (bounded) for inspection; never retried.
        self.rejected: deque[PredictionRow] = deque(maxlen=1_000)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # One flush at a time: a caller that asks for a flush returns only once rows popped
        # by a flush already in progress are written too.
        self._flush_lock = asyncio.Lock()

    def submit(self, row: PredictionRow) -> None:
        """Queue a row; never blocks the request (callers wait in `room` first)."""
        if len(self._rows) >= self.max_pending:
            self._drop_oldest(len(self._rows) - self.max_pending + 1)
        self._rows.append(row)
        if len(self._rows) >= self.batch_size:
            self._wake.set()

    def _drop_oldest(self, count: int) -> None:
        """Bounded memory beats an OOM kill that would lose every buffered row."""
        before = self._dropped
        for _ in range(count):
            self._rows.popleft()
        DROPPED.inc(count)
        self._dropped += count
        # The first, then every thousandth: never silent, never a line per row.
        if before == 0 or before // 1000 != self._dropped // 1000:
            logger.error(
                "prediction log full: oldest rows dropped",
                extra={"dropped": self._dropped, "max_pending": self.max_pending},
            )

    @property
    def pending(self) -> int:
        return len(self._rows)

    async def room(self, rows: int, *, timeout_s: float = 5.0) -> None:
        """Wait, if the writer is behind while Postgres is writable, until `rows` fit.

        Free when the buffer is below its high-water mark. While Postgres is unavailable nothing
        waits: rows are buffered up to `max_pending` (and the oldest dropped, counted, beyond).
        """
        deadline = asyncio.get_running_loop().time() + timeout_s
        while self._writable and len(self._rows) + rows > self.high_water:
            self._wake.set()
            self._drained.clear()
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), remaining)

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
            batch = [self._rows.popleft() for _ in range(min(MAX_COPY_ROWS, len(self._rows)))]
            try:
                await self._write(batch)
            except _TRANSIENT as exc:
                FAILURES.inc()
                self._writable = False
                self._drained.set()  # nobody waits on a writer that cannot write
                logger.error("prediction log write failed", extra={"error": str(exc)[:300]})
                return False
            finally:
                PENDING.set(len(self._rows))
            self._writable = True
            if len(self._rows) <= self.high_water:
                self._drained.set()
        return True

    async def _write(self, batch: list[PredictionRow]) -> None:
        """Write `batch`; a row Postgres refuses is isolated by halving and set aside.

        On a transient failure every row not yet written goes back to the buffer's front.
        """
        parts = [batch]
        while parts:
            part = parts.pop()
            try:
                await insert_predictions(self.pool, part)
            except _ROW_ERRORS as exc:
                if len(part) == 1:
                    self._reject(part[0], exc)
                else:
                    middle = len(part) // 2
                    parts += [part[middle:], part[:middle]]
                continue
            except _TRANSIENT:
                for waiting in [part, *reversed(parts)]:
                    self._rows.extendleft(reversed(waiting))
                # Rows that arrived while this batch was out count against the bound too.
                if len(self._rows) > self.max_pending:
                    self._drop_oldest(len(self._rows) - self.max_pending)
                raise
            WRITTEN.inc(len(part))

    def _reject(self, row: PredictionRow, exc: Exception) -> None:
        REJECTED.inc()
        self.rejected.append(row)
        logger.error(
            "prediction row refused by Postgres: set aside",
            extra={"prediction_id": str(row.id), "error": f"{type(exc).__name__}: {exc}"[:300]},
        )
