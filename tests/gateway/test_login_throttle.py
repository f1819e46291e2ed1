"""Sign-in throttling: per account from any address, and per client IP that can't be spoofed.

The spoofing tests run the gateway as a real uvicorn process: the proxy-header handling that
matters sits in the server, before any of our code sees the request.
"""

import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import asyncpg
import httpx
import pytest

from ops.devstack import free_port
from ops.stack import START_ORDER, ServiceStack
from services.gateway.main import create_app as create_gateway
from tests.asgi import serve
from tests.gateway.conftest import ADMIN, SECRET, gateway_settings

# Fixed one-minute windows: keep each test inside one (tests/gateway/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_minute")

ATTEMPTS = 3


async def test_sign_in_is_limited_per_account_whatever_the_address(
    db_pool: asyncpg.Pool, database_dsn: str, redis_url: str
) -> None:
    settings = gateway_settings(
        database_dsn,
        redis_url,
        rate_limit_auth_account=f"{ATTEMPTS}/minute",
        trusted_proxies=["127.0.0.1/32"],  # the test client's address: each request its own IP
    )
    async with serve(create_gateway(settings)) as client:

        async def sign_in(username: str, password: str, ip: str) -> httpx.Response:
            return await client.post(
                "/auth/token",
                data={"username": username, "password": password},
                headers={"X-Forwarded-For": ip},
            )

        for n in range(ATTEMPTS):
            assert (await sign_in(ADMIN[0], "wrong", f"198.51.100.{n}")).status_code == 401
        refused = await sign_in(ADMIN[0], "wrong", "198.51.100.200")
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["Retry-After"]) <= 60  # a one-minute window at most
        # The price (README): the right password waits out the window too...
        assert (await sign_in(*ADMIN, "198.51.100.201")).status_code == 429
        # ...but only for that account.
        assert (await sign_in("someone-else", "wrong", "198.51.100.200")).status_code == 401


@pytest.mark.parametrize("shared_counts", [True, False], ids=["redis", "per-process"])
async def test_only_failed_sign_ins_count_against_the_account(
    db_pool: asyncpg.Pool, database_dsn: str, redis_url: str, shared_counts: bool
) -> None:
    # A service account (an Airflow DAG) signs in for each task: its successes must not lock
    # it out; guesses still do.
    settings = gateway_settings(
        database_dsn,
        redis_url if shared_counts else None,
        rate_limit_auth_account=f"{ATTEMPTS}/minute",
        rate_limit_key_prefix=f"refund-{uuid.uuid4().hex[:8]}",
    )
    async with serve(create_gateway(settings)) as client:

        async def sign_in(password: str) -> int:
            form = {"username": ADMIN[0], "password": password}
            return (await client.post("/auth/token", data=form)).status_code

        assert [await sign_in(ADMIN[1]) for _ in range(3 * ATTEMPTS)] == [200] * (3 * ATTEMPTS)
        assert [await sign_in("wrong") for _ in range(ATTEMPTS)] == [401] * ATTEMPTS
        assert await sign_in("wrong") == 429
        assert await sign_in(ADMIN[1]) == 429  # locked for the window, right password or not


def _gateway_process(
    database_dsn: str, redis_url: str, log_dir: Path, **extra: str
) -> Iterator[ServiceStack]:
    stack = ServiceStack(
        env={
            "ENVIRONMENT": "test",
            "DATABASE_URL": database_dsn,
            "REDIS_URL": redis_url,
            "JWT_SECRET": SECRET,
            "RATE_LIMIT_AUTH": f"{ATTEMPTS}/minute",
            "RATE_LIMIT_KEY_PREFIX": f"xff-{uuid.uuid4().hex[:8]}",
            **extra,
        },
        ports={name: free_port() for name in START_ORDER},
        log_dir=log_dir,
    )
    stack.start(("gateway",))
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def untrusting_gateway(database_dsn: str, redis_url: str, logs_dir: Path) -> Iterator[str]:
    """A gateway process with no TRUSTED_PROXIES."""
    for stack in _gateway_process(database_dsn, redis_url, logs_dir / "xff-untrusted"):
        yield stack.url("gateway")


@pytest.fixture
def proxied_gateway(database_dsn: str, redis_url: str, logs_dir: Path) -> Iterator[str]:
    """A gateway process that takes loopback for its proxy."""
    for stack in _gateway_process(
        database_dsn, redis_url, logs_dir / "xff-trusted", TRUSTED_PROXIES='["127.0.0.1/32"]'
    ):
        yield stack.url("gateway")


def _failed_sign_ins(gateway: str, forwarded: Sequence[str | None]) -> list[int]:
    codes = []
    for ip in forwarded:
        answer = httpx.post(
            f"{gateway}/auth/token",
            data={"username": f"nobody-{uuid.uuid4().hex[:6]}", "password": "wrong"},
            headers={"X-Forwarded-For": ip} if ip else {},
            timeout=10,
        )
        codes.append(answer.status_code)
    return codes


def test_a_spoofed_forwarded_for_does_not_reset_the_bucket(untrusting_gateway: str) -> None:
    codes = _failed_sign_ins(
        untrusting_gateway, [None] * ATTEMPTS + ["203.0.113.7", "203.0.113.8, 10.0.0.1"]
    )
    assert codes == [401] * ATTEMPTS + [429, 429]


def test_forwarded_for_from_a_trusted_proxy_is_believed(proxied_gateway: str) -> None:
    # The control: the header reaches the gateway, and is used when its sender is trusted.
    codes = _failed_sign_ins(proxied_gateway, ["203.0.113.7"] * ATTEMPTS + ["203.0.113.7", None])
    assert codes == [401] * ATTEMPTS + [429, 401]
