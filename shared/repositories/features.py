"""SQL for the labelled feature table."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import numpy as np
from asyncpg.pool import PoolConnectionProxy

COPY_COLUMNS = ("idade", "renda_anual", "comprou_produto", "observed_at", "source")
FeatureRecord = tuple[int, float, bool, datetime, str]
Connection = asyncpg.Connection | PoolConnectionProxy

# Whether a row may sit in the promotion gate's holdout: its source is one of $1 (any when $1
# is empty). Outcomes reported by API callers can be kept out of what judges a model.
HOLDOUT_ELIGIBLE = "holdout_eligible"
_ELIGIBLE = "(cardinality($1::text[]) = 0 OR source = ANY($1::text[]))"
_SELECT = (
    "SELECT idade, renda_anual, comprou_produto, extract(epoch FROM observed_at)::float8, "
    f"{_ELIGIBLE} FROM features "  # nosec B608 # constant names; values are $n params
)
_DTYPES: dict[str, Any] = {
    "idade": np.int64,
    "renda_anual": np.float64,
    "comprou_produto": np.bool_,
    "observed_at": "datetime64[us]",
    HOLDOUT_ELIGIBLE: np.bool_,
}


async def copy_features(conn: Connection, records: Sequence[FeatureRecord]) -> int:
    """Insert rows with COPY on the caller's connection (and transaction)."""
    if records:
        await conn.copy_records_to_table("features", records=records, columns=list(COPY_COLUMNS))
    return len(records)


async def count_features(pool: asyncpg.Pool) -> int:
    """How many labelled rows exist."""
    return int(await pool.fetchval("SELECT count(*) FROM features"))


async def _stream_columns(
    pool: asyncpg.Pool, query: str, *args: Any, chunk_rows: int
) -> dict[str, np.ndarray]:
    # Streaming keeps peak memory at the arrays plus one chunk, not a list of row objects.
    parts: dict[str, list[np.ndarray]] = {name: [] for name in _DTYPES}
    async with pool.acquire() as conn, conn.transaction():
        cursor = await conn.cursor(query, *args)
        while rows := await cursor.fetch(chunk_rows):
            parts["idade"].append(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
            parts["renda_anual"].append(np.fromiter((r[1] for r in rows), np.float64, len(rows)))
            parts["comprou_produto"].append(np.fromiter((r[2] for r in rows), np.bool_, len(rows)))
            epoch_s = np.fromiter((r[3] for r in rows), np.float64, len(rows))
            parts["observed_at"].append((epoch_s * 1e6).astype("datetime64[us]"))
            parts[HOLDOUT_ELIGIBLE].append(np.fromiter((r[4] for r in rows), np.bool_, len(rows)))
    return {
        name: np.concatenate(chunks) if chunks else np.empty(0, dtype=_DTYPES[name])
        for name, chunks in parts.items()
    }


async def read_labelled(
    pool: asyncpg.Pool,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    holdout_sources: Sequence[str] = (),
    chunk_rows: int = 50_000,
) -> dict[str, np.ndarray]:
    """Labelled rows in a time window as column arrays, streamed in chunks from a cursor.

    `holdout_eligible` marks rows whose source is in `holdout_sources` (all, when empty).
    """
    query = (
        _SELECT + "WHERE ($2::timestamptz IS NULL OR observed_at >= $2) "
        "AND ($3::timestamptz IS NULL OR observed_at < $3)"
    )
    sources = list(holdout_sources)
    return await _stream_columns(pool, query, sources, since, until, chunk_rows=chunk_rows)


async def read_latest(
    pool: asyncpg.Pool, *, limit: int, holdout_sources: Sequence[str] = (), chunk_rows: int = 50_000
) -> dict[str, np.ndarray]:
    """The `limit` most recently observed rows fit for judging models, as column arrays."""
    query = _SELECT + f"WHERE {_ELIGIBLE} ORDER BY observed_at DESC, id DESC LIMIT $2"
    sources = list(holdout_sources)
    return await _stream_columns(pool, query, sources, limit, chunk_rows=chunk_rows)
