"""A gateway app in-process, forwarding to a real in-process inference app."""

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from services.gateway.config import GatewaySettings
from services.gateway.main import create_app as create_gateway
from services.gateway.upstream import Upstream
from tests.asgi import serve

ADMIN = ("admin", "admin-password-1")
SECRET = "test-secret-0123456789abcdef0123456789abcdef"


@dataclass
class Gateway:
    client: httpx.AsyncClient
    settings: GatewaySettings

    async def token(self, scope: str | None = None, user: tuple[str, str] = ADMIN) -> str:
        form = {"username": user[0], "password": user[1], **({"scope": scope} if scope else {})}
        answer = await self.client.post("/auth/token", data=form)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    async def auth(self, scope: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token(scope)}"}


def gateway_settings(database_dsn: str, redis_url: str | None, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_dsn,
        "redis_url": redis_url,
        "jwt_secret": SecretStr(SECRET),
        "admin_username": ADMIN[0],
        "admin_password": SecretStr(ADMIN[1]),
        "rate_limit_key_prefix": f"test-{uuid.uuid4().hex[:8]}",
        "inference_url": "http://inference.internal",
        "metrics_port": 0,  # any free port: test runs overlap
    }
    return GatewaySettings(**(values | overrides))


@pytest.fixture
async def gateway(
    db_pool: Any, database_dsn: str, redis_url: str, inference_client: httpx.AsyncClient
) -> AsyncIterator[Gateway]:
    """The gateway with Redis-backed limits, its inference upstream an in-process app."""
    settings = gateway_settings(database_dsn, redis_url)
    app = create_gateway(settings)
    async with serve(app) as client:
        use_upstream(app, "inference", inference_client)
        yield Gateway(client, settings)


def use_upstream(app: FastAPI, name: str, client: httpx.AsyncClient) -> None:
    """Point the running gateway's `name` upstream at an in-process app's client."""
    # The gateway sends through a bare transport; reuse the one behind the test's client.
    app.state.upstreams[name] = Upstream(
        name, f"http://{name}.internal", client._transport, app.state.credentials
    )


@pytest.fixture
def fresh_minute() -> None:
    """Start the test at least 8 s before a minute ends: limits count in fixed one-minute
    windows, and a test that straddles a boundary would see its count start again."""
    left = 60 - time.time() % 60
    if left < 8:
        time.sleep(left + 0.05)
