"""Shadow scoring: the challenger scores served requests after production has answered.

The request path only puts the served row on a bounded queue (never waits, drops when full);
a background task drains it in batches and scores each batch on its own worker thread, so the
answer's latency never includes the challenger. Batches linger briefly to grow (one model
call per batch, not per request) and the thread runs OpenMP single-threaded, so the shadow's
CPU use stays small next to the serving path. Shadow rows are logged with `shadow = true` and
an id derived from the served prediction's id, and are never returned to anyone.
"""

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from prometheus_client import Counter, Gauge, Histogram
from threadpoolctl import threadpool_limits

from services.inference.model_registry import LoadedModel, as_rows
from services.inference.prediction_log import PredictionLogWriter
from shared.repositories.experiments import shadow_prediction_id
from shared.repositories.predictions import PredictionRow

logger = logging.getLogger(__name__)

SHADOW_PREDICTIONS = Counter(
    "inference_shadow_predictions_total", "Requests scored by the shadow model", ["model_version"]
)
SHADOW_CONFIDENCE = Histogram(
    "inference_shadow_probability",
    "Purchase probability predicted by the shadow model",
    buckets=tuple(i / 10 for i in range(1, 11)),
)
SHADOW_DISAGREEMENTS = Counter(
    "inference_shadow_disagreements_total", "Shadow decisions that differ from the served one"
)
SHADOW_LAG = Histogram(
    "inference_shadow_lag_seconds",
    "From a served answer to its shadow score (the oldest of each shadow batch)",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0),
)
SHADOW_DROPPED = Counter(
    "inference_shadow_dropped_total", "Shadow jobs dropped (queue full or scoring failed)"
)
SHADOW_PENDING = Gauge("inference_shadow_pending", "Served requests waiting for a shadow score")
_LOG_SLICE = 64


@dataclass(frozen=True, slots=True)
class ShadowJob:
    served: PredictionRow
    model: LoadedModel
    queued_at: float


class ShadowScorer:
    """Scores served requests with a second model off the request path."""

    def __init__(
        self,
        *,
        log_writer: PredictionLogWriter,
        threshold: float = 0.5,
        max_pending: int = 10_000,
        max_batch: int = 512,
        linger_s: float = 0.05,
    ) -> None:
        self.log_writer = log_writer
        self.threshold = threshold
        self.max_batch = max_batch
        self.linger_s = linger_s
        self._queue: asyncio.Queue[ShadowJob] = asyncio.Queue(maxsize=max_pending)
        self._task: asyncio.Task[None] | None = None
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, served: PredictionRow, model: LoadedModel) -> None:
        """Queue a served prediction for the shadow model; never blocks."""
        try:
            self._queue.put_nowait(ShadowJob(served, model, time.perf_counter()))
        except asyncio.QueueFull:
            SHADOW_DROPPED.inc()

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        # Its own thread: the shadow never takes a worker the serving path needs, and the
        # OpenMP limit set here applies to this thread only.
        self._executor = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="shadow",
            initializer=threadpool_limits,
            initargs=(1, "openmp"),
        )
        self._task = asyncio.create_task(self._run(), name="shadow-scorer")

    async def stop(self, *, timeout_s: float = 5.0) -> None:
        """Score what is queued (within `timeout_s`), then stop."""
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._queue.join(), timeout_s)
        except TimeoutError:
            logger.warning("shadow queue not drained", extra={"pending": self._queue.qsize()})
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        if self._executor is not None:
            self._executor.shutdown(wait=False)

    async def _run(self) -> None:
        while True:
            jobs = [await self._queue.get()]
            if self._queue.qsize() < self.max_batch - 1:
                # Let a batch gather (one model call per batch); a long queue needs no wait.
                await asyncio.sleep(self.linger_s)
            while len(jobs) < self.max_batch and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            SHADOW_PENDING.set(self._queue.qsize())
            by_model: dict[int, list[ShadowJob]] = {}
            for job in jobs:
                by_model.setdefault(id(job.model), []).append(job)
            for group in by_model.values():
                await self._score(group)
            for _ in jobs:
                self._queue.task_done()

    async def _score(self, group: list[ShadowJob]) -> None:
        model = group[0].model
        rows = as_rows([(job.served.idade, job.served.renda_anual) for job in group])
        started = time.perf_counter()
        try:
            loop = asyncio.get_running_loop()
            probabilities = await loop.run_in_executor(self._executor, model.predict_proba, rows)
        except Exception as exc:  # a failing shadow model must never stop the loop
            SHADOW_DROPPED.inc(len(group))
            logger.error(
                "shadow scoring failed",
                extra={"model_version": model.version, "error": f"{exc}"[:300]},
            )
            return
        latency_ms = (time.perf_counter() - started) * 1000 / len(group)
        scored = list(zip(group, probabilities.tolist(), strict=True))
        # Logged in slices, yielding in between, so the loop never stalls on a large batch.
        for first in range(0, len(scored), _LOG_SLICE):
            for job, probability in scored[first : first + _LOG_SLICE]:
                self._log(job, probability, latency_ms)
            await asyncio.sleep(0)
        SHADOW_PREDICTIONS.labels(model.version).inc(len(group))
        SHADOW_LAG.observe(time.perf_counter() - group[0].queued_at)

    def _log(self, job: ShadowJob, probability: float, latency_ms: float) -> None:
        label = probability >= self.threshold
        self.log_writer.submit(
            replace(
                job.served,
                id=shadow_prediction_id(job.served.id),
                model_version=job.model.version,
                variant="challenger",
                shadow=True,
                probability=probability,
                label=label,
                latency_ms=latency_ms,
            )
        )
        SHADOW_CONFIDENCE.observe(probability)
        if label != job.served.label:
            SHADOW_DISAGREEMENTS.inc()
