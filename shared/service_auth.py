"""Service-to-service credentials: short-lived tokens signed with SERVICE_KEY, one audience each.

Internal services believe no header or body field about who is calling. Every call between
services carries `Authorization: Bearer <token>`, an HS256 JWT signed with the service key
(never the user-facing JWT secret) and addressed to exactly one service (`aud`). The calling
service is the issuer; the person it acts for (a user's pseudonym on the serving paths, an
admin's name on admin paths) travels as `sub` with that person's scopes, so there is one way
of passing identity and it cannot be set by whoever reaches the port.
"""

import time
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from fastapi import Depends
from jose import jwt
from jose.exceptions import JOSEError

from shared.auth import ALGORITHM, WeakSecretError, check_secret
from shared.errors import Unauthorized

# Who may sign: the four services, and the scheduled jobs (`python -m shared.service_call`).
SERVICES = ("gateway", "inference", "training", "drift", "scheduler")
TOKEN_TYPE = "service"  # nosec B105 # a token type name, not a secret
_ISSUER_PREFIX = "ml-pipeline/"
_REQUIRED = ("exp", "iat", "sub", "aud", "iss")
MAX_TTL_S = 3600


@dataclass(frozen=True, slots=True)
class ServiceCaller:
    """Who is calling an internal route: the service, and the person it acts for (if any)."""

    service: str
    subject: str | None
    scopes: frozenset[str]

    @property
    def actor(self) -> str:
        """The name recorded in audit trails: the person, or the service acting on its own."""
        return self.subject or self.service


caller_var: ContextVar[ServiceCaller | None] = ContextVar("service_caller", default=None)


def check_service_key(key: str, *, environment: str, jwt_secret: str | None = None) -> None:
    """Refuse a missing, weak (outside dev) or reused service key."""
    if not key:
        raise WeakSecretError(
            "SERVICE_KEY is required: every internal call is signed with it "
            "(generate one, e.g. `openssl rand -hex 32`)"
        )
    check_secret(key, environment=environment, name="SERVICE_KEY")
    if jwt_secret is not None and key == jwt_secret:
        raise WeakSecretError("SERVICE_KEY must differ from JWT_SECRET")


@dataclass
class ServiceCredentials:
    """Mints this service's outgoing tokens and verifies incoming ones."""

    key: str
    service: str
    ttl_s: int = 300
    # A cached token is reused until this many seconds before it expires.
    renew_before_s: int = 60
    leeway_s: int = 10
    cache_size: int = 10_000
    _minted: dict[tuple[str, str | None, str], tuple[str, float]] = field(
        default_factory=dict, repr=False
    )
    _verified: dict[str, tuple[ServiceCaller, str, float]] = field(default_factory=dict, repr=False)

    def mint(self, audience: str, *, subject: str | None = None, scopes: Iterable[str] = ()) -> str:
        """A token for calling `audience` on behalf of `subject` (reused while fresh)."""
        scope = " ".join(sorted(scopes))
        key = (audience, subject, scope)
        now = time.time()
        known = self._minted.get(key)
        if known is not None and known[1] - min(self.renew_before_s, self.ttl_s / 2) > now:
            return known[0]
        issued = int(now)
        claims = {
            "iss": _ISSUER_PREFIX + self.service,
            "aud": _ISSUER_PREFIX + audience,
            "sub": subject or self.service,
            "act": subject is not None,
            "scope": scope,
            "typ": TOKEN_TYPE,
            "iat": issued,
            "exp": issued + self.ttl_s,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self.key, algorithm=ALGORITHM)
        _bounded_put(self._minted, key, (token, float(issued + self.ttl_s)), self.cache_size)
        return token

    def authorization(
        self, audience: str, *, subject: str | None = None, scopes: Iterable[str] = ()
    ) -> dict[str, str]:
        """The `Authorization` header for one call to `audience`."""
        return {"Authorization": "Bearer " + self.mint(audience, subject=subject, scopes=scopes)}

    def verify(self, token: str, *, audience: str) -> ServiceCaller:
        """The caller behind a token addressed to `audience`; Unauthorized otherwise."""
        known = self._verified.get(token)
        if known is not None and known[1] == audience and known[2] + self.leeway_s > time.time():
            return known[0]
        caller, expires_at = self._decode(token, audience)
        _bounded_put(self._verified, token, (caller, audience, expires_at), self.cache_size)
        return caller

    def _decode(self, token: str, audience: str) -> tuple[ServiceCaller, float]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                audience=_ISSUER_PREFIX + audience,
                options={f"require_{name}": True for name in _REQUIRED} | {"leeway": self.leeway_s},
            )
        except JOSEError as exc:  # covers the JWKError an `alg: none` token raises
            raise _invalid(str(exc)) from None
        issuer = claims.get("iss")
        service = issuer[len(_ISSUER_PREFIX) :] if isinstance(issuer, str) else ""
        if service not in SERVICES or claims.get("typ") != TOKEN_TYPE:
            raise _invalid("not a service token")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int) or iat > time.time() + 10:
            raise _invalid("bad issue time")
        if exp - iat > MAX_TTL_S:  # a long-lived token was not minted by a service
            raise _invalid("lifetime too long")
        subject, scope = claims.get("sub"), claims.get("scope", "")
        if not isinstance(subject, str) or not subject or not isinstance(scope, str):
            raise _invalid("bad subject")
        on_behalf = claims.get("act") is True
        caller = ServiceCaller(service, subject if on_behalf else None, frozenset(scope.split()))
        return caller, float(exp)


def _invalid(reason: str) -> Unauthorized:
    return Unauthorized(f"invalid service credential: {reason}", error_type="invalid_credential")


def _bounded_put(cache: dict[Any, Any], key: Any, value: Any, size: int) -> None:
    if key not in cache and len(cache) >= size:
        del cache[next(iter(cache))]  # the oldest entry
    cache[key] = value


class ServiceAuth(httpx.Auth):
    """httpx auth for a client that calls one internal service as this service itself."""

    def __init__(self, credentials: ServiceCredentials, audience: str) -> None:
        self.credentials = credentials
        self.audience = audience

    def auth_flow(self, request: httpx.Request) -> Any:
        if "Authorization" not in request.headers:
            request.headers.update(self.credentials.authorization(self.audience))
        yield request


class ServiceGuard:
    """The check the edge layer runs on an internal service: a valid service token or 401."""

    # Probes and scrapes come from the platform (kubelet, Prometheus), not from services.
    OPEN_PATHS = frozenset({"/health/live", "/health/ready", "/metrics"})

    def __init__(self, credentials: ServiceCredentials, audience: str) -> None:
        self.credentials = credentials
        self.audience = audience

    def check(self, path: str, authorization: bytes | None) -> ServiceCaller | None:
        """The verified caller; None on an open path; Unauthorized otherwise."""
        if path in self.OPEN_PATHS:
            return None
        scheme, _, token = (authorization or b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "this internal service needs a service credential",
                error_type="missing_credential",
            )
        return self.credentials.verify(token.strip(), audience=self.audience)


async def current_caller() -> ServiceCaller:
    """The verified caller of the request being handled (set by the edge layer)."""
    caller = caller_var.get()
    if caller is None:
        raise Unauthorized(
            "this internal service needs a service credential", error_type="missing_credential"
        )
    return caller


# Routes of internal services name their caller with this (never with a header or body field).
CallerDep = Annotated[ServiceCaller, Depends(current_caller)]
