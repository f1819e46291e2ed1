"""The FastAPI app every service starts from: errors, request ids, limits, health, metrics."""

import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from fastapi.responses import JSONResponse
from prometheus_fastapi_instrumentator import Instrumentator, metrics
from prometheus_fastapi_instrumentator.middleware import PrometheusInstrumentatorMiddleware
from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.config import BaseServiceSettings
from shared.db import ping
from shared.docs import install_api_docs
from shared.errors import install_error_handlers
from shared.lifecycle import Drain
from shared.middleware import EdgeMiddleware
from shared.service_auth import ServiceCredentials, ServiceGuard, check_service_key
from shared.tracing import install as install_tracing

ReadinessCheck = Callable[[Request], Awaitable[dict[str, dict[str, Any]]]]
FastRoutes = dict[tuple[str, str], ASGIApp]

_HEALTH_PATHS = ["/health/live", "/health/ready", "/metrics"]
# Seconds; fine below 100 ms, where the serving latency target sits.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class ServiceApp(FastAPI):
    """FastAPI with one lean middleware stack and optional thin routes.

    FastAPI's default stack wraps every request in Starlette's server-error layer, its own
    telemetry and body-limit layers, then the user's. Here the stack is: the edge layer
    (request id, body limit, last-resort 500), the metrics layer, then `fast_routes` — exact
    (method, path) pairs answered by a plain ASGI handler — and only then the framework.
    """

    def __init__(self, *, edge: dict[str, Any], **kwargs: Any) -> None:
        # FastAPI's own OpenTelemetry hook asks for a provider on every request; metrics here
        # come from the Prometheus layer.
        kwargs.setdefault("telemetry", {"tracing": False, "metrics": False, "logs": False})
        super().__init__(**kwargs)
        self.edge_options = edge
        self.fast_routes: FastRoutes = {}

    def build_middleware_stack(self) -> ASGIApp:
        handlers = {
            key: value
            for key, value in self.exception_handlers.items()
            if key not in (500, Exception)
        }
        app: ASGIApp = AsyncExitStackMiddleware(self.router)
        app = ExceptionMiddleware(app, handlers=handlers, debug=self.debug)
        if self.fast_routes:
            app = _FastRouteDispatch(app, self.fast_routes)
        for middleware in reversed(self.user_middleware):
            app = _build(middleware, app)
        return EdgeMiddleware(app, **self.edge_options)


class _FastRouteDispatch:
    def __init__(self, app: ASGIApp, routes: FastRoutes) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            handler = self.routes.get((scope["method"], scope["path"]))
            if handler is not None:
                await handler(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _LeanInstrumentatorMiddleware(PrometheusInstrumentatorMiddleware):
    """The instrumentator's middleware with its route lookup remembered for static paths.

    The stock lookup tries every route's regex on every request; a static path always maps
    to itself, so it is looked up once (templated paths, a bounded set, are looked up as before).
    """

    def __init__(self, app: ASGIApp, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._static: dict[str, tuple[str, bool]] = {}

    def _get_handler(self, request: Request) -> tuple[str, bool]:
        path = request.scope["path"]
        known = self._static.get(path)
        if known is not None:
            return known
        handler, templated = super()._get_handler(request)
        if templated and handler == path:
            self._static[path] = (handler, templated)
        return handler, templated


def _build(middleware: Middleware, app: ASGIApp) -> ASGIApp:
    cls: Any = middleware.cls
    if cls is PrometheusInstrumentatorMiddleware:
        cls = _LeanInstrumentatorMiddleware
    built: ASGIApp = cls(app, *middleware.args, **middleware.kwargs)
    return built


def _freeze_after_start(lifespan: Any, drain: Drain, drain_s: float) -> Any:
    """The service's lifespan, then its start-up objects moved out of the collector's sight,
    and SIGTERM made to drain first (shared/lifecycle.py).

    Models, clients and imported modules live as long as the process; without this every
    full collection walks them all again (measured: tens of ms, a p99 spike under load).
    """

    @contextlib.asynccontextmanager
    async def frozen(app: FastAPI) -> AsyncIterator[None]:
        async with lifespan(app) if lifespan else contextlib.nullcontext():
            gc.collect()
            gc.freeze()
            try:
                with drain.on_sigterm(drain_s):
                    yield
            finally:
                gc.unfreeze()

    return frozen


def create_service_app(
    *,
    title: str,
    description: str,
    settings: BaseServiceSettings,
    lifespan: Any,
    readiness: ReadinessCheck,
    streaming_prefixes: Sequence[str] = (),
    openapi_tags: list[dict[str, Any]] | None = None,
    public: bool = False,
) -> ServiceApp:
    """Build a service app with the production middleware stack, health and metrics routes.

    Unless `public` (the gateway, which checks user tokens itself), every route but the probes
    needs a service credential addressed to this service.
    """
    service = type(settings).__module__.split(".")[-2]
    credentials = service_credentials(settings, service)
    guard = None if public else ServiceGuard(credentials, service)
    drain = Drain()
    app = ServiceApp(
        edge={
            "max_bytes": settings.max_body_bytes,
            "streaming_prefixes": streaming_prefixes,
            "guard": guard,
            "drain": drain,
        },
        title=title,
        description=description,
        version="0.1.0",
        lifespan=_freeze_after_start(lifespan, drain, settings.shutdown_drain_s),
        openapi_tags=openapi_tags,
    )
    app.state.settings = settings
    app.state.credentials = credentials
    install_api_docs(app)
    install_error_handlers(app)
    # Lean: request count and latency per route; the default set also measures request and
    # response sizes and a second latency histogram on every request. Named as the operations
    # plan names them (ml_api_*), which the alert rules and the dashboard read.
    instrumentator = Instrumentator(
        excluded_handlers=_HEALTH_PATHS, should_group_status_codes=False
    ).add(
        metrics.requests(metric_name="ml_api_requests_total"),
        metrics.latency(metric_name="ml_api_request_duration_seconds", buckets=LATENCY_BUCKETS),
    )
    instrumentator.instrument(app).expose(app, tags=["operations"], include_in_schema=True)
    install_tracing(app, service_name=service)
    app.include_router(health_router(readiness, drain))
    return app


def service_credentials(settings: BaseServiceSettings, service: str) -> ServiceCredentials:
    """This service's credentials, after refusing a missing, weak or reused key."""
    key = settings.service_key.get_secret_value()
    jwt_secret = getattr(settings, "jwt_secret", None)
    check_service_key(
        key,
        environment=settings.environment,
        jwt_secret=jwt_secret.get_secret_value() if jwt_secret is not None else None,
    )
    return ServiceCredentials(key, service, ttl_s=settings.service_token_ttl_s)


async def postgres_readiness(request: Request) -> dict[str, dict[str, Any]]:
    """Readiness for services whose only hard dependency is Postgres (`app.state.pool`)."""
    return {"postgres": await ping(request.app.state.pool)}


def health_router(readiness: ReadinessCheck, drain: Drain) -> APIRouter:
    """`/health/live` (the process answers) and `/health/ready` (dependencies are usable; 503
    `draining` once shutdown has begun, so a load balancer stops sending)."""
    router = APIRouter(prefix="/health", tags=["operations"])

    @router.get("/live", summary="Liveness", description="200 while the process can answer.")
    async def live() -> dict[str, str]:
        return {"status": "alive"}

    @router.get(
        "/ready",
        summary="Readiness",
        description="200 when every dependency this service needs answers; 503 otherwise, "
        "with each check's status, and 503 `draining` once the service is shutting down.",
        responses={503: {"description": "Some dependency is not ready"}},
    )
    async def ready(request: Request) -> JSONResponse:
        if drain.draining:
            return JSONResponse({"status": "draining", "checks": {}}, status_code=503)
        checks = await readiness(request)
        # Checks marked critical=False are reported but do not make the service unready.
        ok = all(c.get("status") == "up" or not c.get("critical", True) for c in checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not_ready", "checks": checks},
            status_code=200 if ok else 503,
        )

    return router
