"""Feature ingest: JSON rows or a streamed CSV, checked row by row, written with COPY.

Accepted rows go to Postgres in one transaction (COPY in batches on the same connection), so a
body refused as a whole (wrong header, not UTF-8 text, over the size limit, the client gone)
leaves nothing behind. The CSV is read chunk by chunk and never held whole in memory; quoted
fields may not contain line breaks (no contract field needs one).
"""

import asyncio
import codecs
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.training.errors import CsvRefused
from services.training.ingest.rows import (
    CsvLayout,
    RowRejected,
    check_csv_row,
    check_json_row,
    csv_fields,
    csv_header,
)
from shared.errors import PayloadTooLarge
from shared.repositories import features
from shared.schemas_training import MAX_LISTED_REJECTIONS, IngestReport, Rejection

# A contract row is ~50 characters; a far longer line means this is not such a CSV, and
# bounding it keeps a body without line breaks from being buffered whole.
MAX_LINE_CHARS = 10_000


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
        # The unfinished line too: a body without line breaks is never buffered whole.
        _check_lengths([*lines, pending])
        if lines:
            yield lines
    tail = pending + _decode(decoder, b"", final=True)
    if tail:
        _check_lengths([tail])
        yield [tail.rstrip("\r")]


def _check_lengths(lines: list[str]) -> None:
    if max(map(len, lines)) > MAX_LINE_CHARS:
        raise CsvRefused(
            f"a line is longer than {MAX_LINE_CHARS} characters: not a CSV of customers",
            error_type="not_csv",
        )


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
                        layout = csv_header(line)
                        continue
                    tally.received += 1
                    try:
                        fields = csv_fields(line)
                        batch.append(check_csv_row(fields, layout, now=now, source=source))
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
