"""`make run`: the whole stack on local defaults, with a demo model. Ctrl-C stops it all.

Uses DATABASE_URL / REDIS_URL / MLFLOW_TRACKING_URI when they are set and answer; otherwise
starts Postgres and MLflow under ./var (kept between runs) and rate-limits in memory.
"""

import asyncio
import os
import secrets
import signal
import sys
import time
from pathlib import Path

import httpx

from ops import devstack
from ops.stack import METRICS, ServiceStack
from shared.migrations import apply_migrations

VAR = Path("var")
MODEL_NAME = os.environ.get("MODEL_NAME", "comprou-produto")
# The drift service checks on this interval by itself (Kubernetes runs a CronJob instead).
DRIFT_CHECK_INTERVAL_S = os.environ.get("DRIFT_CHECK_INTERVAL_S", "3600")
# Retention runs daily inside the drift service too (Kubernetes: the `retention` CronJob).
RETENTION_INTERVAL_S = os.environ.get("RETENTION_INTERVAL_S", "86400")


def say(message: str) -> None:
    print(f"[make run] {message}", flush=True)


def credentials() -> dict[str, str]:
    """Admin password, JWT secret and service key, generated once, kept in var/credentials.env."""
    path = VAR / "credentials.env"
    if not path.exists():
        values = {
            "ADMIN_USERNAME": os.environ.get("ADMIN_USERNAME", "admin"),
            "ADMIN_PASSWORD": os.environ.get("ADMIN_PASSWORD", secrets.token_urlsafe(12)),
            "JWT_SECRET": os.environ.get("JWT_SECRET", secrets.token_urlsafe(48)),
        }
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        path.chmod(0o600)
    kept = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    if "SERVICE_KEY" not in kept:  # folders made before internal calls were signed
        kept["SERVICE_KEY"] = os.environ.get("SERVICE_KEY", secrets.token_hex(32))
        with path.open("a") as out:
            out.write(f"SERVICE_KEY={kept['SERVICE_KEY']}\n")
    if "PSEUDONYM_KEY" not in kept:  # folders made before customer ids were pseudonymised
        kept["PSEUDONYM_KEY"] = os.environ.get("PSEUDONYM_KEY", secrets.token_hex(32))
        with path.open("a") as out:
            out.write(f"PSEUDONYM_KEY={kept['PSEUDONYM_KEY']}\n")
    return kept


def database(cleanup: list) -> str:
    configured = os.environ.get("DATABASE_URL")
    if configured and devstack.postgres_answers(configured):
        say(f"Postgres: using DATABASE_URL ({configured.split('@')[-1]})")
        return configured
    port = int(os.environ.get("PG_PORT", "55432"))
    server = devstack.LocalPostgres((VAR / "postgres").resolve(), port)
    say(f"Postgres: starting a local cluster in var/postgres on port {port}")
    server.start()
    cleanup.append(server.stop)
    return devstack.create_database(server.admin_dsn, "ml_pipeline")


def mlflow(cleanup: list) -> str:
    configured = os.environ.get("MLFLOW_TRACKING_URI")
    if configured:
        try:
            if httpx.get(f"{configured}/health", timeout=2).status_code == 200:
                say(f"MLflow: using MLFLOW_TRACKING_URI ({configured})")
                return configured
        except httpx.HTTPError:
            say(f"MLflow: {configured} does not answer; starting a local server instead")
    port = int(os.environ.get("MLFLOW_PORT", "5000"))
    say(f"MLflow: starting a server on port {port} (SQLite + artifacts in var/mlflow; ~30 s)")
    # Behind basic auth; the services' account is generated once, kept in var/mlflow.
    url, child = devstack.start_mlflow((VAR / "mlflow").resolve(), port)
    cleanup.append(child.stop)
    return url


def redis() -> str | None:
    configured = os.environ.get("REDIS_URL")
    if configured and devstack.redis_answers(configured):
        say(f"Redis: using REDIS_URL ({configured})")
        return configured
    say("Redis: REDIS_URL not set or not answering; rate limits are kept in memory")
    return None


def banner(creds: dict[str, str], mlflow_url: str, metrics_url: str) -> None:
    user, password = creds["ADMIN_USERNAME"], creds["ADMIN_PASSWORD"]
    print(
        f"""
  ml-pipeline is up.
    API + docs   http://127.0.0.1:8000/docs
    metrics      {metrics_url} (gateway; each internal service on its own port)
    MLflow UI    {mlflow_url} (account: var/mlflow/credentials.env)
    logs         var/logs/*.log
    drift check  every {DRIFT_CHECK_INTERVAL_S} s (DRIFT_CHECK_INTERVAL_S; 0 turns it off)
    retention    every {RETENTION_INTERVAL_S} s (RETENTION_INTERVAL_S; 0 turns it off)
    admin        {user} / {password}   (kept in var/credentials.env)

  Try it:
    TOKEN=$(curl -s -X POST http://127.0.0.1:8000/auth/token \\
      -d username={user} -d password={password} \\
      | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')
    curl -s -X POST http://127.0.0.1:8000/v1/predict -H "Authorization: Bearer $TOKEN" \\
      -H 'Content-Type: application/json' -d '{{"idade": 35, "renda_anual": 85000}}'

  Ctrl-C stops everything.
""",
        flush=True,
    )


def main() -> int:
    VAR.mkdir(exist_ok=True)
    cleanup: list = []
    stack: ServiceStack | None = None
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        creds = credentials()
        dsn = database(cleanup)
        mlflow_url = mlflow(cleanup)
        redis_url = redis()
        say(f"migrations: {asyncio.run(apply_migrations(dsn)) or 'up to date'}")
        from services.training.bootstrap import bootstrap

        say("demo model: checking the registry (first run trains one, ~1 min)")
        version = bootstrap(dsn=dsn, tracking_uri=mlflow_url, model_name=MODEL_NAME)
        say(f"demo model: {'version ' + version + ' promoted' if version else 'already there'}")
        env = {
            "ENVIRONMENT": "dev",
            "DATABASE_URL": dsn,
            "MLFLOW_TRACKING_URI": mlflow_url,
            "MODEL_NAME": MODEL_NAME,
            "DRIFT_CHECK_INTERVAL_S": DRIFT_CHECK_INTERVAL_S,
            "RETENTION_INTERVAL_S": RETENTION_INTERVAL_S,
            **creds,
            **({"REDIS_URL": redis_url} if redis_url else {}),
        }
        # ServiceStack gives JWT_SECRET and the admin's credentials to the gateway only.
        ports = {**devstack.SERVICE_PORTS, METRICS: int(os.environ.get("METRICS_PORT", "9180"))}
        stack = ServiceStack(env=env, ports=ports, log_dir=(VAR / "logs").resolve())
        say("services: starting inference, training, drift, gateway")
        stack.start()
        banner(creds, mlflow_url, stack.metrics_url())
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        say("stopping")
    finally:
        if stack is not None:
            stack.stop()
        for stop in reversed(cleanup):
            stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
