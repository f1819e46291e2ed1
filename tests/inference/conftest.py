from collections.abc import AsyncIterator

import httpx
import pytest

from services.inference.config import InferenceSettings
from services.inference.main import create_app
from tests.asgi import serve


@pytest.fixture
async def inference_direct(
    database_dsn: str, mlflow_uri: str, model_name: str, trained_model: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The inference app in-process on the run's database and model."""
    settings = InferenceSettings(
        environment="test",
        database_url=database_dsn,
        mlflow_tracking_uri=mlflow_uri,
        model_name=model_name,
    )
    async with serve(create_app(settings)) as client:
        yield client
