"""Annotated dependencies for gateway routes: settings, pool, upstreams, the caller."""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

import asyncpg
from fastapi import Depends, Request, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

from services.gateway.config import GatewaySettings
from services.gateway.upstream import Upstream
from shared.auth import TokenCodec
from shared.errors import Forbidden, Unauthorized

SCOPES = {
    "predict": "Score customers, send outcomes, read the models in service",
    "admin": "Ingest data, train, promote, roll back, run experiments and drift checks",
}

_bearer = OAuth2PasswordBearer(tokenUrl="/auth/token", scopes=SCOPES, auto_error=False)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    subject: str
    scopes: frozenset[str]
    # A keyed hash of the subject: what internal services and logs see instead of the name.
    pseudonym: str


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def _tokens(request: Request) -> TokenCodec:
    tokens: TokenCodec = request.app.state.tokens
    return tokens


def get_inference(request: Request) -> Upstream:
    """The inference service client (tests override it to reach an in-process app)."""
    upstream: Upstream = request.app.state.upstreams["inference"]
    return upstream


def get_training(request: Request) -> Upstream:
    """The training service client."""
    upstream: Upstream = request.app.state.upstreams["training"]
    return upstream


def get_drift(request: Request) -> Upstream:
    """The drift service client."""
    upstream: Upstream = request.app.state.upstreams["drift"]
    return upstream


def pseudonym(secret: str, subject: str) -> str:
    """Stable, non-reversible stand-in for a subject."""
    return hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]


async def _principal(
    request: Request,
    security_scopes: SecurityScopes,
    token: Annotated[str | None, Depends(_bearer)],
) -> Principal:
    if not token:
        raise Unauthorized("missing bearer token", error_type="missing_token")
    claims = request.app.state.tokens.verify(token)
    missing = sorted(set(security_scopes.scopes) - claims.scopes)
    if missing:
        raise Forbidden(f"token lacks scope: {', '.join(missing)}", error_type="insufficient_scope")
    request.state.subject = claims.subject
    secret = request.app.state.settings.jwt_secret.get_secret_value()
    return Principal(claims.subject, claims.scopes, pseudonym(secret, claims.subject))


SettingsDep = Annotated[GatewaySettings, Depends(_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
TokensDep = Annotated[TokenCodec, Depends(_tokens)]
InferenceDep = Annotated[Upstream, Depends(get_inference)]
TrainingDep = Annotated[Upstream, Depends(get_training)]
DriftDep = Annotated[Upstream, Depends(get_drift)]
PredictCaller = Annotated[Principal, Security(_principal, scopes=["predict"])]
AdminCaller = Annotated[Principal, Security(_principal, scopes=["admin"])]
