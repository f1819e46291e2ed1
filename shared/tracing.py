"""OpenTelemetry tracing: on when OTEL_EXPORTER_OTLP_ENDPOINT is set, absent otherwise.

With no endpoint nothing is imported or installed: `span()` hands back one shared null
context and `inject()` does nothing, so the request path pays a function call.

With an endpoint, the sampling decision is made first and cheaply, per request: a request
with a `traceparent` follows its caller's decision; one without is kept with probability
OTEL_TRACES_SAMPLER_ARG (1 % by default). Only kept requests go through OpenTelemetry's ASGI
middleware (server span, context from `traceparent`), whose ~70 µs per request would
otherwise be paid by every request. A dropped request still passes a `traceparent` marked
"not sampled" downstream, so the next service drops it too and a trace is kept or dropped as a
whole. Spans go out over OTLP/HTTP in batches.
"""

import contextlib
import contextvars
import logging
import random
import re
from collections.abc import MutableMapping
from contextlib import AbstractContextManager
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

# Probes and scrapes would be most of the spans and tell nothing.
EXCLUDED_URLS = "/health/live,/health/ready,/metrics"
_NOOP: AbstractContextManager[None] = contextlib.nullcontext()
# The `traceparent` a dropped request passes on (flags 00), so downstream drops it too.
_unsampled: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "unsampled_traceparent", default=None
)


class TracingSettings(BaseSettings):
    """The standard OpenTelemetry variables this platform reads."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False, frozen=True)

    otel_exporter_otlp_endpoint: str | None = None
    otel_traces_sampler_arg: float = Field(default=0.01, ge=0, le=1)
    otel_service_name: str | None = None


class _State:
    tracer: Any = None
    ratio: float = 0.0
    current_span: Any = None
    propagate: Any = None


_state = _State()


def enabled() -> bool:
    """Whether this process exports traces."""
    return _state.tracer is not None


def configure(service_name: str, settings: TracingSettings | None = None) -> bool:
    """Install the process's tracer provider if an OTLP endpoint is set; True when on."""
    settings = settings or TracingSettings()
    endpoint = settings.otel_exporter_otlp_endpoint
    if not endpoint:
        return False
    if _state.tracer is not None:
        return True
    from opentelemetry import propagate, trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased

    name = settings.otel_service_name or service_name
    # The ratio is applied before a request reaches OpenTelemetry (SampledRequests).
    provider = TracerProvider(
        resource=Resource.create({"service.name": name}), sampler=ParentBased(ALWAYS_ON)
    )
    exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _state.tracer = trace.get_tracer("ml-pipeline")
    _state.ratio = settings.otel_traces_sampler_arg
    _state.current_span = trace.get_current_span
    _state.propagate = propagate
    logger.info(
        "tracing on",
        extra={"endpoint": endpoint, "sampling": settings.otel_traces_sampler_arg, "service": name},
    )
    return True


class SampledRequests:
    """Sends kept requests through OpenTelemetry's ASGI middleware, the rest straight on."""

    def __init__(self, app: Any, *, ratio: float) -> None:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        self.app = app
        self.ratio = ratio
        # No spans per ASGI receive/send message: one span per request is what a reader follows.
        self.traced = OpenTelemetryMiddleware(
            app,
            excluded_urls=EXCLUDED_URLS,
            exclude_spans=["receive", "send"],
            default_span_details=span_details,
            server_request_hook=scrub_span,
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        parent = _traceparent(scope["headers"])
        if parent is not None:
            kept = len(parent) == 55 and parent[-2:] in _SAMPLED_FLAGS
        else:
            kept = random.random() < self.ratio  # nosec B311 # sampling, not secrecy
        if kept:
            await self.traced(scope, receive, send)
            return
        token = _unsampled.set(parent or _dropped_traceparent())
        try:
            await self.app(scope, receive, send)
        finally:
            _unsampled.reset(token)


def redact_path(path: str) -> str:
    """The path with any customer id replaced by its route parameter's name."""
    return _CUSTOMER_PATH.sub(r"\1{customer_id}", path)


def span_details(scope: Any) -> tuple[str, dict[str, Any]]:
    """A server span's name, `METHOD /path`, without a customer id in it."""
    return f"{scope.get('method', 'HTTP')} {redact_path(scope.get('path', ''))}", {}


def scrub_span(span: Any, scope: Any) -> None:
    """Overwrite the URL attributes of a span whose path carries a customer id."""
    path = scope.get("path", "")
    if _CUSTOMER_PATH.match(path):
        for key in ("http.target", "url.path", "http.url", "url.full"):
            span.set_attribute(key, redact_path(path))


# A raw customer id never leaves the gateway, and data-subject requests carry one in the path.
_CUSTOMER_PATH = re.compile(r"^(/v1/customers/)[^/]+")
# W3C trace flags whose lowest bit (sampled) is set.
_SAMPLED_FLAGS = frozenset(f"{flags:02x}" for flags in range(256) if flags & 1)


def _traceparent(headers: list[tuple[bytes, bytes]]) -> str | None:
    for key, value in headers:
        if key == b"traceparent":
            return value.decode("latin-1")
    return None


def _dropped_traceparent() -> str:
    # Ids for a request that is not traced: correlation handles, not secrets.
    trace, span = random.getrandbits(128), random.getrandbits(64)  # nosec B311
    return f"00-{trace:032x}-{span:016x}-00"


def install(app: Any, *, service_name: str) -> None:
    """Give `app` server spans on kept requests when tracing is on; nothing otherwise."""
    if not configure(service_name):
        return
    # Outermost of the app's own layers, so thin entries get server spans too.
    app.add_middleware(SampledRequests, ratio=_state.ratio)


def span(name: str, **attributes: Any) -> AbstractContextManager[Any]:
    """A child of the current span when this request is traced; a shared null context if not."""
    tracer = _state.tracer
    # Sampled, not "recording": a background job outlives the request span it descends from.
    if tracer is None or not _state.current_span().get_span_context().trace_flags.sampled:
        return _NOOP
    return tracer.start_as_current_span(name, attributes=attributes or None)


def inject(carrier: MutableMapping[str, str]) -> None:
    """Write the current trace context (`traceparent`) into `carrier` when tracing is on."""
    if _state.tracer is None:
        return
    if _state.current_span().get_span_context().trace_flags.sampled:
        _state.propagate.inject(carrier)
        return
    dropped = _unsampled.get()
    if dropped is not None:
        carrier["traceparent"] = dropped


def with_trace_headers(headers: dict[str, str]) -> dict[str, str]:
    """`headers` plus the trace context when tracing is on (a copy); `headers` itself when off."""
    if _state.tracer is None:
        return headers
    carrier = dict(headers)
    inject(carrier)
    return carrier


def flush() -> None:
    """Export the spans still batched (tests, and processes about to exit)."""
    if _state.tracer is None:
        return
    from opentelemetry import trace

    provider: Any = trace.get_tracer_provider()
    provider.force_flush()
