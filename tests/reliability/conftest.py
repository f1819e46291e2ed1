"""A private stack per fault test: services as processes on dependencies a test may break."""

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from ops import devstack
from ops.load import FixedRateLoad
from ops.stack import START_ORDER, ServiceStack
from shared.auth import TokenCodec
from shared.db import create_pool
from shared.repositories import users
from tests import stacks
from tests.e2e.conftest import ADMIN, JWT_SECRET

SERVICE_KEY = "reliability-service-key-0123456789abcdef0123456789"


@dataclass
class FaultStack:
    """A ServiceStack on a database of its own, with the tools a fault test needs."""

    stack: ServiceStack
    dsn: str
    tokens: TokenCodec = field(default_factory=lambda: TokenCodec(secret=JWT_SECRET))
    signalled_at: float = 0.0  # monotonic time of the last signal a test sent

    def url(self, name: str) -> str:
        return self.stack.url(name)

    @property
    def gateway(self) -> str:
        return self.stack.url("gateway")

    def token(self, subject: str = "load", scopes: tuple[str, ...] = ("predict",)) -> str:
        """A signed token for an account `subject` (created if new): any caller a test wants."""

        async def ensure_account() -> None:
            pool = await create_pool(self.dsn, min_size=1, max_size=1)
            try:
                # Tokens are checked against their account; its password is never used here.
                await users.upsert_user(
                    pool, username=subject, password_hash="unused", scopes=list(scopes)
                )
            finally:
                await pool.close()

        asyncio.run(ensure_account())
        return self.tokens.create(subject=subject, scopes=list(scopes))

    def load(self, rate: float, *, token: str | None = None, **kwargs: Any) -> FixedRateLoad:
        """Requests (predictions unless told) at `rate` per second through the gateway."""
        return FixedRateLoad(self.gateway, token or self.token(), rate, **kwargs).start()

    def pid(self, name: str) -> int:
        process = self.stack.children[name].process
        assert process is not None
        return process.pid

    def signal(self, name: str, signum: int) -> None:
        """Send `signum` to the service's process group (uvicorn and anything it started)."""
        os.killpg(self.pid(name), signum)

    def wait_exit(self, name: str, *, timeout_s: float) -> int:
        process = self.stack.children[name].process
        assert process is not None
        return process.wait(timeout_s)

    def restart(self, name: str) -> None:
        """Start `name` again on its port (after it was killed or stopped)."""
        self.stack.children.pop(name).stop()
        self.stack.start((name,))

    def ready(self, name: str) -> httpx.Response:
        return httpx.get(f"{self.url(name)}/health/ready", timeout=5)

    def log(self, name: str) -> str:
        return (self.stack.log_dir / f"{name}.log").read_text(errors="replace")

    def predictions(self) -> dict[str, str]:
        """model_version by prediction id, as Postgres holds them."""

        async def read() -> dict[str, str]:
            conn = await asyncpg.connect(self.dsn)
            try:
                rows = await conn.fetch("SELECT id::text, model_version FROM predictions")
            finally:
                await conn.close()
            return {row["id"]: row["model_version"] for row in rows}

        return asyncio.run(read())

    def predictions_eventually(self, expected: int, *, within_s: float) -> dict[str, str]:
        """The predictions table once it holds `expected` rows (or whatever it holds by then)."""
        deadline = time.monotonic() + within_s
        rows = self.predictions()
        while len(rows) < expected and time.monotonic() < deadline:
            time.sleep(0.5)
            rows = self.predictions()
        return rows


StackFactory = Callable[..., FaultStack]


def stack_env(
    *, dsn: str, redis_url: str, mlflow_uri: str, model_name: str, **overrides: str
) -> dict[str, str]:
    """The environment of a fault stack: limits out of the way of 200 req/s from one caller."""
    env = stacks.stack_env(
        dsn=dsn,
        redis_url=redis_url,
        mlflow_uri=mlflow_uri,
        model_name=model_name,
        jwt_secret=JWT_SECRET,
        admin=ADMIN,
        label="fault",
        SERVICE_KEY=SERVICE_KEY,
        RATE_LIMIT_PREDICT="1000000/minute",
        RATE_LIMIT_PER_IP="1000000/minute",
        RATE_LIMIT_ADMIN="1000000/minute",
        INFERENCE_RELOAD_INTERVAL_S="1",
        # One log line per prediction at 200 req/s costs CPU the test would rather measure.
        INFERENCE_LOG_PREDICTIONS="false",
    )
    return env | overrides


@pytest.fixture
def fault_stack(logs_dir: Path, request: pytest.FixtureRequest) -> Iterator[StackFactory]:
    """Builds and starts FaultStacks; stops every one at the end of the test."""
    started: list[FaultStack] = []

    def build(
        env: dict[str, str],
        *,
        names: tuple[str, ...] = ("inference", "gateway"),
        ports: dict[str, int] | None = None,
    ) -> FaultStack:
        stack = ServiceStack(
            env=env,
            ports=ports or {name: devstack.free_port() for name in START_ORDER},
            log_dir=logs_dir / f"{request.node.name}-{len(started)}",
        )
        fault = FaultStack(stack, env["DATABASE_URL"])
        started.append(fault)
        stack.start(names)
        return fault

    yield build
    for fault in started:
        for child in fault.stack.children.values():
            if child.process is not None and child.process.poll() is None:
                # A stopped (SIGSTOP) process ignores SIGTERM until continued.
                os.killpg(child.process.pid, signal.SIGCONT)
        fault.stack.stop()
