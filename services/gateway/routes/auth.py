"""`POST /auth/token` (the OAuth2 password flow) and `POST /auth/logout`."""

import hashlib
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm

from services.gateway import service
from services.gateway.config import GatewaySettings
from services.gateway.dependencies import (
    AUTH_LIMIT,
    SCOPES,
    PoolDep,
    TokensDep,
    authenticate,
    enforce_limits,
    limited,
)
from services.gateway.schemas import TokenResponse
from shared import audit
from shared.audit import Outcome
from shared.errors import Unauthorized, responses

FormDep = Annotated[OAuth2PasswordRequestForm, Depends()]
# The same scheme as every other route's (same name and scopes), so the document has one.
BearerDep = Annotated[
    str | None,
    Depends(OAuth2PasswordBearer(tokenUrl="/auth/token", scopes=SCOPES, auto_error=False)),
]


async def _limit_account(request: Request, form: FormDep) -> None:
    """Count a sign-in against the account it names, from whatever address it comes; `token`
    takes the count back when the password was right, so only failed attempts add up (a
    service account that signs in for each task is not locked out by its own successes)."""
    # A digest keeps the key short whatever was typed as a username.
    account = hashlib.sha256(form.username.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    request.state.account_attempt = await enforce_limits(
        request.app.state, request.scope, ("auth_account",), subject=account
    )


ACCOUNT_LIMIT = Depends(_limit_account)
LOGOUT_LIMIT = Depends(limited("per_ip"))


async def _audit_sign_in(pool: asyncpg.Pool, username: str, outcome: Outcome, note: str) -> None:
    # Bounded: whatever was typed as a username is stored, and it may be long.
    name = username[:200]
    detail = {"scopes": note} if outcome == "success" else {"reason": note}
    await audit.record(
        pool,
        "auth.sign_in",
        actor=name,
        actor_type="user",
        object_type="user",
        object_id=name,
        outcome=outcome,
        details=detail,
    )


def build_router(settings: GatewaySettings) -> APIRouter:
    """Auth routes, rate-limited per client IP against password guessing."""
    router = APIRouter(tags=["auth"])

    @router.post(
        "/auth/token",
        summary="Get an access token",
        description="OAuth2 password flow: send `username` and `password` as form fields "
        "(`application/x-www-form-urlencoded`), optionally `scope` (space-separated: "
        "`predict`, `admin`). Returns a bearer token to send as `Authorization: Bearer …`. "
        f"Limited to {settings.rate_limit_auth} per client IP and "
        f"{settings.rate_limit_auth_account} failed attempts per account.",
        responses={
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "access_token": "eyJhbGciOiJIUzI1NiIs…",  # nosec B105 # example
                            "token_type": "bearer",  # nosec B105 # not a secret
                            "expires_in": 3600,
                            "scope": "predict",
                        }
                    }
                }
            },
            **responses(401, 422, 429),
        },
        dependencies=[AUTH_LIMIT, ACCOUNT_LIMIT],
        openapi_extra={
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "example": {
                            "username": "alice",
                            "password": "correct horse battery staple",  # nosec B105 # example
                            "scope": "predict",
                        }
                    }
                }
            }
        },
    )
    async def token(
        request: Request, form: FormDep, pool: PoolDep, tokens: TokensDep, response: Response
    ) -> TokenResponse:
        # A bearer token must not be kept by any cache between the client and us (RFC 6749 5.1).
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        try:
            access_token, granted = await service.issue_token(
                pool=pool,
                tokens=tokens,
                username=form.username,
                password=form.password,
                scopes=form.scopes,
            )
        except Unauthorized as exc:
            await _audit_sign_in(pool, form.username, "failure", exc.error_type)
            raise
        await request.app.state.limiter.refund(request.state.account_attempt)
        await _audit_sign_in(pool, form.username, "success", " ".join(granted))
        # The account's state is now known here: serving can go on through a database outage.
        await request.app.state.accounts.get(form.username)
        return TokenResponse(
            access_token=access_token, expires_in=tokens.ttl_s, scope=" ".join(granted)
        )

    @router.post(
        "/auth/logout",
        status_code=204,
        summary="Revoke this token",
        description="Revokes the bearer token sent with the request: from then on it is refused "
        "with 401 by this replica at once and by every replica within "
        f"{settings.revocation_sync_interval_s:g} s, until it would have expired. Other tokens "
        "of the same user stay valid. Any scope.",
        responses=responses(401, 429),
        dependencies=[LOGOUT_LIMIT],
    )
    async def logout(request: Request, token: BearerDep, tokens: TokensDep) -> Response:
        await authenticate(request.app.state, token, [])
        claims = tokens.verify(token or "")
        if not claims.token_id:
            raise Unauthorized("token has no id to revoke", error_type="invalid_token")
        await request.app.state.revoked_tokens.revoke(
            claims.token_id, expires_at=claims.expires_at + tokens.leeway_s
        )
        return Response(status_code=204)

    return router
