"""Annotated dependencies for training routes."""

from typing import Annotated

import asyncpg
import httpx
from fastapi import Depends, Request

from services.training.config import TrainingSettings
from services.training.jobs.runner import TrainingJobRunner


async def _settings(request: Request) -> TrainingSettings:
    settings: TrainingSettings = request.app.state.settings
    return settings


async def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def _http_client(request: Request) -> httpx.AsyncClient:
    client: httpx.AsyncClient = request.app.state.http_client
    return client


async def _runner(request: Request) -> TrainingJobRunner:
    runner: TrainingJobRunner = request.app.state.runner
    return runner


SettingsDep = Annotated[TrainingSettings, Depends(_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
HttpClientDep = Annotated[httpx.AsyncClient, Depends(_http_client)]
RunnerDep = Annotated[TrainingJobRunner, Depends(_runner)]
