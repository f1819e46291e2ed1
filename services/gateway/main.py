"""Gateway: `uvicorn --factory services.gateway.main:create_app` — the only public entry."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from redis.asyncio import Redis

from services.gateway import service
from services.gateway.accounts import AccountStates, RevokedTokens
from services.gateway.config import GatewaySettings
from services.gateway.metrics import MetricsServer, drop_public_metrics
from services.gateway.ratelimit import RateLimiter, Rule, redis_storage, rule
from services.gateway.routes import (
    audit,
    auth,
    customers,
    drift,
    experiments,
    feedback,
    predictions,
    training,
    users,
)
from services.gateway.upstream import Upstream
from shared.app import ServiceApp, create_service_app
from shared.auth import TokenCodec
from shared.db import ping, pool_for
from shared.http import create_transport
from shared.logs import configure_logging

DESCRIPTION = """
Scores customers for the probability that they buy the product (`comprou_produto`) from
their age (`idade`) and annual income (`renda_anual`), and runs the model's life cycle:
feature ingest, training, promotion, rollback, A/B tests and drift checks.

**Authentication**: `POST /auth/token` with your username and password (OAuth2 password
flow) gives a bearer token; send it as `Authorization: Bearer <token>`. Scopes: `predict`
for scoring and feedback, `admin` for everything else.

**Errors** always have the body
`{"error": {"type", "message", "request_id", "timestamp", "details"}}`; `details` names the
offending fields on 422. Every response carries `X-Request-ID`: quote it when reporting a problem.

**Rate limits** apply per caller and per client IP; a 429 carries `Retry-After` (seconds).
"""

TAGS = [
    {"name": "auth", "description": "Tokens"},
    {"name": "predictions", "description": "Scoring customers and reporting outcomes"},
    {"name": "features", "description": "Labelled data for training"},
    {"name": "training", "description": "Training jobs, promotion and rollback"},
    {"name": "experiments", "description": "A/B tests and shadow deployments"},
    {"name": "monitoring", "description": "Drift checks and live accuracy"},
    {"name": "users", "description": "Disabling and enabling accounts"},
    {"name": "privacy", "description": "Access and erasure requests, the audit log"},
    {"name": "operations", "description": "Health and metrics"},
]


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: GatewaySettings = app.state.settings
    pool = await pool_for(settings)
    await service.ensure_first_admin(
        pool=pool,
        username=settings.admin_username,
        password=settings.admin_password.get_secret_value() if settings.admin_password else None,
    )
    transport = create_transport()
    limiter = RateLimiter(
        storage=redis_storage(settings.redis_url, timeout_s=settings.redis_timeout_s)
        if settings.redis_url
        else None,
        prefix=settings.rate_limit_key_prefix,
        sync_interval_s=settings.rate_limit_sync_interval_s,
    )
    limiter.start()
    app.state.limiter = limiter
    app.state.pool = pool
    app.state.accounts, app.state.revoked_tokens = account_checks(settings, pool)
    app.state.revoked_tokens.start()
    metrics_server = MetricsServer(settings.metrics_host, settings.metrics_port)
    app.state.metrics_port = metrics_server.start()
    app.state.upstreams = {
        name: Upstream(
            name,
            url.rstrip("/"),
            transport,
            app.state.credentials,
            timeout_s=settings.upstream_timeout_s,
            connect_timeout_s=settings.upstream_connect_timeout_s,
        )
        for name, url in (
            ("inference", settings.inference_url),
            ("training", settings.training_url),
            ("drift", settings.drift_url),
        )
    }
    try:
        yield
    finally:
        metrics_server.stop()
        await app.state.revoked_tokens.stop()
        await limiter.stop()
        await transport.aclose()
        await pool.close()


def account_checks(
    settings: GatewaySettings, pool: asyncpg.Pool
) -> tuple[AccountStates, RevokedTokens]:
    """The per-request checks behind every token: account state and the revoked list."""
    accounts = AccountStates(
        pool, ttl_s=settings.account_cache_ttl_s, stale_max_s=settings.account_stale_max_s
    )
    redis = (
        Redis.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_timeout_s,
            socket_connect_timeout=settings.redis_timeout_s,
        )
        if settings.redis_url
        else None
    )
    revoked = RevokedTokens(
        redis,
        key=f"{settings.rate_limit_key_prefix}:revoked-tokens",
        sync_interval_s=settings.revocation_sync_interval_s,
    )
    return accounts, revoked


async def readiness(request: Request) -> dict[str, dict[str, Any]]:
    """Ready when inference is: that is what serving needs. Postgres and Redis are reported.

    A database blip must not take every gateway out of its Service: predictions do not touch
    Postgres here (sign-in and admin routes answer 503 meanwhile).
    """
    checks = {"postgres": await ping(request.app.state.pool, critical=False)}
    if request.app.state.settings.redis_url:
        healthy = await request.app.state.limiter.check()
        checks["redis"] = {
            "status": "up" if healthy else "down",
            "critical": False,
            **({} if healthy else {"note": "rate limits fall back to per-process memory"}),
        }
    inference = request.app.state.upstreams["inference"]
    try:
        answer = await inference.send("GET", "/health/ready", timeout_s=1.0)
        checks["inference"] = {"status": "up" if answer.is_success else "down"}
    except Exception as exc:  # reported, never raised: readiness must answer
        checks["inference"] = {"status": "down", "error": type(exc).__name__}
    return checks


def limit_rules(settings: GatewaySettings) -> dict[str, Rule]:
    """The gateway's rate-limit rules by name; sign-in is counted exactly, the rest in batches."""
    return {
        "predict": rule("predict", settings.rate_limit_predict, "caller"),
        "per_ip": rule("per_ip", settings.rate_limit_per_ip, "ip"),
        "admin": rule("admin", settings.rate_limit_admin, "caller"),
        "auth": rule("auth", settings.rate_limit_auth, "ip", exact=True),
        "auth_account": rule(
            "auth_account", settings.rate_limit_auth_account, "caller", exact=True
        ),
    }


def create_app(settings: GatewaySettings | None = None) -> ServiceApp:
    """Build the gateway app from explicit settings (or the environment)."""
    settings = settings or GatewaySettings()
    configure_logging(service="gateway", level=settings.log_level)
    app = create_service_app(
        title="ml-pipeline API",
        description=DESCRIPTION,
        settings=settings,
        lifespan=lifespan,
        readiness=readiness,
        streaming_prefixes=("/v1/features/csv",),
        openapi_tags=TAGS,
        public=True,
    )
    app.state.limit_rules = limit_rules(settings)
    app.state.pseudonyms = settings.pseudonym_keys()
    app.state.tokens = TokenCodec(
        secret=settings.jwt_secret.get_secret_value(),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_s=settings.jwt_ttl_s,
    )
    drop_public_metrics(app)
    for module in (
        auth,
        users,
        predictions,
        feedback,
        training,
        experiments,
        drift,
        customers,
        audit,
    ):
        app.include_router(module.build_router(settings))
    if settings.gateway_fast_path:
        app.fast_routes.update(predictions.fast_routes())
    return app
