"""Load from wrk (C + LuaJIT) with bench/wrk_predict.lua, and medians over repeats."""

import json
import shutil
import statistics
import subprocess  # nosec B404 # argument lists only, never a shell
from dataclasses import dataclass, field
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk_predict.lua")
TIMEOUT = "2s"


@dataclass(frozen=True)
class Load:
    """One wrk invocation: where, how hard, and what to send."""

    url: str
    connections: int
    seconds: float
    mode: str = "predict"  # predict | predict_id | batch | mlflow (see the Lua script)
    rows: int = 1
    rate: float = 0.0  # 0 = closed loop
    token: str | None = None
    threads: int = 1


@dataclass(frozen=True)
class Run:
    """What one wrk run saw (latencies in ms)."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[int, int]
    socket_errors: int
    lag_p99_ms: float
    rows: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def non_2xx(self) -> int:
        return sum(self.statuses.values()) - self.ok


def require_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk not found: apt-get install wrk (make bench installs it)")
    return found


def run_wrk(load: Load) -> Run:
    """Run wrk once and parse the script's BENCH_JSON line."""
    threads = max(1, min(load.threads, load.connections))
    args = [
        require_wrk(),
        f"-t{threads}",
        f"-c{load.connections}",
        f"-d{max(1, round(load.seconds))}s",
        "--timeout",
        TIMEOUT,
        "-s",
        str(WRK_SCRIPT),
    ]
    if load.token:
        args += ["-H", f"Authorization: Bearer {load.token}"]
    args += [load.url, "--", load.mode, str(load.rows), f"{load.rate:g}", str(threads)]
    done = subprocess.run(  # nosec B603 # our load tool, an argument list, no shell
        args,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return Run(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1e3,
        p90_ms=raw["p90_us"] / 1e3,
        p99_ms=raw["p99_us"] / 1e3,
        max_ms=raw["max_us"] / 1e3,
        statuses={int(k): v for k, v in raw["statuses"].items()},
        socket_errors=raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        lag_p99_ms=raw["lag_p99_ms"],
        rows=load.rows,
    )


@dataclass
class Scenario:
    """One row of the table: a path at one load, repeated; the table shows medians."""

    key: str
    family: str
    label: str
    load: Load
    logs_rows: bool  # does the path write prediction rows (gateway and inference do)
    runs: list[Run] = field(default_factory=list)

    def _median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)

    @property
    def rps(self) -> float:
        return self._median("rps")

    @property
    def rps_range(self) -> tuple[float, float]:
        values = [run.rps for run in self.runs]
        return min(values), max(values)

    @property
    def rows_per_s(self) -> float:
        return self.rps * self.load.rows

    @property
    def p50_ms(self) -> float:
        return self._median("p50_ms")

    @property
    def p90_ms(self) -> float:
        return self._median("p90_ms")

    @property
    def p99_ms(self) -> float:
        return self._median("p99_ms")

    @property
    def max_ms(self) -> float:
        return self._median("max_ms")

    @property
    def lag_p99_ms(self) -> float:
        return self._median("lag_p99_ms")

    @property
    def errors(self) -> int:
        """Non-2xx answers plus socket errors (connect, read, write, timeout) over all repeats."""
        return sum(run.non_2xx + run.socket_errors for run in self.runs)


@dataclass
class RowLedger:
    """Prediction rows the load should have left in Postgres: answered 2xx × rows per request.

    Requests still in flight when wrk stops (or that it timed out) may be served and logged
    without wrk counting them, so up to `slack` rows more than `expected` are legitimate.
    """

    expected: int = 0
    slack: int = 0

    def add(self, run: Run, load: Load) -> None:
        self.expected += run.ok * load.rows
        self.slack += (load.connections + run.socket_errors) * load.rows


def drive(load: Load, *, ledger: RowLedger | None) -> Run:
    """One wrk run, booked in `ledger` when the path logs predictions."""
    run = run_wrk(load)
    if ledger is not None:
        ledger.add(run, load)
    return run
