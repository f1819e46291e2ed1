"""`POST /auth/token`: the OAuth2 password flow."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import OAuth2PasswordRequestForm

from services.gateway import service
from services.gateway.config import GatewaySettings
from services.gateway.dependencies import AUTH_LIMIT, PoolDep, TokensDep
from services.gateway.schemas import TokenResponse
from shared.errors import responses

FormDep = Annotated[OAuth2PasswordRequestForm, Depends()]


def build_router(settings: GatewaySettings) -> APIRouter:
    """Auth routes, rate-limited per client IP against password guessing."""
    router = APIRouter(tags=["auth"])

    @router.post(
        "/auth/token",
        summary="Get an access token",
        description="OAuth2 password flow: send `username` and `password` as form fields "
        "(`application/x-www-form-urlencoded`), optionally `scope` (space-separated: "
        "`predict`, `admin`). Returns a bearer token to send as `Authorization: Bearer …`. "
        f"Limited to {settings.rate_limit_auth} per client IP.",
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
        dependencies=[AUTH_LIMIT],
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
        form: FormDep, pool: PoolDep, tokens: TokensDep, response: Response
    ) -> TokenResponse:
        # A bearer token must not be kept by any cache between the client and us (RFC 6749 5.1).
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        access_token, granted = await service.issue_token(
            pool=pool,
            tokens=tokens,
            username=form.username,
            password=form.password,
            scopes=form.scopes,
        )
        return TokenResponse(
            access_token=access_token, expires_in=tokens.ttl_s, scope=" ".join(granted)
        )

    return router
