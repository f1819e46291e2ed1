"""The prediction log writer: batched COPY writes, retries, bounded memory, drain on stop."""

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg

from services.inference.prediction_log import PredictionLogWriter
from shared.migrations import apply_migrations
from shared.repositories.predictions import PredictionRow, get_prediction
from tests.conftest import RUN_ID


def _row(i: int = 0) -> PredictionRow:
    return PredictionRow(
        id=uuid.uuid4(),
        created_at=datetime.now(UTC),
        model_name="m",
        model_version="1",
        variant="production",
        shadow=False,
        experiment_id=None,
        idade=30 + i % 50,
        renda_anual=1000.0 * i,
        probability=0.5,
        label=True,
        latency_ms=1.0,
        request_id="r",
        subject="s",
        customer_id=None,
    )


async def test_rows_are_written_in_batches_and_drained_on_stop(db_pool: asyncpg.Pool) -> None:
    writer = PredictionLogWriter(pool=db_pool, batch_size=100, flush_interval_s=5)
    writer.start()
    rows = [_row(i) for i in range(250)]
    for row in rows[:50]:
        writer.submit(row)
    await asyncio.sleep(0.2)
    # Under a batch and before the interval: still buffered.
    assert await db_pool.fetchval("SELECT count(*) FROM predictions") == 0
    for row in rows[50:]:
        writer.submit(row)
    await asyncio.sleep(0.3)
    # A full batch wakes the writer without waiting for the interval.
    assert await db_pool.fetchval("SELECT count(*) FROM predictions") >= 100
    for row in [_row(i) for i in range(10)]:
        writer.submit(row)
    await writer.stop()
    assert await db_pool.fetchval("SELECT count(*) FROM predictions") == 260
    stored = await get_prediction(db_pool, rows[7].id)
    assert stored == rows[7]


async def test_failed_writes_keep_rows_until_the_database_is_back(pg_admin_dsn: str) -> None:
    from ops.devstack import create_database

    name = f"mlp_test_unmigrated_{RUN_ID}"
    dsn = await asyncio.to_thread(create_database, pg_admin_dsn, name, drop_first=True)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    assert pool is not None
    writer = PredictionLogWriter(pool=pool, batch_size=10, flush_interval_s=0.05)
    for i in range(15):
        writer.submit(_row(i))
    assert await writer.flush() is False  # no table yet: nothing lost
    assert writer.pending == 15
    await apply_migrations(dsn)
    assert await writer.flush() is True
    assert writer.pending == 0
    assert await pool.fetchval("SELECT count(*) FROM predictions") == 15
    await pool.close()


async def test_buffer_is_bounded(db_pool: asyncpg.Pool) -> None:
    writer = PredictionLogWriter(pool=db_pool, batch_size=10_000, max_pending=1_000)
    rows = [_row(i) for i in range(1_200)]
    for row in rows:
        writer.submit(row)
    assert writer.pending == 1_000
    await writer.flush()
    # The oldest rows were dropped, the newest kept.
    assert await get_prediction(db_pool, rows[0].id) is None
    assert await get_prediction(db_pool, rows[-1].id) is not None


async def test_a_poisoned_row_is_set_aside_and_the_rest_written(db_pool: asyncpg.Pool) -> None:
    from dataclasses import replace

    from services.inference.prediction_log import REJECTED

    rows = [_row(i) for i in range(50)]
    # Postgres refuses U+0000 in text: once as a server error, once as an encoding error.
    rows[17] = replace(rows[17], customer_id="c\x00nul")
    rows[33] = replace(rows[33], request_id="lone \ud800 surrogate")
    rejected_before = REJECTED._value.get()
    writer = PredictionLogWriter(pool=db_pool, batch_size=1_000, flush_interval_s=5)
    for row in rows:
        writer.submit(row)
    assert await writer.flush() is True
    assert await db_pool.fetchval("SELECT count(*) FROM predictions") == 48
    assert {r.id for r in writer.rejected} == {rows[17].id, rows[33].id}
    assert REJECTED._value.get() - rejected_before == 2
    # The writer keeps going: later rows are written.
    writer.submit(_row(99))
    assert await writer.flush() is True
    assert await db_pool.fetchval("SELECT count(*) FROM predictions") == 49


async def test_requests_wait_for_a_writer_that_is_behind(db_pool: asyncpg.Pool) -> None:
    writer = PredictionLogWriter(
        pool=db_pool, batch_size=100, flush_interval_s=5, max_pending=1_000
    )
    writer.start()
    try:
        for i in range(writer.high_water):
            writer.submit(_row(i))
        # Over the mark with Postgres writable: wait (bounded) for the writer instead of
        # growing the buffer towards loss.
        await asyncio.wait_for(writer.room(100), timeout=5)
        assert writer.pending + 100 <= writer.high_water
    finally:
        await writer.stop()
    assert await db_pool.fetchval("SELECT count(*) FROM predictions") == writer.high_water


async def test_nobody_waits_while_postgres_is_down(pg_admin_dsn: str) -> None:
    from ops.devstack import free_port

    dead = await asyncpg.create_pool(
        f"postgresql://postgres@127.0.0.1:{free_port()}/x", min_size=0, max_size=1
    )
    writer = PredictionLogWriter(pool=dead, batch_size=10, flush_interval_s=0.05, max_pending=1_000)
    writer.start()
    try:
        for i in range(writer.high_water + 10):
            writer.submit(_row(i))
        started = asyncio.get_running_loop().time()
        await writer.room(100)
        assert asyncio.get_running_loop().time() - started < 1.0
    finally:
        await writer.stop(timeout_s=0.5)
    assert writer.pending == writer.high_water + 10  # kept, not lost


async def test_rows_put_back_after_a_failed_write_still_respect_the_bound() -> None:
    # A server that takes the connection, then drops it: the write fails after 0.3 s, while
    # requests go on adding rows.
    async def hang_then_close(_: asyncio.StreamReader, conn: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.3)
        conn.close()

    server = await asyncio.start_server(hang_then_close, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    pool = await asyncpg.create_pool(
        f"postgresql://postgres@127.0.0.1:{port}/x", min_size=0, max_size=1
    )
    writer = PredictionLogWriter(pool=pool, batch_size=10_000, flush_interval_s=60, max_pending=100)
    try:
        for i in range(100):
            writer.submit(_row(i))
        flushing = asyncio.create_task(writer.flush())
        await asyncio.sleep(0.1)
        assert writer.pending == 0  # the batch is out, its write hanging
        arrived = [_row(i) for i in range(100, 150)]
        for row in arrived:
            writer.submit(row)
        assert await flushing is False
        # Put back in front, then trimmed to the bound: the oldest 50 go, counted.
        assert writer.pending == 100
        assert writer._dropped == 50
        assert list(writer._rows)[-50:] == arrived
    finally:
        await pool.close()
        server.close()
