"""The gateway's /metrics is on its own port, not the public one; secrets reach only the gateway."""

import os
from pathlib import Path

import httpx
import pytest

from ops.stack import GATEWAY_ONLY, START_ORDER, ServiceStack
from services.gateway.main import create_app as create_gateway
from tests.asgi import serve
from tests.gateway.conftest import gateway_settings


async def test_metrics_are_served_on_the_metrics_port_only(database_dsn: str) -> None:
    app = create_gateway(gateway_settings(database_dsn, None))
    assert "/metrics" not in app.openapi()["paths"]
    async with serve(app) as client:
        assert (await client.get("/health/live")).status_code == 200
        public = await client.get("/metrics")
        assert public.status_code == 404, public.text
        port = app.state.metrics_port
        assert port != 8000
        async with httpx.AsyncClient() as scraper:
            page = await scraper.get(f"http://127.0.0.1:{port}/metrics")
    assert page.status_code == 200
    assert "ml_api_requests_total" in page.text
    assert "gateway_rate_limited_total" in page.text
    # The server is stopped with the app: the port no longer answers.
    async with httpx.AsyncClient() as scraper:
        try:
            await scraper.get(f"http://127.0.0.1:{port}/metrics", timeout=1)
        except httpx.TransportError:
            pass
        else:
            raise AssertionError("metrics port still answers after shutdown")


async def test_a_second_worker_starts_without_the_taken_metrics_port(database_dsn: str) -> None:
    first = create_gateway(gateway_settings(database_dsn, None))
    async with serve(first):
        port = first.state.metrics_port
        # What `uvicorn --workers 2` does: the same settings in a second process.
        second = create_gateway(gateway_settings(database_dsn, None, metrics_port=port))
        async with serve(second) as client:
            assert second.state.metrics_port is None
            assert (await client.get("/health/live")).status_code == 200
        async with httpx.AsyncClient() as scraper:
            assert (await scraper.get(f"http://127.0.0.1:{port}/metrics")).status_code == 200


def test_only_the_gateway_gets_the_jwt_secret_and_admin_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set in the shell that runs `make run`: children inherit it unless it is blanked.
    monkeypatch.setenv("ADMIN_PASSWORD", "from-the-shell")
    shared = {"DATABASE_URL": "postgresql://x/y", "SERVICE_KEY": "k" * 64}
    secrets = {"JWT_SECRET": "j" * 48, "ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "p" * 16}
    stack = ServiceStack(
        env=shared | secrets,
        ports={name: 9000 + n for n, name in enumerate(START_ORDER)} | {"gateway-metrics": 9999},
        log_dir=tmp_path,
    )
    assert set(secrets) <= set(GATEWAY_ONLY)
    gateway = stack.service_env("gateway")
    assert gateway.items() >= (shared | secrets).items()
    assert gateway["METRICS_PORT"] == "9999" and gateway["METRICS_HOST"] == "127.0.0.1"
    for name in ("inference", "training", "drift"):
        env = stack.service_env(name)
        assert env.items() >= shared.items(), name
        assert not {k: v for k, v in env.items() if k in secrets and v}, name
        assert {**os.environ, **env}["ADMIN_PASSWORD"] == "", name  # what the child sees
        assert "METRICS_PORT" not in env, name
    assert stack.metrics_url() == "http://127.0.0.1:9999/metrics"
