"""`python -m services.training.bootstrap`: demo data and a first production model.

Idempotent: does nothing when the registry already has a `production` model. Otherwise it
loads seeded synthetic customers into an empty feature table, trains and registers a model
with the pipeline every training job uses, and promotes it the way a job does: under the
alias lock, with a `model_events` row, then asking inference to reload.
"""

import asyncio
import functools
import sys
from datetime import UTC, datetime

import anyio
import asyncpg
import pandas as pd
from pydantic import Field

from services.training import synthetic
from services.training.config import TrainingSettings
from services.training.jobs.runner import training_config
from services.training.modeling.pipeline import content_hash, run_training
from services.training.promotion.service import promote_trained
from services.training.registry_calls import read_production
from shared import registry
from shared.db import create_pool
from shared.http import create_http_client
from shared.logs import configure_logging
from shared.repositories import features
from shared.service_auth import ServiceAuth, ServiceCredentials

DEMO_ROWS = 20_000


class BootstrapSettings(TrainingSettings):
    """The training service's environment plus the size of the demo data set."""

    demo_rows: int = Field(default=DEMO_ROWS, ge=1)


async def _load_frame(pool: asyncpg.Pool, *, demo_rows: int, seed: int) -> pd.DataFrame:
    if await features.count_features(pool) == 0:
        demo = synthetic.generate_customers(demo_rows, seed=seed)
        records = synthetic.feature_records(demo, source="synthetic")
        async with pool.acquire() as conn, conn.transaction():
            await features.copy_features(conn, records)
    return pd.DataFrame(await features.read_labelled(pool))


async def bootstrap_model(settings: TrainingSettings, *, demo_rows: int) -> str | None:
    """Ensure a production model exists; return the version created, or None if one existed."""
    registry.configure_mlflow(settings.mlflow_tracking_uri)
    if await read_production(settings):
        return None
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        frame = await _load_frame(pool, demo_rows=demo_rows, seed=settings.training_seed)
        train = functools.partial(
            run_training,
            frame,
            config=training_config(settings),
            model_name=settings.model_name,
            tracking_uri=settings.mlflow_tracking_uri,
            provenance={
                "rows": len(frame),
                "content_hash": content_hash(frame),
                "source": "features table (demo bootstrap)",
                "extracted_at": datetime.now(UTC).isoformat(),
            },
        )
        outcome = await anyio.to_thread.run_sync(train)
        if not outcome.decision.promote:
            raise RuntimeError(f"first model was not promoted: {outcome.decision.reason}")
        key = settings.service_key.get_secret_value()
        auth = ServiceAuth(ServiceCredentials(key, "training"), "inference") if key else None
        async with create_http_client(
            timeout_s=settings.inference_reload_timeout_s, auth=auth
        ) as client:
            await promote_trained(
                pool=pool,
                settings=settings,
                http_client=client,
                version=outcome.version,
                compared_with=outcome.production_version,
                reason=outcome.decision.reason,
                actor="bootstrap",
            )
    finally:
        await pool.close()
    return outcome.version


def bootstrap(
    *, dsn: str, tracking_uri: str, model_name: str, demo_rows: int = DEMO_ROWS, seed: int = 42
) -> str | None:
    """`bootstrap_model` for callers that name the database, registry and model themselves."""
    settings = TrainingSettings(
        database_url=dsn,
        mlflow_tracking_uri=tracking_uri,
        model_name=model_name,
        training_seed=seed,
    )
    return asyncio.run(bootstrap_model(settings, demo_rows=demo_rows))


def main() -> int:
    settings = BootstrapSettings()
    configure_logging(service="bootstrap", level=settings.log_level)
    version = asyncio.run(bootstrap_model(settings, demo_rows=settings.demo_rows))
    sys.stdout.write(
        f"production model: version {version} trained and promoted\n"
        if version
        else "production model already present: nothing to do\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
