"""Serving benchmark (issue 8): the stack as processes, wrk load, `mlflow models serve` as the peer.

For each model family in turn (`logistic_regression`, `hist_gradient_boosting`) it registers a
version fitted on the demo rows, promotes it through the gateway, serves the same version with
`mlflow models serve`, and measures on loopback, with JWT, Redis-backed limits (raised so they
never trigger) and prediction logging all on:

- gateway /v1/predict at c=1, 8, 64 (at 64 also with a `customer_id` in every body, which the
  gateway pseudonymises), and at a fixed arrival rate (paced in the wrk script);
- inference /v1/predict directly at c=8 and 64; `mlflow models serve` at c=64;
- gateway /v1/predict/batch with 1,000 rows per request;
- prediction rows written to Postgres against the 2xx answers wrk counted;
- RSS per service, inference start-to-ready, and the CPU split during the fixed-rate runs.

Latencies are wrk's: from the send of each request, with wrk 4's own coordinated-omission
correction applied to the histogram. In the fixed-rate runs the script also reports how late the
sends were against their schedule; a lateness near zero means the rate really was offered.

It prints one table (medians of the repeats, the req/s range, PASS/MISS against the targets) and
writes it as Markdown to $BENCH_MARKDOWN when set. Knobs (defaults): BENCH_SECONDS (5),
BENCH_WARMUP (2), BENCH_REPEATS (3), BENCH_RATE (1000), BENCH_RATE_SECONDS (30),
BENCH_FAMILIES (both), BENCH_WRK_THREADS (1), BENCH_BATCH_ROWS (1000),
BENCH_BATCH_CONNECTIONS (8), BENCH_MLFLOW_WORKERS (1), BENCH_WORKERS (the stack's own).
"""

import dataclasses
import os
import subprocess  # nosec B404 # argument lists only, never a shell
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench import _serving_stack as stack
from bench._serving_load import Load, Run, Scenario, drive, require_wrk
from bench._serving_proc import CpuMeter, listening_pid, postgres_pids, rss_mb, tree
from bench._serving_report import FamilyResult, Report, render

_STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"  [{time.monotonic() - _STARTED:4.0f} s] {message}", flush=True)


FAMILIES = ("logistic_regression", "hist_gradient_boosting")
SERVICES = ("gateway", "inference", "training", "drift")


@dataclasses.dataclass(frozen=True)
class Settings:
    seconds: float
    warmup: float
    repeats: int
    rate: float
    rate_seconds: float
    families: tuple[str, ...]
    threads: int
    batch_rows: int
    batch_connections: int
    mlflow_workers: int

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ.get
        families = tuple(f.strip() for f in env("BENCH_FAMILIES", ",".join(FAMILIES)).split(","))
        return cls(
            seconds=float(env("BENCH_SECONDS", "5")),
            warmup=float(env("BENCH_WARMUP", "2")),
            repeats=int(env("BENCH_REPEATS", "3")),
            rate=float(env("BENCH_RATE", "1000")),
            rate_seconds=float(env("BENCH_RATE_SECONDS", "30")),
            families=tuple(f for f in families if f),
            threads=int(env("BENCH_WRK_THREADS", "1")),
            batch_rows=int(env("BENCH_BATCH_ROWS", "1000")),
            batch_connections=int(env("BENCH_BATCH_CONNECTIONS", "8")),
            mlflow_workers=int(env("BENCH_MLFLOW_WORKERS", "1")),
        )

    def describe(self) -> str:
        wrk = subprocess.run(  # nosec B603 # wrk from PATH, an argument list, no shell
            [require_wrk(), "-v"],
            capture_output=True,
            text=True,
            check=False,
        )
        version = " ".join(wrk.stdout.split()[:2]) or "wrk"
        return (
            f"{version} -t{self.threads} --timeout 2s · {self.repeats} repeats × "
            f"{self.seconds:g} s after a {self.warmup:g} s warm-up (fixed rate: "
            f"{self.rate_seconds:g} s) · medians · mlflow serve --workers {self.mlflow_workers}"
        )

    def planned_load_s(self) -> float:
        per_family = 8 * self.warmup + self.repeats * (7 * self.seconds + self.rate_seconds)
        return per_family * len(self.families)


def command() -> str:
    knobs = " ".join(
        f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("BENCH_") and v
    )
    run = "make bench BENCH=serving" if "MAKELEVEL" in os.environ else "python -m bench serving"
    return f"{knobs} {run}".strip()


def plan(settings: Settings, bench: stack.Bench, token: str, family: str, peer: str) -> list:
    """The scenarios for one family, in table order."""
    gateway, inference = bench.url("gateway"), bench.url("inference")

    def load(url: str, connections: int, **kw: object) -> Load:
        base = Load(url, connections, settings.seconds, threads=settings.threads)
        return dataclasses.replace(base, **kw)  # type: ignore[arg-type]

    predict, direct = f"{gateway}/v1/predict", f"{inference}/v1/predict"
    signed = bench.inference_token()  # inference answers only signed internal calls
    rows = settings.batch_rows
    return [
        Scenario("gw1", family, "gateway /v1/predict", load(predict, 1, token=token), True),
        Scenario("gw8", family, "gateway /v1/predict", load(predict, 8, token=token), True),
        Scenario("gw64", family, "gateway /v1/predict", load(predict, 64, token=token), True),
        Scenario(
            "gw64id",
            family,
            "gateway /v1/predict + customer_id",
            load(predict, 64, token=token, mode="predict_id"),
            True,
        ),
        Scenario("inf8", family, "inference /v1/predict", load(direct, 8, token=signed), True),
        Scenario("inf64", family, "inference /v1/predict", load(direct, 64, token=signed), True),
        Scenario(
            "mlflow64",
            family,
            "mlflow models serve /invocations",
            load(f"{peer}/invocations", 64, mode="mlflow"),
            False,
        ),
        Scenario(
            "rate",
            family,
            f"gateway /v1/predict, {settings.rate:,.0f}/s offered",
            load(predict, 64, token=token, rate=settings.rate, seconds=settings.rate_seconds),
            True,
        ),
        Scenario(
            "batch",
            family,
            f"gateway /v1/predict/batch ×{rows}",
            load(
                f"{gateway}/v1/predict/batch",
                settings.batch_connections,
                token=token,
                mode="batch",
                rows=rows,
            ),
            True,
        ),
    ]


def cpu_meter(bench: stack.Bench) -> CpuMeter:
    """Process groups whose CPU the fixed-rate runs split: services, Redis, Postgres (+ wrk)."""
    redis_port = urlsplit(bench.redis_url).port or 6379
    redis_pid, postmaster = listening_pid(redis_port), listening_pid(bench.postgres_port)

    def group(pid: int | None) -> Callable[[], list[int]]:
        return lambda: tree(pid) if pid else []

    return CpuMeter(
        {
            "gateway": group(bench.service_pid("gateway")),
            "inference": group(bench.service_pid("inference")),
            "redis-server": group(redis_pid),
            "postgres": lambda: postgres_pids(postmaster, stack.DATABASE) if postmaster else [],
        }
    )


def run_scenario(
    scenario: Scenario, result: FamilyResult, settings: Settings, meter: CpuMeter
) -> None:
    ledger = result.ledger if scenario.logs_rows else None
    if settings.warmup > 0:
        drive(dataclasses.replace(scenario.load, seconds=settings.warmup), ledger=ledger)
    for _ in range(settings.repeats):
        if scenario.key != "rate":
            scenario.runs.append(drive(scenario.load, ledger=ledger))
            continue
        run, window = meter.measure(lambda: drive(scenario.load, ledger=ledger))
        assert isinstance(run, Run)
        scenario.runs.append(run)
        for name, seconds in window.by_group.items():
            result.cpu_s[name] = result.cpu_s.get(name, 0.0) + seconds
        result.cpu_wall_s += window.seconds
        result.machine_busy_s += window.machine_busy_cores * window.seconds
    low, high = scenario.rps_range
    progress(
        f"{scenario.family} {scenario.label} c={scenario.load.connections}: "
        f"{scenario.rps:,.0f} req/s ({low:,.0f}–{high:,.0f}), p99 {scenario.p99_ms:.1f} ms, "
        f"errors {scenario.errors}"
    )


def run_family(bench: stack.Bench, settings: Settings, family: str, token: str) -> FamilyResult:
    """Register, promote and measure one family; the mlflow peer serves the same version."""
    version = stack.register_family(bench, family)
    promoted = time.monotonic()
    served = stack.promote(bench, version, token)
    result = FamilyResult(family, version, served, time.monotonic() - promoted)
    progress(f"{family}: version {version} in production ({served.get('runtime', '?')})")
    peer, peer_child = stack.start_mlflow_serve(bench, version, settings.mlflow_workers)
    progress(f"{family}: mlflow models serve ready")
    try:
        assert peer_child.process is not None
        result.rss_mlflow_rest = rss_mb(tree(peer_child.process.pid))
        before = stack.count_predictions(bench.dsn)
        writer_before = stack.log_writer_metrics(bench)
        meter = cpu_meter(bench)
        for scenario in plan(settings, bench, token, family, peer):
            result.scenarios[scenario.key] = scenario
            run_scenario(scenario, result, settings, meter)
        result.rss_after = {name: rss_mb(tree(bench.service_pid(name))) for name in SERVICES}
        result.rss_after["mlflow serve"] = rss_mb(tree(peer_child.process.pid))
    finally:
        peer_child.stop()
    result.written = stack.wait_for_log_flush(bench) - before
    writer_after = stack.log_writer_metrics(bench)
    result.writer = {k: writer_after[k] - writer_before[k] for k in ("dropped", "failed writes")}
    progress(f"{family}: {result.written:,} prediction rows written")
    return result


def measure(settings: Settings, work: Path) -> Report:
    bench = stack.start(work)
    progress("stack ready")
    try:
        token = stack.token(bench.url("gateway"))
        startup = httpx.get(
            f"{bench.url('gateway')}/v1/models",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        pids = {name: tree(bench.service_pid(name)) for name in SERVICES}
        report = Report(
            date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            nproc=os.cpu_count() or 0,
            command=command(),
            settings=settings.describe(),
            rate=settings.rate,
            inference_ready_s=bench.inference_ready_s,
            startup_model=f"version {(startup.get('production') or {}).get('version')}",
            rss_rest={name: rss_mb(found) for name, found in pids.items()},
            processes={name: len(found) for name, found in pids.items()},
        )
        for family in settings.families:
            report.families.append(run_family(bench, settings, family, token))
    finally:
        bench.close()
    return report


def main() -> None:
    require_wrk()
    settings = Settings.from_env()
    started = time.monotonic()
    print(
        f"serving benchmark: families {', '.join(settings.families)}; "
        f"≈ {settings.planned_load_s():.0f} s of load plus start-up",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-serving-") as tmp:
        report = measure(settings, Path(tmp))
    print()
    print(render(report, markdown=False), end="")
    print(f"(wall time {time.monotonic() - started:.0f} s)")
    target = os.environ.get("BENCH_MARKDOWN")
    if target:
        Path(target).write_text(render(report, markdown=True))
        print(f"Markdown written to {target}")


if __name__ == "__main__":
    main()
