"""`python -m services.training.bootstrap`: demo data and a first production model.

Idempotent: does nothing when the registry already has a `production` model. Otherwise it
loads seeded synthetic customers into an empty feature table and trains, registers and
promotes the first model through the same pipeline every training job uses.
"""

import asyncio
import os
import sys
from datetime import UTC, datetime

import pandas as pd

from services.training import synthetic
from services.training.pipeline import TrainingConfig, content_hash, run_training
from shared import registry
from shared.db import create_pool
from shared.logs import configure_logging
from shared.repositories import features

DEMO_ROWS = 20_000


async def _load_frame(dsn: str, *, demo_rows: int, seed: int) -> pd.DataFrame:
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        if await features.count_features(pool) == 0:
            demo = synthetic.generate_customers(demo_rows, seed=seed)
            demo["observed_at"] = demo["observed_at"].dt.floor("us")
            records = [
                (int(a), float(r), bool(c), t.to_pydatetime(), "synthetic")
                for a, r, c, t in demo[
                    ["idade", "renda_anual", "comprou_produto", "observed_at"]
                ].itertuples(index=False)
            ]
            async with pool.acquire() as conn, conn.transaction():
                await features.copy_features(conn, records)
        return pd.DataFrame(await features.read_labelled(pool))
    finally:
        await pool.close()


def bootstrap(
    *, dsn: str, tracking_uri: str, model_name: str, demo_rows: int = DEMO_ROWS, seed: int = 42
) -> str | None:
    """Ensure a production model exists; return the version created, or None if one existed."""
    registry.configure_mlflow(tracking_uri)
    if registry.resolve_alias(
        registry.client(tracking_uri), name=model_name, alias=registry.PRODUCTION
    ):
        return None
    frame = asyncio.run(_load_frame(dsn, demo_rows=demo_rows, seed=seed))
    outcome = run_training(
        frame,
        config=TrainingConfig(seed=seed),
        model_name=model_name,
        tracking_uri=tracking_uri,
        provenance={
            "rows": len(frame),
            "content_hash": content_hash(frame),
            "source": "features table (demo bootstrap)",
            "extracted_at": datetime.now(UTC).isoformat(),
        },
    )
    if not outcome.decision.promote:
        raise RuntimeError(f"first model was not promoted: {outcome.decision.reason}")
    return outcome.version


def main() -> int:
    configure_logging(service="bootstrap")
    version = bootstrap(
        dsn=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/ml_pipeline"),
        tracking_uri=os.environ.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000"),
        model_name=os.environ.get("MODEL_NAME", "comprou-produto"),
        demo_rows=int(os.environ.get("DEMO_ROWS", DEMO_ROWS)),
    )
    sys.stdout.write(
        f"production model: version {version} trained and promoted\n"
        if version
        else "production model already present: nothing to do\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
