"""Rate limits per caller and per client IP, shared between replicas through Redis.

Built on `limits`' async Redis storage rather than slowapi: slowapi's decorators inspect the
route's signature on every call and its Redis client is synchronous, so each limited request
blocked the event loop for a Redis round trip (≈ 270 µs each, two per prediction).

Every rule is a fixed window. High-volume rules count locally and push their counts to Redis
in one batch every `sync_interval_s`, reading back the replicas' shared total: under steady
traffic no Redis round trip is on the request path. A key whose shared total is older than
`stale_after_s` (first use, or a replica idle on it) asks Redis on its next hit. The price is
exactness: each replica decides on its own count plus a shared total at most `stale_after_s`
old, so the replicas together can exceed a limit by at most
(replicas − 1) × their request rate on that key × `stale_after_s` (1 s by default). Rules
that guard against guessing (sign-in) are `exact`: one Redis round trip per request.

If Redis stops answering, every rule keeps counting in this process (fail open to per-process
limits, logged, reported by readiness); the counts reach Redis once it is back.
"""

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Literal

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from prometheus_client import Counter
from starlette.types import Scope

from shared.errors import ServiceError
from shared.periodic import Periodic

logger = logging.getLogger(__name__)

LIMITED = Counter("gateway_rate_limited_total", "Requests refused by a rate limit", ["rule"])
REDIS_FAILURES = Counter(
    "gateway_rate_limit_redis_failures_total", "Rate-limit calls to Redis that failed"
)

Network = IPv4Network | IPv6Network


class RateLimited(ServiceError):
    status_code = 429
    error_type = "rate_limited"


@dataclass(frozen=True, slots=True)
class Rule:
    """One limit: `per` says whether it counts per caller (subject) or per client IP."""

    name: str
    item: RateLimitItem
    per: Literal["caller", "ip"]
    exact: bool = False


def rule(name: str, text: str, per: Literal["caller", "ip"], *, exact: bool = False) -> Rule:
    """A rule from a limit string such as `6000/minute`."""
    return Rule(name, parse(text), per, exact)


class _Window:
    """This replica's view of one key in one window."""

    __slots__ = ("window", "length", "shared", "pending", "sending", "synced_at")

    def __init__(self, window: int, length: int) -> None:
        self.window = window
        self.length = length
        self.shared = 0  # the replicas' total at the last sync (ours included)
        self.pending = 0  # our hits since then
        self.sending = 0  # our hits in a sync under way
        self.synced_at = 0.0  # when `shared` was read from Redis

    @property
    def count(self) -> int:
        return self.shared + self.sending + self.pending


class RateLimiter:
    """Fixed-window limits counted locally and synchronised with Redis (if configured)."""

    def __init__(
        self,
        *,
        storage: RedisStorage | None,
        prefix: str,
        sync_interval_s: float = 0.05,
        stale_after_s: float = 1.0,
        retry_s: float = 1.0,
    ) -> None:
        self.storage = storage
        self.prefix = prefix
        self.sync_interval_s = sync_interval_s
        # Above the sync interval with room to spare: a busy event loop delays syncs.
        self.stale_after_s = max(stale_after_s, 2 * sync_interval_s)
        self.retry_s = retry_s
        self._windows: dict[str, _Window] = {}
        self._redis_down_until = 0.0
        self._loop = Periodic(self.sync, sync_interval_s, "rate-limit-sync")

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        await self.sync()

    async def hit(
        self, rules: tuple[Rule, ...], *, subject: str | None, ip: str
    ) -> list[tuple[str, _Window]]:
        """Count one request against each rule; raise RateLimited when one is exceeded.

        Returns what was counted, for `refund`.
        """
        now = time.time()
        counted = []
        for rule in rules:
            identity = f"sub:{subject}" if rule.per == "caller" and subject else f"ip:{ip}"
            key, window = self._window(rule, identity, now)
            counted.append((key, window))
            count = window.count + 1
            stale = now - window.synced_at > self.stale_after_s
            if (rule.exact or stale) and self.storage is not None and now >= self._redis_down_until:
                count = await self._count_now(key, window)
            else:
                window.pending += 1
            if count > rule.item.amount:
                LIMITED.labels(rule.name).inc()
                retry_after = max(1, math.ceil((window.window + 1) * window.length - now))
                raise RateLimited(
                    f"rate limit exceeded: {rule.item.amount} per {_per(rule.item)}",
                    details={"limit": str(rule.item), "retry_after_s": retry_after},
                    headers={"Retry-After": str(retry_after)},
                )
        return counted

    async def refund(self, counted: list[tuple[str, _Window]]) -> None:
        """Take back hits `hit` counted (in the window they were counted in): a sign-in that
        succeeds is no guess. Counting first and refunding after keeps parallel guesses from
        all passing a check made before any of them failed."""
        for key, window in counted:
            if window.pending > 0:  # not yet pushed: take it back here
                window.pending -= 1
            elif self.storage is not None and time.time() >= self._redis_down_until:
                try:
                    window.shared = await self.storage.incr(key, window.length + 1, -1)
                    window.synced_at = time.time()
                except Exception as exc:  # a guess stays counted: the safe side
                    self._redis_failed(exc)

    def _window(self, rule: Rule, identity: str, now: float) -> tuple[str, _Window]:
        length = rule.item.get_expiry()
        number = int(now // length)
        key = f"{self.prefix}:{rule.name}:{identity}:{number}"
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(number, length)
        return key, window

    async def _count_now(self, key: str, window: _Window) -> int:
        assert self.storage is not None
        try:
            window.shared = await self.storage.incr(key, window.length + 1, 1)
            window.synced_at = time.time()
        except Exception as exc:  # any storage failure: count here until Redis is back
            self._redis_failed(exc)
            window.pending += 1
        return window.count

    async def check(self) -> bool:
        """True when Redis answers (always True without Redis)."""
        if self.storage is None:
            return True
        try:
            return bool(await self.storage.check())
        except Exception:  # any failure means "down"
            return False

    async def sync(self) -> None:
        """Push pending counts to Redis and read back the shared totals; drop past windows."""
        now = time.time()
        for key in [k for k, w in self._windows.items() if (w.window + 1) * w.length <= now]:
            del self._windows[key]
        if self.storage is None or now < self._redis_down_until:
            return
        dirty = [(key, w) for key, w in self._windows.items() if w.pending]
        if dirty:
            await asyncio.gather(*(self._push(key, w) for key, w in dirty))

    async def _push(self, key: str, window: _Window) -> None:
        assert self.storage is not None
        window.sending, window.pending = window.pending, 0
        try:
            window.shared = await self.storage.incr(key, window.length + 1, window.sending)
            window.synced_at = time.time()
        except Exception as exc:  # keep the hits; they are pushed on the next sync
            window.pending += window.sending
            self._redis_failed(exc)
        finally:
            window.sending = 0

    def _redis_failed(self, exc: Exception) -> None:
        REDIS_FAILURES.inc()
        if time.time() >= self._redis_down_until:
            logger.warning(
                "rate-limit storage unavailable: counting per process",
                extra={"error": f"{type(exc).__name__}: {exc}"[:300]},
            )
        self._redis_down_until = time.time() + self.retry_s


def redis_storage(url: str, *, timeout_s: float) -> RedisStorage:
    """`limits`' async Redis storage on redis-py, with short timeouts so a down Redis fails fast."""
    return RedisStorage(
        url.replace("redis://", "async+redis://", 1).replace("rediss://", "async+rediss://", 1),
        implementation="redispy",
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
    )


def client_ip(scope: Scope, trusted_proxies: list[Network]) -> str:
    """The caller's address; X-Forwarded-For is believed only when sent by a trusted proxy."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not trusted_proxies or not _is_trusted(peer, trusted_proxies):
        return peer
    forwarded = next((v for k, v in scope["headers"] if k == b"x-forwarded-for"), b"")
    hops = [h.strip() for h in forwarded.decode("latin-1").split(",") if h.strip()]
    # Walk from the right: the first address not ours is the one a proxy saw.
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted_proxies):
            return hop
    return peer


def _is_trusted(address: str, proxies: list[Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def _per(item: RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    return unit if item.multiples == 1 else f"{item.multiples} {unit}s"
