"""The inference app on its own: readiness, models, reload, scoring without a model."""

import httpx

from services.inference.config import InferenceSettings
from services.inference.main import create_app
from tests.asgi import serve


async def test_not_ready_and_503_without_a_production_model(
    database_dsn: str, mlflow_uri: str
) -> None:
    settings = InferenceSettings(
        environment="test",
        database_url=database_dsn,
        mlflow_tracking_uri=mlflow_uri,
        model_name="model-that-was-never-registered",
    )
    async with serve(create_app(settings)) as client:
        ready = await client.get("/health/ready")
        predict = await client.post("/v1/predict", json={"idade": 30, "renda_anual": 1.0})
        models = await client.get("/v1/models")
    assert ready.status_code == 503
    assert ready.json()["checks"]["model"]["status"] == "down"
    assert predict.status_code == 503 and predict.json()["error"]["type"] == "model_not_loaded"
    assert models.json()["production"] is None


async def test_reload_reports_versions(
    database_dsn: str, mlflow_uri: str, model_name: str, trained_model: str
) -> None:
    settings = InferenceSettings(
        environment="test",
        database_url=database_dsn,
        mlflow_tracking_uri=mlflow_uri,
        model_name=model_name,
    )
    async with serve(create_app(settings)) as client:
        reload = await client.post("/admin/reload")
        ready = await client.get("/health/ready")
    assert reload.status_code == 200
    assert reload.json()["versions"]["production"] == trained_model
    assert ready.status_code == 200


async def test_direct_batch_scoring(inference_client: httpx.AsyncClient) -> None:
    answer = await inference_client.post(
        "/v1/predict/batch",
        json={
            "instances": [
                {"idade": 30, "renda_anual": 2_000.0},
                {"idade": 50, "renda_anual": 900_000.0},
            ]
        },
    )
    first, second = answer.json()["predictions"]
    assert first["probability"] < second["probability"]
