"""No training/serving skew: the served model answers exactly what the trained pipeline did."""

import io

import anyio
import asyncpg
import httpx
import numpy as np
import pandas as pd

from services.inference.main import create_app as create_inference
from services.training.jobs.runner import training_config
from services.training.modeling.pipeline import content_hash, run_training
from services.training.promotion.service import promote_trained
from shared import registry
from tests.asgi import serve
from tests.conftest import inference_settings
from tests.training.conftest import customers, training_settings


async def test_served_probabilities_equal_the_trained_pipelines(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    frame = customers(1_500, seed=11)
    settings = training_settings(training_dsn, mlflow_uri, fresh_model)
    outcome = await anyio.to_thread.run_sync(
        lambda: run_training(
            frame,
            config=training_config(settings),
            model_name=fresh_model,
            tracking_uri=mlflow_uri,
            provenance={"rows": len(frame), "content_hash": content_hash(frame)},
        )
    )
    assert outcome.decision.promote
    async with httpx.AsyncClient() as http_client:
        await promote_trained(
            pool=training_pool,
            settings=settings,
            http_client=http_client,
            version=outcome.version,
            compared_with=outcome.production_version,
            reason=outcome.decision.reason,
            actor=None,
        )
    # The reference sample holds raw training inputs and the in-memory pipeline's probabilities.
    path = registry.client(mlflow_uri).download_artifacts(outcome.run_id, "reference/reference.csv")
    reference = pd.read_csv(path).head(500)
    assert len(reference) == 500

    served_settings = inference_settings(
        training_dsn, mlflow_uri, fresh_model, inference_log_predictions=False
    )
    instances = [
        {"idade": int(age), "renda_anual": float(income)}
        for age, income in reference[["idade", "renda_anual"]].itertuples(index=False)
    ]
    async with serve(create_inference(served_settings)) as inference:
        answer = await inference.post("/v1/predict/batch", json={"instances": instances})
    assert answer.status_code == 200, answer.text
    predictions = answer.json()["predictions"]
    assert {p["model"]["version"] for p in predictions} == {outcome.version}
    served = np.array([p["probability"] for p in predictions])
    np.testing.assert_allclose(served, reference["probability"].to_numpy(), rtol=0, atol=1e-12)
    assert [p["comprou_produto"] for p in predictions] == list(served >= 0.5)
    # Sanity: the raw CSV round trip did not collapse the probabilities to a constant.
    assert served.std() > 0.1 and io.StringIO(reference.to_csv()).getvalue()
