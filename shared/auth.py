"""Access tokens: HS256 JWTs with every registered claim required and checked."""

import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from jose import jwt
from jose.exceptions import JOSEError

from shared.errors import Unauthorized

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32
_REQUIRED = ("exp", "iat", "sub", "aud", "iss")


class WeakSecretError(ValueError):
    """The signing secret is too short to be safe outside development."""


# Words that mark a value copied from an example rather than generated.
_PLACEHOLDER = re.compile(r"replace.?me|change.?me|example|placeholder|dev-only", re.I)
MIN_DISTINCT_CHARACTERS = 10


def check_secret(secret: str, *, environment: str, name: str = "JWT_SECRET") -> None:
    """Outside development, refuse a secret that is short, a placeholder or low in variety."""
    if environment == "dev":
        return
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise WeakSecretError(
            f"{name} must be at least {MIN_SECRET_BYTES} bytes outside ENVIRONMENT=dev"
        )
    if _PLACEHOLDER.search(secret) or len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        raise WeakSecretError(
            f"{name} looks like a placeholder: generate one, e.g. `openssl rand -hex 32`"
        )


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: str
    scopes: frozenset[str]
    expires_at: int
    token_id: str


@dataclass(frozen=True)
class TokenCodec:
    """Creates and verifies access tokens for one issuer and audience."""

    secret: str
    issuer: str = "ml-pipeline-gateway"
    audience: str = "ml-pipeline"
    ttl_s: int = 3600
    leeway_s: int = 30
    cache_size: int = 10_000
    # Verified claims by token: a signature check and claim validation cost ~50 µs, and the
    # same token comes back on every request until it expires.
    _verified: dict[str, TokenClaims] = field(default_factory=dict, compare=False, repr=False)

    def create(self, *, subject: str, scopes: list[str], now: float | None = None) -> str:
        """Sign a token for `subject` carrying `scopes`."""
        issued = int(now if now is not None else time.time())
        claims = {
            "sub": subject,
            "scope": " ".join(sorted(scopes)),
            "iat": issued,
            "exp": issued + self.ttl_s,
            "iss": self.issuer,
            "aud": self.audience,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> TokenClaims:
        """Decode and check a token (or reuse its unexpired verified claims)."""
        known = self._verified.get(token)
        if known is not None and known.expires_at + self.leeway_s > time.time():
            return known
        claims = self._decode(token)
        if len(self._verified) >= self.cache_size:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = claims
        return claims

    def _decode(self, token: str) -> TokenClaims:
        """Decode and check a token; any defect raises Unauthorized."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={f"require_{name}": True for name in _REQUIRED} | {"leeway": self.leeway_s},
            )
        # JOSEError covers JWTError and the JWKError an `alg: none` token raises.
        except JOSEError as exc:
            raise Unauthorized(f"invalid token: {exc}", error_type="invalid_token") from None
        if not isinstance(claims.get("iat"), int) or claims["iat"] > time.time() + self.leeway_s:
            raise Unauthorized("invalid token: issued in the future", error_type="invalid_token")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise Unauthorized("invalid token: bad subject", error_type="invalid_token")
        scope = claims.get("scope", "")
        return TokenClaims(
            subject=claims["sub"],
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
            expires_at=int(claims["exp"]),
            token_id=str(claims.get("jti", "")),
        )
