"""SQL for monitoring: windows of served predictions and their outcomes, read as column arrays.

Windows are read with `COPY (SELECT ...) TO STDOUT (FORMAT binary)` and decoded by NumPy in
one pass: a million rows arrive in well under a second, where building a million Record
objects would take several. Every query selects by (model_name, model_version, created_at),
the leading columns of `predictions_model_created_idx`, so a check reads its window through
the index whatever the size of the history; shadow rows are never part of a window.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import numpy as np

_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Binary wire formats of the NOT NULL columns read here (big-endian, fixed width).
_WIRE_TYPES = {"int4": ">i4", "float8": ">f8", "bool": "?", "timestamptz": ">i8"}


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """Which served predictions form a window: the newest `last_n`, those since `since`, or both.

    `until` pins the end so every query of one check sees the same rows.
    """

    model_name: str
    model_version: str
    until: datetime
    last_n: int
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class PredictionWindow:
    """Inputs and outputs of the predictions in a window (newest first)."""

    idade: np.ndarray
    renda_anual: np.ndarray
    probability: np.ndarray
    start: datetime | None
    end: datetime | None

    @property
    def size(self) -> int:
        """How many predictions the window holds."""
        return int(self.probability.size)

    def columns(self) -> dict[str, np.ndarray]:
        """The window as named columns, the drift detector's input."""
        return {
            "idade": self.idade,
            "renda_anual": self.renda_anual,
            "probability": self.probability,
        }


@dataclass(frozen=True, slots=True)
class LabelledWindow:
    """Predictions in a window that received feedback: probability, decision and outcome."""

    probability: np.ndarray
    predicted: np.ndarray
    actual: np.ndarray

    @property
    def size(self) -> int:
        """How many predictions have an outcome."""
        return int(self.actual.size)


def _window_query(spec: WindowSpec, columns: str) -> tuple[str, list[Any]]:
    args: list[Any] = [spec.model_name, spec.model_version, spec.until, spec.last_n]
    since = ""
    if spec.since is not None:
        args.append(spec.since)
        since = "AND created_at >= $5 "
    query = (
        f"SELECT {columns} FROM predictions "  # nosec B608 # constant names; values are $n params
        "WHERE model_name = $1 AND model_version = $2 AND created_at <= $3 "
        f"{since}AND NOT shadow ORDER BY created_at DESC LIMIT $4"
    )
    return query, args


async def read_window(pool: asyncpg.Pool, spec: WindowSpec) -> PredictionWindow:
    """The served (non-shadow) predictions of a window, as arrays."""
    query, args = _window_query(spec, "idade, renda_anual, probability, created_at")
    raw = await _copy_binary(pool, query, args)
    rows = _decode(raw, ("int4", "float8", "float8", "timestamptz"))
    stamps = rows["f3"]
    return PredictionWindow(
        idade=rows["f0"].astype(np.int64),
        renda_anual=rows["f1"].astype(np.float64),
        probability=rows["f2"].astype(np.float64),
        start=_timestamp(int(stamps.min())) if stamps.size else None,
        end=_timestamp(int(stamps.max())) if stamps.size else None,
    )


async def read_labelled(pool: asyncpg.Pool, spec: WindowSpec) -> LabelledWindow:
    """The predictions of the same window joined to their feedback (only those that have one)."""
    inner, args = _window_query(spec, "id, probability, label")
    query = (
        f"WITH served AS ({inner}) "  # nosec B608 # constant names; values are $n params
        "SELECT served.probability, served.label, feedback.comprou_produto "
        "FROM served JOIN feedback ON feedback.prediction_id = served.id"
    )
    rows = _decode(await _copy_binary(pool, query, args), ("float8", "bool", "bool"))
    return LabelledWindow(
        probability=rows["f0"].astype(np.float64),
        predicted=rows["f1"].astype(bool),
        actual=rows["f2"].astype(bool),
    )


async def explain_window(pool: asyncpg.Pool, spec: WindowSpec) -> str:
    """The planner's plan for a window read (to check that it goes through the index)."""
    query, args = _window_query(spec, "idade, renda_anual, probability, created_at")
    rows = await pool.fetch(f"EXPLAIN {query}", *args)
    return "\n".join(row[0] for row in rows)


async def _copy_binary(pool: asyncpg.Pool, query: str, args: list[Any]) -> bytes:
    chunks: list[bytes] = []

    async def collect(chunk: bytes) -> None:
        chunks.append(bytes(chunk))

    async with pool.acquire() as conn:
        await conn.copy_from_query(query, *args, output=collect, format="binary")
    return b"".join(chunks)


def _decode(raw: bytes, types: tuple[str, ...]) -> np.ndarray:
    """Decode a binary COPY stream of fixed-width NOT NULL columns into a structured array."""
    if not raw.startswith(_COPY_SIGNATURE):
        raise ValueError("not a binary COPY stream")
    extension = int.from_bytes(raw[15:19], "big")
    body = memoryview(raw)[19 + extension : len(raw) - 2]  # the trailer is a -1 field count
    layout: list[tuple[str, str]] = [("count", ">i2")]
    for index, kind in enumerate(types):
        layout += [(f"n{index}", ">i4"), (f"f{index}", _WIRE_TYPES[kind])]
    dtype = np.dtype(layout)
    if len(body) % dtype.itemsize:
        raise ValueError("binary COPY stream has rows of unexpected width (a NULL?)")
    rows = np.frombuffer(body, dtype=dtype)
    widths = [np.dtype(_WIRE_TYPES[kind]).itemsize for kind in types]
    if rows.size and (
        np.any(rows["count"] != len(types))
        or any(np.any(rows[f"n{i}"] != width) for i, width in enumerate(widths))
    ):
        raise ValueError("binary COPY stream does not match the expected columns")
    return rows


def _timestamp(microseconds: int) -> datetime:
    return _POSTGRES_EPOCH + timedelta(microseconds=microseconds)


@dataclass(frozen=True, slots=True)
class FinishedJob:
    """The newest training job that ran to the end: was it promoted, and on what data."""

    id: str
    promoted: bool
    decision: str | None
    data_extracted_at: datetime | None


async def count_labels_since(pool: asyncpg.Pool, since: datetime | None) -> int:
    """Labelled rows ingested after `since` (all of them when None); feedback rows included."""
    if since is None:
        return int(await pool.fetchval("SELECT count(*) FROM features"))
    return int(await pool.fetchval("SELECT count(*) FROM features WHERE ingested_at > $1", since))


async def last_finished_job(pool: asyncpg.Pool) -> FinishedJob | None:
    """The training job that succeeded most recently (its gate decision included)."""
    record = await pool.fetchrow(
        "SELECT id, promoted, decision, metrics -> 'data' ->> 'extracted_at' AS extracted_at "
        "FROM training_jobs WHERE status = 'succeeded' "
        "ORDER BY finished_at DESC NULLS LAST LIMIT 1"
    )
    if record is None:
        return None
    extracted = record["extracted_at"]
    return FinishedJob(
        id=str(record["id"]),
        promoted=bool(record["promoted"]),
        decision=record["decision"],
        data_extracted_at=datetime.fromisoformat(extracted) if extracted else None,
    )
