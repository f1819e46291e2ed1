"""Annotated dependencies for training routes."""

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
import httpx
from fastapi import Depends, Header, Request
from starlette.requests import ClientDisconnect

from services.training.config import TrainingSettings
from services.training.errors import UnsupportedMediaType, UploadInterrupted
from services.training.jobs import TrainingJobRunner
from shared.errors import PayloadTooLarge

CSV_MEDIA_TYPES = frozenset({"text/csv", "application/csv"})


def _settings(request: Request) -> TrainingSettings:
    settings: TrainingSettings = request.app.state.settings
    return settings


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def _http_client(request: Request) -> httpx.AsyncClient:
    client: httpx.AsyncClient = request.app.state.http_client
    return client


def _runner(request: Request) -> TrainingJobRunner:
    runner: TrainingJobRunner = request.app.state.runner
    return runner


def check_csv_request(
    content_type: str | None, content_length: str | None, *, max_bytes: int
) -> None:
    """Refuse a CSV upload by its headers alone: wrong media type (415) or declared too big."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in CSV_MEDIA_TYPES:
        raise UnsupportedMediaType(content_type)
    if content_length and (not content_length.isdigit() or int(content_length) > max_bytes):
        raise PayloadTooLarge(f"CSV body exceeds {max_bytes} bytes", error_type="csv_too_large")


def _csv_body(
    request: Request,
    settings: Annotated[TrainingSettings, Depends(_settings)],
    content_type: Annotated[str | None, Header(include_in_schema=False)] = None,
    content_length: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> AsyncIterator[bytes]:
    check_csv_request(content_type, content_length, max_bytes=settings.training_max_csv_bytes)
    return _body_chunks(request)


async def _body_chunks(request: Request) -> AsyncIterator[bytes]:
    try:
        async for chunk in request.stream():
            yield chunk
    except ClientDisconnect:
        # The sender gave up (e.g. the gateway hit its size limit): a 4xx, not a crash.
        raise UploadInterrupted(
            "the client went away before the body ended; nothing was written"
        ) from None


SettingsDep = Annotated[TrainingSettings, Depends(_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
HttpClientDep = Annotated[httpx.AsyncClient, Depends(_http_client)]
RunnerDep = Annotated[TrainingJobRunner, Depends(_runner)]
CsvBodyDep = Annotated[AsyncIterator[bytes], Depends(_csv_body)]
