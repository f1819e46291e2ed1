"""The stack the serving benchmark measures, and the model versions it serves.

Postgres (DATABASE_URL's server or a throwaway one), an own MLflow server, Redis (REDIS_URL,
else the local 6379, else a throwaway one), a demo model, then the four services with JWT,
Redis-backed limits (raised so they never trigger) and prediction logging all on.
"""

import asyncio
import contextlib
import io
import logging
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

from ops import devstack
from ops.stack import START_ORDER, ServiceStack
from shared.service_auth import ServiceCredentials

MODEL_NAME = "bench-model"
DATABASE = "mlp_bench_serving"
ADMIN = ("bench-admin", "bench-admin-password")
DEMO_ROWS = 10_000
SEED = 42
HIGH_LIMIT = "100000000/minute"


@dataclass
class Bench:
    """Everything started for the run; `close` stops it in reverse order."""

    work: Path
    dsn: str = ""
    postgres_port: int = 0
    redis_url: str = ""
    mlflow_url: str = ""
    stack: ServiceStack | None = None
    inference_ready_s: float = 0.0
    # The key the services sign their calls with; the direct-to-inference scenarios sign too.
    service_key: str = field(default_factory=lambda: secrets.token_hex(32))
    cleanup: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        if self.stack is not None:
            self.stack.stop()
        for stop in reversed(self.cleanup):
            stop()

    def url(self, service: str) -> str:
        assert self.stack is not None
        return self.stack.url(service)

    def inference_token(self) -> str:
        """A service credential for calling inference directly, as the gateway would (1 h)."""
        credentials = ServiceCredentials(self.service_key, "gateway", ttl_s=3600)
        return credentials.mint("inference", subject="bench", scopes=["predict"])

    def service_pid(self, service: str) -> int:
        assert self.stack is not None
        process = self.stack.children[service].process
        assert process is not None
        return process.pid


def _postgres(bench: Bench) -> None:
    admin_dsn = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    if not devstack.postgres_answers(admin_dsn):
        server = devstack.LocalPostgres(bench.work / "pg", devstack.free_port())
        admin_dsn = server.start()
        bench.cleanup.append(server.stop)
    admin_dsn = devstack.with_database(admin_dsn, "postgres")
    bench.dsn = devstack.create_database(admin_dsn, DATABASE, drop_first=True)
    bench.cleanup.append(lambda: devstack.drop_database(admin_dsn, DATABASE))
    bench.postgres_port = urlsplit(bench.dsn).port or 5432
    from shared.migrations import apply_migrations

    asyncio.run(apply_migrations(bench.dsn))


def _redis(bench: Bench) -> None:
    for url in (os.environ.get("REDIS_URL"), "redis://127.0.0.1:6379/0"):
        if url and devstack.redis_answers(url):
            bench.redis_url = url
            return
    bench.redis_url, child = devstack.start_redis(bench.work / "redis", devstack.free_port())
    bench.cleanup.append(child.stop)


def _service_env(bench: Bench) -> dict[str, str]:
    return {
        "ENVIRONMENT": "test",
        "DATABASE_URL": bench.dsn,
        "MLFLOW_TRACKING_URI": bench.mlflow_url,
        "MODEL_NAME": MODEL_NAME,
        "JWT_SECRET": secrets.token_hex(32),
        "SERVICE_KEY": bench.service_key,
        "ADMIN_USERNAME": ADMIN[0],
        "ADMIN_PASSWORD": ADMIN[1],
        "REDIS_URL": bench.redis_url,
        # Own keys on a shared Redis; limits high enough never to answer 429 during the run.
        "RATE_LIMIT_KEY_PREFIX": f"mlp-bench-{os.getpid()}",
        "RATE_LIMIT_PREDICT": HIGH_LIMIT,
        "RATE_LIMIT_PER_IP": HIGH_LIMIT,
        "RATE_LIMIT_ADMIN": HIGH_LIMIT,
        "RATE_LIMIT_AUTH": HIGH_LIMIT,
        "INFERENCE_LOG_PREDICTIONS": "true",
        "LOG_LEVEL": "WARNING",
    }


def _workers() -> dict[str, int]:
    """BENCH_WORKERS="gateway=2,inference=2" overrides the stack's worker counts."""
    spec = os.environ.get("BENCH_WORKERS", "").strip()
    pairs = (item.split("=", 1) for item in spec.split(",") if item.strip())
    return {name.strip(): int(count) for name, count in pairs}


def _quiet() -> None:
    """Keep MLflow's INFO lines and run links, and the bootstrap's expected warning (inference is
    not up yet when it asks for a reload), out of the benchmark's output."""
    os.environ["MLFLOW_LOGGING_LEVEL"] = "WARNING"
    os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
    logging.getLogger("services.training").setLevel(logging.ERROR)


@contextlib.contextmanager
def _registry_chatter() -> Iterator[None]:
    """Hold back what MLflow prints to stderr while registering; show it only on failure."""
    held = io.StringIO()
    try:
        with contextlib.redirect_stderr(held):
            yield
    except BaseException:
        sys.stderr.write(held.getvalue())
        raise


def start(work: Path) -> Bench:
    """Start everything; inference is started alone first so its start-to-ready time is its own."""
    bench = Bench(work)
    _quiet()
    try:
        _postgres(bench)
        _redis(bench)
        # MLflow's GenAI job runner is not used here and costs ≈ 2 GB and CPU.
        os.environ.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
        bench.mlflow_url, mlflow_child = devstack.start_mlflow(
            work / "mlflow", devstack.free_port()
        )
        bench.cleanup.append(mlflow_child.stop)
        from services.training.bootstrap import bootstrap

        with _registry_chatter():
            bootstrap(
                dsn=bench.dsn,
                tracking_uri=bench.mlflow_url,
                model_name=MODEL_NAME,
                demo_rows=DEMO_ROWS,
            )
        bench.stack = ServiceStack(
            env=_service_env(bench),
            ports={name: devstack.free_port() for name in START_ORDER},
            log_dir=work / "logs",
        )
        workers = _workers()
        if workers:  # the stack's own counts otherwise
            bench.stack.workers = workers
        started = time.monotonic()
        bench.stack.start(("inference",))
        bench.inference_ready_s = time.monotonic() - started
        bench.stack.start(("training", "drift", "gateway"))
    except BaseException:
        bench.close()
        raise
    return bench


def token(gateway: str) -> str:
    answer = httpx.post(
        f"{gateway}/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]}, timeout=10
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


async def _labelled_frame(dsn: str) -> Any:
    import pandas as pd

    from shared.repositories import features

    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
    try:
        return pd.DataFrame(await features.read_labelled(pool))
    finally:
        await pool.close()


def register_family(bench: Bench, family: str) -> str:
    """Fit `family` on the demo rows and register it the way every training run does.

    The model goes through the training pipeline's own log-and-register function (skops,
    pinned requirements, the ONNX form) with the reference sample inference verifies against.
    """
    import mlflow

    from services.training.modeling import candidates, tracking
    from shared import registry
    from shared.contract import FEATURES

    frame = asyncio.run(_labelled_frame(bench.dsn))
    X, y = candidates.features_and_target(frame)
    X_train, _, y_train, _ = candidates.holdout_split(X, y, seed=SEED)
    pipelines = candidates.build_candidates(seed=SEED)
    if family not in pipelines:
        raise SystemExit(f"unknown family {family!r}; the candidates are {sorted(pipelines)}")
    model = pipelines[family].fit(X_train, y_train)
    reference = candidates.reference_sample(model, X_train, seed=SEED)
    registry.configure_mlflow(bench.mlflow_url)
    mlflow.set_experiment(MODEL_NAME)
    with _registry_chatter(), mlflow.start_run(run_name=f"bench-{family}"):
        mlflow.log_param("model_family", family)
        mlflow.log_text(reference.to_csv(index=False), tracking.REFERENCE_ARTIFACT)
        return tracking.log_and_register_model(
            model,
            model_name=MODEL_NAME,
            example=reference.loc[:4, list(FEATURES)].astype(float),
        )


def promote(bench: Bench, version: str, admin_token: str, *, timeout: float = 120.0) -> dict:
    """Move production to `version` through the gateway; wait until it serves (every worker)."""
    gateway = bench.url("gateway")
    headers = {"Authorization": f"Bearer {admin_token}"}
    answer = httpx.post(
        f"{gateway}/v1/models/{version}/promote",
        json={"force": True, "reason": "serving benchmark"},
        headers=headers,
        timeout=60,
    )
    if answer.status_code not in (200, 409):  # 409: already production
        raise RuntimeError(f"promote {version}: {answer.status_code} {answer.text[:300]}")
    deadline, agreeing = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        models = httpx.get(f"{gateway}/v1/models", headers=headers, timeout=10).json()
        production = models.get("production") or {}
        agreeing = agreeing + 1 if production.get("version") == version else 0
        if agreeing >= 10:  # answers come from any inference worker: ask until all agree
            runtime = served_runtime(bench)
            return dict(production) | ({"runtime": runtime} if runtime else {})
        time.sleep(0.1 if agreeing else 0.5)
    raise TimeoutError(f"production did not move to version {version} within {timeout:.0f}s")


def served_runtime(bench: Bench) -> str | None:
    """The runtime scoring production (onnx or sklearn), from inference's metrics."""
    text = httpx.get(f"{bench.url('inference')}/metrics", timeout=10).text
    for line in text.splitlines():
        if line.startswith("inference_model_runtime{") and 'alias="production"' in line:
            found = re.search(r'runtime="(\w+)"', line)
            if found and float(line.rsplit(" ", 1)[1]) == 1.0:
                return found.group(1)
    return None


def count_predictions(dsn: str) -> int:
    async def count() -> int:
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM predictions"))
        finally:
            await conn.close()

    return asyncio.run(count())


LOG_WRITER_METRICS = {
    "dropped": "inference_prediction_log_dropped_total",
    "failed writes": "inference_prediction_log_failures_total",
    "pending": "inference_prediction_log_pending",
}


def log_writer_metrics(bench: Bench) -> dict[str, float]:
    """The prediction log writer's counters from inference's /metrics (one worker's view)."""
    text = httpx.get(f"{bench.url('inference')}/metrics", timeout=10).text
    values = dict.fromkeys(LOG_WRITER_METRICS, 0.0)
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        for key, metric in LOG_WRITER_METRICS.items():
            if name == metric:
                values[key] += float(value)
    return values


def wait_for_log_flush(bench: Bench, *, quiet_s: float = 2.0, limit_s: float = 60.0) -> int:
    """Count prediction rows until the writer has nothing pending and the count has stopped
    moving for `quiet_s` (it writes in batches), or `limit_s` passes."""
    deadline = time.monotonic() + limit_s
    last, still_since = count_predictions(bench.dsn), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = count_predictions(bench.dsn)
        if now != last:
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= quiet_s and not log_writer_metrics(bench)["pending"]:
            break
    return last


def start_mlflow_serve(
    bench: Bench, version: str, workers: int
) -> tuple[str, devstack.ChildProcess]:
    """`mlflow models serve` on the same registered version, local environment, `workers`."""
    port = devstack.free_port()
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    # It runs uvicorn from PATH even with --env-manager local: make that the venv's.
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["MLFLOW_TRACKING_URI"] = bench.mlflow_url
    child = devstack.ChildProcess(
        [
            str(bin_dir / "mlflow"),
            "models",
            "serve",
            "-m",
            f"models:/{MODEL_NAME}/{version}",
            "--env-manager",
            "local",
            "-p",
            str(port),
            "-h",
            "127.0.0.1",
            "-w",
            str(workers),
        ],
        bench.work / "logs" / f"mlflow-serve-{version}.log",
        env=env,
    )
    process = child.start()
    url = f"http://127.0.0.1:{port}"
    try:
        devstack.wait_http(f"{url}/ping", timeout=120, process=process)
    except (TimeoutError, RuntimeError):
        child.stop()
        raise
    return url, child
