"""Annotated dependencies for inference routes."""

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from services.inference.config import InferenceSettings
from services.inference.service import Caller, Scorer


async def _scorer(request: Request) -> Scorer:
    scorer: Scorer = request.app.state.scorer
    return scorer


async def _settings(request: Request) -> InferenceSettings:
    settings: InferenceSettings = request.app.state.settings
    return settings


async def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def _caller() -> Caller:
    return Caller.current()


ScorerDep = Annotated[Scorer, Depends(_scorer)]
SettingsDep = Annotated[InferenceSettings, Depends(_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
CallerDep = Annotated[Caller, Depends(_caller)]
