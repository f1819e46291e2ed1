"""Annotated dependencies for gateway routes: settings, pool, upstreams, the caller, limits."""

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from starlette.types import Scope

from services.gateway.accounts import AccountState
from services.gateway.config import GatewaySettings
from services.gateway.ratelimit import RateLimiter, Rule, client_ip
from services.gateway.upstream import Upstream
from shared.auth import TokenCodec
from shared.errors import Forbidden, Unauthorized
from shared.pseudonym import PseudonymKeys

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

    def named(self) -> dict[str, Any]:
        """Who admin calls act for, inside their service credential: the name, for the audit."""
        return {"subject": self.subject, "scopes": self.scopes}

    def pseudonymous(self) -> dict[str, Any]:
        """Who serving calls act for, inside their service credential: the pseudonym only."""
        return {"subject": self.pseudonym, "scopes": self.scopes}


async def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


async def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def _tokens(request: Request) -> TokenCodec:
    tokens: TokenCodec = request.app.state.tokens
    return tokens


async def _pseudonyms(request: Request) -> PseudonymKeys:
    keys: PseudonymKeys = request.app.state.pseudonyms
    return keys


async def get_inference(request: Request) -> Upstream:
    """The inference service client (tests override it to reach an in-process app)."""
    upstream: Upstream = request.app.state.upstreams["inference"]
    return upstream


async def get_training(request: Request) -> Upstream:
    """The training service client."""
    upstream: Upstream = request.app.state.upstreams["training"]
    return upstream


async def get_drift(request: Request) -> Upstream:
    """The drift service client."""
    upstream: Upstream = request.app.state.upstreams["drift"]
    return upstream


def pseudonym(secret: str, subject: str) -> str:
    """Stable, non-reversible stand-in for a subject."""
    return hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]


async def authenticate(state: Any, token: str | None, scopes: list[str]) -> Principal:
    """The caller behind a bearer token, if it carries `scopes` (401/403 otherwise).

    The token must not be revoked and its account must still exist, be enabled and hold the
    scopes (services/gateway/accounts.py): on the hot path both are in-process lookups.
    """
    if not token:
        raise Unauthorized("missing bearer token", error_type="missing_token")
    tokens: TokenCodec = state.tokens
    claims = tokens.verify(token)
    if claims.token_id in state.revoked_tokens:
        raise Unauthorized("token has been revoked", error_type="invalid_token")
    account: AccountState | None = await state.accounts.get(claims.subject)
    if account is None or account.disabled:
        raise Unauthorized("account does not exist or is disabled", error_type="invalid_token")
    # Scopes taken away since the token was issued no longer count.
    granted = claims.scopes & account.scopes
    missing = sorted(set(scopes) - granted)
    if missing:
        raise Forbidden(f"token lacks scope: {', '.join(missing)}", error_type="insufficient_scope")
    # Its own key: the JWT secret signs tokens and must not also make pseudonyms.
    secret = state.settings.pseudonym_key.get_secret_value()
    return Principal(claims.subject, granted, pseudonym(secret, claims.subject))


async def _principal(
    request: Request,
    security_scopes: SecurityScopes,
    token: Annotated[str | None, Depends(_bearer)],
) -> Principal:
    return await authenticate(request.app.state, token, security_scopes.scopes)


async def enforce_limits(
    state: Any, scope: Scope, names: tuple[str, ...], *, subject: str | None
) -> list[tuple[str, Any]]:
    """Count a request against the named rules; RateLimited (429) past one of them.

    Returns what was counted (`RateLimiter.refund` takes it back)."""
    rules: dict[str, Rule] = state.limit_rules
    limiter: RateLimiter = state.limiter
    ip = client_ip(scope, state.settings.trusted_proxies)
    return await limiter.hit(tuple(rules[name] for name in names), subject=subject, ip=ip)


def limited(*names: str, scope: str | None = None) -> Callable[..., Awaitable[None]]:
    """A dependency counting the request against the named rules (after authentication).

    Per-caller rules take the subject from the authenticated principal itself, so the key
    never depends on the order in which dependencies run.
    """
    if scope is None:

        async def by_ip(request: Request) -> None:
            await enforce_limits(request.app.state, request.scope, names, subject=None)

        return by_ip

    async def by_caller(
        request: Request, caller: Annotated[Principal, Security(_principal, scopes=[scope])]
    ) -> None:
        await enforce_limits(request.app.state, request.scope, names, subject=caller.subject)

    return by_caller


SettingsDep = Annotated[GatewaySettings, Depends(_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(_pool)]
TokensDep = Annotated[TokenCodec, Depends(_tokens)]
InferenceDep = Annotated[Upstream, Depends(get_inference)]
TrainingDep = Annotated[Upstream, Depends(get_training)]
DriftDep = Annotated[Upstream, Depends(get_drift)]
PseudonymsDep = Annotated[PseudonymKeys, Depends(_pseudonyms)]
PredictCaller = Annotated[Principal, Security(_principal, scopes=["predict"])]
AdminCaller = Annotated[Principal, Security(_principal, scopes=["admin"])]
# Router-wide limits (`APIRouter(dependencies=[...])`).
PREDICT_LIMITS = Depends(limited("predict", "per_ip", scope="predict"))
CALLER_PREDICT_LIMIT = Depends(limited("predict", scope="predict"))
ADMIN_LIMIT = Depends(limited("admin", scope="admin"))
AUTH_LIMIT = Depends(limited("auth"))
