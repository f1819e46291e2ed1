"""What every test that runs the services as processes builds the same way: their environment,
and a Postgres cluster of the test's own that it may stop and start."""

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ops import devstack
from shared.migrations import apply_migrations


def stack_env(
    *,
    dsn: str,
    redis_url: str,
    mlflow_uri: str,
    model_name: str,
    jwt_secret: str,
    admin: tuple[str, str],
    label: str,
    **extra: str,
) -> dict[str, str]:
    """A test stack's environment: its database, Redis, registry and model, the gateway's secret
    and first admin, and rate-limit keys under `label` so stacks sharing a Redis don't collide."""
    return {
        "ENVIRONMENT": "test",
        "DATABASE_URL": dsn,
        "REDIS_URL": redis_url,
        "MLFLOW_TRACKING_URI": mlflow_uri,
        "MODEL_NAME": model_name,
        "JWT_SECRET": jwt_secret,
        "ADMIN_USERNAME": admin[0],
        "ADMIN_PASSWORD": admin[1],
        "RATE_LIMIT_KEY_PREFIX": f"{label}-{devstack.free_port()}",
        **extra,
    }


@contextmanager
def own_postgres(label: str) -> Iterator[tuple[devstack.LocalPostgres, str]]:
    """A migrated database on a Postgres cluster of its own (the suite's stays untouched)."""
    # Its own top-level folder: the `postgres` user must be able to reach it.
    data_dir = Path(tempfile.mkdtemp(prefix=f"mlp-{label}-pg-"))
    server = devstack.LocalPostgres(data_dir, devstack.free_port())
    try:
        dsn = devstack.create_database(server.start(), label)
        asyncio.run(apply_migrations(dsn))
        yield server, dsn
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
