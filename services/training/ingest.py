"""Feature ingest: JSON rows or a streamed CSV, checked row by row, written with COPY.

Accepted rows go to Postgres in one transaction (COPY in batches on the same connection), so a
body refused as a whole (wrong header, not UTF-8 text, over the size limit, the client gone)
leaves nothing behind. The CSV is read chunk by chunk and never held whole in memory; quoted
fields may not contain line breaks (no contract field needs one).
"""

import asyncio
import codecs
import csv
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from pydantic import ValidationError

from services.training.errors import CsvRefused
from shared.contract import IDADE_MAX, IDADE_MIN, LABEL, RENDA_MAX, RENDA_MIN, parse_label
from shared.errors import PayloadTooLarge
from shared.repositories import features
from shared.schemas_training import (
    MAX_LISTED_REJECTIONS,
    FeatureRow,
    IngestReport,
    Rejection,
    as_utc,
)

REQUIRED = ("idade", "renda_anual", LABEL)
OPTIONAL = ("observed_at",)
# A contract row is ~50 characters; a far longer line means this is not such a CSV, and
# bounding it keeps a body without line breaks from being buffered whole.
MAX_LINE_CHARS = 10_000
# Clock skew allowed before an observation time counts as "in the future".
_FUTURE_TOLERANCE = timedelta(minutes=5)


class RowRejected(ValueError):
    """One row breaks the contract; the message is the reason reported to the caller."""


@dataclass
class IngestTally:
    """Counts and reasons gathered while reading rows."""

    received: int = 0
    accepted: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        """Count a rejected row, keeping the first reasons."""
        self.rejected += 1
        if len(self.rejections) < MAX_LISTED_REJECTIONS:
            self.rejections.append(Rejection(line=line, reason=reason))

    def report(self, source: str) -> IngestReport:
        """The report answered to the caller."""
        return IngestReport.model_validate(
            {
                "source": source,
                "received": self.received,
                "accepted": self.accepted,
                "rejected": self.rejected,
                "rejections": self.rejections,
                "rejections_truncated": self.rejected > len(self.rejections),
            }
        )


@dataclass(frozen=True)
class CsvLayout:
    """Where each contract column sits in the file's rows."""

    width: int
    idade: int
    renda_anual: int
    label: int
    observed_at: int | None

    @classmethod
    def from_header(cls, header: list[str]) -> "CsvLayout":
        """Read the header row; refuse the file if it is not the contract's."""
        names = [name.strip().lower() for name in header]
        expected = f"{','.join(REQUIRED)}[,{','.join(OPTIONAL)}]"
        missing = [name for name in REQUIRED if name not in names]
        unknown = [name for name in names if name not in (*REQUIRED, *OPTIONAL)]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if missing or unknown or duplicated:
            problems = {"missing": missing, "unknown": unknown, "duplicated": duplicated}
            raise CsvRefused(
                f"the header must be {expected}; got {','.join(names) or 'an empty line'}",
                error_type="invalid_csv_header",
                details={"expected": expected, **{k: v for k, v in problems.items() if v}},
            )
        return cls(
            width=len(names),
            idade=names.index("idade"),
            renda_anual=names.index("renda_anual"),
            label=names.index(LABEL),
            observed_at=names.index("observed_at") if "observed_at" in names else None,
        )


def _age(text: str) -> int:
    try:
        whole = int(text)  # the common case, checked before the slower general path
    except ValueError:
        pass
    else:
        if IDADE_MIN <= whole <= IDADE_MAX:
            return whole
    text = text.strip()
    if not text:
        raise RowRejected("idade is missing")
    try:
        age = float(text)
    except ValueError:
        raise RowRejected(f"idade {text!r} is not a number") from None
    if not age.is_integer():
        raise RowRejected(f"idade {text} is not a whole number")
    if not IDADE_MIN <= age <= IDADE_MAX:
        raise RowRejected(f"idade {text} is outside {IDADE_MIN}..{IDADE_MAX}")
    return int(age)


def _income(text: str) -> float:
    text = text.strip()
    if not text:
        raise RowRejected("renda_anual is missing")
    try:
        income = float(text)
    except ValueError:
        raise RowRejected(f"renda_anual {text!r} is not a number") from None
    if not math.isfinite(income) or not RENDA_MIN <= income <= RENDA_MAX:
        raise RowRejected(f"renda_anual {text} is outside {RENDA_MIN:,.0f}..{RENDA_MAX:,.0f}")
    return income


def _label(text: str) -> bool:
    if not text.strip():
        raise RowRejected(f"{LABEL} is missing")
    try:
        return parse_label(text)
    except ValueError as exc:
        raise RowRejected(f"{LABEL}: {exc}") from None


def _observed_at(text: str, *, now: datetime) -> datetime:
    text = text.strip()
    if not text:
        return now
    try:
        moment = as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise RowRejected(f"observed_at {text!r} is not an ISO 8601 date-time") from None
    if moment > now + _FUTURE_TOLERANCE:
        raise RowRejected(f"observed_at {text} is in the future")
    return moment


def check_csv_row(
    fields: list[str], layout: CsvLayout, *, now: datetime, source: str
) -> features.FeatureRecord:
    """Turn one CSV row into a feature record, or raise RowRejected with the reason."""
    if len(fields) != layout.width:
        raise RowRejected(f"expected {layout.width} fields, got {len(fields)}")
    at = layout.observed_at
    return (
        _age(fields[layout.idade]),
        _income(fields[layout.renda_anual]),
        _label(fields[layout.label]),
        now if at is None else _observed_at(fields[at], now=now),
        source,
    )


def check_json_row(row: Any, *, now: datetime, source: str) -> features.FeatureRecord:
    """Validate one JSON row against the contract, or raise RowRejected with the reason."""
    try:
        valid = FeatureRow.model_validate(row)
    except ValidationError as exc:
        reasons = [
            f"{'.'.join(str(part) for part in err['loc']) or 'row'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise RowRejected("; ".join(reasons)) from None
    observed = valid.observed_at or now
    if observed > now + _FUTURE_TOLERANCE:
        raise RowRejected(f"observed_at {observed.isoformat()} is in the future")
    return (valid.idade, valid.renda_anual, valid.comprou_produto, observed, source)


async def ingest_json(
    *, pool: asyncpg.Pool, rows: list[dict[str, Any]], source: str = "json"
) -> IngestReport:
    """Check each JSON row and write the accepted ones in one transaction."""
    tally = IngestTally()
    now = datetime.now(UTC)
    accepted: list[features.FeatureRecord] = []
    for position, row in enumerate(rows, start=1):
        tally.received += 1
        try:
            accepted.append(check_json_row(row, now=now, source=source))
        except RowRejected as exc:
            tally.reject(position, str(exc))
    async with pool.acquire() as conn, conn.transaction():
        tally.accepted = await features.copy_features(conn, accepted)
    return tally.report("json")


async def _text_blocks(chunks: AsyncIterator[bytes], *, max_bytes: int) -> AsyncIterator[list[str]]:
    """Decode the body incrementally and yield its complete lines, one list per chunk."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    size, pending = 0, ""
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"CSV body exceeds {max_bytes} bytes", error_type="csv_too_large")
        lines = _split(pending + _decode(decoder, chunk, final=False))
        pending = lines.pop()
        if len(pending) > MAX_LINE_CHARS:
            raise CsvRefused(
                f"a line is longer than {MAX_LINE_CHARS} characters: not a CSV of customers",
                error_type="not_csv",
            )
        if lines:
            yield lines
    tail = pending + _decode(decoder, b"", final=True)
    if tail:
        yield [tail.rstrip("\r")]


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool) -> str:
    try:
        text = str(decoder.decode(chunk, final=final))
    except UnicodeDecodeError as exc:
        raise CsvRefused(
            f"the body is not UTF-8 text (bad byte at offset {exc.start} of a chunk)",
            error_type="not_csv",
        ) from exc
    if "\x00" in text:
        raise CsvRefused("the body is binary, not CSV text (NUL bytes)", error_type="not_csv")
    return text


def _split(text: str) -> list[str]:
    lines = text.split("\n")
    return [line.removesuffix("\r") for line in lines[:-1]] + [lines[-1]]


def _fields(line: str) -> list[str]:
    # Plain lines (the common case) split directly; quoted ones go through csv, one line at a
    # time, so a stray quote spoils only its own row instead of swallowing the rows after it.
    if '"' not in line:
        return line.split(",")
    try:
        return next(csv.reader([line], strict=True), [])
    except csv.Error as exc:
        raise RowRejected(f"malformed CSV quoting ({exc})") from None


def _header(line: str) -> CsvLayout:
    try:
        return CsvLayout.from_header(_fields(line))
    except RowRejected as exc:
        raise CsvRefused(f"the header row is not valid CSV: {exc}", error_type="not_csv") from None


class _BatchCopier:
    """COPY batches on one connection; Postgres loads a batch while the next one is parsed."""

    def __init__(self, conn: features.Connection) -> None:
        self.conn = conn
        self.copied = 0
        self._pending: asyncio.Task[int] | None = None

    async def submit(self, batch: list[features.FeatureRecord]) -> None:
        """Start copying `batch` once the previous COPY has finished."""
        await self.finish()
        self._pending = asyncio.create_task(features.copy_features(self.conn, batch))

    async def finish(self) -> None:
        """Wait for the COPY in flight (a connection runs one command at a time)."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.copied += await pending


async def ingest_csv(
    *,
    pool: asyncpg.Pool,
    chunks: AsyncIterator[bytes],
    max_bytes: int,
    batch_rows: int = 20_000,
    source: str = "csv",
) -> IngestReport:
    """Stream a CSV body, check each row, COPY accepted rows in batches in one transaction."""
    tally, now = IngestTally(), datetime.now(UTC)
    layout: CsvLayout | None = None
    line_number = 0
    batch: list[features.FeatureRecord] = []
    async with pool.acquire() as conn, conn.transaction():
        copier = _BatchCopier(conn)
        try:
            async for block in _text_blocks(chunks, max_bytes=max_bytes):
                for line in block:
                    line_number += 1
                    if not line.strip():
                        continue
                    if layout is None:
                        layout = _header(line)
                        continue
                    tally.received += 1
                    try:
                        batch.append(check_csv_row(_fields(line), layout, now=now, source=source))
                    except RowRejected as exc:
                        tally.reject(line_number, str(exc))
                if len(batch) >= batch_rows:
                    await copier.submit(batch)
                    batch = []
        finally:
            # Whatever happened, the connection must be idle before the transaction ends.
            await copier.finish()
        if layout is None:
            raise CsvRefused(
                "the body is empty: expected a header row idade,renda_anual,comprou_produto",
                error_type="invalid_csv_header",
            )
        tally.accepted = copier.copied + await features.copy_features(conn, batch)
    return tally.report("csv")
