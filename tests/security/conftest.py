"""A gateway and a training service in-process, for bodies no caller should be able to crash."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.gateway.main import create_app as create_gateway
from services.training.main import create_app as create_training
from tests.asgi import serve
from tests.conftest import training_settings
from tests.gateway.conftest import Gateway, gateway_settings, use_upstream


@pytest.fixture
async def training(
    database_dsn: str, mlflow_uri: str, model_name: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The training service on the run's database (the bodies sent here write nothing)."""
    app = create_training(training_settings(database_dsn, mlflow_uri, model_name))
    async with serve(app, "http://training.internal") as client:
        yield client


@pytest.fixture
async def gateway(
    db_pool: Any, database_dsn: str, redis_url: str, training: httpx.AsyncClient
) -> AsyncIterator[Gateway]:
    """The gateway, its training upstream the in-process training app."""
    app = create_gateway(gateway_settings(database_dsn, redis_url))
    async with serve(app) as client:
        use_upstream(app, "training", training)
        yield Gateway(client, app.state.settings)
