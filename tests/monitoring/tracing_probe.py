"""Run in its own process by test_tracing.py: a service app with tracing on, probed in-process.

Prints, as JSON, the `traceparent` the app would pass downstream for a request without one
and for one whose caller kept or dropped the trace.
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI, Request

from shared import tracing
from shared.app import create_service_app, postgres_readiness
from shared.config import BaseServiceSettings


@contextlib.asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield


def probe_app() -> FastAPI:
    """A service app with one route that answers the headers it would send downstream."""
    app = create_service_app(
        title="probe",
        description="probe",
        settings=BaseServiceSettings(),
        lifespan=_lifespan,
        readiness=postgres_readiness,
        public=True,  # what is probed is tracing, not the service credential check
    )

    @app.get("/outgoing")
    async def outgoing(request: Request) -> dict[str, Any]:
        with tracing.span("probe.work"):
            return tracing.with_trace_headers({})

    return app


async def _main() -> dict[str, Any]:
    transport = httpx.ASGITransport(app=probe_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        kept = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        dropped = "00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00"
        result = {
            "root": (await client.get("/outgoing")).json(),
            "kept": (await client.get("/outgoing", headers={"traceparent": kept})).json(),
            "dropped": (await client.get("/outgoing", headers={"traceparent": dropped})).json(),
        }
    tracing.flush()
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main())))  # noqa: T201
