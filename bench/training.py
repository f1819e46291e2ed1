"""Training at scale: CSV ingest rate, extract + train time and the service's peak memory.

`python -m bench training`. For each size a fresh training service runs as its own process
(uvicorn, as deployed) on a fresh database: a synthetic CSV is streamed to
`POST /v1/features/csv`, then a training job is started and followed to the end. Peak memory
is the service process's high-water mark (VmHWM), so it covers ingest, extraction, cross-
validation, the final fit and MLflow logging. Uses DATABASE_URL / MLFLOW_TRACKING_URI when they
answer (else local defaults, else a throwaway MLflow server).
"""

import asyncio
import os
import secrets
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

from ops import devstack
from services.training.synthetic import generate_customers
from shared.migrations import apply_migrations
from shared.service_auth import ServiceCredentials

SIZES = (100_000, 1_000_000)
_CHUNK_ROWS = 100_000
_DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
_DEFAULT_MLFLOW = "http://127.0.0.1:5000"


@dataclass
class Measurement:
    rows: int
    csv_mb: float
    ingest_s: float
    accepted: int
    job_s: float
    idle_rss_mb: float
    peak_rss_mb: float
    status: str
    stages: dict[str, float] = field(default_factory=dict)


def write_csv(path: Path, rows: int, *, seed: int = 42) -> int:
    """Write `rows` synthetic customers as CSV, in chunks so this process stays small."""
    with path.open("w", encoding="utf-8") as out:
        out.write("idade,renda_anual,comprou_produto,observed_at\n")
        for start in range(0, rows, _CHUNK_ROWS):
            frame = generate_customers(min(_CHUNK_ROWS, rows - start), seed=seed + start)
            frame["comprou_produto"] = frame["comprou_produto"].astype(int)
            frame.to_csv(out, header=False, index=False, float_format="%.2f")
    return path.stat().st_size


def _status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _follow_job(client: httpx.Client, job_id: str) -> tuple[dict[str, object], dict[str, float]]:
    began = time.perf_counter()
    stages: dict[str, float] = {}
    while True:
        job = client.get(f"/v1/training/jobs/{job_id}").json()
        stages.setdefault(str(job["stage"]), round(time.perf_counter() - began, 1))
        if job["status"] in ("succeeded", "failed"):
            return job, stages
        time.sleep(0.25)


def _job_seconds(job: dict[str, object]) -> float:
    started = datetime.fromisoformat(str(job["started_at"]))
    finished = datetime.fromisoformat(str(job["finished_at"]))
    return (finished - started).total_seconds()


def measure(rows: int, *, admin_dsn: str, mlflow_uri: str, work: Path) -> Measurement:
    """Ingest and train `rows` customers on a fresh service and database."""
    csv_path = work / f"customers_{rows}.csv"
    size = write_csv(csv_path, rows)
    dsn = devstack.create_database(admin_dsn, f"mlp_bench_training_{rows}", drop_first=True)
    asyncio.run(apply_migrations(dsn))
    port = devstack.free_port()
    env = {
        "DATABASE_URL": dsn,
        "MLFLOW_TRACKING_URI": mlflow_uri,
        "MODEL_NAME": f"bench-training-{uuid.uuid4().hex[:8]}",
        "INFERENCE_URL": "http://127.0.0.1:9",
        "LOG_LEVEL": "WARNING",
        "SERVICE_KEY": secrets.token_hex(32),
    }
    # Training answers only signed internal calls: sign as the gateway would (1 h credential).
    signed = ServiceCredentials(env["SERVICE_KEY"], "gateway", ttl_s=3600)
    service = devstack.start_service("training", port=port, env=env, log_dir=work)
    try:
        url = f"http://127.0.0.1:{port}"
        devstack.wait_http(f"{url}/health/ready", timeout=60, process=service.process)
        assert service.process is not None
        pid = service.process.pid
        idle = _status_mb(pid, "VmRSS")
        auth = signed.authorization("training", subject="bench", scopes=["admin"])
        with (
            httpx.Client(base_url=url, timeout=600, headers=auth) as client,
            csv_path.open("rb") as body,
        ):
            began = time.perf_counter()
            report = client.post(
                "/v1/features/csv", content=body, headers={"Content-Type": "text/csv"}
            ).json()
            ingest_s = time.perf_counter() - began
            job_id = client.post("/v1/training/jobs", json={"reason": "bench"}).json()["job_id"]
            job, stages = _follow_job(client, job_id)
        return Measurement(
            rows=rows,
            csv_mb=size / 1e6,
            ingest_s=ingest_s,
            accepted=int(report["accepted"]),
            job_s=_job_seconds(job),
            idle_rss_mb=idle,
            peak_rss_mb=_status_mb(pid, "VmHWM"),
            status=f"{job['status']}{' (promoted)' if job['promoted'] else ''}"
            if job["status"] == "succeeded"
            else f"failed: {job['error']}",
            stages=stages,
        )
    finally:
        service.stop()
        devstack.drop_database(admin_dsn, dsn.rsplit("/", 1)[1])
        csv_path.unlink(missing_ok=True)


def _mlflow() -> tuple[str, devstack.ChildProcess | None]:
    configured = os.environ.get("MLFLOW_TRACKING_URI", _DEFAULT_MLFLOW)
    try:
        if httpx.get(f"{configured}/health", timeout=2).status_code == 200:
            return configured, None
    except httpx.HTTPError:
        pass
    work = Path(tempfile.mkdtemp(prefix="bench-mlflow-"))
    return devstack.start_mlflow(work, devstack.free_port())


def print_table(results: list[Measurement]) -> None:
    """One row per size."""
    print(
        f"{'rows':>10} {'CSV MB':>7} {'ingest s':>9} {'ingest rows/s':>14} "
        f"{'extract+train s':>16} {'RSS idle MB':>12} {'RSS peak MB':>12}  outcome"
    )
    for m in results:
        print(
            f"{m.rows:>10,} {m.csv_mb:>7.1f} {m.ingest_s:>9.1f} {m.accepted / m.ingest_s:>14,.0f} "
            f"{m.job_s:>16.1f} {m.idle_rss_mb:>12.0f} {m.peak_rss_mb:>12.0f}  {m.status}"
        )
    for m in results:
        marks = ", ".join(f"{stage} {at:.1f}s" for stage, at in m.stages.items())
        print(f"  {m.rows:,} rows, stage first seen at: {marks}")


def main() -> None:
    """Measure every size and print the table."""
    admin_dsn = os.environ.get("DATABASE_URL", _DEFAULT_PG)
    admin_dsn = devstack.with_database(admin_dsn, "postgres")
    mlflow_uri, mlflow_child = _mlflow()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-training-") as work:
            results = [
                measure(rows, admin_dsn=admin_dsn, mlflow_uri=mlflow_uri, work=Path(work))
                for rows in SIZES
            ]
    finally:
        if mlflow_child is not None:
            mlflow_child.stop()
    print_table(results)


if __name__ == "__main__":
    main()
