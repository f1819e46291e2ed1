"""`make soak`: a steady rate through the gateway for DURATION seconds (default 600).

Starts a private stack (its own database and model name on the Postgres and Redis of
DATABASE_URL / REDIS_URL or the local defaults, MLflow from MLFLOW_TRACKING_URI or a throwaway
server), sends RATE predictions per second (default 200), and prints: errors (must be 0),
p50/p99 per minute, and RSS, open fds and Postgres connections per service at start and end.
Exits non-zero on any error or on a prediction row missing from Postgres.
"""

import asyncio
import contextlib
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

from ops import devstack
from ops.load import FixedRateLoad, Outcome, ProcessSample, percentile, sample_process, statuses
from ops.stack import START_ORDER, ServiceStack
from shared.migrations import apply_migrations

ADMIN = ("soak-admin", secrets.token_urlsafe(12))


@dataclass
class SoakStack:
    stack: ServiceStack
    dsn: str

    @property
    def gateway(self) -> str:
        return self.stack.url("gateway")

    def samples(self) -> dict[str, ProcessSample]:
        port = urlsplit(self.dsn).port or 5432
        return {
            name: sample_process(child.process.pid, db_port=port)
            for name, child in self.stack.children.items()
            if child.process is not None
        }


def _answering(url: str | None, check: str) -> bool:
    if not url:
        return False
    if check == "redis":
        return devstack.redis_answers(url)
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def soak_stack(work_dir: Path) -> Iterator[SoakStack]:
    """Every service as a process on a database and model name of their own."""
    admin_dsn = devstack.with_database(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        "postgres",
    )
    label = f"soak_{secrets.token_hex(4)}"
    dsn = devstack.create_database(admin_dsn, label)
    asyncio.run(apply_migrations(dsn))
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    mlflow_url = os.environ.get("MLFLOW_TRACKING_URI")
    cleanup: list[Callable[[], None]] = []
    try:
        if not _answering(mlflow_url, "mlflow"):
            mlflow_url, child = devstack.start_mlflow(work_dir / "mlflow", devstack.free_port())
            cleanup.append(child.stop)
        assert mlflow_url is not None
        from services.training.bootstrap import bootstrap

        model_name = f"soak-{label}"
        bootstrap(dsn=dsn, tracking_uri=mlflow_url, model_name=model_name, demo_rows=4_000)
        env = {
            "ENVIRONMENT": "test",
            "DATABASE_URL": dsn,
            "MLFLOW_TRACKING_URI": mlflow_url,
            "MODEL_NAME": model_name,
            "JWT_SECRET": secrets.token_urlsafe(48),
            "SERVICE_KEY": secrets.token_hex(32),
            "ADMIN_USERNAME": ADMIN[0],
            "ADMIN_PASSWORD": ADMIN[1],
            "RATE_LIMIT_PREDICT": "1000000/minute",
            "RATE_LIMIT_PER_IP": "1000000/minute",
            "RATE_LIMIT_KEY_PREFIX": label,
            "LOG_LEVEL": "WARNING",
            **({"REDIS_URL": redis_url} if _answering(redis_url, "redis") else {}),
        }
        stack = ServiceStack(
            env=env,
            ports={name: devstack.free_port() for name in START_ORDER},
            log_dir=work_dir / "logs",
        )
        stack.start()
        cleanup.append(stack.stop)
        yield SoakStack(stack, dsn)
    finally:
        for stop in reversed(cleanup):
            stop()
        devstack.drop_database(admin_dsn, label)


def sign_in(gateway: str) -> str:
    answer = httpx.post(
        f"{gateway}/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]}, timeout=10
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def prediction_rows(dsn: str) -> int:
    async def count() -> int:
        conn = await asyncpg.connect(dsn)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM predictions"))
        finally:
            await conn.close()

    return asyncio.run(count())


def per_minute(outcomes: list[Outcome]) -> list[tuple[int, int, int, float, float]]:
    """(minute, requests, errors, p50 ms, p99 ms) for each minute of the run."""
    minutes: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        minutes.setdefault(int(outcome.sent_at // 60), []).append(outcome)
    rows = []
    for minute, batch in sorted(minutes.items()):
        latencies = [o.latency_s * 1000 for o in batch]
        errors = sum(o.status != 200 for o in batch)
        rows.append(
            (
                minute + 1,
                len(batch),
                errors,
                percentile(latencies, 0.5),
                percentile(latencies, 0.99),
            )
        )
    return rows


def report(
    outcomes: list[Outcome],
    samples: list[tuple[float, dict[str, ProcessSample]]],
    *,
    rate: float,
    seconds: float,
    rows: int,
) -> int:
    """Print the tables; return the number of errors (non-200 answers or missing rows)."""
    errors = sum(o.status != 200 for o in outcomes)
    served = len(outcomes) - errors
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"\nsoak: {len(outcomes)} requests at {rate:g}/s offered over {seconds:.0f} s")
    print(f"machine: {os.cpu_count()} cores, load average at end (1/5/15 min) {load}")
    print(f"statuses: {statuses(outcomes)}   errors: {errors}")
    print(f"prediction rows in Postgres: {rows} of {served} served")
    print("\n| minute | requests | errors | p50 ms | p99 ms |\n|---|---|---|---|---|")
    for minute, count, failed, p50, p99 in per_minute(outcomes):
        print(f"| {minute} | {count} | {failed} | {p50:.1f} | {p99:.1f} |")
    print(
        "\n| service | RSS MB start | RSS MB end | fds start | fds end "
        "| db conns start | db conns end |\n|---|---|---|---|---|---|---|"
    )
    start, end = samples[0][1], samples[-1][1]
    for name in start:
        a, b = start[name], end[name]
        print(
            f"| {name} | {a.rss_mb:.0f} | {b.rss_mb:.0f} | {a.open_fds} | {b.open_fds} "
            f"| {a.db_connections} | {b.db_connections} |"
        )
    # Every sample, so that growth can be told from a plateau.
    names = list(start)
    print("\nopen fds / RSS MB per sample, under load:")
    print("| s | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    for at, sample in samples:
        cells = " | ".join(f"{sample[n].open_fds} / {sample[n].rss_mb:.0f}" for n in names)
        print(f"| {at:.0f} | {cells} |")
    return errors + max(0, served - rows)


def main() -> int:
    seconds = float(os.environ.get("DURATION", "600"))
    rate = float(os.environ.get("RATE", "200"))
    work_dir = Path("var") / "soak" / time.strftime("%Y%m%dT%H%M%S")
    print(f"soak: service logs in {work_dir}/logs", flush=True)
    with soak_stack(work_dir.resolve()) as soak:
        token = sign_in(soak.gateway)
        print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
        load = FixedRateLoad(soak.gateway, token, rate).start()
        print(f"soak: {rate:g} req/s for {seconds:.0f} s through {soak.gateway}", flush=True)
        # Samples are taken under load, with the client's connections open: what differs
        # between them is what the services accumulated, not the load's own sockets. The first
        # 10 s in, then every minute, the last at the end.
        marks = [min(10.0, seconds / 2), *range(60, int(seconds), 60), seconds]
        samples = []
        for mark in marks:
            time.sleep(max(0.0, mark - load.elapsed()))
            samples.append((load.elapsed(), soak.samples()))
        sent = load.stop()
        outcomes = [o for o in sent if o.sent_at < seconds]
        time.sleep(2)  # the prediction log flushes every 0.2 s
        # Rows of the few requests that left after the last full second are not counted.
        late = sum(o.status == 200 for o in sent if o.sent_at >= seconds)
        rows = prediction_rows(soak.dsn) - late
        failed = report(outcomes, samples, rate=rate, seconds=seconds, rows=rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
