"""The serving benchmark's results: targets (PASS/MISS) and the table, as text and Markdown."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench._serving_load import RowLedger, Scenario

# Targets of issue 8.
GATEWAY_VS_MLFLOW = 6.0
INFERENCE_VS_MLFLOW = 12.0
P99_GATEWAY_MS = 100.0
P99_INFERENCE_C8_MS = 25.0
SERVED_SHARE = 0.99  # of the offered fixed rate
SCHEDULE_LAG_MS = 5.0  # p99 lateness of paced sends that still counts as "the rate was offered"
BATCH_ROWS_PER_S = 100_000.0


@dataclass
class FamilyResult:
    """One model family in production, and everything measured while it served."""

    family: str
    version: str
    served: dict[str, Any]
    promote_s: float
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    ledger: RowLedger = field(default_factory=RowLedger)
    written: int = 0
    cpu_s: dict[str, float] = field(default_factory=dict)  # during the fixed-rate runs
    cpu_wall_s: float = 0.0
    machine_busy_s: float = 0.0
    rss_after: dict[str, float] = field(default_factory=dict)
    rss_mlflow_rest: float = 0.0
    writer: dict[str, float] = field(default_factory=dict)  # log writer counters over the runs


@dataclass
class Report:
    date: str
    nproc: int
    command: str
    settings: str
    rate: float
    inference_ready_s: float
    startup_model: str
    rss_rest: dict[str, float]
    processes: dict[str, int]
    families: list[FamilyResult] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    verdict: str  # PASS, MISS or "" (no target)


HEADERS = (
    "family",
    "path",
    "c",
    "req/s",
    "min–max",
    "rows/s",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "errors",
    "target",
    "",
)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _ratio(result: FamilyResult, key: str) -> float:
    peer = result.scenarios["mlflow64"].rps
    return result.scenarios[key].rps / peer if peer else float("inf")


def _times(ratio: float) -> str:
    """A ratio rounded down, so a ratio shown as reaching a target does reach it."""
    return f"{math.floor(ratio * 10) / 10:.1f}×"


def _target(result: FamilyResult, key: str, rate: float) -> tuple[str, bool]:
    """The target text for a scenario and whether it holds (every row also needs 0 errors)."""
    s = result.scenarios[key]
    checks: dict[str, Callable[[], tuple[str, bool]]] = {
        "gw64": lambda: (
            f"≥{GATEWAY_VS_MLFLOW:g}× mlflow ({_times(_ratio(result, 'gw64'))}), "
            f"p99<{P99_GATEWAY_MS:g}",
            _ratio(result, "gw64") >= GATEWAY_VS_MLFLOW and s.p99_ms < P99_GATEWAY_MS,
        ),
        "rate": lambda: (
            f"≥{SERVED_SHARE * rate:,.0f}/s, p99<{P99_GATEWAY_MS:g}, "
            f"sends late p99<{SCHEDULE_LAG_MS:g} ms ({s.lag_p99_ms:.1f})",
            s.rps >= SERVED_SHARE * rate
            and s.p99_ms < P99_GATEWAY_MS
            and s.lag_p99_ms < SCHEDULE_LAG_MS,
        ),
        "inf64": lambda: (
            f"≥{INFERENCE_VS_MLFLOW:g}× mlflow ({_times(_ratio(result, 'inf64'))})",
            _ratio(result, "inf64") >= INFERENCE_VS_MLFLOW,
        ),
        "inf8": lambda: (f"p99<{P99_INFERENCE_C8_MS:g}", s.p99_ms < P99_INFERENCE_C8_MS),
        "batch": lambda: (
            f"≥{BATCH_ROWS_PER_S:,.0f} rows/s",
            s.rows_per_s >= BATCH_ROWS_PER_S,
        ),
    }
    text, ok = checks[key]() if key in checks else ("", True)
    text = f"{text}, 0 errors" if text else "0 errors"
    return text, ok and s.errors == 0


def _scenario_row(result: FamilyResult, key: str, rate: float) -> Row:
    s = result.scenarios[key]
    low, high = s.rps_range
    text, ok = _target(result, key, rate)
    return Row(
        (
            result.family,
            s.label,
            str(s.load.connections),
            f"{s.rps:,.0f}",
            f"{low:,.0f}–{high:,.0f}",
            f"{s.rows_per_s:,.0f}",
            f"{s.p50_ms:.1f}",
            f"{s.p90_ms:.1f}",
            f"{s.p99_ms:.1f}",
            f"{s.max_ms:.0f}",
            f"{s.errors}",
            text,
        ),
        _verdict(ok),
    )


def _rows_written_row(result: FamilyResult) -> Row:
    written, ledger = result.written, result.ledger
    ok = ledger.expected <= written <= ledger.expected + ledger.slack
    text = (
        f"written {written:,} = 2xx×rows {ledger.expected:,} + {written - ledger.expected:,} "
        f"in flight at wrk's stop (≤ {ledger.slack:,})"
        if written >= ledger.expected
        else f"written {written:,} < 2xx×rows {ledger.expected:,}: "
        f"{ledger.expected - written:,} missing"
    )
    if any(result.writer.values()):
        text += "; inference log writer: " + ", ".join(
            f"{name} {value:,.0f}" for name, value in result.writer.items()
        )
    return Row((result.family, "prediction rows in Postgres", *[""] * 9, text), _verdict(ok))


def table_rows(report: Report) -> list[Row]:
    rows = []
    for result in report.families:
        rows += [_scenario_row(result, key, report.rate) for key in result.scenarios]
        rows.append(_rows_written_row(result))
    return rows


def _grid(
    headers: tuple[str, ...],
    lines: Sequence[tuple[str, ...]],
    *,
    markdown: bool,
    left: frozenset[int] = frozenset({0}),
) -> list[str]:
    """A table as Markdown, or as text with the `left` columns left-aligned, others right."""
    if markdown:
        out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        return out + ["| " + " | ".join(line) + " |" for line in lines]
    grid = [headers, *lines]
    widths = [max(len(line[i]) for line in grid) for i in range(len(headers))]
    return [
        "  ".join(
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ).rstrip()
        for line in grid
    ]


def _served(result: FamilyResult) -> str:
    extra = {
        k: v
        for k, v in result.served.items()
        if k not in {"name", "version", "variant", "run_id", "metrics", "since"}
    }
    runtime = ", ".join(f"{k}: {v}" for k, v in extra.items())
    return (
        f"- {result.family}: version {result.version}, serving {result.promote_s:.1f} s after "
        f"promote{f' ({runtime})' if runtime else ''}"
    )


def _rss(report: Report, *, markdown: bool) -> list[str]:
    headers = (
        "process tree (processes)",
        "at rest",
        *(f"after {r.family}" for r in report.families),
    )
    lines = [
        (
            f"{name} ({report.processes.get(name, 0)})",
            f"{rest:.0f}",
            *(f"{r.rss_after.get(name, 0):.0f}" for r in report.families),
        )
        for name, rest in report.rss_rest.items()
    ]
    lines.append(
        (
            "mlflow models serve",
            " / ".join(f"{r.rss_mlflow_rest:.0f}" for r in report.families),
            *(f"{r.rss_after.get('mlflow serve', 0):.0f}" for r in report.families),
        )
    )
    return ["RSS in MB:", "", *_grid(headers, lines, markdown=markdown)]


def _cpu(report: Report, *, markdown: bool) -> list[str]:
    headers = ("family", "process", "share of one core", "CPU ms per request")
    lines = []
    for result in report.families:
        requests = sum(run.requests for run in result.scenarios["rate"].runs)
        wall = result.cpu_wall_s or 1.0
        for name, seconds in [*result.cpu_s.items(), ("whole machine", result.machine_busy_s)]:
            lines.append(
                (
                    result.family,
                    name,
                    f"{seconds / wall:.0%}",
                    f"{1000 * seconds / max(requests, 1):.2f}",
                )
            )
    return [
        f"CPU during the fixed-rate runs ({report.nproc} cores = {report.nproc * 100}%):",
        "",
        *_grid(headers, lines, markdown=markdown, left=frozenset({0, 1})),
    ]


def _resources(report: Report, *, markdown: bool) -> list[str]:
    return [
        f"- inference start-to-ready: {report.inference_ready_s:.1f} s "
        f"(serving the bootstrap model, {report.startup_model})",
        *(_served(result) for result in report.families),
        "",
        *_rss(report, markdown=markdown),
        "",
        *_cpu(report, markdown=markdown),
    ]


def render(report: Report, *, markdown: bool) -> str:
    header = [
        f"serving benchmark · {report.date} · nproc {report.nproc} · {report.settings}",
        f"command: {report.command}",
        "",
    ]
    rows = table_rows(report)
    body = _grid(
        HEADERS,
        [(*row.cells, row.verdict) for row in rows],
        markdown=markdown,
        left=frozenset({0, 1, len(HEADERS) - 2, len(HEADERS) - 1}),
    )
    passed = sum(row.verdict == "PASS" for row in rows)
    missed = sum(row.verdict == "MISS" for row in rows)
    footer = [
        "",
        f"targets: {passed} PASS, {missed} MISS",
        "",
        *_resources(report, markdown=markdown),
    ]
    if markdown:
        header = [f"**{header[0]}**", "", f"`{report.command}`", ""]
    return "\n".join(header + body + footer) + "\n"
