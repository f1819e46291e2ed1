"""The gateway and inference images, built for real and run as containers.

`deploy/docker/images.sh` builds them with buildah on a locally made Debian base (cached
layers make a rebuild of unchanged code take seconds). The containers run with host
networking, as production runs them (read-only root, no capabilities, tini as PID 1),
against the suite's Postgres, Redis and MLflow, and a prediction is served through the
gateway container.
"""

import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from ops.devstack import MlflowCredentials, free_port
from tests.conftest import RUN_ID, scratch_database

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TAG = os.environ.get("IMAGE_TAG", "0.1.0")
ADMIN = ("image-admin", "image-admin-password")
JWT_SECRET = "images-secret-0123456789abcdef0123456789abcdef"
CACHE = Path(os.environ.get("IMAGE_CACHE", Path.home() / ".cache" / "ml-pipeline"))
PODMAN_ENV = os.environ | {"CONTAINERS_CONF": str(CACHE / "containers.conf")}


def podman(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", *args], env=PODMAN_ENV, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def images() -> dict[str, int]:
    """Build (or reuse) the two images; their sizes in MB as the build script reports them."""
    built = subprocess.run(
        [str(ROOT / "deploy/docker/images.sh"), "gateway", "inference"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    rows = [line.split() for line in built.stdout.splitlines()[1:] if line.strip()]
    return {name: int(mb) for name, _seconds, mb in rows}


class Container:
    def __init__(self, service: str, port: int, env: dict[str, str]) -> None:
        self.name = f"mlp-test-{service}-{RUN_ID}"
        self.url = f"http://127.0.0.1:{port}"
        options = [
            "--detach",
            "--name",
            self.name,
            "--init",
            "--network",
            "host",
            "--read-only",
            "--tmpfs",
            "/tmp",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            # Health is checked from outside here; podman's own timers need systemd.
            "--no-healthcheck",
        ]
        for key, value in env.items():
            options += ["--env", f"{key}={value}"]
        command = ["uvicorn", "--factory", f"services.{service}.main:create_app"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--no-proxy-headers"]
        podman("rm", "--force", self.name)
        started = podman("run", *options, f"localhost/ml-pipeline/{service}:{TAG}", *command)
        assert started.returncode == 0, started.stderr

    def logs(self) -> str:
        answer = podman("logs", "--tail", "60", self.name)
        return answer.stdout + answer.stderr

    def wait_ready(self, timeout: float = 180) -> float:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            state = podman("inspect", "--format", "{{.State.Running}}", self.name).stdout.strip()
            assert state == "true", f"{self.name} exited:\n{self.logs()}"
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return time.monotonic() - began
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"{self.name} not ready after {timeout} s:\n{self.logs()}")

    def stop(self) -> float:
        began = time.monotonic()
        stopped = podman("stop", "--time", "20", self.name)
        assert stopped.returncode == 0, stopped.stderr
        took = time.monotonic() - began
        podman("rm", "--force", self.name)
        return took


@pytest.fixture
def containers(
    images: dict[str, int],
    pg_admin_dsn: str,
    redis_url: str,
    mlflow_uri: str,
    mlflow_credentials: MlflowCredentials,
    model_name: str,
    trained_model: str,
) -> Iterator[tuple[Container, Container, str]]:
    with scratch_database(pg_admin_dsn, "images") as dsn:
        inference_port, gateway_port = free_port(), free_port()
        # Both sign their calls to each other with the one service key.
        common = {
            "ENVIRONMENT": "test",
            "DATABASE_URL": dsn,
            "LOG_LEVEL": "WARNING",
            "SERVICE_KEY": secrets.token_hex(32),
        }
        inference = Container(
            "inference",
            inference_port,
            common
            | {"MLFLOW_TRACKING_URI": mlflow_uri, "MODEL_NAME": model_name}
            | mlflow_credentials.client_env(),
        )
        gateway = Container(
            "gateway",
            gateway_port,
            common
            | {
                "REDIS_URL": redis_url,
                "JWT_SECRET": JWT_SECRET,
                "ADMIN_USERNAME": ADMIN[0],
                "ADMIN_PASSWORD": ADMIN[1],
                "RATE_LIMIT_KEY_PREFIX": f"images-{RUN_ID}",
                "INFERENCE_URL": inference.url,
            },
        )
        try:
            yield inference, gateway, dsn
        finally:
            for container in (gateway, inference):
                podman("rm", "--force", container.name)


async def test_gateway_container_serves_a_prediction_from_the_inference_container(
    containers: tuple[Container, Container, str], images: dict[str, int], trained_model: str
) -> None:
    inference, gateway, dsn = containers
    inference.wait_ready()
    gateway.wait_ready()
    for service in ("gateway", "inference"):
        user = podman("image", "inspect", "--format", "{{.Config.User}}",
                      f"localhost/ml-pipeline/{service}:{TAG}")  # fmt: skip
        assert user.stdout.strip() == "10001:10001", user.stderr
        assert 50 < images[service] < 2_000, images

    async with httpx.AsyncClient(base_url=gateway.url, timeout=20) as client:
        form = {"username": ADMIN[0], "password": ADMIN[1], "scope": "predict"}
        token = (await client.post("/auth/token", data=form)).json()["access_token"]
        answer = await client.post(
            "/v1/predict",
            json={"idade": 42, "renda_anual": 85_000.0},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text + gateway.logs() + inference.logs()
        body = answer.json()
        assert body["model"]["version"] == trained_model and 0 <= body["probability"] <= 1
        assert answer.headers["X-Request-ID"]
        refused = await client.post("/v1/predict", json={"idade": 42, "renda_anual": 85_000.0})
        assert refused.status_code == 401 and refused.json()["error"]["type"]

    # SIGTERM reaches uvicorn through tini: a prompt, clean stop that flushes the prediction log.
    assert inference.stop() < 15
    conn = await asyncpg.connect(dsn)
    try:
        logged = await conn.fetchval(
            "SELECT count(*) FROM predictions WHERE id = $1", body["prediction_id"]
        )
    finally:
        await conn.close()
    assert logged == 1
    assert gateway.stop() < 15
