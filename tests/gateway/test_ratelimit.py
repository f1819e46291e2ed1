"""Fixed-window limits counted per replica and shared through a real Redis."""

import asyncio
import uuid

import pytest

from ops.devstack import free_port
from services.gateway.ratelimit import RateLimited, RateLimiter, redis_storage, rule

# Fixed one-minute windows: keep each test inside one (tests/gateway/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_minute")

PER_CALLER = rule("predict", "5/minute", "caller")
PER_IP = rule("per_ip", "100/minute", "ip")
SIGN_IN = rule("auth", "3/minute", "ip", exact=True)


def _replica(redis_url: str | None, prefix: str) -> RateLimiter:
    storage = redis_storage(redis_url, timeout_s=0.25) if redis_url else None
    return RateLimiter(storage=storage, prefix=prefix, sync_interval_s=0.05, stale_after_s=0.1)


async def _admitted(limiter: RateLimiter, n: int, *, subject: str, ip: str = "10.1.1.1") -> int:
    admitted = 0
    for _ in range(n):
        try:
            await limiter.hit((PER_CALLER, PER_IP), subject=subject, ip=ip)
            admitted += 1
        except RateLimited:
            pass
    return admitted


async def test_each_caller_has_its_own_bucket() -> None:
    limiter = _replica(None, "t")
    assert await _admitted(limiter, 8, subject="ana") == 5
    assert await _admitted(limiter, 8, subject="bia") == 5
    with pytest.raises(RateLimited) as refused:
        await limiter.hit((PER_CALLER,), subject="ana", ip="x")
    assert refused.value.status_code == 429
    assert 1 <= int((refused.value.headers or {})["Retry-After"]) <= 60


async def test_replicas_share_counts_through_redis(redis_url: str) -> None:
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    first, second = _replica(redis_url, prefix), _replica(redis_url, prefix)
    assert await _admitted(first, 3, subject="ana") == 3
    await first.sync()
    # A replica's first hit on a key reads the shared total: 3 + 1.
    assert await _admitted(second, 1, subject="ana") == 1
    assert await _admitted(second, 5, subject="ana") == 1  # 4 + 1 = the limit of 5
    await second.sync()
    # `first` has been idle on this key: its stale total is refreshed on its next hit.
    await asyncio.sleep(0.15)
    assert await _admitted(first, 1, subject="ana") == 0


async def test_steady_traffic_does_not_ask_redis_per_request(redis_url: str) -> None:
    limiter = _replica(redis_url, f"t-{uuid.uuid4().hex[:8]}")
    calls = 0
    storage = limiter.storage
    assert storage is not None
    incr = storage.incr

    async def counting_incr(key: str, expiry: int, amount: int = 1) -> int:
        nonlocal calls
        calls += 1
        return await incr(key, expiry, amount)

    storage.incr = counting_incr  # type: ignore[method-assign]
    many = rule("predict", "100000/minute", "caller")
    for _ in range(500):
        await limiter.hit((many,), subject="ana", ip="x")
    await limiter.sync()
    assert calls == 2  # the first hit read the shared total; the sync pushed the other 499


async def test_sign_in_is_counted_exactly_across_replicas(redis_url: str) -> None:
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    first, second = _replica(redis_url, prefix), _replica(redis_url, prefix)
    await first.hit((SIGN_IN,), subject=None, ip="10.2.2.2")
    await second.hit((SIGN_IN,), subject=None, ip="10.2.2.2")
    await first.hit((SIGN_IN,), subject=None, ip="10.2.2.2")
    with pytest.raises(RateLimited):  # no sync needed: each sign-in asks Redis
        await second.hit((SIGN_IN,), subject=None, ip="10.2.2.2")


async def test_redis_down_counts_locally_and_catches_up(redis_url: str) -> None:
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    dead = _replica(f"redis://127.0.0.1:{free_port()}/0", prefix)
    assert await dead.check() is False
    assert await _admitted(dead, 7, subject="ana") == 5  # per-process limits still hold
    await dead.sync()  # fails, keeps the hits
    window = next(iter(dead._windows.values()))
    assert window.pending == 7  # refused hits count too, as in Redis
    # Redis is back (here: another address): the kept hits reach it.
    dead.storage = redis_storage(redis_url, timeout_s=0.25)
    dead._redis_down_until = 0.0
    await dead.sync()
    fresh = _replica(redis_url, prefix)
    assert await _admitted(fresh, 1, subject="ana") == 0  # it reads the 7 kept hits
