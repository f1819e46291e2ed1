"""Whether a token may still be used: its account's state, cached per user, and revoked tokens.

A signed token says who its holder was when it was issued; the account may have been
disabled, deleted or narrowed since. Each request is checked against the account's current
state, asked of Postgres at most once per `ttl_s` per user per replica; in between, the check
is a dict lookup. While Postgres is down, the last known state keeps serving for at most
`stale_max_s` after it was read (stale-if-error); a user never seen by this replica gets 503.

Revoked tokens (logout) are kept by `jti` in a Redis sorted set scored by expiry. Each replica
holds a copy, refreshed every `sync_interval_s`, so the check is a set lookup and a logout
reaches every replica within one interval. While Redis is down, each replica keeps the list it
last read plus its own revocations, which it pushes once Redis answers again.
"""

import asyncio
import logging
import time
from dataclasses import dataclass

import asyncpg
from prometheus_client import Counter
from redis.asyncio import Redis

from shared.errors import ServiceUnavailable
from shared.periodic import Periodic
from shared.repositories.users import get_account

logger = logging.getLogger(__name__)

STALE_SERVED = Counter(
    "gateway_account_state_stale_total",
    "Requests authorised on a cached account state because Postgres did not answer",
)
REVOCATION_SYNC_FAILURES = Counter(
    "gateway_revocation_sync_failures_total", "Revoked-token list syncs with Redis that failed"
)

_DB_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


@dataclass(frozen=True, slots=True)
class AccountState:
    """What a token's subject may do now (None in the cache: no such user)."""

    scopes: frozenset[str]
    disabled: bool


class _Entry:
    __slots__ = ("state", "read_at", "fresh_until")

    def __init__(self, state: AccountState | None, read_at: float, fresh_until: float) -> None:
        self.state = state
        self.read_at = read_at  # when Postgres last answered for this user
        self.fresh_until = fresh_until


class AccountStates:
    """Account state per username, read from Postgres at most once per `ttl_s` (see module doc)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        ttl_s: float,
        stale_max_s: float,
        timeout_s: float = 1.0,
        retry_s: float = 5.0,
        max_entries: int = 100_000,
    ) -> None:
        self.pool = pool
        self.ttl_s = ttl_s
        self.stale_max_s = stale_max_s
        self.timeout_s = timeout_s
        # While Postgres is down, ask again at most this often per user.
        self.retry_s = min(retry_s, ttl_s)
        self.max_entries = max_entries
        self._entries: dict[str, _Entry] = {}
        self._loading: dict[str, asyncio.Task[AccountState | None]] = {}

    async def get(self, username: str) -> AccountState | None:
        """The account's current state, or None if it does not exist."""
        entry = self._entries.get(username)
        if entry is not None and time.monotonic() < entry.fresh_until:
            return entry.state
        return await self._refresh(username, entry)

    def remember(self, username: str, state: AccountState | None) -> None:
        """Record a state just read or written (sign-in, disable) as fresh."""
        if len(self._entries) >= self.max_entries and username not in self._entries:
            del self._entries[next(iter(self._entries))]  # the oldest entry
        now = time.monotonic()
        self._entries[username] = _Entry(state, now, now + self.ttl_s)

    def forget(self, username: str) -> None:
        """Drop what is cached for `username`: the next request reads Postgres."""
        self._entries.pop(username, None)

    async def _refresh(self, username: str, entry: _Entry | None) -> AccountState | None:
        task = self._loading.get(username)
        if task is None:
            # One query per user however many requests wait on it.
            task = asyncio.create_task(self._load(username))
            self._loading[username] = task
            task.add_done_callback(lambda _: self._loading.pop(username, None))
        try:
            state = await asyncio.shield(task)
        except _DB_ERRORS as exc:
            now = time.monotonic()
            if entry is None or now - entry.read_at > self.stale_max_s:
                raise ServiceUnavailable(
                    f"account state unavailable: postgres unavailable ({type(exc).__name__})",
                    error_type="database_unavailable",
                ) from None
            entry.fresh_until = min(now + self.retry_s, entry.read_at + self.stale_max_s)
            STALE_SERVED.inc()
            return entry.state
        self.remember(username, state)
        return state

    async def _load(self, username: str) -> AccountState | None:
        async with asyncio.timeout(self.timeout_s):
            row = await get_account(self.pool, username)
        return AccountState(frozenset(row.scopes), row.disabled) if row else None


class RevokedTokens:
    """Revoked token ids until their expiry, shared through Redis (see module doc)."""

    def __init__(self, redis: Redis | None, *, key: str, sync_interval_s: float) -> None:
        self.redis = redis
        self.key = key
        self.sync_interval_s = sync_interval_s
        self._revoked: dict[str, float] = {}  # jti -> expiry (epoch s)
        self._unsent: dict[str, float] = {}  # revoked here, not yet in Redis
        self._loop = Periodic(self.sync, sync_interval_s, "revocation-sync")
        self._failing = False

    def __contains__(self, jti: str) -> bool:
        return jti in self._revoked

    async def revoke(self, jti: str, *, expires_at: float) -> None:
        """Refuse `jti` from now on here, and on every replica after their next sync."""
        self._revoked[jti] = self._unsent[jti] = expires_at
        await self.sync()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        await self.sync()
        if self.redis is not None:
            await self.redis.aclose()  # type: ignore[attr-defined]  # types-redis predates it

    async def sync(self) -> None:
        """Push our revocations, drop expired ones and read the shared list back."""
        now = time.time()
        if self.redis is not None:
            unsent: dict[str | bytes, float] = {jti: exp for jti, exp in self._unsent.items()}  # noqa: C416
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    if unsent:
                        pipe.zadd(self.key, unsent)
                    pipe.zremrangebyscore(self.key, "-inf", now)
                    pipe.zrange(self.key, 0, -1, withscores=True)
                    # No key expiry: the trim above empties it, and Redis drops an empty set.
                    answers = await pipe.execute()
            except Exception as exc:  # any Redis failure: keep what we know, retry next time
                self._sync_failed(exc)
            else:
                for jti in unsent:
                    self._unsent.pop(str(jti), None)
                shared = {member.decode(): score for member, score in answers[-1]}
                self._revoked = shared | self._unsent
                self._failing = False
        self._revoked = {jti: exp for jti, exp in self._revoked.items() if exp > now}

    def _sync_failed(self, exc: Exception) -> None:
        REVOCATION_SYNC_FAILURES.inc()
        if not self._failing:
            logger.warning(
                "revoked-token list: Redis unavailable, using the last list read",
                extra={"error": f"{type(exc).__name__}: {exc}"[:300]},
            )
        self._failing = True
