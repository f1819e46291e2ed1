"""Serving benchmark: the stack as processes, load from `hey` at a fixed arrival rate.

Measures one prediction's latency (sequential) directly at inference and through the
gateway, then a fixed-rate load (default 1,000 requests/s) through the gateway, and prints
a table. Rate limits are raised for the run; everything else is the production stack.
"""

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from ops import devstack
from ops.stack import START_ORDER, ServiceStack
from shared.migrations import apply_migrations

BODY = json.dumps({"idade": 35, "renda_anual": 85000.0})
ADMIN = ("bench-admin", "bench-admin-password")


@dataclass
class LoadResult:
    label: str
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def hey(
    url: str,
    *,
    total: int,
    concurrency: int,
    rate_per_worker: float | None,
    token: str | None,
    label: str,
) -> LoadResult:
    """Run `hey` and parse its summary."""
    args = [
        "hey",
        "-n",
        str(total),
        "-c",
        str(concurrency),
        "-m",
        "POST",
        "-T",
        "application/json",
        "-d",
        BODY,
    ]
    if rate_per_worker:
        args += ["-q", str(rate_per_worker)]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout

    def pct(p: int) -> float:
        match = re.search(rf"{p}% in ([\d.]+) secs", out)
        return float(match.group(1)) * 1000 if match else float("nan")

    codes = {int(c): int(n) for c, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return LoadResult(
        label,
        sum(codes.values()),
        rps,
        pct(50),
        pct(95),
        pct(99),
        sum(n for c, n in codes.items() if c != 200),
    )


def start_stack(work: Path) -> tuple[ServiceStack, list]:
    """Postgres (DATABASE_URL's server or a throwaway one), MLflow, a demo model, 4 services."""
    cleanup: list = []
    admin_dsn = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if not devstack.postgres_answers(admin_dsn):
        server = devstack.LocalPostgres(work / "pg", devstack.free_port())
        admin_dsn = server.start()
        cleanup.append(server.stop)
    dsn = devstack.create_database(
        devstack.with_database(admin_dsn, "postgres"), "mlp_bench_serving", drop_first=True
    )
    asyncio.run(apply_migrations(dsn))
    mlflow_url, mlflow_child = devstack.start_mlflow(work / "mlflow", devstack.free_port())
    cleanup.append(mlflow_child.stop)
    from services.training.bootstrap import bootstrap

    bootstrap(dsn=dsn, tracking_uri=mlflow_url, model_name="bench-model", demo_rows=10_000)
    stack = ServiceStack(
        env={
            "ENVIRONMENT": "test",
            "DATABASE_URL": dsn,
            "MLFLOW_TRACKING_URI": mlflow_url,
            "MODEL_NAME": "bench-model",
            "JWT_SECRET": "b" * 48,
            "ADMIN_USERNAME": ADMIN[0],
            "ADMIN_PASSWORD": ADMIN[1],
            "RATE_LIMIT_PREDICT": "1000000/minute",
            "RATE_LIMIT_PER_IP": "1000000/minute",
            "LOG_LEVEL": "WARNING",
            **({"REDIS_URL": os.environ["REDIS_URL"]} if "REDIS_URL" in os.environ else {}),
        },
        ports={name: devstack.free_port() for name in START_ORDER},
        log_dir=work / "logs",
    )
    stack.start()
    return stack, cleanup


def main() -> None:
    if not shutil.which("hey"):
        raise SystemExit("hey not found: apt-get install hey")
    rate = float(os.environ.get("BENCH_RATE", "1000"))
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    with tempfile.TemporaryDirectory() as tmp:
        stack, cleanup = start_stack(Path(tmp))
        try:
            token = httpx.post(
                f"{stack.url('gateway')}/auth/token",
                data={"username": ADMIN[0], "password": ADMIN[1]},
            ).json()["access_token"]
            gateway, inference = (
                f"{stack.url('gateway')}/v1/predict",
                f"{stack.url('inference')}/v1/predict",
            )
            hey(
                gateway,
                total=500,
                concurrency=10,
                rate_per_worker=None,
                token=token,
                label="warm-up",
            )
            workers = 50
            results = [
                hey(
                    inference,
                    total=1000,
                    concurrency=1,
                    rate_per_worker=None,
                    token=None,
                    label="inference direct, sequential",
                ),
                hey(
                    gateway,
                    total=1000,
                    concurrency=1,
                    rate_per_worker=None,
                    token=token,
                    label="gateway, sequential",
                ),
                hey(
                    gateway,
                    total=int(rate * seconds),
                    concurrency=workers,
                    rate_per_worker=rate / workers,
                    token=token,
                    label=f"gateway, {rate:.0f} req/s offered",
                ),
                hey(
                    gateway,
                    total=int(rate * 10),
                    concurrency=64,
                    rate_per_worker=None,
                    token=token,
                    label="gateway, closed loop c=64 (capacity)",
                ),
            ]
        finally:
            stack.stop()
            for stop in reversed(cleanup):
                stop()
    print(f"\nserving benchmark ({os.cpu_count()} cores; load generator on the same machine)")
    columns = ("requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
    print(f"{'scenario':42} " + " ".join(f"{c:>9}" for c in columns))
    for r in results:
        print(
            f"{r.label:42} {r.requests:>9} {r.rps:>9.0f} {r.p50_ms:>9.2f} {r.p95_ms:>9.2f} "
            f"{r.p99_ms:>9.2f} {r.errors:>9}"
        )


if __name__ == "__main__":
    main()
