"""OpenTelemetry tracing: on when OTEL_EXPORTER_OTLP_ENDPOINT is set, absent otherwise.

With no endpoint nothing is imported or installed: `span()` hands back one shared null
context and `inject()` returns the headers untouched, so the request path pays a function
call. With an endpoint, every service app gets OpenTelemetry's ASGI middleware (server spans,
trace context read from `traceparent`), spans go out over OTLP/HTTP in batches, and a
parent-based ratio sampler keeps OTEL_TRACES_SAMPLER_ARG of the traces (1 % by default), so
a trace started at the gateway is kept or dropped as a whole.
"""

import contextlib
import logging
from collections.abc import MutableMapping
from contextlib import AbstractContextManager
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

# Probes and scrapes would be most of the spans and tell nothing.
EXCLUDED_URLS = "/health/live,/health/ready,/metrics"
_NOOP: AbstractContextManager[None] = contextlib.nullcontext()


class TracingSettings(BaseSettings):
    """The standard OpenTelemetry variables this platform reads."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False, frozen=True)

    otel_exporter_otlp_endpoint: str | None = None
    otel_traces_sampler_arg: float = Field(default=0.01, ge=0, le=1)
    otel_service_name: str | None = None


class _State:
    tracer: Any = None


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
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    name = settings.otel_service_name or service_name
    provider = TracerProvider(
        resource=Resource.create({"service.name": name}),
        sampler=ParentBased(TraceIdRatioBased(settings.otel_traces_sampler_arg)),
    )
    exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _state.tracer = trace.get_tracer("ml-pipeline")
    logger.info(
        "tracing on",
        extra={"endpoint": endpoint, "sampling": settings.otel_traces_sampler_arg, "service": name},
    )
    return True


def install(app: Any, *, service_name: str) -> None:
    """Give `app` server spans on every request when tracing is on; nothing otherwise."""
    if not configure(service_name):
        return
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    # Outermost of the app's own layers, so thin entries get server spans too. No spans per
    # ASGI receive/send message: one span per request is what a reader follows.
    app.add_middleware(
        OpenTelemetryMiddleware, excluded_urls=EXCLUDED_URLS, exclude_spans=["receive", "send"]
    )


def span(name: str, **attributes: Any) -> AbstractContextManager[Any]:
    """A child span of the current one while tracing is on; a shared null context when off."""
    tracer = _state.tracer
    if tracer is None:
        return _NOOP
    return tracer.start_as_current_span(name, attributes=attributes or None)


def inject(carrier: MutableMapping[str, str]) -> None:
    """Write the current trace context (`traceparent`) into `carrier` when tracing is on."""
    if _state.tracer is not None:
        from opentelemetry import propagate

        propagate.inject(carrier)


def with_trace_headers(headers: dict[str, str]) -> dict[str, str]:
    """`headers` plus the trace context when tracing is on (a copy); `headers` itself when off."""
    if _state.tracer is None:
        return headers
    carrier = dict(headers)
    inject(carrier)
    return carrier
