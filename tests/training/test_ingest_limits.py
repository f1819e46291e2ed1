"""CSV ingest refuses what int() and float() would let through: long lines, odd digits, controls."""

from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.training.errors import CsvRefused
from services.training.ingest.service import MAX_LINE_CHARS, ingest_csv
from shared.errors import ECHO_CHARS
from shared.schemas_training import IngestReport

HEADER = "idade,renda_anual,comprou_produto\n"


async def _chunks(parts: list[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def _ingest(pool: asyncpg.Pool, *parts: str) -> IngestReport:
    chunks = _chunks([part.encode() for part in parts])
    return await ingest_csv(pool=pool, chunks=chunks, max_bytes=10**6)


async def _count(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM features"))


@pytest.mark.parametrize(
    "parts",
    [
        [HEADER + "35,1000,1\n" + f"36,{'1' * MAX_LINE_CHARS},1\n" + "37,1000,1\n"],
        [HEADER + "35,1000,1\n", f"36,1000,1,{' ' * MAX_LINE_CHARS}\n"],
        [HEADER + f"36,1000,{'1' * MAX_LINE_CHARS}"],
    ],
    ids=["inside-one-chunk", "across-chunks", "last-line-unended"],
)
async def test_a_line_over_the_limit_refuses_the_body(
    training_pool: asyncpg.Pool, parts: list[str]
) -> None:
    with pytest.raises(CsvRefused, match=f"longer than {MAX_LINE_CHARS}") as refused:
        await _ingest(training_pool, *parts)
    assert refused.value.status_code == 422 and refused.value.error_type == "not_csv"
    assert await _count(training_pool) == 0


async def test_a_line_at_the_limit_is_read(training_pool: asyncpg.Pool) -> None:
    row = "35,1000,1"
    row += "," + " " * (MAX_LINE_CHARS - len(row) - 1)  # one field too many, not too long
    report = await _ingest(training_pool, HEADER, row + "\n")
    assert (report.received, report.rejected) == (1, 1)


@pytest.mark.parametrize(
    "row",
    [
        "３５,1000,1",  # full-width digits
        "35,１０００,1",
        "3_5,1000,1",
        "35,1_000,1",
        "٣٥,1000,1",  # Arabic-Indic digits
        "35,1000.0_1,1",
        "35,infinity,1",
    ],
)
async def test_only_ascii_numbers_are_numbers(training_pool: asyncpg.Pool, row: str) -> None:
    report = await _ingest(training_pool, HEADER, row + "\n")
    assert (report.accepted, report.rejected) == (0, 1), report
    assert "is not a number" in report.rejections[0].reason


async def test_plain_ascii_numbers_still_parse(training_pool: asyncpg.Pool) -> None:
    report = await _ingest(training_pool, HEADER, "35,1000,1\n +40 ,2.5e4,0\n41.0,.5,1\n")
    assert (report.accepted, report.rejected) == (3, 0), report


@pytest.mark.parametrize(
    "row",
    ["35,1000,\x1bsim", "35\x0b,1000,1", "35,1000,1\x85", "35,10\r00,1", "35,1000,\x1csim"],
)
async def test_control_characters_reject_the_row(training_pool: asyncpg.Pool, row: str) -> None:
    report = await _ingest(training_pool, HEADER, row + "\n", "36,1000,1\n")
    assert (report.accepted, report.rejected) == (1, 1), report
    assert "control characters" in report.rejections[0].reason


async def test_a_lone_surrogate_refuses_the_body(training_pool: asyncpg.Pool) -> None:
    # UTF-8 cannot carry one: its three bytes make the body "not UTF-8 text".
    with pytest.raises(CsvRefused, match="not UTF-8"):
        await ingest_csv(
            pool=training_pool,
            chunks=_chunks([HEADER.encode(), b"35,1000,\xed\xa0\x80\n"]),
            max_bytes=10**6,
        )


async def test_reasons_quote_at_most_a_bounded_excerpt(training_pool: asyncpg.Pool) -> None:
    report = await _ingest(training_pool, HEADER, f"35,{'x' * 9_000},1\n")
    reason = report.rejections[0].reason
    assert "more characters" in reason and len(reason) < ECHO_CHARS + 100
