"""Admin routes over gateway users: disable and enable an account."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import AfterValidator, BaseModel, Field

from services.gateway.config import GatewaySettings
from services.gateway.dependencies import ADMIN_LIMIT, AdminCaller, PoolDep
from services.gateway.users import set_user_disabled
from shared.contract import printable_text
from shared.errors import responses

# Control characters never reach Postgres (it refuses U+0000): 422 instead.
Username = Annotated[str, Path(min_length=1, max_length=200), AfterValidator(printable_text)]


class UserStatus(BaseModel):
    """A user's state after the change."""

    username: str = Field(examples=["bob"])
    disabled: bool = Field(examples=[True])


def build_router(settings: GatewaySettings) -> APIRouter:
    """User administration; needs scope `admin`."""
    router = APIRouter(prefix="/v1/users", tags=["users"], dependencies=[ADMIN_LIMIT])
    propagation = f"{settings.account_cache_ttl_s:g} s"

    @router.post(
        "/{username}/disable",
        response_model=UserStatus,
        summary="Disable a user",
        description="The user can no longer sign in, and every token they hold is refused with "
        f"401: at once by the replica that answers, by every replica within {propagation}. "
        "404 if there is no such user. Needs scope `admin`.",
        responses=responses(401, 403, 404, 422, 429, 503),
    )
    async def disable(
        username: Username, request: Request, pool: PoolDep, caller: AdminCaller
    ) -> UserStatus:
        return await _switch(request, pool, username, disabled=True, actor=caller.subject)

    @router.post(
        "/{username}/enable",
        response_model=UserStatus,
        summary="Enable a user again",
        description="Undoes a disable: the user can sign in, and their unexpired, unrevoked "
        f"tokens are accepted again (every replica within {propagation}). "
        "404 if there is no such user. Needs scope `admin`.",
        responses=responses(401, 403, 404, 422, 429, 503),
    )
    async def enable(
        username: Username, request: Request, pool: PoolDep, caller: AdminCaller
    ) -> UserStatus:
        return await _switch(request, pool, username, disabled=False, actor=caller.subject)

    return router


async def _switch(
    request: Request, pool: PoolDep, username: str, *, disabled: bool, actor: str
) -> UserStatus:
    await set_user_disabled(pool=pool, username=username, disabled=disabled, actor=actor)
    accounts = request.app.state.accounts
    accounts.forget(username)  # this replica sees the change on the next request
    return UserStatus(username=username, disabled=disabled)
