"""The FastAPI app every service starts from: errors, request ids, limits, health, metrics."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_fastapi_instrumentator import Instrumentator

from shared.config import BaseServiceSettings
from shared.db import ping
from shared.docs import install_api_docs
from shared.errors import install_error_handlers
from shared.middleware import BodySizeLimitMiddleware, RequestIdMiddleware

ReadinessCheck = Callable[[Request], Awaitable[dict[str, dict[str, Any]]]]


def create_service_app(
    *,
    title: str,
    description: str,
    settings: BaseServiceSettings,
    lifespan: Any,
    readiness: ReadinessCheck,
    streaming_prefixes: Sequence[str] = (),
    openapi_tags: list[dict[str, Any]] | None = None,
) -> FastAPI:
    """Build a service app with the production middleware stack, health and metrics routes."""
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        openapi_tags=openapi_tags,
    )
    app.state.settings = settings
    install_api_docs(app)
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        streaming_prefixes=streaming_prefixes,
    )
    Instrumentator(
        excluded_handlers=["/health/live", "/health/ready", "/metrics"],
        should_group_status_codes=False,
    ).instrument(app).expose(app, tags=["operations"], include_in_schema=True)
    # Added last so it runs first: every response, errors included, carries the id.
    app.add_middleware(RequestIdMiddleware)
    app.include_router(health_router(readiness))
    return app


async def postgres_readiness(request: Request) -> dict[str, dict[str, Any]]:
    """Readiness for services whose only hard dependency is Postgres (`app.state.pool`)."""
    return {"postgres": await ping(request.app.state.pool)}


def health_router(readiness: ReadinessCheck) -> APIRouter:
    """`/health/live` (the process answers) and `/health/ready` (dependencies are usable)."""
    router = APIRouter(prefix="/health", tags=["operations"])

    @router.get("/live", summary="Liveness", description="200 while the process can answer.")
    async def live() -> dict[str, str]:
        return {"status": "alive"}

    @router.get(
        "/ready",
        summary="Readiness",
        description="200 when every dependency this service needs answers; 503 otherwise, "
        "with each check's status.",
        responses={503: {"description": "Some dependency is not ready"}},
    )
    async def ready(request: Request) -> JSONResponse:
        checks = await readiness(request)
        # Checks marked critical=False are reported but do not make the service unready.
        ok = all(c.get("status") == "up" or not c.get("critical", True) for c in checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not_ready", "checks": checks},
            status_code=200 if ok else 503,
        )

    return router
