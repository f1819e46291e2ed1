"""Tokens die with their account: existence, disabling, scopes and logout, checked per request.

Inference is unreachable here on purpose: a request the gateway lets through answers 502/503,
one it refuses answers 401/403, and no model is needed to tell the two apart.
"""

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from jose import jwt
from redis.asyncio import Redis

from services.gateway.accounts import AccountStates, RevokedTokens
from services.gateway.main import create_app as create_gateway
from services.gateway.passwords import hash_password
from shared.db import create_pool
from shared.errors import ServiceUnavailable
from shared.repositories.users import get_user, set_disabled, upsert_user
from tests.asgi import serve
from tests.gateway.conftest import ADMIN, SECRET, gateway_settings

PREDICT = {"idade": 35, "renda_anual": 85000.0}
PASSED = {502, 503}  # through the gateway's checks, then no inference to answer
TTL_S = 0.3
BOB = ("bob", "bob-password-1")


@asynccontextmanager
async def running(
    database_dsn: str, redis_url: str | None, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    values: dict[str, Any] = {
        "inference_url": "http://127.0.0.1:9",
        "account_cache_ttl_s": TTL_S,
        "revocation_sync_interval_s": 0.1,
        "upstream_connect_timeout_s": 0.2,
    }
    app = create_gateway(gateway_settings(database_dsn, redis_url, **(values | overrides)))
    async with serve(app) as client:
        yield client


async def _token(client: httpx.AsyncClient, user: tuple[str, str] = BOB) -> dict[str, str]:
    answer = await client.post("/auth/token", data={"username": user[0], "password": user[1]})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _add_bob(pool: asyncpg.Pool, scopes: list[str]) -> None:
    await upsert_user(pool, username=BOB[0], password_hash=hash_password(BOB[1]), scopes=scopes)


async def _eventually(client: httpx.AsyncClient, headers: dict[str, str], status: int) -> float:
    """Seconds until a prediction with `headers` answers `status` (fails after 5 s)."""
    started = time.monotonic()
    while time.monotonic() - started < 5:
        answer = await client.post("/v1/predict", json=PREDICT, headers=headers)
        if answer.status_code == status:
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    raise AssertionError(f"still {answer.status_code} after 5 s: {answer.text}")


def _forged(subject: str, scope: str = "predict admin") -> dict[str, str]:
    now = int(time.time())
    claims = {
        "sub": subject,
        "scope": scope,
        "iat": now,
        "exp": now + 600,
        "iss": "ml-pipeline-gateway",
        "aud": "ml-pipeline",
        "jti": uuid.uuid4().hex,
    }
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


async def test_a_valid_token_for_a_user_that_does_not_exist_is_401(
    db_pool: asyncpg.Pool, database_dsn: str
) -> None:
    async with running(database_dsn, None) as client:
        ghost = _forged("nobody-by-that-name")
        for method, path in (("POST", "/v1/predict"), ("POST", "/v1/users/admin/enable")):
            answer = await client.request(method, path, json=PREDICT, headers=ghost)
            assert answer.status_code == 401, (path, answer.text)
            assert answer.json()["error"]["type"] == "invalid_token"
        # The control: the same forged token for an existing account gets through.
        answer = await client.post("/v1/users/admin/enable", headers=_forged(ADMIN[0]))
        assert answer.status_code == 200, answer.text


async def test_a_disabled_users_token_is_refused_within_the_cache_ttl(
    db_pool: asyncpg.Pool, database_dsn: str
) -> None:
    async with running(database_dsn, None) as client:
        await _add_bob(db_pool, ["predict"])
        bob = await _token(client)
        answer = await client.post("/v1/predict", json=PREDICT, headers=bob)
        assert answer.status_code in PASSED, answer.text
        # Disabled behind this replica's back (another replica, or the users command).
        assert await set_disabled(db_pool, username=BOB[0], disabled=True)
        assert await _eventually(client, bob, 401) < TTL_S + 1.0
        refused = await client.post("/auth/token", data={"username": BOB[0], "password": BOB[1]})
        assert refused.status_code == 401


async def test_scopes_taken_away_stop_counting(db_pool: asyncpg.Pool, database_dsn: str) -> None:
    async with running(database_dsn, None) as client:
        await _add_bob(db_pool, ["admin", "predict"])
        bob = await _token(client)
        assert (await client.post("/v1/users/bob/enable", headers=bob)).status_code == 200
        await _add_bob(db_pool, ["predict"])
        await asyncio.sleep(TTL_S + 0.1)
        answer = await client.post("/v1/users/bob/enable", headers=bob)
        assert answer.status_code == 403, answer.text
        assert (await client.post("/v1/predict", json=PREDICT, headers=bob)).status_code in PASSED


async def test_the_disable_route_refuses_at_once_and_enable_restores(
    db_pool: asyncpg.Pool, database_dsn: str
) -> None:
    async with running(database_dsn, None, account_cache_ttl_s=60) as client:
        await _add_bob(db_pool, ["predict"])
        admin, bob = await _token(client, ADMIN), await _token(client)
        assert (await client.post("/v1/predict", json=PREDICT, headers=bob)).status_code in PASSED

        answer = await client.post("/v1/users/bob/disable", headers=admin)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"username": "bob", "disabled": True}
        # This replica forgets what it knew: no 60 s wait.
        assert (await client.post("/v1/predict", json=PREDICT, headers=bob)).status_code == 401
        assert (await client.post("/v1/users/bob/disable", headers=bob)).status_code == 401

        assert (await client.post("/v1/users/bob/enable", headers=admin)).status_code == 200
        assert (await client.post("/v1/predict", json=PREDICT, headers=bob)).status_code in PASSED

        missing = await client.post("/v1/users/nobody/disable", headers=admin)
        assert missing.status_code == 404 and missing.json()["error"]["type"] == "user_not_found"
        assert (await client.post("/v1/users/admin/disable", headers=bob)).status_code == 403
        nul = await client.post("/v1/users/a%00b/disable", headers=admin)
        assert nul.status_code == 422


async def test_users_command_disables_and_enables(db_pool: asyncpg.Pool, database_dsn: str) -> None:
    await _add_bob(db_pool, ["predict"])

    def users(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "services.gateway.users", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "DATABASE_URL": database_dsn},
            check=False,
        )

    done = users("disable", "bob")
    assert done.returncode == 0, done.stderr
    assert (user := await get_user(db_pool, "bob")) is not None and user.disabled
    assert users("enable", "bob").returncode == 0
    assert (user := await get_user(db_pool, "bob")) is not None and not user.disabled
    missing = users("disable", "nobody")
    assert missing.returncode == 1 and "no user named" in missing.stderr


async def test_logout_revokes_that_token_on_every_replica(
    db_pool: asyncpg.Pool, database_dsn: str, redis_url: str
) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    async with (
        running(database_dsn, redis_url, rate_limit_key_prefix=prefix) as one,
        running(database_dsn, redis_url, rate_limit_key_prefix=prefix) as two,
    ):
        await _add_bob(db_pool, ["predict"])
        bob, other = await _token(one), await _token(one)
        assert (await two.post("/v1/predict", json=PREDICT, headers=bob)).status_code in PASSED

        answer = await one.post("/auth/logout", headers=bob)
        assert answer.status_code == 204, answer.text
        answer = await one.post("/v1/predict", json=PREDICT, headers=bob)
        assert answer.status_code == 401 and answer.json()["error"]["type"] == "invalid_token"
        assert await _eventually(two, bob, 401) < 1.0  # the other replica, after its sync
        assert (await one.post("/auth/logout", headers=bob)).status_code == 401
        # Only that token: the same user's other token still works.
        assert (await two.post("/v1/predict", json=PREDICT, headers=other)).status_code in PASSED
        assert (await one.post("/auth/logout")).status_code == 401  # no token, nothing to revoke


async def test_logout_with_redis_down_holds_here_and_reaches_redis_later(
    db_pool: asyncpg.Pool, database_dsn: str, redis_url: str
) -> None:
    down = "redis://127.0.0.1:9/0"  # nothing listens there
    async with running(database_dsn, down, redis_timeout_s=0.2) as client:
        await _add_bob(db_pool, ["predict"])
        bob = await _token(client)
        assert (await client.post("/auth/logout", headers=bob)).status_code == 204
        assert (await client.post("/v1/predict", json=PREDICT, headers=bob)).status_code == 401
        # Serving is not stopped by the missing list: a fresh token still gets through.
        fresh = await _token(client)
        assert (await client.post("/v1/predict", json=PREDICT, headers=fresh)).status_code in PASSED

    # The revocation waits for Redis, then every replica learns it.
    key = f"test-{uuid.uuid4().hex[:8]}:revoked-tokens"
    here = RevokedTokens(Redis.from_url(down, socket_timeout=0.2), key=key, sync_interval_s=1)
    there = RevokedTokens(Redis.from_url(redis_url), key=key, sync_interval_s=1)
    await here.revoke("jti-1", expires_at=time.time() + 60)
    assert "jti-1" in here
    await here.redis.aclose()  # type: ignore[union-attr]
    here.redis = Redis.from_url(redis_url)  # Redis is back
    await here.sync()
    await there.sync()
    assert "jti-1" in there
    await here.stop()
    await there.stop()


async def test_a_postgres_outage_serves_the_last_known_state_for_a_bounded_time(
    db_pool: asyncpg.Pool, database_dsn: str
) -> None:
    await _add_bob(db_pool, ["predict"])
    pool = await create_pool(database_dsn, min_size=1, max_size=1)
    states = AccountStates(pool, ttl_s=0.05, stale_max_s=0.6, retry_s=0.05)
    bob = await states.get(BOB[0])
    assert bob is not None and bob.scopes == {"predict"} and not bob.disabled
    await pool.close()  # from here on every query fails, as with Postgres down

    await asyncio.sleep(0.1)
    assert await states.get(BOB[0]) == bob  # stale, but served
    with pytest.raises(ServiceUnavailable):
        await states.get("never-seen-here")  # nothing known: no guess
    await asyncio.sleep(0.6)
    with pytest.raises(ServiceUnavailable):
        await states.get(BOB[0])  # past the bound
