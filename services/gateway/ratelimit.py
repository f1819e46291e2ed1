"""Rate limits per caller and per client IP with slowapi, stored in Redis when configured.

If Redis stops answering, limits fall back to per-process memory (fail open, logged)
rather than refusing every request: the gateway keeps serving and readiness reports it.
"""

import math
import time
from ipaddress import ip_address
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded

from services.gateway.config import GatewaySettings
from shared.errors import error_response


def client_ip(request: Request) -> str:
    """The caller's address; X-Forwarded-For is trusted only when sent by a known proxy."""
    peer = request.client.host if request.client else "unknown"
    proxies = request.app.state.settings.trusted_proxies
    if not proxies or not _is_trusted(peer, proxies):
        return peer
    forwarded = request.headers.get("x-forwarded-for", "")
    # Walk from the right: the first address not ours is the one a proxy saw.
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if not _is_trusted(hop, proxies):
            return hop
    return peer


def _is_trusted(address: str, proxies: list) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def ip_key(request: Request) -> str:
    """Rate-limit key: the client IP."""
    return f"ip:{client_ip(request)}"


def subject_key(request: Request) -> str:
    """Rate-limit key: the authenticated subject (set by the auth dependency)."""
    subject = getattr(request.state, "subject", None)
    return f"sub:{subject}" if subject else ip_key(request)


def build_limiter(settings: GatewaySettings) -> Limiter:
    """One limiter per app, on Redis when REDIS_URL is set, in memory otherwise."""
    storage = settings.redis_url or "memory://"
    options: dict[str, Any] = (
        {
            "socket_timeout": settings.redis_timeout_s,
            "socket_connect_timeout": settings.redis_timeout_s,
        }
        if settings.redis_url
        else {}
    )
    return Limiter(
        key_func=ip_key,
        storage_uri=storage,
        storage_options=options,
        headers_enabled=settings.rate_limit_headers,
        in_memory_fallback_enabled=bool(settings.redis_url),
        swallow_errors=True,
        key_prefix=settings.rate_limit_key_prefix,
    )


def rate_limit_exceeded_handler(request: Request, exc: Exception) -> JSONResponse:
    """429 in the shared error body, always with Retry-After."""
    assert isinstance(exc, RateLimitExceeded)
    limiter: Limiter = request.app.state.limiter
    retry_after = _retry_after(limiter, request)
    return error_response(
        status_code=429,
        error_type="rate_limited",
        message=f"rate limit exceeded: {exc.detail}",
        details={"limit": str(exc.detail), "retry_after_s": retry_after},
        headers={"Retry-After": str(retry_after)},
    )


def _retry_after(limiter: Limiter, request: Request) -> int:
    current = getattr(request.state, "view_rate_limit", None)
    if current is None:
        return 1
    try:
        reset_at, _ = limiter.limiter.get_window_stats(current[0], *current[1])
    except Exception:  # storage trouble must not turn a 429 into a 500
        return 1
    return max(1, math.ceil(reset_at - time.time()))
