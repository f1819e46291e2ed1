"""Drift check over a window of 1,000,000 predictions stored in Postgres.

``python -m bench.drift_window`` creates a throwaway database on DATABASE_URL's server (default
the local one), loads 1,000,000 served predictions of the production version behind
1,000,000 of an older version (history the check must not read), gives 10 % of the window
feedback, and times one full check (`services.drift.service.run_check`: both window reads, the
three column tests, live performance, the report insert) plus each step alone. The reference
is a 5,000-row sample drawn like bench.drift_stats, so no MLflow server is needed; the check
runs with `trigger: false` so no training service is needed either. No sampling anywhere:
every row of the window is tested.
"""

import asyncio
import io
import os
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio
import asyncpg
import httpx
import numpy as np

from bench.drift_stats import draw_customers
from ops import devstack
from services.drift.detector import DriftDetector
from services.drift.reference import ProductionReference
from services.drift.retraining import TrainingClient
from services.drift.service import CheckPolicy, DriftMonitor, run_check
from shared.db import create_pool
from shared.migrations import apply_migrations
from shared.repositories import monitoring
from shared.schemas_drift import DriftCheckRequest, WindowRequest

MODEL = "bench-model"
WINDOW_ROWS = 1_000_000
HISTORY_ROWS = 1_000_000
FEEDBACK_SHARE = 0.1
REFERENCE_ROWS = 5_000
TARGET_S = 10.0
_CHUNK = 250_000
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_POSTGRES_EPOCH_US = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
PREDICTION_COLUMNS = [
    "id",
    "created_at",
    "model_name",
    "model_version",
    "variant",
    "shadow",
    "idade",
    "renda_anual",
    "probability",
    "label",
    "latency_ms",
]


@dataclass(frozen=True)
class StaticReferences:
    """A reference source that always answers the same version and detector."""

    reference: ProductionReference

    async def production(self) -> ProductionReference:
        """The fixed reference."""
        return self.reference


def prediction_copy(
    ids: np.ndarray, created_us: np.ndarray, columns: dict[str, np.ndarray], version: str
) -> bytes:
    """A binary COPY stream of served predictions (fixed width: one model and version)."""
    texts = {"name": MODEL, "version": version, "variant": "production"}
    layout: list[tuple[Any, ...]] = [("count", ">i2"), ("n_id", ">i4"), ("id", "u1", (16,))]
    layout += [("n_at", ">i4"), ("at", ">i8")]
    for key, text in texts.items():
        layout += [(f"n_{key}", ">i4"), (key, f"S{len(text.encode())}")]
    layout += [("n_shadow", ">i4"), ("shadow", "?"), ("n_idade", ">i4"), ("idade", ">i4")]
    layout += [("n_renda", ">i4"), ("renda", ">f8"), ("n_p", ">i4"), ("p", ">f8")]
    layout += [("n_label", ">i4"), ("label", "?"), ("n_latency", ">i4"), ("latency", ">f4")]
    rows = np.zeros(ids.shape[0], dtype=np.dtype(layout))
    rows["count"] = len(PREDICTION_COLUMNS)
    rows["n_id"], rows["id"] = 16, ids
    rows["n_at"], rows["at"] = 8, created_us - _POSTGRES_EPOCH_US
    for key, text in texts.items():
        rows[f"n_{key}"], rows[key] = len(text.encode()), text.encode()
    rows["n_shadow"], rows["n_idade"], rows["idade"] = 1, 4, columns["idade"]
    rows["n_renda"], rows["renda"] = 8, columns["renda_anual"]
    rows["n_p"], rows["p"] = 8, columns["probability"]
    rows["n_label"], rows["label"] = 1, columns["probability"] >= 0.5
    rows["n_latency"], rows["latency"] = 4, 1.0
    return _COPY_HEADER + rows.tobytes() + b"\xff\xff"


def feedback_copy(ids: np.ndarray, outcomes: np.ndarray) -> bytes:
    """A binary COPY stream of (prediction_id, comprou_produto)."""
    layout = [("count", ">i2"), ("n_id", ">i4"), ("id", "u1", (16,)), ("n_o", ">i4"), ("o", "?")]
    rows = np.zeros(ids.shape[0], dtype=np.dtype(layout))
    rows["count"], rows["n_id"], rows["id"], rows["n_o"], rows["o"] = 2, 16, ids, 1, outcomes
    return _COPY_HEADER + rows.tobytes() + b"\xff\xff"


async def load_version(
    pool: asyncpg.Pool, *, version: str, rows: int, end_us: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """COPY `rows` predictions of a version ending at `end_us`; return their ids and labels."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, 256, (rows, 16), dtype=np.uint8)
    labels = np.empty(rows, dtype=bool)
    for start in range(0, rows, _CHUNK):
        stop = min(start + _CHUNK, rows)
        columns = draw_customers(rng, stop - start)
        labels[start:stop] = columns["probability"] >= 0.5
        created = end_us - 1_000 * (rows - np.arange(start, stop))  # one per millisecond
        payload = prediction_copy(ids[start:stop], created, columns, version)
        async with pool.acquire() as conn:
            await conn.copy_to_table(
                "predictions",
                source=io.BytesIO(payload),
                columns=PREDICTION_COLUMNS,
                format="binary",
            )
    return ids, labels


async def load_feedback(pool: asyncpg.Pool, ids: np.ndarray, labels: np.ndarray) -> int:
    """Feedback for a share of the window: outcomes agree with 90 % of the decisions."""
    rng = np.random.default_rng(3)
    chosen = rng.random(ids.shape[0]) < FEEDBACK_SHARE
    outcomes = np.where(rng.random(ids.shape[0]) < 0.9, labels, ~labels)[chosen]
    async with pool.acquire() as conn:
        await conn.copy_to_table(
            "feedback",
            source=io.BytesIO(feedback_copy(ids[chosen], outcomes)),
            columns=["prediction_id", "comprou_produto"],
            format="binary",
        )
    return int(np.count_nonzero(chosen))


async def timed(
    step: Callable[[], Coroutine[Any, Any, Any]],
) -> tuple[Any, float]:
    """Await `step()` and return its result and the seconds it took."""
    started = time.perf_counter()
    result = await step()
    return result, time.perf_counter() - started


async def run(dsn: str) -> tuple[list[tuple[str, int, float]], str, float]:
    """Load the data, time each step and the full check; return rows, plan and check time."""
    pool = await create_pool(dsn, min_size=2, max_size=4)
    steps: list[tuple[str, int, float]] = []
    try:
        end_us = int(time.time() * 1_000_000)
        _, seconds = await timed(
            lambda: load_version(
                pool, version="1", rows=HISTORY_ROWS, end_us=end_us - 86_400_000_000, seed=1
            )
        )
        steps.append(("load history, old version (COPY)", HISTORY_ROWS, seconds))
        (ids, labels), seconds = await timed(
            lambda: load_version(pool, version="2", rows=WINDOW_ROWS, end_us=end_us, seed=2)
        )
        steps.append(("load window, production (COPY)", WINDOW_ROWS, seconds))
        labelled = await load_feedback(pool, ids, labels)
        await pool.execute("VACUUM ANALYZE predictions")
        await pool.execute("VACUUM ANALYZE feedback")
        steps += await _time_steps(pool, labelled)
        request = DriftCheckRequest(window=WindowRequest(last_n=WINDOW_ROWS), trigger=False)
        async with httpx.AsyncClient() as client:
            monitor = _monitor(pool, client)
            report, check_s = await timed(lambda: run_check(monitor=monitor, request=request))
        assert report.current_size == WINDOW_ROWS and report.performance.labelled == labelled
        steps.append(("full check (run_check)", WINDOW_ROWS, check_s))
        plan = await monitoring.explain_window(pool, _spec())
    finally:
        await pool.close()
    return steps, plan, check_s


def _spec() -> monitoring.WindowSpec:
    return monitoring.WindowSpec(
        model_name=MODEL, model_version="2", until=datetime.now(UTC), last_n=WINDOW_ROWS
    )


def _detector() -> DriftDetector:
    return DriftDetector(draw_customers(np.random.default_rng(9), REFERENCE_ROWS))


def _monitor(pool: asyncpg.Pool, client: httpx.AsyncClient) -> DriftMonitor:
    reference = ProductionReference(MODEL, "2", _detector(), size=REFERENCE_ROWS)
    return DriftMonitor(
        pool=pool,
        references=StaticReferences(reference),
        training=TrainingClient(client, "http://127.0.0.1:9"),  # trigger is off: never called
        model_name=MODEL,
        policy=CheckPolicy(max_window_rows=WINDOW_ROWS),
    )


async def _time_steps(pool: asyncpg.Pool, labelled: int) -> list[tuple[str, int, float]]:
    window, read_s = await timed(lambda: monitoring.read_window(pool, _spec()))
    joined, join_s = await timed(lambda: monitoring.read_labelled(pool, _spec()))
    assert window.size == WINDOW_ROWS and joined.size == labelled
    detector = _detector()
    _, test_s = await timed(lambda: anyio.to_thread.run_sync(detector.check, window.columns()))
    return [
        ("read window (binary COPY, index)", window.size, read_s),
        ("read feedback join", joined.size, join_s),
        ("KS + Wasserstein + PSI, 3 columns", window.size, test_s),
    ]


def main() -> int:
    """Run the benchmark on a throwaway database and print a table."""
    admin = devstack.with_database(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"), "postgres"
    )
    name = f"mlp_bench_drift_{os.getpid()}"
    dsn = devstack.create_database(admin, name, drop_first=True)
    try:
        asyncio.run(apply_migrations(dsn))
        steps, plan, check_s = asyncio.run(run(dsn))
    finally:
        devstack.drop_database(admin, name)
    header = f"{'step':<36} {'rows':>11} {'seconds':>8}"
    print(header)
    print("-" * len(header))
    for step, rows, seconds in steps:
        print(f"{step:<36} {rows:>11,} {seconds:>8.2f}")
    passed = check_s < TARGET_S
    print(f"full check < {TARGET_S:g} s: {'pass' if passed else 'FAIL'} ({check_s:.2f} s)")
    # Either predictions index qualifies: the point is that no plan scans the whole history.
    indexed = "Index Scan" in plan and "Seq Scan" not in plan
    index_line = next((line.strip(" ->") for line in plan.splitlines() if "Index" in line), "")
    print(f"window read plan: {index_line or plan}")
    return 0 if passed and indexed else 1


if __name__ == "__main__":
    sys.exit(main())
