"""Run an app in-process with its lifespan, through a real ASGI transport."""

import contextlib
import os
from collections.abc import AsyncIterator, Iterable

import httpx
from fastapi import FastAPI

from shared.service_auth import ServiceAuth, ServiceCredentials, ServiceGuard


@contextlib.asynccontextmanager
async def serve(
    app: FastAPI, base_url: str = "http://testserver", *, as_service: str = "gateway"
) -> AsyncIterator[httpx.AsyncClient]:
    """Start `app`'s lifespan and yield a client bound to it.

    An internal service's client signs every request as `as_service` (acting for nobody)
    unless the request carries its own `Authorization` (see `service_headers`).
    """
    async with app.router.lifespan_context(app):
        async with client_for(app, base_url, as_service=as_service) as client:
            yield client


def client_for(
    app: FastAPI, base_url: str = "http://testserver", *, as_service: str = "gateway"
) -> httpx.AsyncClient:
    """A client bound to `app` without running its lifespan; it signs as `serve`'s does."""
    guard = _guard(app)
    auth = None
    if guard is not None:
        auth = ServiceAuth(ServiceCredentials(guard.credentials.key, as_service), guard.audience)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url, auth=auth)


def service_headers(
    audience: str,
    *,
    subject: str | None = None,
    scopes: Iterable[str] = (),
    service: str = "gateway",
) -> dict[str, str]:
    """The `Authorization` header of a call to internal service `audience`, for `subject`.

    Signed with the run's SERVICE_KEY (tests/conftest.py sets it), as `service` would sign it.
    """
    credentials = ServiceCredentials(os.environ["SERVICE_KEY"], service)
    return credentials.authorization(audience, subject=subject, scopes=scopes)


def _guard(app: FastAPI) -> ServiceGuard | None:
    options = getattr(app, "edge_options", {})
    guard: ServiceGuard | None = options.get("guard")
    return guard
