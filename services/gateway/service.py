"""Gateway behaviour: sign callers in and make sure the first admin exists."""

import logging

import anyio
import asyncpg

from services.gateway.passwords import hash_password, verify_password
from shared import audit
from shared.auth import TokenCodec
from shared.contract import printable_text
from shared.errors import Unauthorized
from shared.repositories import users

logger = logging.getLogger(__name__)

ALL_SCOPES = ("admin", "predict")


async def issue_token(
    *, pool: asyncpg.Pool, tokens: TokenCodec, username: str, password: str, scopes: list[str]
) -> tuple[str, list[str]]:
    """Check credentials; return a token for the granted scopes."""
    try:
        printable_text(username)
    except ValueError:  # no such user can exist; say no more than for a wrong password
        raise Unauthorized(
            "incorrect username or password", error_type="invalid_credentials"
        ) from None
    user = await users.get_user(pool, username)
    valid = await verify_password(user.password_hash if user else None, password)
    if not user or not valid or user.disabled:
        raise Unauthorized("incorrect username or password", error_type="invalid_credentials")
    # Asking for no scope means all the user has; asking for more is granted only what they have.
    granted = sorted(set(user.scopes) & set(scopes)) if scopes else sorted(user.scopes)
    if not granted:
        raise Unauthorized("none of the requested scopes is granted", error_type="invalid_scope")
    return tokens.create(subject=user.username, scopes=granted), granted


async def ensure_first_admin(
    *, pool: asyncpg.Pool, username: str | None, password: str | None
) -> None:
    """Create the first admin from ADMIN_USERNAME/ADMIN_PASSWORD while no user exists."""
    if not username or not password:
        if await users.count_users(pool) == 0:
            logger.warning("no users and no ADMIN_USERNAME/ADMIN_PASSWORD: nobody can sign in")
        return
    password_hash = await anyio.to_thread.run_sync(hash_password, password)
    created = await users.insert_first_user(
        pool, username=username, password_hash=password_hash, scopes=list(ALL_SCOPES)
    )
    if created:
        logger.info("first admin created", extra={"username": username})
        await audit.record(
            pool,
            "user.create",
            object_type="user",
            object_id=username,
            actor="gateway",
            actor_type="service",
            details={"scopes": list(ALL_SCOPES), "from": "ADMIN_USERNAME"},
        )
